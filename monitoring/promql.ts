/**
 * PromQL checks for dashboards and rules: does a query parse, and which metric
 * names does it read. Uses the parser of Prometheus' own web UI.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlAnalysis {
  /** Character offsets where the parser found an error; empty when the query parses. */
  readonly errorOffsets: number[];
  readonly metrics: string[];
}

export function analysePromql(expr: string): PromqlAnalysis {
  const errorOffsets: number[] = [];
  const metrics = new Set<string>();
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errorOffsets.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.add(expr.slice(node.from, node.to));
    },
  });
  return { errorOffsets, metrics: [...metrics].sort() };
}

/** Grafana variables a dashboard query may use, replaced the way Grafana would before sending it. */
export function expandGrafanaVariables(expr: string, values: Readonly<Record<string, string>> = {}): string {
  const builtins: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '1h' };
  return expr.replace(/\$(\w+)|\$\{(\w+)\}/g, (_match, plain: string | undefined, braced: string | undefined) => {
    const name = (plain ?? braced) as string;
    const value = values[name] ?? builtins[name];
    if (value === undefined) throw new Error(`unknown Grafana variable $${name} in: ${expr}`);
    return value;
  });
}
