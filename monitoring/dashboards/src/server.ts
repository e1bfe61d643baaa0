/** One server in detail, chosen with the `instance` variable (the IONOS server name). */
import { DashboardBuilder, QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS, graph, stat } from './panels';

const NETWORK_DEVICES = 'device!~"lo|docker.*|veth.*|br-.*"';
const RECORDINGS_PENDING =
  'Unfinished: recorded meetings not yet archived, processed, published and copied to Scalelite. The autoscaler does not stop the server while any are left.';
const RECORDINGS_FAILED = 'Failed: recordings a step gave up on; `bbb-record --list` on the server shows them.';

export function serverDashboard(): DashboardBuilder {
  const instance = new QueryVariableBuilder('instance')
    .label('Server')
    .datasource(PROMETHEUS)
    .query('label_values(up{job="node"}, instance)')
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);

  return new DashboardBuilder('BBB server')
    .uid('bbb-server')
    .tags(['bigbluebutton', 'server'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withVariable(instance)
    .withPanel(stat('BBB API', { expr: 'bbb_api_up{instance="$instance"}', legend: 'api' }, { unit: 'bool_yes_no' }))
    .withPanel(stat('Participants', { expr: 'bbb_meetings_participants{instance="$instance"}', legend: 'participants' }))
    .withPanel(stat('Meetings', { expr: 'bbb_meetings{instance="$instance"}', legend: 'meetings' }))
    .withPanel(stat('Webcams', { expr: 'bbb_meetings_video_participants{instance="$instance"}', legend: 'webcams' }))
    .withPanel(stat('Recordings unfinished', { expr: 'bbb_platform_recordings_pending{instance="$instance"}', legend: 'unfinished' }, { description: RECORDINGS_PENDING }))
    .withPanel(stat('Recordings failed', { expr: 'bbb_platform_recordings_failed{instance="$instance"}', legend: 'failed' }, { description: RECORDINGS_FAILED }))
    .withPanel(
      graph('CPU', [{ expr: 'instance:cpu_utilisation:rate1m{instance="$instance"}', legend: 'busy' }], { unit: 'percentunit', min: 0, max: 1 }),
    )
    .withPanel(
      graph(
        'Memory and load',
        [
          { expr: 'instance:memory_utilisation:ratio{instance="$instance"}', legend: 'memory used' },
          { expr: 'node_load1{instance="$instance"}', legend: 'load1' },
        ],
        { min: 0 },
      ),
    )
    .withPanel(
      graph(
        'Network',
        [
          { expr: `sum(rate(node_network_receive_bytes_total{instance="$instance", ${NETWORK_DEVICES}}[$__rate_interval])) * 8`, legend: 'in' },
          { expr: `sum(rate(node_network_transmit_bytes_total{instance="$instance", ${NETWORK_DEVICES}}[$__rate_interval])) * 8`, legend: 'out' },
        ],
        { unit: 'bps', min: 0, description: 'BBB needs about 250 Mbit/s per server at full load.' },
      ),
    )
    .withPanel(
      graph('Free disk', [{ expr: 'instance:filesystem_free:ratio{instance="$instance"}', legend: '{{mountpoint}}' }], { unit: 'percentunit', min: 0, max: 1 }),
    )
    .withPanel(
      graph(
        'Meeting participants',
        [
          { expr: 'bbb_meetings_participants{instance="$instance"}', legend: 'participants' },
          { expr: 'bbb_meetings_voice_participants{instance="$instance"}', legend: 'microphones' },
          { expr: 'bbb_meetings_listeners{instance="$instance"}', legend: 'listen only' },
          { expr: 'bbb_meetings_video_participants{instance="$instance"}', legend: 'webcams' },
        ],
        { min: 0 },
      ),
    )
    .withPanel(
      graph(
        'Recordings',
        [
          { expr: 'bbb_platform_recordings_pending{instance="$instance"}', legend: 'unfinished' },
          { expr: 'bbb_platform_recordings_failed{instance="$instance"}', legend: 'failed' },
        ],
        { min: 0, description: `${RECORDINGS_PENDING} ${RECORDINGS_FAILED}` },
      ),
    );
}
