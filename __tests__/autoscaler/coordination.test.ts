/**
 * The coordination store against the real Redis (Debian's redis-server): the lease is
 * taken once, expires by Redis' clock, keeps a fencing token that only grows, and power-off
 * records, maintenance records and pinned host keys are written only for the token that
 * holds it. The Lease measures its own
 * validity on a monotonic clock and stops a holder whose lease ran out.
 */
import { RedisCoordinationStore } from '../../functions/autoscaler/clients/redis';
import { Lease, LeaseHeldError, LeaseLostError } from '../../functions/autoscaler/lease';
import { type RedisServer, startRedis } from '../support/redis';
import { describeWithTool } from '../support/tools';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithTool('redis-server', 'coordination store in Redis', () => {
  let redis: RedisServer;
  const stores: RedisCoordinationStore[] = [];
  const store = (environment = 'example') => {
    const created = new RedisCoordinationStore({ ...redis.address, environment, timeoutMs: 2_000 });
    stores.push(created);
    return created;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((created) => created.close()));
    await redis.stop();
  });

  it('hands the lease to one holder at a time, with a fencing token that only grows', async () => {
    const a = store('one');
    const b = store('one');
    const first = await a.acquire('host-a:1:serve', 5_000);
    expect(first).toEqual({ acquired: true, token: 1 });
    const refused = await b.acquire('host-b:2:tick', 5_000);
    expect(refused).toMatchObject({ acquired: false, holder: 'host-a:1:serve' });
    expect(refused.acquired === false && refused.remainingMs).toBeGreaterThan(4_000);
    expect(await b.holder()).toMatchObject({ holder: 'host-a:1:serve' });
    // Only the token that holds it renews or releases it.
    expect(await b.renew(2, 5_000)).toBe(false);
    await b.release(7);
    expect(await a.holder()).toMatchObject({ holder: 'host-a:1:serve' });
    expect(await a.renew(1, 5_000)).toBe(true);
    await a.release(1);
    expect(await b.holder()).toBeUndefined();
    expect(await b.acquire('host-b:2:tick', 5_000)).toEqual({ acquired: true, token: 2 });
  });

  it('lets a crashed holder lose the lease when its time is up in Redis', async () => {
    const a = store('two');
    const b = store('two');
    expect(await a.acquire('crashed', 300)).toMatchObject({ acquired: true });
    expect(await b.acquire('next', 300)).toMatchObject({ acquired: false });
    await sleep(450);
    expect(await b.acquire('next', 300)).toMatchObject({ acquired: true });
    expect(await a.renew(1, 300)).toBe(false);
  });

  it('writes power-off records only for the token that holds the lease, with Redis’ time', async () => {
    const a = store('three');
    const before = Date.now();
    const taken = await a.acquire('host-a', 5_000);
    const token = taken.acquired ? taken.token : -1;
    expect(await a.recordPowerOff(token + 1, 'example-bbb-02')).toBe(false);
    expect(await a.recordPowerOff(token, 'example-bbb-02')).toBe(true);
    const records = await a.powerOffs();
    expect([...records.keys()]).toEqual(['example-bbb-02']);
    const at = records.get('example-bbb-02')?.getTime() ?? NaN;
    expect(at).toBeGreaterThanOrEqual(before - 1_000);
    expect(Math.abs((await a.time()).getTime() - Date.now())).toBeLessThan(1_000);
    expect(await a.clearPowerOff(token + 1, 'example-bbb-02')).toBe(false);
    expect(await a.clearPowerOff(token, 'example-bbb-02')).toBe(true);
    expect((await a.powerOffs()).size).toBe(0);
    // Environments share a Redis without seeing each other's keys.
    expect((await store('four').holder())).toBeUndefined();
  });

  it('holds, renews and gives back a Lease, and stops a holder whose lease ran out', async () => {
    let monotonic = 0;
    const lease = new Lease(store('five'), { holder: 'serve', ttlMs: 1_000, marginMs: 200, monotonicMs: () => monotonic });
    const other = new Lease(store('five'), { holder: 'tick', ttlMs: 1_000 });
    await lease.acquire();
    lease.assertHeld();
    await expect(other.acquire()).rejects.toThrow(LeaseHeldError);
    await expect(other.acquire()).rejects.toThrow(/^another autoscaler holds the lease \(serve\) for 1 s more; it acts, this one does not$/);
    // The process stalls past the lease's time (less the margin for a request in flight).
    monotonic = 900;
    expect(() => lease.assertHeld()).toThrow(new LeaseLostError('it ran out before it was renewed'));
    await lease.renew();
    lease.assertHeld();
    await sleep(1_100);
    await expect(lease.renew()).rejects.toThrow(LeaseLostError);
    expect(lease.held).toBe(false);
    await other.acquire();
    await other.release();
  });

  it('keeps maintenance records for the token that holds the lease, and an operator’s request and release at Redis’ time', async () => {
    const a = store('six');
    const taken = await a.acquire('host-a', 5_000);
    const token = taken.acquired ? taken.token : -1;
    const since = new Date('2026-03-10T00:30:00Z');
    const record = { cycle: '2026-03-10', phase: 'updating' as const, since, wasStopped: true, job: '1773102600000', patchedAt: since, patchedCycle: '2026-03-09' };
    expect(await a.recordMaintenance(token + 1, 'example-bbb-03', record)).toBe(false);
    expect(await a.recordMaintenance(token, 'example-bbb-03', record)).toBe(true);
    expect(await a.maintenance()).toEqual({ records: new Map([['example-bbb-03', record]]) });

    const request = await a.requestMaintenance(['example-bbb-03'], true);
    expect(request).toEqual({ servers: ['example-bbb-03'], now: true, at: expect.any(Date) });
    expect(Math.abs(request.at.getTime() - Date.now())).toBeLessThan(1_000);
    expect((await a.maintenance()).request).toEqual(request);
    expect((await a.requestMaintenance('all', false)).servers).toBe('all');

    // Only a held server is released: its failed record becomes skipped, its history kept.
    expect(await a.releaseMaintenance('example-bbb-03', 'released by ops')).toBe(false);
    await a.recordMaintenance(token, 'example-bbb-03', { ...record, phase: 'failed', message: 'update: E: broken' });
    expect(await a.releaseMaintenance('example-bbb-03', 'released by ops')).toBe(true);
    expect((await a.maintenance()).records.get('example-bbb-03')).toEqual({
      ...record,
      phase: 'skipped',
      since: expect.any(Date),
      message: 'released by ops',
    });
    expect(await a.releaseMaintenance('example-bbb-09', 'released by ops')).toBe(false);
  });

  it('pins a host key per VM for the token that holds the lease, keeps it, and forgets it when asked', async () => {
    const a = store('seven');
    const taken = await a.acquire('host-a', 5_000);
    const token = taken.acquired ? taken.token : -1;
    expect(await a.pinHostKey(token + 1, 'example-bbb-01', 'vm-1', 'SHA256:first')).toEqual({ outcome: 'lost' });
    expect(await a.pinHostKey(token, 'example-bbb-01', 'vm-1', 'SHA256:first')).toEqual({ outcome: 'pinned' });
    expect(await a.pinHostKey(token, 'example-bbb-01', 'vm-1', 'SHA256:other')).toEqual({
      outcome: 'kept',
      pin: { ionosServerId: 'vm-1', fingerprint: 'SHA256:first', pinnedAt: expect.any(Date) },
    });
    // A rebuilt server is another VM: its key is pinned afresh.
    expect(await a.pinHostKey(token, 'example-bbb-01', 'vm-2', 'SHA256:rebuilt')).toEqual({ outcome: 'pinned' });
    expect((await a.hostKeys()).get('example-bbb-01')).toMatchObject({ ionosServerId: 'vm-2', fingerprint: 'SHA256:rebuilt' });
    expect(await a.forgetHostKey('example-bbb-01')).toBe(true);
    expect(await a.forgetHostKey('example-bbb-01')).toBe(false);
    expect((await a.hostKeys()).size).toBe(0);
  });

  it('names an unreachable store', async () => {
    const unreachable = new RedisCoordinationStore({ host: '127.0.0.1', port: 1, environment: 'example', timeoutMs: 500 });
    await expect(unreachable.time()).rejects.toThrow(/^redis coordination store: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    await unreachable.close();
  });
});
