/**
 * The day as a picture: weighted load against the capacity each policy keeps running,
 * one panel per policy, rendered by vega-lite + vega's headless SVG renderer.
 */
import type { Simulation } from './simulate';

/** Points per hour; one per 5 minutes keeps the SVG small and the shape intact. */
const STEP_MINUTES = 5;

export async function chartSvg(simulation: Simulation, title: string): Promise<string> {
  const values: { hour: number; policy: string; series: string; value: number }[] = [];
  for (const run of simulation.runs) {
    for (let minute = 0; minute < run.minutes.length; minute += STEP_MINUTES) {
      const bucket = run.minutes.slice(minute, minute + STEP_MINUTES);
      const hour = minute / 60;
      // Highest load and lowest capacity of the bucket: a short overload stays visible.
      values.push({ hour, policy: run.policy, series: 'load', value: Math.max(...bucket.map((stats) => stats.load)) });
      values.push({ hour, policy: run.policy, series: 'capacity', value: Math.min(...bucket.map((stats) => stats.capacity)) });
    }
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // The unit once for the chart: a y-axis title per panel is longer than the panel is
    // high, and the titles of neighbouring panels run into one another.
    title: { text: title, subtitle: 'weighted participants: load and the capacity of running servers, one panel per policy' },
    data: { values },
    facet: { row: { field: 'policy', type: 'nominal', sort: simulation.runs.map((run) => run.policy), title: null } },
    spec: {
      width: 720,
      height: 110,
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'hour', type: 'quantitative', scale: { domain: [0, 24 * simulation.days] }, axis: { values: hourTicks(simulation.days), title: simulation.days === 1 ? 'hour of day' : 'hour' } },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'series', type: 'nominal', scale: { domain: ['load', 'capacity'], range: ['#d62728', '#1f77b4'] }, title: null },
      },
    },
    resolve: { scale: { y: 'shared' } },
  };
  // Both packages are ES modules with top-level await: only import() can load them.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Every 3 hours over one day, every 24 over several. */
function hourTicks(days: number): number[] {
  const step = days === 1 ? 3 : 24;
  return Array.from({ length: (24 * days) / step + 1 }, (_, index) => index * step);
}
