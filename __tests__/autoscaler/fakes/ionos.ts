/**
 * A fake of the IONOS Cloud API v6 servers endpoints: Bearer token check, the
 * collection shape of GET .../servers?depth=1, 202 + Location for start/stop/PATCH,
 * and IONOS error documents ({ httpStatus, messages: [{ errorCode, message }] }).
 *
 * Like the real API, it carries out start, stop and PATCH asynchronously: the request is
 * accepted at once, the server reads metadata.state BUSY (and its old vmState) until the
 * request is done, and requests on one server are done in order. A request is done after
 * `requestAdvances` calls of `advance()` (the World calls it as time passes between
 * ticks), so the next tick always still sees it BUSY.
 */
import { randomUUID } from 'node:crypto';
import { type FakeRequest, type FakeResponse, Faults } from './transport';

export interface FakeIonosServer {
  id: string;
  name: string;
  vmState: 'RUNNING' | 'SHUTOFF';
  cores: number;
  ramMb: number;
  /** Held BUSY by a test, whatever requests are pending (metadata.state BUSY). */
  busy?: boolean;
  /** Restarts IONOS made to apply a change that could not be hot-plugged. */
  restarts?: number;
  /** metadata.lastModifiedDate: set when a request on the server is accepted. */
  lastModified?: Date;
  /** When the VM last booted (what node_exporter on it reports); unset while it is off. */
  bootedAt?: Date;
}

interface PendingRequest {
  readonly action: 'start' | 'stop' | 'patch';
  advancesLeft: number;
  readonly apply: () => void;
}

export interface IonosCall {
  readonly method: string;
  readonly serverId?: string;
  readonly action: 'list' | 'start' | 'stop' | 'patch';
  readonly body?: unknown;
}

const PREFIX = '/cloudapi/v6';

function error(status: number, errorCode: string, message: string): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ httpStatus: status, messages: [{ errorCode, message }] }),
  };
}

export class FakeIonos {
  readonly faults = new Faults();
  readonly servers = new Map<string, FakeIonosServer>();
  readonly calls: IonosCall[] = [];
  /** The origin the fake is reached under, for Location headers. */
  origin = 'http://127.0.0.1';
  /** The fake's clock (the World sets its own). */
  now: () => Date = () => new Date();
  /** Calls of advance() a request takes: with 2, the tick after the request still sees it BUSY. */
  requestAdvances = 2;
  private readonly pending = new Map<string, PendingRequest[]>();

  constructor(
    readonly datacenterId: string,
    readonly token: string,
  ) {}

  get baseUrl(): string {
    return `${this.origin}${PREFIX}`;
  }

  add(server: FakeIonosServer): void {
    this.servers.set(server.id, { ...server });
  }

  isRunning(serverId: string): boolean {
    return this.servers.get(serverId)?.vmState === 'RUNNING';
  }

  /** metadata.state is BUSY: a request is pending, or a test holds the server busy. */
  isBusy(serverId: string): boolean {
    return (this.pending.get(serverId)?.length ?? 0) > 0 || this.servers.get(serverId)?.busy === true;
  }

  /** The server runs, or will once IONOS has carried out its pending requests: running or starting, not stopping. */
  runsOrStarts(serverId: string): boolean {
    let running = this.isRunning(serverId);
    for (const action of this.pendingActions(serverId)) {
      if (action === 'start') running = true;
      if (action === 'stop') running = false;
    }
    return running;
  }

  /** Whether IONOS is still carrying out any request. */
  hasPendingRequests(): boolean {
    return this.pending.size > 0;
  }

  /** The requests IONOS is still carrying out on the server, oldest first. */
  pendingActions(serverId: string): Array<PendingRequest['action']> {
    return (this.pending.get(serverId) ?? []).map((request) => request.action);
  }

  /** Time passes: each server's oldest pending request moves on, and is done when its time is up. */
  advance(): void {
    for (const [serverId, queue] of this.pending) {
      const head = queue[0];
      if (head && --head.advancesLeft <= 0) {
        queue.shift();
        head.apply();
      }
      if (queue.length === 0) this.pending.delete(serverId);
    }
  }

  /** Carries out every pending request now. */
  finishRequests(): void {
    for (const queue of this.pending.values()) for (const request of queue.splice(0)) request.apply();
    this.pending.clear();
  }

  private enqueue(server: FakeIonosServer, action: PendingRequest['action'], apply: () => void): FakeResponse {
    server.lastModified = this.now();
    const queue = this.pending.get(server.id) ?? [];
    queue.push({ action, advancesLeft: this.requestAdvances, apply });
    this.pending.set(server.id, queue);
    return this.accepted();
  }

  readonly handler = (request: FakeRequest): FakeResponse => {
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return error(401, '315', 'Unauthorized');
    }
    const url = new URL(request.url, 'http://fake');
    const match = new RegExp(`^${PREFIX}/datacenters/([^/]+)/servers(?:/([^/]+)(?:/(start|stop))?)?$`).exec(url.pathname);
    if (!match) return error(404, '309', `Resource does not exist: ${url.pathname}`);
    const [, datacenterId, serverId, verb] = match;
    if (datacenterId !== this.datacenterId) return error(404, '309', 'Resource does not exist');

    if (!serverId) {
      if (request.method !== 'GET') return error(405, '126', 'Method not allowed');
      this.calls.push({ method: 'GET', action: 'list' });
      return this.list(url);
    }
    const server = this.servers.get(serverId);
    if (!server) return error(404, '309', 'Resource does not exist');

    if (verb && request.method === 'POST') {
      this.calls.push({ method: 'POST', serverId, action: verb as 'start' | 'stop' });
      return this.enqueue(server, verb as 'start' | 'stop', () => {
        if (verb === 'start' && server.vmState !== 'RUNNING') {
          server.vmState = 'RUNNING';
          server.bootedAt = this.now();
        } else if (verb === 'stop') {
          server.vmState = 'SHUTOFF';
          server.bootedAt = undefined;
        }
      });
    }
    if (!verb && request.method === 'PATCH') return this.patch(server, request.body);
    return error(405, '126', 'Method not allowed');
  };

  private list(url: URL): FakeResponse {
    const depth = Number(url.searchParams.get('depth') ?? '0');
    const items = [...this.servers.values()].map((server) => ({
      id: server.id,
      type: 'server',
      href: `${this.baseUrl}/datacenters/${this.datacenterId}/servers/${server.id}`,
      ...(depth >= 1
        ? {
            metadata: {
              state: this.isBusy(server.id) ? 'BUSY' : 'AVAILABLE',
              etag: 'e1',
              ...(server.lastModified && { lastModifiedDate: server.lastModified.toISOString().replace(/\.\d{3}Z$/, 'Z') }),
            },
            properties: {
              name: server.name,
              cores: server.cores,
              ram: server.ramMb,
              availabilityZone: 'AUTO',
              vmState: server.vmState,
              type: 'ENTERPRISE',
              cpuFamily: 'INTEL_SKYLAKE',
            },
          }
        : {}),
    }));
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: `${this.datacenterId}/servers`, type: 'collection', href: url.href, items }),
    };
  }

  private patch(server: FakeIonosServer, body: string): FakeResponse {
    let properties: { cores?: unknown; ram?: unknown };
    try {
      properties = JSON.parse(body) as typeof properties;
    } catch {
      return error(400, '100', 'Malformed JSON body');
    }
    const cores = properties.cores === undefined ? server.cores : properties.cores;
    const ram = properties.ram === undefined ? server.ramMb : properties.ram;
    if (typeof cores !== 'number' || !Number.isInteger(cores) || cores < 1) {
      return error(422, '100', '[(root).properties.cores] Attribute must be a positive integer');
    }
    if (typeof ram !== 'number' || ram < 256 || ram % 256 !== 0) {
      return error(422, '100', '[(root).properties.ram] RAM must be a multiple of 256 MB');
    }
    // Hot-unplug is off on the pool's volumes: IONOS restarts a running server to shrink it
    // (since API v5 the reboot is implicit, there is no allowReboot flag any more).
    const restart = server.vmState === 'RUNNING' && (cores < server.cores || ram < server.ramMb);
    if (restart) server.restarts = (server.restarts ?? 0) + 1;
    this.calls.push({ method: 'PATCH', serverId: server.id, action: 'patch', body: properties });
    // The resource shows the requested size at once; the VM has it once the request is done.
    server.cores = cores;
    server.ramMb = ram;
    return this.enqueue(server, 'patch', () => {
      if (restart && server.vmState === 'RUNNING') server.bootedAt = this.now();
    });
  }

  private accepted(): FakeResponse {
    return {
      status: 202,
      headers: { location: `${this.baseUrl}/requests/${randomUUID()}/status`, 'content-type': 'application/json' },
      body: '',
    };
  }
}
