/** Instant queries against the Prometheus HTTP API (/api/v1/query). */
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

  /** Evaluates an instant query; a scalar becomes one sample without labels. */
  async query(promql: string, time?: Date): Promise<Sample[]> {
    const params = new URLSearchParams({ query: promql });
    if (time) params.set('time', (time.getTime() / 1000).toFixed(3));
    const url = `${this.baseUrl.replace(/\/+$/, '')}/api/v1/query?${params.toString()}`;
    const response = await this.http.send({ method: 'GET', url });
    const path = '/api/v1/query';
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new ResponseShapeError('prometheus', path, 'not JSON');
    }
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
