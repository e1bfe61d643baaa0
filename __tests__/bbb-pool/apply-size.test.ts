/**
 * Runs the resize script the ApplySize null_resource executes against a fake of the
 * IONOS Cloud API v6 on 127.0.0.1 (server collection with depth=1, PATCH answered
 * 202 + Location, request status documents, IONOS error documents).
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APPLY_SIZE_SCRIPT } from '../../constructs/bbb-pool';

interface FakeServer {
  id: string;
  name: string;
  vmState: 'RUNNING' | 'SHUTOFF';
  cores: number;
  ram: number;
  state?: 'AVAILABLE' | 'BUSY';
}

const DATACENTER = '8f1e9c3a-2b7d-4c6e-9a1f-0d3b5e7c9a21';
const TOKEN = 'test-token';

class FakeIonos {
  readonly servers = new Map<string, FakeServer>();
  readonly patches: { id: string; body: unknown }[] = [];
  requestOutcome: 'DONE' | 'FAILED' = 'DONE';
  statusPolls = 0;
  private http?: Server;
  url = '';

  async start(): Promise<void> {
    this.http = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.http!.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const error = (status: number, errorCode: string, message: string) =>
      send(status, { httpStatus: status, messages: [{ errorCode, message }] });
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return error(401, '315', 'Unauthorized');

    const url = new URL(request.url ?? '/', this.url);
    const status = /^\/cloudapi\/v6\/requests\/([^/]+)\/status$/.exec(url.pathname);
    if (status && request.method === 'GET') {
      this.statusPolls += 1;
      const done = this.statusPolls % 2 === 0;
      const outcome = done ? this.requestOutcome : 'RUNNING';
      return send(200, { id: status[1], type: 'request-status', metadata: { status: outcome, message: outcome === 'FAILED' ? 'Provisioning failed' : 'ok' } });
    }
    const match = /^\/cloudapi\/v6\/datacenters\/([^/]+)\/servers(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match || match[1] !== DATACENTER) return error(404, '309', 'Resource does not exist');
    if (!match[2] && request.method === 'GET') {
      const items = [...this.servers.values()].map((server) => ({
        id: server.id,
        type: 'server',
        metadata: { state: server.state ?? 'AVAILABLE' },
        properties: { name: server.name, cores: server.cores, ram: server.ram, vmState: server.vmState, type: 'ENTERPRISE' },
      }));
      return send(200, { id: `${DATACENTER}/servers`, type: 'collection', items });
    }
    const server = match[2] ? this.servers.get(match[2]) : undefined;
    if (!server) return error(404, '309', 'Resource does not exist');
    if (request.method !== 'PATCH') return error(405, '126', 'Method not allowed');
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const body = JSON.parse(raw) as { cores: number; ram: number };
      this.patches.push({ id: server.id, body });
      server.cores = body.cores;
      server.ram = body.ram;
      send(202, undefined, { location: `${this.url}/cloudapi/v6/requests/req-${this.patches.length}/status` });
    });
  }
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [APPLY_SIZE_SCRIPT],
      { env: { PATH: process.env.PATH ?? '', APPLY_SIZE_POLL_MS: '5', ...env }, timeout: 20_000 },
      (failure, stdout, stderr) => resolve({ code: failure ? Number(failure.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('apply-size script', () => {
  let ionos: FakeIonos;
  const pool = [
    { name: 'example-bbb-01', id: 'srv-01' },
    { name: 'example-bbb-02', id: 'srv-02' },
    { name: 'example-bbb-03', id: 'srv-03' },
  ];
  const env = () => ({
    IONOS_API_URL: ionos.url,
    IONOS_TOKEN: TOKEN,
    DATACENTER_ID: DATACENTER,
    SERVERS: JSON.stringify(pool),
    CORES: '12',
    RAM_MB: String(24 * 1024),
  });

  beforeEach(async () => {
    ionos = new FakeIonos();
    await ionos.start();
  });

  afterEach(async () => {
    await ionos.stop();
  });

  it('resizes stopped servers and waits for IONOS to finish the request', async () => {
    for (const { name, id } of pool) ionos.servers.set(id, { id, name, vmState: 'SHUTOFF', cores: 8, ram: 16384 });
    const result = await runScript(env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(ionos.patches).toEqual(pool.map(({ id }) => ({ id, body: { cores: 12, ram: 24576 } })));
    expect(ionos.statusPolls).toBe(6);
    expect(result.stdout).toContain('example-bbb-02: 8 cores / 16384 MB -> 12 cores / 24576 MB');
  });

  it('leaves servers of the configured size alone, running or not', async () => {
    ionos.servers.set('srv-01', { id: 'srv-01', name: 'example-bbb-01', vmState: 'RUNNING', cores: 12, ram: 24576 });
    ionos.servers.set('srv-02', { id: 'srv-02', name: 'example-bbb-02', vmState: 'SHUTOFF', cores: 12, ram: 24576 });
    ionos.servers.set('srv-03', { id: 'srv-03', name: 'example-bbb-03', vmState: 'RUNNING', cores: 12, ram: 24576 });
    const result = await runScript(env());
    expect(result.code).toBe(0);
    expect(ionos.patches).toEqual([]);
  });

  it('never touches a running or busy server of another size and fails naming it', async () => {
    ionos.servers.set('srv-01', { id: 'srv-01', name: 'example-bbb-01', vmState: 'RUNNING', cores: 16, ram: 32768 });
    ionos.servers.set('srv-02', { id: 'srv-02', name: 'example-bbb-02', vmState: 'SHUTOFF', cores: 8, ram: 16384 });
    ionos.servers.set('srv-03', { id: 'srv-03', name: 'example-bbb-03', vmState: 'SHUTOFF', cores: 8, ram: 16384, state: 'BUSY' });
    const result = await runScript(env());
    expect(result.code).toBe(1);
    expect(ionos.patches).toEqual([{ id: 'srv-02', body: { cores: 12, ram: 24576 } }]);
    expect(result.stderr).toContain('Not resized (2):');
    expect(result.stderr).toContain('example-bbb-01: RUNNING with 16 cores / 32768 MB; drain and stop it, then deploy again');
    expect(result.stderr).toContain('example-bbb-03: SHUTOFF with 8 cores / 16384 MB; drain and stop it, then deploy again');
  });

  it('reports a server missing from the data center', async () => {
    ionos.servers.set('srv-01', { id: 'srv-01', name: 'example-bbb-01', vmState: 'SHUTOFF', cores: 12, ram: 24576 });
    const result = await runScript({ ...env(), SERVERS: JSON.stringify(pool.slice(0, 2)) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`example-bbb-02: not found in data center ${DATACENTER}`);
  });

  it('fails when IONOS reports the resize request as failed', async () => {
    ionos.servers.set('srv-01', { id: 'srv-01', name: 'example-bbb-01', vmState: 'SHUTOFF', cores: 8, ram: 16384 });
    ionos.requestOutcome = 'FAILED';
    const result = await runScript({ ...env(), SERVERS: JSON.stringify(pool.slice(0, 1)) });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('IONOS request failed: Provisioning failed');
  });

  it('passes on IONOS error documents with status and code', async () => {
    const result = await runScript({ ...env(), IONOS_TOKEN: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`IONOS API GET /cloudapi/v6/datacenters/${DATACENTER}/servers: HTTP 401 315 Unauthorized`);
  });

  it('names missing or malformed input before calling IONOS', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ IONOS_TOKEN: '' }, 'IONOS credentials missing: set IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD) as for the provider'],
      [{ DATACENTER_ID: '' }, 'DATACENTER_ID is not set'],
      [{ SERVERS: '{"name":"x"}' }, 'SERVERS must be a JSON list of { "name", "id" }'],
      [{ CORES: 'eight' }, 'CORES must be a positive integer, got "eight"'],
    ];
    for (const [change, message] of cases) {
      const result = await runScript({ ...env(), ...change });
      expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({ code: 2, stderr: message });
    }
    expect(ionos.patches).toEqual([]);
  });
});
