/** Every dashboard, by the file name Grafana's provisioning reads it from. */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { autoscalerDashboard } from './autoscaler';
import { platformDashboard } from './platform';
import { serverDashboard } from './server';

export function buildDashboards(options: { autoscaler: boolean } = { autoscaler: true }): Record<string, Dashboard> {
  return {
    'platform.json': platformDashboard().build(),
    'server.json': serverDashboard().build(),
    ...(options.autoscaler ? { 'autoscaler.json': autoscalerDashboard().build() } : {}),
  };
}

/** The file content: stable key order from the builders, two-space indent, final newline. */
export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

export interface PanelQuery {
  readonly panel: string;
  readonly legend: string;
  readonly expr: string;
}

/** Every Prometheus query of a dashboard, with the panel it belongs to. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return (dashboard.panels ?? []).flatMap((panel) => {
    if (!('targets' in panel)) return [];
    return (panel.targets ?? []).map((target) => {
      const query = target as unknown as { expr: string; legendFormat?: string };
      return { panel: panel.title ?? '', legend: query.legendFormat ?? '', expr: query.expr };
    });
  });
}
