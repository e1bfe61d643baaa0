import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboards, dashboardJson, panelQueries } from '../../monitoring/dashboards/src';
import { EXPORTED_METRICS } from '../../monitoring/metrics';
import { analysePromql, expandGrafanaVariables } from '../../monitoring/promql';
import { recordedMetricNames } from '../../monitoring/rules';
import { ROOT, exampleConfig } from './fixtures';

const DASHBOARDS_DIR = path.join(ROOT, 'monitoring', 'dashboards');
const dashboards = buildDashboards();

const allQueries = Object.entries(dashboards).flatMap(([file, dashboard]) =>
  panelQueries(dashboard).map((query) => ({ file, ...query, expanded: expandGrafanaVariables(query.expr, { instance: 'example-bbb-01' }) })),
);

describe('dashboards', () => {
  it('are committed exactly as `npm run dashboards` generates them', () => {
    const committed = readdirSync(DASHBOARDS_DIR).filter((name) => name.endsWith('.json')).sort();
    expect(committed).toEqual(Object.keys(dashboards).sort());
    for (const [file, dashboard] of Object.entries(dashboards)) {
      expect({ file, json: readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8') }).toEqual({ file, json: dashboardJson(dashboard) });
    }
  });

  it('have unique uids and read the provisioned Prometheus datasource', () => {
    const uids = Object.values(dashboards).map((dashboard) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const dashboard of Object.values(dashboards)) {
      for (const panel of dashboard.panels ?? []) expect((panel as Panel).datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
    }
  });

  it('lay panels inside the 24-column grid without overlap', () => {
    for (const dashboard of Object.values(dashboards)) {
      const cells = new Set<string>();
      for (const panel of dashboard.panels ?? []) {
        const { x, y, w, h } = (panel as Panel).gridPos ?? { x: 0, y: 0, w: 0, h: 0 };
        expect(x + w).toBeLessThanOrEqual(24);
        for (let col = x; col < x + w; col++) {
          for (let row = y; row < y + h; row++) {
            const cell = `${col},${row}`;
            expect(cells.has(cell)).toBe(false);
            cells.add(cell);
          }
        }
      }
    }
  });

  it('show the platform overview, one server, and the autoscaler', () => {
    const titles = (file: string) => (dashboards[file].panels ?? []).map((panel) => (panel as Panel).title);
    expect(titles('platform.json')).toEqual(
      expect.arrayContaining(['Concurrent users', 'Meetings', 'Webcams', 'BBB servers running', 'Cordoned / draining', 'BBB servers stopped', 'Load against running capacity']),
    );
    expect(titles('server.json')).toEqual(expect.arrayContaining(['CPU', 'Memory and load', 'Network', 'Meeting participants']));
    expect(titles('autoscaler.json')).toEqual(expect.arrayContaining(['Desired against running', 'Decisions', 'Errors by source', 'Tick duration']));
    expect(dashboards['server.json'].templating?.list).toEqual([
      expect.objectContaining({ name: 'instance', query: 'label_values(up{job="node"}, instance)' }),
    ]);
  });

  it('leave the autoscaler dashboard out when the autoscaler is disabled', () => {
    expect(Object.keys(buildDashboards({ autoscaler: false }))).toEqual(['platform.json', 'server.json']);
  });

  it.each(allQueries.map((query) => [`${query.file} / ${query.panel}`, query] as const))('%s: query parses as PromQL', (_, query) => {
    expect({ expr: query.expanded, errorOffsets: analysePromql(query.expanded).errorOffsets }).toEqual({ expr: query.expanded, errorOffsets: [] });
  });

  it('query only metrics the exporters expose or a recording rule defines', () => {
    const known = new Set([...EXPORTED_METRICS, ...recordedMetricNames(exampleConfig())]);
    const unknown = allQueries.flatMap((query) =>
      analysePromql(query.expanded)
        .metrics.filter((metric) => !known.has(metric))
        .map((metric) => `${query.file} / ${query.panel}: ${metric}`),
    );
    expect(unknown).toEqual([]);
    expect(allQueries.length).toBeGreaterThan(30);
  });

  it('the PromQL check itself catches a broken query and an unknown variable', () => {
    expect(analysePromql('sum(rate(bbb_meetings[5m])').errorOffsets.length).toBeGreaterThan(0);
    expect(() => expandGrafanaVariables('up{instance="$server"}')).toThrow('unknown Grafana variable $server');
  });
});
