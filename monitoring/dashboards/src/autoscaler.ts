/** What the autoscaler decided and why: desired against running, load, errors, the maintenance cycle, tick time. */
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { graph, stat } from './panels';

export function autoscalerDashboard(): DashboardBuilder {
  return new DashboardBuilder('BBB autoscaler')
    .uid('bbb-autoscaler')
    .tags(['bigbluebutton', 'autoscaler'])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withPanel(stat('Desired servers', { expr: 'max(bbb_autoscaler_desired_servers)', legend: 'desired' }))
    .withPanel(stat('Running servers', { expr: 'max(bbb_autoscaler_running_servers)', legend: 'running' }))
    .withPanel(stat('Pool size', { expr: 'platform:bbb_pool_size', legend: 'pool' }))
    .withPanel(
      stat('Since last successful tick', { expr: 'time() - max(bbb_autoscaler_last_success_timestamp_seconds)', legend: 'age' }, { unit: 's' }),
    )
    .withPanel(
      stat('Errors (1h)', { expr: 'sum(increase(bbb_autoscaler_errors_total[1h]))', legend: 'errors' }, { width: 8 }),
    )
    .withPanel(
      graph(
        'Desired against running',
        [
          { expr: 'max(bbb_autoscaler_desired_servers)', legend: 'desired' },
          { expr: 'max(bbb_autoscaler_running_servers)', legend: 'running' },
          { expr: 'platform:bbb_min_running', legend: 'minimum' },
        ],
        { min: 0 },
      ),
    )
    .withPanel(
      graph(
        'Load the decisions planned for',
        [
          { expr: 'max(bbb_autoscaler_load_weighted)', legend: 'planned load' },
          { expr: 'max(bbb_autoscaler_capacity_weighted)', legend: 'capacity' },
          { expr: 'bbb:load:total', legend: 'measured load' },
        ],
        { min: 0 },
      ),
    )
    .withPanel(
      graph('Decisions', [{ expr: 'sum by (action) (increase(bbb_autoscaler_decisions_total[$__rate_interval]))', legend: '{{action}}' }], { min: 0 }),
    )
    .withPanel(
      graph('Errors by source', [{ expr: 'sum by (source) (increase(bbb_autoscaler_errors_total[$__rate_interval]))', legend: '{{source}}' }], { min: 0 }),
    )
    .withPanel(
      stat('Patched in the last cycle', { expr: 'max(bbb_autoscaler_maintenance_cycle_servers{state="patched"})', legend: 'servers' }, {
        width: 6,
        description: 'BBB servers the last maintenance cycle patched (updated, rebooted when required, checked), stopped ones included.',
      }),
    )
    .withPanel(
      stat('Not patched in the last cycle', { expr: 'sum(max by (state) (bbb_autoscaler_maintenance_cycle_servers{state=~"failed|skipped|missed"}))', legend: 'servers' }, {
        width: 6,
        description: 'Servers due that the last cycle did not patch: failed, skipped (busy, not ready, no maintenance verbs) or never begun; MaintenanceCycleIncomplete names them.',
      }),
    )
    .withPanel(
      stat('Held after a failed maintenance', { expr: 'sum(max by (server) (bbb_autoscaler_maintenance_held))', legend: 'servers' }, {
        width: 6,
        description: 'Servers the autoscaler keeps out of rotation until an operator releases them (autoscaler.js release).',
      }),
    )
    .withPanel(
      stat('Since the last window closed', { expr: 'time() - max(bbb_autoscaler_maintenance_cycle_end_timestamp_seconds)', legend: 'age' }, { width: 6, unit: 's' }),
    )
    .withPanel(
      graph('Maintenance cycle', [{ expr: 'max by (state) (bbb_autoscaler_maintenance_cycle_servers)', legend: '{{state}}' }], {
        min: 0,
        description: 'Pool servers by their state in the maintenance cycle now or last.',
      }),
    )
    .withPanel(
      graph('Days since each server was patched', [{ expr: '(time() - max by (server) (bbb_autoscaler_maintenance_patched_timestamp_seconds)) / 86400', legend: '{{server}}' }], {
        min: 0,
        description: 'From the autoscaler, so stopped servers show too.',
      }),
    )
    .withPanel(
      graph(
        'Tick duration',
        [
          { expr: 'histogram_quantile(0.5, sum by (le) (rate(bbb_autoscaler_tick_duration_seconds_bucket[$__rate_interval])))', legend: 'median' },
          { expr: 'histogram_quantile(0.95, sum by (le) (rate(bbb_autoscaler_tick_duration_seconds_bucket[$__rate_interval])))', legend: 'p95' },
        ],
        { unit: 's', min: 0, width: 24 },
      ),
    );
}
