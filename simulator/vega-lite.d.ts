/**
 * vega-lite publishes its types only through package.json "exports", which the
 * project's `moduleResolution: node` does not read; this is the part the chart uses.
 */
declare module 'vega-lite' {
  import type { Spec } from 'vega';

  export function compile(spec: Record<string, unknown>): { spec: Spec };
}
