/**
 * The few panel shapes the platform's dashboards use, so each dashboard reads as a
 * list of questions ("how many users?", "is capacity ahead of load?") and queries.
 */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/** The provisioned datasource (templates/monitoring/grafana/datasources.yml). */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

export interface Query {
  readonly expr: string;
  /** Series name in the legend; `{{label}}` takes a label's value. */
  readonly legend: string;
}

export interface PanelOptions {
  readonly unit?: string;
  /** Grid columns out of 24. @default 12 for graphs, 4 for stats */
  readonly width?: number;
  readonly min?: number;
  readonly max?: number;
  readonly description?: string;
}

function targets(queries: readonly Query[], instant: boolean): DataqueryBuilder[] {
  return queries.map((query, index) => {
    const target = new DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr)
      .legendFormat(query.legend);
    return instant ? target.instant() : target.range();
  });
}

export function graph(title: string, queries: readonly Query[], options: PanelOptions = {}): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(title)
    .datasource(PROMETHEUS)
    .unit(options.unit ?? 'short')
    .span(options.width ?? 12)
    .height(8)
    .fillOpacity(10)
    .lineWidth(2);
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  if (options.description) panel.description(options.description);
  targets(queries, false).forEach((target) => panel.withTarget(target));
  return panel;
}

export function stat(title: string, query: Query, options: PanelOptions = {}): StatPanel {
  const panel = new StatPanel()
    .title(title)
    .datasource(PROMETHEUS)
    .unit(options.unit ?? 'short')
    .span(options.width ?? 4)
    .height(4);
  if (options.description) panel.description(options.description);
  targets([query], true).forEach((target) => panel.withTarget(target));
  return panel;
}
