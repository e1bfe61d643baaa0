/**
 * A fake of the IONOS Cloud API v6 servers endpoints: Bearer token check, the
 * collection shape of GET .../servers?depth=1, 202 + Location for start/stop/PATCH,
 * and IONOS error documents ({ httpStatus, messages: [{ errorCode, message }] }).
 */
import { randomUUID } from 'node:crypto';
import { type FakeRequest, type FakeResponse, Faults } from './transport';

export interface FakeIonosServer {
  id: string;
  name: string;
  vmState: 'RUNNING' | 'SHUTOFF';
  cores: number;
  ramMb: number;
  /** A request on the server is still being carried out (metadata.state BUSY). */
  busy?: boolean;
  /** Restarts IONOS made to apply a change that could not be hot-plugged. */
  restarts?: number;
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
      server.vmState = verb === 'start' ? 'RUNNING' : 'SHUTOFF';
      return this.accepted();
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
            metadata: { state: server.busy ? 'BUSY' : 'AVAILABLE', etag: 'e1' },
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
    if (server.vmState === 'RUNNING' && (cores < server.cores || ram < server.ramMb)) {
      server.restarts = (server.restarts ?? 0) + 1;
    }
    this.calls.push({ method: 'PATCH', serverId: server.id, action: 'patch', body: properties });
    server.cores = cores;
    server.ramMb = ram;
    return this.accepted();
  }

  private accepted(): FakeResponse {
    return {
      status: 202,
      headers: { location: `${this.baseUrl}/requests/${randomUUID()}/status`, 'content-type': 'application/json' },
      body: '',
    };
  }
}
