/**
 * The maintenance cycle end to end: the real handler, executor and policy against the
 * World's fakes (IONOS, Scalelite, BBB, Prometheus, the coordination store and the
 * platform agent with its jobs, reboots and host keys), a tick a minute through the night.
 * A pool of 20 with 17 stopped is patched in one window without a meeting lost or the
 * minimum left; failures hold servers and halt the cycle; two autoscalers do the work once;
 * a request patches a server at once by day; a changed host key is refused.
 */
import { decodeRecord, decodeRequest, encodeRecord } from '../../functions/autoscaler/maintenance-records';
import { AutoscalerMetrics } from '../../functions/autoscaler/metrics';
import type { MaintenanceRecord } from '../../functions/autoscaler/policy';
import type { TickResult } from '../../functions/autoscaler/handler';
import { World, ionosId, privateIp, serverName } from './fakes/world';
import { tick } from './support';

/** Tuesday 01:00 in Berlin: the default window opens. */
const WINDOW_OPENS = new Date('2026-11-24T00:00:00Z');
const CYCLE = '2026-11-24';

const classroom = { participantCount: 12, videoCount: 1, voiceParticipantCount: 12, recording: false };

/** Servers taking meetings: enabled in Scalelite, their BBB answering. */
function serving(world: World): number {
  return world.inventory().servers.filter((server, index) => {
    const entry = world.scalelite.byUrl(server.bbbApiUrl)[0];
    return entry?.state === 'enabled' && world.host(index + 1).reachable();
  }).length;
}

interface NightOptions {
  readonly minutes: number;
  /** Runs after each tick, with its result (a test's checks and events). */
  readonly each?: (result: TickResult, minute: number) => void;
  readonly metrics?: AutoscalerMetrics;
  /** Which autoscaler ticks at each minute (two take turns in a test). */
  readonly command?: (minute: number) => string;
}

async function runMinutes(world: World, { minutes, each, metrics, command }: NightOptions): Promise<TickResult[]> {
  const results: TickResult[] = [];
  for (let minute = 0; minute < minutes; minute++) {
    world.advance(60);
    world.advanceRecordings();
    const result = await tick(world, { metrics, command: command?.(minute) });
    results.push(result);
    each?.(result, minute);
  }
  return results;
}

const records = (world: World): Map<string, MaintenanceRecord> => new Map(world.store.maintenanceNow());

describe('the maintenance cycle', () => {
  it('patches a pool of 20, 17 of them stopped, in one night, never below the minimum and without losing a meeting', async () => {
    const world = new World({ servers: 20, minRunning: 3, running: 3, start: WINDOW_OPENS });
    // A late meeting on each running server: they drain when it ends.
    for (const index of [1, 2, 3]) world.host(index).meetings.push({ meetingId: `late-${index}`, ...classroom });
    const metrics = new AutoscalerMetrics();
    const belowMinimum: string[] = [];
    const begun: Date[] = [];
    const results = await runMinutes(world, {
      minutes: 240,
      metrics,
      each: (result, minute) => {
        if (minute === 20) for (const index of [1, 2, 3]) world.endMeeting(world.host(index));
        if (serving(world) < 3) belowMinimum.push(`${world.now.toISOString()}: ${serving(world)} serving`);
        for (const outcome of result.actions) if (outcome.step.kind === 'maintain' && outcome.step.step === 'begin' && outcome.status === 'done') begun.push(world.now);
      },
    });

    const patched = [...records(world).entries()].filter(([, record]) => record.phase === 'done' && record.patchedCycle === CYCLE).map(([name]) => name);
    expect(patched.sort()).toEqual(world.inventory().servers.map((server) => server.name));
    expect(world.meetingsLost).toBe(0);
    expect(belowMinimum).toEqual([]);
    // Nothing is begun later than a server's time before the window closes (05:00).
    expect(Math.max(...begun.map((at) => at.getTime()))).toBeLessThanOrEqual(new Date('2026-11-24T03:30:00Z').getTime());
    const done = results.findIndex((result) => result.decision.maintenance.servers.patched === 20);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(180);
    // Back to what the load needs: the minimum runs, the rest is stopped again, every update ran once.
    const running = world.inventory().servers.filter((server) => world.ionos.isRunning(server.ionosServerId));
    expect(running.length).toBe(3);
    const updates = world.agent.calls.filter((call) => call.request.verb === 'update');
    expect(new Set(updates.map((call) => call.host)).size).toBe(20);
    expect(results[results.length - 1].decision.maintenance).toMatchObject({ cycle: CYCLE, active: false, halted: false, servers: { patched: 20 } });

    // A stopped server exports nothing, the autoscaler exports its maintenance for it.
    const exported = await metrics.registry.metrics();
    expect(exported).toContain(`bbb_autoscaler_maintenance_server_state{server="${serverName(17)}",state="patched"} 1`);
    expect(exported).toMatch(new RegExp(`bbb_autoscaler_maintenance_patched_timestamp_seconds\\{server="${serverName(17)}"\\} \\d+`));
    expect(exported).toContain(`bbb_autoscaler_maintenance_held{server="${serverName(17)}"} 0`);
    expect(exported).toContain('bbb_autoscaler_maintenance_cycle_servers{state="patched"} 20');
  }, 60_000);

  it('holds a server whose update fails or that does not come back, skips a busy one and one without the verbs, and halts after two failures', async () => {
    const world = new World({ servers: 8, minRunning: 2, running: 2, start: WINDOW_OPENS });
    world.agent.serverFaults.set(privateIp(3), { updateFails: true });
    world.agent.serverFaults.set(privateIp(5), { neverReturns: true });
    world.agent.serverFaults.set(privateIp(6), { busy: true });
    world.agent.poweroffOnly.add(privateIp(7));
    const metrics = new AutoscalerMetrics();
    const enabledWhileHeld: string[] = [];
    const results = await runMinutes(world, {
      minutes: 240,
      metrics,
      each: () => {
        for (const index of [3, 5]) {
          const entry = world.scalelite.byUrl(world.inventory().servers[index - 1].bbbApiUrl)[0];
          if (entry?.state === 'enabled') enabledWhileHeld.push(`${serverName(index)} at ${world.now.toISOString()}`);
        }
      },
    });
    const phases = Object.fromEntries([...records(world)].map(([name, record]) => [name.slice(-2), record.phase]));
    // 03 is the first server and fails; 04 passes; 05, 06, 07 and 08 go together; the second
    // failure (05) halts the cycle: the running 01 and 02 are not taken this night.
    expect(phases).toEqual({ '03': 'failed', '04': 'done', '05': 'failed', '06': 'skipped', '07': 'skipped', '08': 'done' });
    expect(records(world).get(serverName(3))?.message).toBe('update: E: Sub-process /usr/bin/dpkg returned an error code (1)');
    expect(records(world).get(serverName(5))?.message).toBe('it did not come back within 15 min of its reboot');
    expect(records(world).get(serverName(6))?.message).toBe('still not updated after 20 min: another maintenance command is running');
    expect(records(world).get(serverName(7))).toMatchObject({ unsupported: true, message: expect.stringContaining("unknown verb 'update'") });
    expect(results[results.length - 1].decision.maintenance).toMatchObject({ halted: true, servers: { patched: 2, failed: 2, skipped: 2, missed: 2 } });
    // Held: left as they are (running, out of rotation), never enabled, and exported.
    expect(enabledWhileHeld).toEqual([]);
    expect([3, 5].map((index) => world.ionos.isRunning(ionosId(index)))).toEqual([true, true]);
    const exported = await metrics.registry.metrics();
    expect(exported).toContain(`bbb_autoscaler_maintenance_held{server="${serverName(3)}"} 1`);
    expect(exported).toContain('bbb_autoscaler_maintenance_cycle_halted 1');
    expect(world.meetingsLost).toBe(0);

    // Given back by an operator, the held server goes back to stopped, and is due again next night.
    await world.store.releaseMaintenance(serverName(3), 'released by hand');
    await runMinutes(world, { minutes: 6 });
    expect(world.ionos.isRunning(ionosId(3))).toBe(false);
    expect(records(world).get(serverName(3))).toMatchObject({ phase: 'skipped', message: 'released by hand' });
  }, 60_000);

  it('is done once when two autoscalers take turns through the night', async () => {
    const world = new World({ servers: 5, minRunning: 1, running: 1, start: WINDOW_OPENS });
    await runMinutes(world, { minutes: 90, command: (minute) => (minute % 2 === 0 ? 'tick-a' : 'tick-b') });
    expect([...records(world).values()].map((record) => record.phase)).toEqual(['done', 'done', 'done', 'done', 'done']);
    // Each server's update job was started once: a job is found again by its id, whoever asks.
    const started = world.agent.calls.filter((call) => call.request.verb === 'update').map((call) => `${call.host} ${'job' in call.request ? call.request.job : ''}`);
    expect(new Set(started).size).toBe(5);
    expect(world.meetingsLost).toBe(0);
  }, 60_000);

  it('patches a server at once by day when asked, draining it first, without dropping below the minimum', async () => {
    const world = new World({ servers: 4, minRunning: 2, running: 2 });
    world.host(1).meetings.push({ meetingId: 'maths', ...classroom });
    await world.store.requestMaintenance([serverName(1)], true);
    const belowMinimum: string[] = [];
    await runMinutes(world, {
      minutes: 40,
      each: (_, minute) => {
        if (minute === 8) world.endMeeting(world.host(1));
        if (serving(world) < 2) belowMinimum.push(world.now.toISOString());
      },
    });
    expect(records(world).get(serverName(1))).toMatchObject({ phase: 'done', patchedAt: expect.any(Date), wasStopped: false });
    expect(records(world).size).toBe(1);
    expect(belowMinimum).toEqual([]);
    expect(world.meetingsLost).toBe(0);
  }, 60_000);

  it('refuses a server that offers another host key than the one pinned for its VM, and says so', async () => {
    const world = new World({ servers: 3, minRunning: 1, running: 1, start: WINDOW_OPENS });
    await runMinutes(world, { minutes: 40 });
    expect((await world.store.hostKeys()).get(serverName(2))).toMatchObject({ ionosServerId: ionosId(2), fingerprint: `SHA256:host-key-of-${privateIp(2)}` });
    // The next night another host answers at bbb-02's address.
    world.agent.hostKeys.set(privateIp(2), 'SHA256:impostor');
    world.now = new Date(WINDOW_OPENS.getTime() + 24 * 3600_000);
    const metrics = new AutoscalerMetrics();
    const results = await runMinutes(world, { minutes: 20, metrics });
    const refused = results.flatMap((result) => result.actions).filter((outcome) => outcome.step.server === serverName(2) && outcome.status === 'failed');
    expect(refused[0]?.detail).toMatch(/^ssh example-bbb-02: host key changed: SHA256:impostor offered, SHA256:host-key-of-10\.20\.1\.2 pinned for this VM; refused/);
    expect(await metrics.registry.metrics()).toContain(`bbb_autoscaler_host_key_changed{server="${serverName(2)}"} 1`);
    // Nothing reached the impostor: bbb-02's only update job is last night's.
    const jobs = world.agent.calls.filter((call) => call.host === privateIp(2) && call.request.verb === 'update').map((call) => ('job' in call.request ? call.request.job : ''));
    expect(new Set(jobs).size).toBe(1);
    expect(records(world).get(serverName(2))).toMatchObject({ phase: 'failed', message: 'its agent did not answer within 15 min of its start' });
  }, 60_000);

  it('keeps a server the load starts again after its maintenance, whatever the clocks say', async () => {
    // bbb-02 was started for its update, patched and powered off again; the store's clock runs two hours ahead of the servers'.
    const world = new World({ servers: 3, minRunning: 1, running: 1, start: new Date('2026-11-24T10:00:00Z') });
    const lease = await world.store.acquire('test', 60_000);
    if (!lease.acquired) throw new Error('the test could not take the lease');
    const done: MaintenanceRecord = { cycle: CYCLE, phase: 'done', since: new Date('2026-11-24T12:00:00Z'), wasStopped: true, patchedAt: new Date('2026-11-24T12:00:00Z'), patchedCycle: CYCLE };
    await world.store.recordMaintenance(lease.token, serverName(2), done);
    await world.store.release(lease.token);
    // A lesson needs a second server.
    for (let i = 0; i < 6; i++) world.host(1).meetings.push({ meetingId: `lesson-${i}`, participantCount: 30, videoCount: 4, voiceParticipantCount: 30, recording: false });
    const results = await runMinutes(world, { minutes: 8 });
    const actions = results.flatMap((result) => result.actions.filter((outcome) => outcome.step.server === serverName(2) && outcome.status === 'done').map((outcome) => outcome.step.kind));
    expect(actions).toEqual(['start', 'enable']);
    expect(records(world).get(serverName(2))).toMatchObject({ phase: 'done', wasStopped: false });
  });

  it('holds a server whose record does not read back, and ignores a request that does not', () => {
    const now = new Date('2026-11-24T02:00:00Z');
    const record: MaintenanceRecord = { cycle: CYCLE, phase: 'rebooting', since: now, wasStopped: true, bootId: 'a1b2-c3', patchedAt: now, patchedCycle: '2026-11-23' };
    expect(decodeRecord(encodeRecord(record), now)).toEqual(record);
    expect(decodeRecord('{"cycle":', now)).toMatchObject({ phase: 'failed', since: now, message: expect.stringMatching(/^its maintenance record could not be read: not JSON/) });
    expect(decodeRecord(JSON.stringify({ ...JSON.parse(encodeRecord(record)), phase: 'patching' }), now)).toMatchObject({
      phase: 'failed',
      message: expect.stringMatching(/^its maintenance record could not be read: phase: /),
    });
    expect(decodeRequest('{"servers":"some","now":true,"at":1}')).toBeUndefined();
    expect(decodeRequest('{"servers":["example-bbb-01"],"now":false,"at":1}')).toEqual({ servers: ['example-bbb-01'], now: false, at: new Date(1) });
  });
});
