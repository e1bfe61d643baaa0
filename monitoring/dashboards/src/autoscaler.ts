/** What the autoscaler decided and why: desired against running, load, errors, tick time. */
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
