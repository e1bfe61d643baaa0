/**
 * A fake of Scalelite's server API (/scalelite/api/...): checksum over action name +
 * query string + LOADBALANCER_SECRET, a checksum failure as a BBB XML error with
 * HTTP 200, JSON bodies, 404 for an empty server list or an unknown id, and a poller
 * (poll()) that, like Scalelite's, marks servers online/offline, measures load and
 * disables a cordoned server once its load is zero.
 */
import { randomUUID } from 'node:crypto';
import { bbbErrorXml, verifyChecksum } from './checksum';
import { type FakeRequest, type FakeResponse, Faults } from './transport';

export interface FakeScaleliteServer {
  id: string;
  url: string;
  secret: string;
  state: 'enabled' | 'cordoned' | 'disabled';
  load: number | null;
  loadMultiplier: number;
  online: boolean;
}

export interface ScaleliteCall {
  readonly action: string;
  readonly body?: unknown;
}

const PREFIX = '/scalelite/api/';

function json(status: number, body: unknown): FakeResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function xml(body: string): FakeResponse {
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

function toJson(server: FakeScaleliteServer) {
  return {
    id: server.id,
    url: server.url,
    secret: server.secret,
    tag: '',
    bbb_version: '3.0.4',
    state: server.state,
    load: server.load === null ? 'unavailable' : server.load,
    // Rails renders the BigDecimal multiplier as a string ("1.0", "0.89").
    load_multiplier: Number.isInteger(server.loadMultiplier) ? server.loadMultiplier.toFixed(1) : String(server.loadMultiplier),
    online: server.online ? 'online' : 'offline',
  };
}

/** What the poller learns from one BBB server: its attendees, or undefined if unreachable. */
export type PollProbe = (server: FakeScaleliteServer) => number | undefined;

export class FakeScalelite {
  readonly faults = new Faults();
  readonly servers = new Map<string, FakeScaleliteServer>();
  readonly calls: ScaleliteCall[] = [];

  constructor(readonly secret: string) {}

  add(server: Omit<FakeScaleliteServer, 'id'> & { id?: string }): FakeScaleliteServer {
    const stored = { ...server, id: server.id ?? randomUUID() };
    this.servers.set(stored.id, stored);
    return stored;
  }

  byUrl(url: string): FakeScaleliteServer[] {
    const key = url.toLowerCase().replace(/\/+$/, '');
    return [...this.servers.values()].filter((s) => s.url.toLowerCase().replace(/\/+$/, '') === key);
  }

  /** One round of Scalelite's poller. */
  poll(probe: PollProbe): void {
    for (const server of this.servers.values()) {
      const attendees = probe(server);
      if (attendees === undefined) {
        server.online = false;
        server.load = null;
        continue;
      }
      server.online = true;
      server.load = attendees * server.loadMultiplier;
      if (server.state === 'cordoned' && server.load === 0) server.state = 'disabled';
    }
  }

  readonly handler = (request: FakeRequest): FakeResponse => {
    const url = new URL(request.url, 'http://fake');
    if (!url.pathname.startsWith(PREFIX)) return json(404, { error: 'Not found' });
    const action = url.pathname.slice(PREFIX.length);
    const expectedMethod = action === 'getServers' || action === 'getServerInfo' ? 'GET' : 'POST';
    const known = ['getServers', 'getServerInfo', 'addServer', 'updateServer', 'deleteServer'];
    if (!known.includes(action) || request.method !== expectedMethod) {
      return xml(bbbErrorXml('unsupportedRequest', 'This request is not supported.'));
    }
    if (!verifyChecksum(action, url.search.replace(/^\?/, ''), this.secret)) {
      return xml(bbbErrorXml('checksumError', 'You did not pass the checksum security check'));
    }
    let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (request.body) {
      try {
        params = { ...params, ...(JSON.parse(request.body) as Record<string, unknown>) };
      } catch {
        return json(400, { error: 'Malformed JSON body' });
      }
    }
    this.calls.push({ action, body: request.body ? JSON.parse(request.body) : undefined });
    switch (action) {
      case 'getServers':
        return this.servers.size === 0
          ? json(404, { error: 'No servers are configured' })
          : json(200, [...this.servers.values()].map(toJson));
      case 'addServer':
        return this.addServer(params);
      default:
        return this.withServer(action, params);
    }
  };

  private addServer(params: Record<string, unknown>): FakeResponse {
    const server = params.server as { url?: string; secret?: string; load_multiplier?: unknown } | undefined;
    if (!server) return xml(bbbErrorXml('internalError', 'param is missing or the value is empty: server'));
    if (!server.url || !server.secret) return json(400, { error: 'Server needs a URL and a secret' });
    const multiplier = Number(server.load_multiplier ?? 1) || 1;
    const added = this.add({ url: server.url, secret: server.secret, state: 'disabled', load: null, loadMultiplier: multiplier, online: false });
    return json(201, toJson(added));
  }

  private withServer(action: string, params: Record<string, unknown>): FakeResponse {
    const id = String(params.id ?? '');
    const server = this.servers.get(id);
    if (!server) return json(404, { error: `Couldn't find server with id=${id}` });
    if (action === 'getServerInfo') return json(200, toJson(server));
    if (action === 'deleteServer') {
      this.servers.delete(id);
      return json(200, { success: `Server id=${id} was destroyed` });
    }
    const change = params.server as { state?: string; load_multiplier?: unknown; secret?: string } | undefined;
    if (!change) return xml(bbbErrorXml('internalError', 'param is missing or the value is empty: server'));
    const states: Record<string, FakeScaleliteServer['state']> = { enable: 'enabled', cordon: 'cordoned', disable: 'disabled' };
    if (change.state !== undefined && !states[change.state]) {
      return json(400, { error: `Invalid state parameter: ${change.state}` });
    }
    if (change.load_multiplier !== undefined && !Number(change.load_multiplier)) {
      return json(400, { error: 'Load-multiplier must be a non-zero number' });
    }
    if (change.state) server.state = states[change.state];
    if (change.load_multiplier !== undefined) server.loadMultiplier = Number(change.load_multiplier);
    if (change.secret) server.secret = change.secret;
    return json(200, toJson(server));
  }
}
