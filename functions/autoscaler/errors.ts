/**
 * Typed failures of the outside systems the autoscaler talks to. Messages name the
 * service and the request path but never a query string (it carries checksums) or
 * a credential.
 */
/** `redis`: the coordination store (lease, power-off records); `ssh`: the BBB servers' power-off channel. */
export type Service = 'prometheus' | 'ionos' | 'scalelite' | 'bbb' | 'redis' | 'ssh';

const EXCERPT_CHARS = 300;

export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

/** The service answered, but with an error (HTTP status or an error document). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly service: Service,
    readonly path: string,
    readonly status: number,
    readonly bodyExcerpt: string,
    /** The service's own error code (BBB/Scalelite messageKey, IONOS errorCode). */
    readonly code?: string,
    /** Milliseconds the service asked us to wait (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(`${service} ${path}: HTTP ${status}${code ? ` ${code}` : ''}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`);
  }

  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** No answer within the per-attempt time limit. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly service: Service,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`${service} ${path}: no answer within ${timeoutMs} ms`);
  }
}

/** The connection failed before an answer (refused, reset, DNS). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly service: Service,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${service} ${path}: ${reason}`);
  }
}

/** The answer arrived but does not have the documented shape. */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
  constructor(
    readonly service: Service,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${service} ${path}: unexpected response: ${problem}`);
  }
}

export type ServiceError = ApiError | TimeoutError | NetworkError | ResponseShapeError;

export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof ApiError ||
    error instanceof TimeoutError ||
    error instanceof NetworkError ||
    error instanceof ResponseShapeError
  );
}

/** Worth another attempt: the service may answer differently in a moment. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return error.retryable;
  return error instanceof TimeoutError || error instanceof NetworkError;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
