/** Instant queries against the Prometheus HTTP API (/api/v1/query). */
import { z } from 'zod';
import { ResponseShapeError } from '../errors';
import { DEFAULT_HTTP_SETTINGS, HttpClient, type HttpSettings } from './http';

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** When Prometheus evaluated the sample, in Unix seconds. */
  readonly timestampSeconds: number;
}

const samplePair = z.tuple([z.number(), z.string()]);
const queryResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: samplePair })),
      }),
      z.object({ resultType: z.literal('scalar'), result: samplePair }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
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
    const parsed = queryResponse.safeParse(json);
    if (!parsed.success) throw new ResponseShapeError('prometheus', path, parsed.error.issues[0]?.message ?? 'invalid');
    const body = parsed.data;
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
