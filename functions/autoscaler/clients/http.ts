/**
 * The one way the autoscaler speaks HTTP: global fetch with a per-attempt time limit,
 * retries with exponential backoff for 429, 5xx, timeouts and network failures
 * (cockatiel), Retry-After honoured, and every failure turned into a typed error.
 */
import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { ApiError, NetworkError, TimeoutError, excerpt, isTransient, type Service } from '../errors';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpSettings {
  /** Time limit of one attempt, in milliseconds. */
  readonly timeoutMs: number;
  /** Further attempts after the first one fails transiently. */
  readonly retries: number;
  /** Delay before the first retry; doubles with each further one. */
  readonly backoffMs: number;
  /** Upper bound of any delay, including one asked for by Retry-After. */
  readonly maxBackoffMs: number;
  readonly fetch: Fetch;
}

export const DEFAULT_HTTP_SETTINGS: HttpSettings = {
  timeoutMs: 8_000,
  retries: 2,
  backoffMs: 500,
  maxBackoffMs: 10_000,
  fetch: (input, init) => globalThis.fetch(input, init),
};

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /**
   * A request that creates something is retried only when the service certainly did
   * not act on it (429, connection refused); a timeout or 5xx might hide a success.
   */
  readonly idempotent?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isConnectionRefused(error: unknown): boolean {
  return error instanceof NetworkError && /ECONNREFUSED/.test(error.reason);
}

function networkReason(error: TypeError): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

export class HttpClient {
  constructor(
    readonly service: Service,
    private readonly settings: HttpSettings = DEFAULT_HTTP_SETTINGS,
    /** Reads the service's own error code out of an error body. */
    private readonly errorCode: (body: string) => string | undefined = () => undefined,
  ) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const idempotent = request.idempotent ?? true;
    const shouldRetry = (error: Error) =>
      idempotent
        ? isTransient(error)
        : (error instanceof ApiError && error.status === 429) || isConnectionRefused(error);
    const { backoffMs, maxBackoffMs } = this.settings;
    const policy = retry(handleWhen(shouldRetry), {
      maxAttempts: this.settings.retries,
      backoff: new DelegateBackoff((context) => {
        const exponential = backoffMs * 2 ** (context.attempt - 1);
        const error = 'error' in context.result ? context.result.error : undefined;
        const asked = error instanceof ApiError ? (error.retryAfterMs ?? 0) : 0;
        return Math.min(maxBackoffMs, Math.max(exponential, asked));
      }),
    });
    return policy.execute(() => this.attempt(request));
  }

  private async attempt(request: HttpRequest): Promise<HttpResponse> {
    const path = new URL(request.url).pathname;
    let response: Response;
    let text: string;
    try {
      response = await this.settings.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      // Compared by name: fetch's errors may come from another realm (a test sandbox).
      const name = typeof error === 'object' && error !== null ? (error as Error).name : undefined;
      if (name === 'TimeoutError') throw new TimeoutError(this.service, path, this.settings.timeoutMs);
      if (name === 'TypeError') throw new NetworkError(this.service, path, networkReason(error as TypeError));
      throw error;
    }
    if (response.status >= 400) {
      throw new ApiError(
        this.service,
        path,
        response.status,
        excerpt(text),
        this.errorCode(text),
        parseRetryAfter(response.headers.get('retry-after')),
      );
    }
    return { status: response.status, headers: response.headers, text };
  }
}
