/**
 * A fake of the IONOS Cloud API v6 servers endpoints: Bearer token check, the
 * collection shape of GET .../servers?depth=1, 202 + Location for start/stop/PATCH,
 * and IONOS error documents ({ httpStatus, messages: [{ errorCode, message }] }).
 *
 * Like the real API, it carries out start, stop and PATCH asynchronously: the request is
 * accepted at once, the server reads metadata.state BUSY (and its old vmState) until the
 * request is done, and requests on one server are queued and done in order ("BUSY: there
 * is at least one modification request pending and all following requests will be
 * queued", sdk-go model_datacenter_element_metadata.go). A request is done after
 * `requestAdvances` calls of `advance()` (the World calls it as time passes between
 * ticks), so the next tick always still sees it BUSY.
 *
 * What the server holds, as IONOS documents it (sdk-go api_servers.go, v6.3.11): a guest
 * that powers itself off reads SHUTOFF like a stopped server but keeps its cores and RAM,
 * billed (`allocated`); the stop releases them ("cores and RAM are freed and no longer
 * charged"), by forcing the VM off if it still runs, and returns public addresses that
 * are not reserved to the pool; a start allocates again and assigns a new address where
 * the old one was returned. Forced power-offs are recorded for the tests to judge.
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
  /** IONOS holds its cores and RAM (and bills them): running, or a guest that powered itself off. */
  allocated?: boolean;
  /** The operating system: up, powering itself off (sshd and BBB already gone), rebooting, or off. */
  guest?: 'up' | 'poweringOff' | 'rebooting' | 'off';
  /** Advances left until a powering-off guest is off; Infinity for one whose shutdown hangs. */
  guestOffIn?: number;
  /** Advances left until a rebooting guest is up again; Infinity for one that never comes back. */
  guestBackIn?: number;
  /** Its public address, and whether it is a reserved one (kept across stop and start). */
  publicIp?: string;
  reservedIp?: boolean;
}

/** A stop that found the VM still running: IONOS powered it off by force. */
export interface ForcedStop {
  readonly serverId: string;
  readonly at: Date;
  /** Whether its guest had been told to power off, and how long before. */
  readonly guestPoweringOffSince?: Date;
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
  /** Calls of advance() a guest takes to power itself off. */
  shutdownAdvances = 1;
  readonly forcedStops: ForcedStop[] = [];
  private readonly pending = new Map<string, PendingRequest[]>();
  private readonly guestPoweringOffSince = new Map<string, Date>();
  private addressSerial = 0;

  constructor(
    readonly datacenterId: string,
    readonly token: string,
  ) {}

  get baseUrl(): string {
    return `${this.origin}${PREFIX}`;
  }

  add(server: FakeIonosServer): void {
    const running = server.vmState === 'RUNNING';
    this.servers.set(server.id, { allocated: running, guest: running ? 'up' : 'off', ...server });
  }

  isRunning(serverId: string): boolean {
    return this.servers.get(serverId)?.vmState === 'RUNNING';
  }

  /** The operating system runs and serves (BBB can answer). */
  guestUp(serverId: string): boolean {
    const server = this.servers.get(serverId);
    return server?.vmState === 'RUNNING' && server.guest === 'up';
  }

  /** The guest is told to power off (the platform agent); `hangs`: its shutdown never ends. */
  guestPowerOff(serverId: string, hangs = false): void {
    const server = this.servers.get(serverId);
    if (!server || server.vmState !== 'RUNNING' || server.guest !== 'up') return;
    server.guest = 'poweringOff';
    server.guestOffIn = hangs ? Infinity : this.shutdownAdvances;
    this.guestPoweringOffSince.set(serverId, this.now());
  }

  /**
   * The guest reboots (shutdown -r): IONOS reports it RUNNING throughout, sshd and BBB are
   * gone until it is up again after `advances`, with a new boot (Infinity: it never comes back).
   */
  guestReboot(serverId: string, advances: number): void {
    const server = this.servers.get(serverId);
    if (!server || server.vmState !== 'RUNNING' || server.guest !== 'up') return;
    server.guest = 'rebooting';
    server.guestBackIn = advances;
  }

  /** When the server's guest was told to power off, while it is shutting down or off and still held. */
  poweringOffSince(serverId: string): Date | undefined {
    return this.guestPoweringOffSince.get(serverId);
  }

  /** Servers whose guest is off while IONOS still holds and bills their cores and RAM. */
  heldWhileOff(): FakeIonosServer[] {
    return [...this.servers.values()].filter((server) => server.vmState === 'SHUTOFF' && server.allocated);
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

  /** Time passes: guests get on with powering off, each server's oldest pending request moves on, and is done when its time is up. */
  advance(): void {
    for (const server of this.servers.values()) {
      if (server.guest === 'poweringOff' && server.vmState === 'RUNNING' && --(server.guestOffIn as number) <= 0) {
        server.guest = 'off';
        server.vmState = 'SHUTOFF';
        server.bootedAt = undefined;
      }
      if (server.guest === 'rebooting' && server.vmState === 'RUNNING' && --(server.guestBackIn as number) <= 0) {
        server.guest = 'up';
        server.bootedAt = this.now();
      }
    }
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
      return this.enqueue(server, verb as 'start' | 'stop', () => (verb === 'start' ? this.powerOn(server) : this.release(server)));
    }
    if (!verb && request.method === 'PATCH') return this.patch(server, request.body);
    return error(405, '126', 'Method not allowed');
  };

  private powerOn(server: FakeIonosServer): void {
    if (server.vmState === 'RUNNING') return;
    server.vmState = 'RUNNING';
    server.guest = 'up';
    server.allocated = true;
    server.bootedAt = this.now();
    this.guestPoweringOffSince.delete(server.id);
    if (!server.publicIp) server.publicIp = `203.0.113.${100 + (this.addressSerial++ % 100)}`;
  }

  private release(server: FakeIonosServer): void {
    if (server.vmState === 'RUNNING') {
      this.forcedStops.push({ serverId: server.id, at: this.now(), guestPoweringOffSince: this.guestPoweringOffSince.get(server.id) });
    }
    server.vmState = 'SHUTOFF';
    server.guest = 'off';
    server.allocated = false;
    server.bootedAt = undefined;
    this.guestPoweringOffSince.delete(server.id);
    if (!server.reservedIp) server.publicIp = undefined;
  }

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
