/** The whole platform at a glance: users, meetings, servers, capacity against load, and patch state. */
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { graph, stat } from './panels';

/** Each server's last report of the past week: a stopped BBB server keeps the state it last reported. */
const lastReport = (metric: string) => `last_over_time(${metric}[7d])`;

export function platformDashboard(): DashboardBuilder {
  return new DashboardBuilder('BBB platform overview')
    .uid('bbb-platform')
    .tags(['bigbluebutton', 'platform'])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withPanel(stat('Concurrent users', { expr: 'bbb:participants:total', legend: 'users' }))
    .withPanel(stat('Meetings', { expr: 'bbb:meetings:total', legend: 'meetings' }))
    .withPanel(stat('Webcams', { expr: 'bbb:webcams:total', legend: 'webcams' }))
    .withPanel(
      stat('BBB servers running', { expr: 'bbb:servers:running', legend: 'running' }, { description: 'Powered on; discovery ignores stopped servers.' }),
    )
    .withPanel(
      stat(
        'Cordoned / draining',
        { expr: 'clamp_min(max(bbb_autoscaler_running_servers) - max(bbb_autoscaler_desired_servers), 0)', legend: 'draining' },
        { description: 'Running servers beyond what the autoscaler wants enabled: cordoned, waiting for meetings and recordings to finish.' },
      ),
    )
    .withPanel(
      stat('BBB servers stopped', { expr: 'platform:bbb_pool_size - bbb:servers:running', legend: 'stopped' }, { description: 'Provisioned pool servers that are powered off.' }),
    )
    .withPanel(
      graph(
        'Load against running capacity',
        [
          { expr: 'bbb:load:total', legend: 'load (participants + 3 × webcams)' },
          { expr: 'max(bbb_autoscaler_capacity_weighted)', legend: 'running capacity' },
        ],
        { min: 0, description: 'When load nears capacity the autoscaler starts servers; CapacityHeadroomLow fires above 90%.' },
      ),
    )
    .withPanel(
      graph(
        'Users and webcams',
        [
          { expr: 'bbb:participants:total', legend: 'users' },
          { expr: 'bbb:webcams:total', legend: 'webcams' },
          { expr: 'bbb:meetings:total', legend: 'meetings' },
        ],
        { min: 0 },
      ),
    )
    .withPanel(graph('Participants per server', [{ expr: 'bbb:participants:by_server', legend: '{{instance}}' }], { min: 0 }))
    .withPanel(
      graph('CPU per BBB server', [{ expr: 'instance:cpu_utilisation:rate1m and on (instance) up{job="node", role="bbb"} == 1', legend: '{{instance}}' }], {
        unit: 'percentunit',
        min: 0,
        max: 1,
        description: 'Audio degrades above 80%.',
      }),
    )
    .withPanel(
      graph('Public endpoints up', [{ expr: 'probe_success', legend: '{{endpoint}}' }], { unit: 'bool_yes_no', min: 0, max: 1 }),
    )
    .withPanel(
      graph('Days until certificates expire', [{ expr: '(probe_ssl_earliest_cert_expiry - time()) / 86400', legend: '{{endpoint}}' }], {
        unit: 'd',
        min: 0,
      }),
    )
    .withPanel(
      stat('Servers with security updates', { expr: `count(${lastReport('platform_security_updates_pending')} > 0) or vector(0)`, legend: 'servers' }, {
        width: 6,
        description: 'Servers whose last report (within 7 days) lists security updates not yet installed.',
      }),
    )
    .withPanel(
      stat('Servers waiting for a reboot', { expr: `count(${lastReport('platform_reboot_required')} == 1) or vector(0)`, legend: 'servers' }, {
        width: 6,
        description: 'An installed update (kernel, C library) takes effect with the next reboot.',
      }),
    )
    .withPanel(
      stat('Failed maintenance runs', { expr: `count(${lastReport('platform_maintenance_last_run_success')} == 0) or vector(0)`, legend: 'servers' }, {
        width: 6,
        description: 'Servers whose last maintenance run failed; MaintenanceFailed names them.',
      }),
    )
    .withPanel(
      stat('Last maintenance', { expr: `(time() - max(${lastReport('platform_maintenance_last_success_timestamp_seconds')})) / 3600`, legend: 'hours ago' }, {
        unit: 'h',
        width: 6,
        description: 'Hours since the latest successful maintenance run on any server.',
      }),
    )
    .withPanel(
      graph('Security updates pending per server', [{ expr: lastReport('platform_security_updates_pending'), legend: '{{instance}}' }], {
        min: 0,
        width: 24,
        description: 'As each server last reported within 7 days: a stopped BBB server keeps the state it had when it last ran.',
      }),
    );
}
