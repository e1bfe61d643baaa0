/**
 * The four clients against loopback fakes over real HTTP: documented shapes, retries
 * on 429/5xx with Retry-After honoured, time limits, typed errors, checksums.
 */
import { BbbClient } from '../../functions/autoscaler/clients/bbb';
import { checksum } from '../../functions/autoscaler/clients/checksum';
import { parseRetryAfter } from '../../functions/autoscaler/clients/http';
import { IonosClient } from '../../functions/autoscaler/clients/ionos';
import { PrometheusClient } from '../../functions/autoscaler/clients/prometheus';
import { ScaleliteClient } from '../../functions/autoscaler/clients/scalelite';
import { ApiError, NetworkError, ResponseShapeError, TimeoutError } from '../../functions/autoscaler/errors';
import { FakeBbbFleet } from './fakes/bbb';
import { FakeIonos } from './fakes/ionos';
import { FakePrometheus } from './fakes/prometheus';
import { FakeScalelite } from './fakes/scalelite';
import { type LoopbackServer, serveOnLoopback } from './fakes/transport';
import { fastHttp } from './support';

const TOKEN = 'ionos-token-for-tests';
const DC = '11111111-2222-4333-8444-555555555555';
const http = fastHttp((input, init) => fetch(input, init), { timeoutMs: 300 });

describe('IONOS client', () => {
  const fake = new FakeIonos(DC, TOKEN);
  let server: LoopbackServer;
  let client: IonosClient;

  beforeAll(async () => {
    server = await serveOnLoopback(fake);
    fake.origin = server.origin;
    client = new IonosClient(DC, TOKEN, { baseUrl: fake.baseUrl, http });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    fake.faults.clear();
    fake.servers.clear();
    fake.calls.length = 0;
    fake.add({ id: 'srv-1', name: 'example-bbb-01', vmState: 'RUNNING', cores: 8, ramMb: 16384 });
    fake.add({ id: 'srv-2', name: 'example-bbb-02', vmState: 'SHUTOFF', cores: 8, ramMb: 16384 });
  });

  it('lists servers with power state, cores and RAM in MB', async () => {
    const servers = await client.listServers();
    expect(servers).toEqual([
      { id: 'srv-1', name: 'example-bbb-01', vmState: 'RUNNING', provisioningState: 'AVAILABLE', cores: 8, ramMb: 16384 },
      { id: 'srv-2', name: 'example-bbb-02', vmState: 'SHUTOFF', provisioningState: 'AVAILABLE', cores: 8, ramMb: 16384 },
    ]);
  });

  it('starts, stops and hot-plugs, returning the request status URL from Location', async () => {
    const started = await client.startServer('srv-2');
    expect(started.requestStatusUrl).toMatch(new RegExp(`^${server.origin}/cloudapi/v6/requests/[0-9a-f-]+/status$`));
    await client.resizeServer('srv-1', { cores: 12, ramMb: 24576 });
    await client.stopServer('srv-1');
    expect(fake.calls.map((call) => call.action)).toEqual(['start', 'patch', 'stop']);
    // IONOS carries the requests out later: until then the servers read BUSY in their old
    // power state (the requested size shows at once), with the time of the request.
    const pending = await client.listServers();
    expect(pending).toEqual([
      expect.objectContaining({ id: 'srv-1', vmState: 'RUNNING', provisioningState: 'BUSY', cores: 12, ramMb: 24576 }),
      expect.objectContaining({ id: 'srv-2', vmState: 'SHUTOFF', provisioningState: 'BUSY' }),
    ]);
    for (const vm of pending) expect(vm.lastModified).toBeInstanceOf(Date);
    fake.finishRequests();
    expect(fake.servers.get('srv-2')?.vmState).toBe('RUNNING');
    expect(fake.servers.get('srv-1')).toMatchObject({ vmState: 'SHUTOFF', cores: 12, ramMb: 24576 });
    expect((await client.listServers()).map((vm) => vm.provisioningState)).toEqual(['AVAILABLE', 'AVAILABLE']);
  });

  it('reports a bad token as a typed 401 without retrying', async () => {
    const bad = new IonosClient(DC, 'wrong-token', { baseUrl: fake.baseUrl, http });
    const before = fake.faults.requests;
    const error = await bad.listServers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ service: 'ionos', status: 401, code: '315' });
    expect((error as Error).message).not.toContain('wrong-token');
    expect(fake.faults.requests - before).toBe(1);
  });

  it('reports an unknown server as 404 and an impossible size as 422', async () => {
    await expect(client.startServer('nope')).rejects.toMatchObject({ status: 404, code: '309' });
    await expect(client.resizeServer('srv-1', { cores: 4, ramMb: 8000 })).rejects.toMatchObject({ status: 422, code: '100' });
  });

  it('retries 500 and 429 and then succeeds', async () => {
    fake.faults.failNext({ kind: 'status', status: 500 });
    fake.faults.failNext({ kind: 'status', status: 429, retryAfterSeconds: 0 });
    const before = fake.faults.requests;
    await expect(client.listServers()).resolves.toHaveLength(2);
    expect(fake.faults.requests - before).toBe(3);
  });

  it('honours Retry-After before the next attempt', async () => {
    fake.faults.failNext({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    const honouring = new IonosClient(DC, TOKEN, { baseUrl: fake.baseUrl, http: { ...http, maxBackoffMs: 5_000 } });
    const started = Date.now();
    await honouring.listServers();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the retries with the last typed error', async () => {
    fake.faults.failNext({ kind: 'status', status: 503 }, 3);
    const error = await client.listServers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, retryable: true });
  });

  it('turns a hanging request into a TimeoutError after each attempt runs out of time', async () => {
    fake.faults.failNext({ kind: 'hang' }, 3);
    const started = Date.now();
    const error = await client.listServers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ service: 'ionos', timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('recovers from a reset connection and reports a refused one as NetworkError', async () => {
    fake.faults.failNext({ kind: 'reset' });
    await expect(client.listServers()).resolves.toHaveLength(2);
    const closed = new IonosClient(DC, TOKEN, { baseUrl: 'http://127.0.0.1:9/cloudapi/v6', http });
    await expect(closed.listServers()).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('Scalelite client', () => {
  const SECRET = 'loadbalancer-secret-for-tests';
  const fake = new FakeScalelite(SECRET);
  let server: LoopbackServer;
  let client: ScaleliteClient;

  beforeAll(async () => {
    server = await serveOnLoopback(fake);
    client = new ScaleliteClient(`${server.origin}/scalelite/api`, SECRET, { http });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    fake.faults.clear();
    fake.servers.clear();
  });

  it('signs with the hex digest of action + query + secret', () => {
    expect(checksum('getServers', '', 'secret', 'sha256')).toBe('d8738115c0fec82af344b92000456ccf7ff1e2446bbe228527344df1acd3308c');
    expect(checksum('getMeetings', 'meetingID=abc', 'secret', 'sha1')).toBe('d518f80b7a445fc845b3114d58f1f7fa5a11e2de');
  });

  it('reads an empty server list (Scalelite answers it with 404) as no servers', async () => {
    await expect(client.getServers()).resolves.toEqual([]);
  });

  it('adds (disabled), updates and deletes a server', async () => {
    const added = await client.addServer({ url: 'https://bbb-01.example.org/bigbluebutton/api', secret: 'bbb-secret-01', loadMultiplier: 0.5 });
    expect(added).toMatchObject({ state: 'disabled', online: false, loadMultiplier: 0.5, load: undefined });
    await client.updateServer(added.id, { state: 'enable', loadMultiplier: 1 });
    const [listed] = await client.getServers();
    expect(listed).toMatchObject({ id: added.id, state: 'enabled', loadMultiplier: 1 });
    await client.updateServer(added.id, { state: 'cordon' });
    expect(fake.servers.get(added.id)?.state).toBe('cordoned');
    await client.deleteServer(added.id);
    expect(fake.servers.size).toBe(0);
  });

  it('reports an unknown id as 404 and a bad state as 400', async () => {
    await expect(client.updateServer('missing', { state: 'enable' })).rejects.toMatchObject({ service: 'scalelite', status: 404 });
    const added = await client.addServer({ url: 'https://bbb-02.example.org/bigbluebutton/api', secret: 'bbb-secret-02', loadMultiplier: 1 });
    await expect(client.updateServer(added.id, { state: 'pause' as never })).rejects.toMatchObject({ status: 400 });
  });

  it('reports a wrong secret as the checksumError document Scalelite sends with HTTP 200, without retrying', async () => {
    const wrong = new ScaleliteClient(`${server.origin}/scalelite/api`, 'not-the-secret', { http });
    const before = fake.faults.requests;
    const error = await wrong.getServers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, code: 'checksumError', retryable: false });
    expect(fake.faults.requests - before).toBe(1);
  });

  it('retries a 5xx on reads but not on addServer, which might have succeeded', async () => {
    fake.faults.failNext({ kind: 'status', status: 502 });
    await expect(client.getServers()).resolves.toEqual([]);
    fake.faults.failNext({ kind: 'status', status: 502 });
    await expect(client.addServer({ url: 'https://bbb-03.example.org/bigbluebutton/api', secret: 'bbb-secret-03', loadMultiplier: 1 })).rejects.toMatchObject({ status: 502 });
    fake.faults.failNext({ kind: 'status', status: 429, retryAfterSeconds: 0 });
    await expect(client.addServer({ url: 'https://bbb-03.example.org/bigbluebutton/api', secret: 'bbb-secret-03', loadMultiplier: 1 })).resolves.toMatchObject({ state: 'disabled' });
    expect(fake.servers.size).toBe(1);
  });
});

describe('BBB client', () => {
  const fleet = new FakeBbbFleet();
  let server: LoopbackServer;
  let up = true;
  const host = fleet.addHost({ host: 'bbb-01', secret: 'bbb-secret-01', reachable: () => up });

  beforeAll(async () => {
    server = await serveOnLoopback(fleet);
    fleet.origin = server.origin;
  });
  afterAll(() => server.close());
  beforeEach(() => {
    up = true;
    fleet.faults.clear();
    host.meetings = [];
    host.processingRecordings = 0;
  });

  const client = (secret = 'bbb-secret-01', algorithm: 'sha1' | 'sha256' = 'sha256') =>
    new BbbClient(fleet.apiUrl('bbb-01'), secret, { http, algorithm });

  it('reads running meetings with their participant and webcam counts', async () => {
    host.meetings = [
      { meetingId: 'math-7b', participantCount: 28, videoCount: 3, voiceParticipantCount: 20, recording: true },
      { meetingId: 'bio-9a', participantCount: 1, videoCount: 0, voiceParticipantCount: 1, recording: false },
    ];
    await expect(client().getMeetings()).resolves.toEqual([
      { meetingId: 'math-7b', running: true, participantCount: 28, videoCount: 3, voiceParticipantCount: 20, recording: true },
      { meetingId: 'bio-9a', running: true, participantCount: 1, videoCount: 0, voiceParticipantCount: 1, recording: false },
    ]);
  });

  it('reads the noMeetings answer as an empty list and counts processing recordings', async () => {
    host.processingRecordings = 2;
    await expect(client(undefined, 'sha1').getMeetings()).resolves.toEqual([]);
    await expect(client().countProcessingRecordings()).resolves.toBe(2);
  });

  it('reports a checksum failure as a typed error with messageKey', async () => {
    await expect(client('wrong-secret').getMeetings()).rejects.toMatchObject({ service: 'bbb', code: 'checksumError' });
  });

  it('reports a stopped server as NetworkError after retries', async () => {
    up = false;
    await expect(client().getMeetings()).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('Prometheus client', () => {
  let table: Record<string, Array<{ labels: Record<string, string>; value: number }>> = {};
  const fake = new FakePrometheus((query) => table[query]);
  let server: LoopbackServer;
  let client: PrometheusClient;

  beforeAll(async () => {
    server = await serveOnLoopback(fake);
    client = new PrometheusClient(server.origin, http);
  });
  afterAll(() => server.close());

  it('returns vector samples with labels, values and the evaluation time', async () => {
    table = { 'bbb:load:by_server': [{ labels: { instance: 'example-bbb-01' }, value: 42 }, { labels: { instance: 'example-bbb-02' }, value: Infinity }] };
    const samples = await client.query('bbb:load:by_server', new Date('2026-11-23T10:00:00Z'));
    expect(samples).toEqual([
      { labels: { instance: 'example-bbb-01' }, value: 42, timestampSeconds: 1795428000 },
      { labels: { instance: 'example-bbb-02' }, value: Infinity, timestampSeconds: 1795428000 },
    ]);
  });

  it('reports a query error with its errorType', async () => {
    const error = await client.query('sum(').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ service: 'prometheus', status: 400, code: 'bad_data' });
  });

  it('rejects an answer of the wrong shape', async () => {
    const odd = new PrometheusClient(`${server.origin}/not-prometheus`, http);
    await expect(odd.query('up')).rejects.toBeInstanceOf(ApiError);
    fake.faults.failNext({ kind: 'status', status: 503 }, 3);
    await expect(client.query('up')).rejects.toMatchObject({ status: 503 });
  });

  it('rejects a success without data as a shape error', async () => {
    const shapeless = new PrometheusClient('http://unused.test', fastHttp(async () => new Response('{"status":"success"}', { status: 200 })));
    await expect(shapeless.query('up')).rejects.toBeInstanceOf(ResponseShapeError);
    await expect(shapeless.query('up')).rejects.toMatchObject({ problem: 'data: is required' });
  });

  it('names the key and the value of a wrong answer', async () => {
    const answer = (body: string) => new PrometheusClient('http://unused.test', fastHttp(async () => new Response(body, { status: 200 })));
    await expect(answer('{"status":"maybe"}').query('up')).rejects.toMatchObject({ problem: 'status: must be ("success" | "error"), got "maybe"' });
    await expect(answer('{"status":"success","data":{"resultType":"scalar","result":["1","2"]}}').query('up')).rejects.toMatchObject({
      problem: 'data.result[0]: must be a number, got "1"',
    });
    await expect(answer('[]').query('up')).rejects.toMatchObject({ problem: '(response): must be a mapping, got a list' });
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
