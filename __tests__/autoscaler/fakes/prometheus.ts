/**
 * A fake of Prometheus' instant-query API (GET /api/v1/query) that answers the PromQL
 * the autoscaler sends from a table of series, in Prometheus' JSON shapes (vector,
 * scalar, error with errorType). The end-to-end test runs the real Prometheus instead.
 */
import { type FakeRequest, type FakeResponse, Faults } from './transport';

export interface FakeSeries {
  readonly labels: Record<string, string>;
  readonly value: number;
}

export type QueryTable = (query: string, timeSeconds: number) => FakeSeries[] | undefined;

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export class FakePrometheus {
  readonly faults = new Faults();
  readonly queries: string[] = [];

  /** `clock`: Prometheus' own time, which a query without `time` is evaluated at. */
  constructor(
    public table: QueryTable,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  readonly handler = (request: FakeRequest): FakeResponse => {
    const url = new URL(request.url, 'http://fake');
    if (url.pathname !== '/api/v1/query') return { status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found' };
    const query = url.searchParams.get('query');
    if (!query) return this.error(400, 'bad_data', 'invalid parameter "query": unknown position: parse error: no expression found in input');
    const time = url.searchParams.get('time');
    const timeSeconds = time === null ? this.clock().getTime() / 1000 : Number(time);
    if (Number.isNaN(timeSeconds)) return this.error(400, 'bad_data', `invalid parameter "time": cannot parse "${time}" to a valid timestamp`);
    this.queries.push(query);
    const series = this.table(query, timeSeconds);
    if (series === undefined) return this.error(400, 'bad_data', `invalid parameter "query": 1:1: parse error: unknown query in fake: ${query}`);
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: series.map((s) => ({ metric: s.labels, value: [timeSeconds, formatValue(s.value)] })),
        },
      }),
    };
  };

  private error(status: number, errorType: string, error: string): FakeResponse {
    return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'error', errorType, error }) };
  }
}
