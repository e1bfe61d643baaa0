/**
 * Draws a dashboard as an SVG picture with vega-lite: panels keep their grid
 * position and size; a graph panel becomes a line chart of its series, a stat panel
 * its last value. Grafana is not needed, so the pictures can be made offline.
 */
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { panelQueries } from '../src';

/** One series of a panel: its legend and [unix seconds, value] points. */
export interface PanelSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

const COLUMN_PX = 58;
const ROW_PX = 34;

function formatValue(value: number, unit: string | undefined): string {
  if (unit === 'percentunit') return `${(value * 100).toFixed(0)}%`;
  if (unit === 'bool_yes_no') return value >= 1 ? 'Yes' : 'No';
  if (unit === 's') return `${value.toFixed(0)} s`;
  if (unit === 'h') return `${value.toFixed(1)} h`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

type Spec = Record<string, unknown>;

export interface PictureOptions {
  /** Local time is UTC plus this many hours; axes show local time. */
  readonly utcOffsetHours: number;
  /** Unix seconds whose value stat panels show. */
  readonly statAt: number;
}

function valueAt(points: PanelSeries['points'], at: number): number | undefined {
  let value: number | undefined;
  for (const [time, point] of points) if (time <= at) value = point;
  return value;
}

function panelSpec(panel: Panel, series: readonly PanelSeries[], options: PictureOptions): Spec {
  const { w, h } = panel.gridPos ?? { w: 12, h: 8 };
  const width = w * COLUMN_PX - 40;
  const height = h * ROW_PX - 60;
  const unit = panel.fieldConfig?.defaults?.unit;
  const title = { text: panel.title ?? '', anchor: 'start' as const, fontSize: 13 };
  if (panel.type === 'stat') {
    const last = series[0] ? valueAt(series[0].points, options.statAt) : undefined;
    return {
      title,
      width,
      height,
      data: { values: [{ text: last === undefined ? 'No data' : formatValue(last, unit) }] },
      mark: { type: 'text', fontSize: 34, fontWeight: 'bold', color: '#3274d9' },
      encoding: { text: { field: 'text', type: 'nominal' } },
    };
  }
  const shiftMs = options.utcOffsetHours * 3600 * 1000;
  const values = series.flatMap((s) => s.points.map(([time, value]) => ({ series: s.name, time: time * 1000 + shiftMs, value })));
  return {
    title,
    width,
    height,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null, scale: { type: 'utc' }, axis: { format: '%H:%M', labelFontSize: 9 } },
      y: { field: 'value', type: 'quantitative', title: null, axis: { labelFontSize: 9, format: unit === 'percentunit' ? '.0%' : '~s' } },
      color: { field: 'series', type: 'nominal', legend: { orient: 'bottom', title: null, labelFontSize: 9, columns: 4, symbolLimit: 12 } },
    },
  };
}

function localTime(unixSeconds: number, utcOffsetHours: number): string {
  return new Date((unixSeconds + utcOffsetHours * 3600) * 1000).toISOString().slice(11, 16);
}

/** The dashboard as one SVG document; `seriesOf` gives each panel's data in query order. */
export async function dashboardSvg(dashboard: Dashboard, seriesOf: (panel: Panel) => readonly PanelSeries[], options: PictureOptions): Promise<string> {
  const panels = (dashboard.panels ?? []).filter((panel): panel is Panel => 'targets' in panel && panelQueries({ ...dashboard, panels: [panel] }).length > 0);
  const rows = new Map<number, Panel[]>();
  for (const panel of panels) {
    const y = panel.gridPos?.y ?? 0;
    rows.set(y, [...(rows.get(y) ?? []), panel]);
  }
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: dashboard.title ?? '', subtitle: `a synthetic school day; numbers at ${localTime(options.statAt, options.utcOffsetHours)}`, fontSize: 18, anchor: 'start' },
    background: 'white',
    config: { view: { stroke: '#ddd' }, font: 'sans-serif' },
    vconcat: [...rows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, row]) => ({ hconcat: row.sort((a, b) => (a.gridPos?.x ?? 0) - (b.gridPos?.x ?? 0)).map((panel) => panelSpec(panel, seriesOf(panel), options)), resolve: { scale: { color: 'independent' } } })),
    resolve: { scale: { color: 'independent' } },
  };
  // vega and vega-lite are ES modules only; this project compiles to CommonJS.
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const view = new vega.View(vega.parse(vegaLite.compile(spec as never).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
