/**
 * The transport under every fake: a fake is a request -> response function, served
 * either on 127.0.0.1 over real HTTP (client and end-to-end tests) or through an
 * in-process fetch (the randomized suite, where a thousand scenarios must stay fast).
 * Both paths apply the same fault injection.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../../simulator/random';

export { seededRandom };

export interface FakeRequest {
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse;

/** A handler's answer for a host that is down: the connection is refused. */
export const UNREACHABLE: FakeResponse = { status: 0 };

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  /** Accepts the connection and never answers. */
  | { readonly kind: 'hang' }
  /** Closes the connection without an answer. */
  | { readonly kind: 'reset' }
  /** Carries the request out, then loses the answer: the caller cannot tell it succeeded. */
  | { readonly kind: 'lost' };

export interface FaultRates {
  readonly serverError: number;
  readonly throttle: number;
  readonly hang: number;
  readonly reset: number;
  readonly lost: number;
  readonly retryAfterSeconds: number;
  readonly latencyMs: number;
}

const NO_FAULTS: FaultRates = { serverError: 0, throttle: 0, hang: 0, reset: 0, lost: 0, retryAfterSeconds: 1, latencyMs: 0 };

/** Fault injection hooks: scripted faults first, then random ones at the given rates. */
export class Faults {
  private readonly scripted: Fault[] = [];
  rates: FaultRates = NO_FAULTS;
  requests = 0;

  constructor(private random: () => number = seededRandom(1)) {}

  /** The next `times` requests fail this way. */
  failNext(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.scripted.push(fault);
  }

  setRates(rates: Partial<FaultRates>, seed?: number): void {
    this.rates = { ...NO_FAULTS, ...rates };
    if (seed !== undefined) this.random = seededRandom(seed);
  }

  clear(): void {
    this.scripted.length = 0;
    this.rates = NO_FAULTS;
  }

  draw(): Fault | undefined {
    this.requests++;
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    const { serverError, throttle, hang, reset, lost, retryAfterSeconds } = this.rates;
    let roll = this.random();
    const hit = (rate: number) => {
      roll -= rate;
      return roll < 0;
    };
    if (hit(serverError)) return { kind: 'status', status: 500 };
    if (hit(throttle)) return { kind: 'status', status: 429, retryAfterSeconds };
    if (hit(hang)) return { kind: 'hang' };
    if (hit(reset)) return { kind: 'reset' };
    if (hit(lost)) return { kind: 'lost' };
    return undefined;
  }
}

export function faultResponse(fault: Extract<Fault, { kind: 'status' }>): FakeResponse {
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  return { status: fault.status, headers, body: fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error' };
}

export interface FakeEndpoint {
  readonly handler: FakeHandler;
  readonly faults: Faults;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function lowerCaseHeaders(raw: IncomingMessage['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export interface LoopbackServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves a fake on 127.0.0.1 on an ephemeral port. */
export async function serveOnLoopback(endpoint: FakeEndpoint): Promise<LoopbackServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const fault = endpoint.faults.draw();
      if (endpoint.faults.rates.latencyMs > 0) await new Promise((r) => setTimeout(r, endpoint.faults.rates.latencyMs));
      if (fault?.kind === 'hang') return;
      if (fault?.kind === 'reset') {
        request.socket.destroy();
        return;
      }
      const answer =
        fault?.kind === 'status'
          ? faultResponse(fault)
          : endpoint.handler({
              method: request.method ?? 'GET',
              url: request.url ?? '/',
              headers: lowerCaseHeaders(request.headers),
              body,
            });
      if (answer.status === UNREACHABLE.status || fault?.kind === 'lost') {
        request.socket.destroy();
        return;
      }
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? '');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fetch that dispatches by origin to in-process fakes. A hang rejects at once with
 * the TimeoutError fetch would raise when AbortSignal.timeout fires, so the suite
 * does not wait; a reset or an unknown origin is the TypeError fetch raises.
 */
export function inProcessFetch(endpoints: ReadonlyMap<string, FakeEndpoint>) {
  return async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const endpoint = endpoints.get(url.origin);
    if (!endpoint) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const fault = endpoint.faults.draw();
    if (fault?.kind === 'hang') throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    if (fault?.kind === 'reset') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const answer =
      fault?.kind === 'status'
        ? faultResponse(fault)
        : endpoint.handler({
            method: init.method ?? 'GET',
            url: url.pathname + url.search,
            headers,
            body: typeof init.body === 'string' ? init.body : '',
          });
    if (answer.status === UNREACHABLE.status) {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }
    if (fault?.kind === 'lost') throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    return new Response(answer.status === 204 ? null : (answer.body ?? ''), {
      status: answer.status,
      headers: answer.headers,
    });
  };
}
