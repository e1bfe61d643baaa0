/** Instant and range queries against the Prometheus HTTP API (/api/v1/query, /api/v1/query_range). */
import * as v from 'valibot';
import { firstIssueLine } from '../../../config/issues';
import { ResponseShapeError } from '../errors';
import { DEFAULT_HTTP_SETTINGS, HttpClient, type HttpSettings } from './http';

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** When Prometheus evaluated the sample, in Unix seconds. */
  readonly timestampSeconds: number;
}

const samplePair = v.strictTuple([v.number(), v.string()]);
const rangeResponse = v.variant('status', [
  v.object({
    status: v.literal('success'),
    data: v.object({
      resultType: v.literal('matrix'),
      result: v.array(v.object({ metric: v.record(v.string(), v.string()), values: v.array(samplePair) })),
    }),
  }),
  v.object({ status: v.literal('error'), errorType: v.string(), error: v.string() }),
]);

/** One series of a range query: its value at each step, NaN where Prometheus had none. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly values: readonly number[];
}
const queryResponse = v.variant('status', [
  v.object({
    status: v.literal('success'),
    data: v.variant('resultType', [
      v.object({
        resultType: v.literal('vector'),
        result: v.array(v.object({ metric: v.record(v.string(), v.string()), value: samplePair })),
      }),
      v.object({ resultType: v.literal('scalar'), result: samplePair }),
    ]),
  }),
  v.object({ status: v.literal('error'), errorType: v.string(), error: v.string() }),
]);

/** Prometheus writes +Inf/-Inf/NaN as strings that Number() only partly understands. */
export function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function errorType(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown };
    return typeof parsed.errorType === 'string' ? parsed.errorType : undefined;
  } catch {
    return undefined;
  }
}

export class PrometheusClient {
  private readonly http: HttpClient;

  constructor(
    private readonly baseUrl: string,
    settings: HttpSettings = DEFAULT_HTTP_SETTINGS,
  ) {
    this.http = new HttpClient('prometheus', settings, errorType);
  }

  private async get(path: string, params: URLSearchParams): Promise<unknown> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}?${params.toString()}`;
    const response = await this.http.send({ method: 'GET', url });
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      throw new ResponseShapeError('prometheus', path, 'not JSON');
    }
  }

  /**
   * Evaluates a range query from `start` on, one step a minute for `steps` more minutes;
   * each series comes back with a value for every step (NaN where it had none).
   */
  async queryRange(promql: string, start: Date, steps: number, stepSeconds = 60): Promise<RangeSeries[]> {
    const from = Math.round(start.getTime() / 1000);
    const params = new URLSearchParams({ query: promql, start: String(from), end: String(from + steps * stepSeconds), step: String(stepSeconds) });
    const path = '/api/v1/query_range';
    const parsed = v.safeParse(rangeResponse, await this.get(path, params));
    if (!parsed.success) throw new ResponseShapeError('prometheus', path, firstIssueLine(rangeResponse, parsed.issues));
    const body = parsed.output;
    if (body.status === 'error') throw new ResponseShapeError('prometheus', path, `${body.errorType}: ${body.error}`);
    return body.data.result.map(({ metric, values }) => {
      const series = new Array<number>(steps + 1).fill(NaN);
      for (const [timestamp, value] of values) {
        const step = Math.round((timestamp - from) / stepSeconds);
        if (step >= 0 && step <= steps) series[step] = parseSampleValue(value);
      }
      return { labels: metric, values: series };
    });
  }

  /** Evaluates an instant query; a scalar becomes one sample without labels. */
  async query(promql: string, time?: Date): Promise<Sample[]> {
    const params = new URLSearchParams({ query: promql });
    if (time) params.set('time', (time.getTime() / 1000).toFixed(3));
    const path = '/api/v1/query';
    const json = await this.get(path, params);
    const parsed = v.safeParse(queryResponse, json);
    if (!parsed.success) throw new ResponseShapeError('prometheus', path, firstIssueLine(queryResponse, parsed.issues));
    const body = parsed.output;
    if (body.status === 'error') throw new ResponseShapeError('prometheus', path, `${body.errorType}: ${body.error}`);
    if (body.data.resultType === 'scalar') {
      const [timestampSeconds, value] = body.data.result;
      return [{ labels: {}, value: parseSampleValue(value), timestampSeconds }];
    }
    return body.data.result.map(({ metric, value: [timestampSeconds, value] }) => ({
      labels: metric,
      value: parseSampleValue(value),
      timestampSeconds,
    }));
  }
}
