/**
 * The handler against the simulated platform (in-process fakes with the real APIs'
 * shapes): scale-out, boot and enable, the drain and the gentle stop, dry runs, guards
 * and logs.
 */
import { executeActions } from '../../functions/autoscaler/execute';
import { AutoscalerMetrics } from '../../functions/autoscaler/metrics';
import { observe, readState } from '../../functions/autoscaler/observe';
import { settingsFromInventoryPolicy, type Decision } from '../../functions/autoscaler/policy';
import { IONOS_TOKEN, SCALELITE_SECRET, World, bbbSecret, ionosId, privateIp } from './fakes/world';
import { captureLog, NO_CYCLE, tick, worldSession } from './support';

const classroom = { participantCount: 25, videoCount: 1, voiceParticipantCount: 20, recording: false };

function stateChanges(world: World): string[] {
  return [
    ...world.ionos.calls.filter((call) => call.action !== 'list').map((call) => `ionos ${call.action} ${call.serverId}`),
    ...world.scalelite.calls.filter((call) => call.action !== 'getServers').map((call) => `scalelite ${call.action}`),
  ];
}

describe('handler', () => {
  it('starts stopped servers when the load outgrows the running capacity', async () => {
    const world = new World({ servers: 4, minRunning: 1, running: 1 });
    world.advance(60);
    for (let i = 0; i < 8; i++) world.startMeeting(classroom);
    world.advance(60);
    const metrics = new AutoscalerMetrics();
    const result = await tick(world, { metrics });
    expect(result.decision.actions.filter((a) => a.kind === 'start').length).toBeGreaterThan(0);
    for (const outcome of result.actions.filter((o) => o.step.kind === 'start')) expect(outcome.status).toBe('done');
    // IONOS carries the start out asynchronously.
    expect(world.ionos.pendingActions(ionosId(2))).toEqual(['start']);
    world.ionos.finishRequests();
    expect(world.ionos.servers.get(ionosId(2))?.vmState).toBe('RUNNING');
    expect(result.observation.fleet).toMatchObject({ load: 8 * 28, metricsFresh: true });
    const exposition = await metrics.registry.metrics();
    expect(exposition).toMatch(/^bbb_autoscaler_running_servers 1$/m);
    expect(exposition).toMatch(/^bbb_autoscaler_load_weighted 224$/m);
    expect(exposition).toMatch(/^bbb_autoscaler_decisions_total\{action="start"\} [1-9]/m);
    expect(exposition).toMatch(/^bbb_autoscaler_last_success_timestamp_seconds \d+/m);
    expect(exposition).toMatch(/^bbb_autoscaler_tick_duration_seconds_count 1$/m);
  });

  it('enables a started server only once its BBB API answers', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 1 });
    for (let i = 0; i < 6; i++) world.startMeeting(classroom);
    world.advance(60);
    const first = await tick(world);
    expect(first.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toContain('start example-bbb-02 done');
    // Booting: the VM runs but BBB does not answer yet.
    world.bbb.faults.setRates({ hang: 1 });
    world.advance(60);
    const booting = await tick(world);
    expect(booting.decision.actions.some((a) => a.kind === 'enable')).toBe(false);
    expect(world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0].state).toBe('disabled');
    world.bbb.faults.clear();
    world.advance(60);
    const ready = await tick(world);
    expect(ready.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toContain('enable example-bbb-02 done');
    expect(world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0].state).toBe('enabled');
  });

  it('drains before stopping: cordon, wait for meetings and recordings, power the guest off, then the IONOS stop', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 2, cooldownMinutes: 1 });
    world.host(1).meetings.push({ meetingId: 'assembly', ...classroom, participantCount: 60 });
    world.host(2).meetings.push({ meetingId: 'tutoring', ...classroom, participantCount: 2, recording: true });
    world.advance(60);
    const log: string[] = [];
    const unsafeStops: string[] = [];
    let fewestEnabled = Infinity;
    for (let step = 0; step < 12; step++) {
      if (step === 5) world.endMeeting(world.host(2));
      world.advance(60);
      if (step >= 5) world.advanceRecordings();
      const result = await tick(world);
      for (const outcome of result.actions.filter((o) => o.status === 'done')) {
        log.push(`${step} ${outcome.step.kind} ${outcome.step.server}`);
        const host = world.hostOf(outcome.step.server);
        if (outcome.step.kind === 'powerOff' && host && (host.meetings.length > 0 || host.processingRecordings + host.queuedRecordings > 0)) {
          unsafeStops.push(outcome.step.server);
        }
      }
      const enabled = [...world.scalelite.servers.values()].filter((s) => s.state === 'enabled' && world.hostOf(s.url)?.reachable());
      fewestEnabled = Math.min(fewestEnabled, enabled.length);
    }
    expect(unsafeStops).toEqual([]);
    expect(fewestEnabled).toBeGreaterThanOrEqual(1);
    // Cordoned while its meeting still ran; the meeting ends at step 5 and leaves a raw
    // recording (queued, then processing until step 6): the power-off waits until a scrape
    // after that (step 7) shows the backlog empty. The guest is off by the next tick, and
    // only then does IONOS stop it, which ends the billing; Scalelite's poller, which saw it
    // go offline, leaves it cordoned, so it is disabled.
    const [cordon, ...rest] = log;
    expect(cordon).toMatch(/^[0-4] cordon example-bbb-02$/);
    expect(rest).toEqual(['7 powerOff example-bbb-02', '8 disable example-bbb-02', '8 stop example-bbb-02']);
    expect(world.agent.calls).toEqual([{ host: privateIp(2), request: { verb: 'poweroff' } }]);
    expect(world.ionos.forcedStops).toEqual([]);
    expect(world.ionos.servers.get(ionosId(2))).toMatchObject({ vmState: 'SHUTOFF', allocated: false });
    expect(world.store.recordsNow().size).toBe(0);
    expect(world.ionos.isRunning(ionosId(1))).toBe(true);
    expect(world.meetingsLost).toBe(0);
    // Scalelite's poller disabled the cordoned server once its load reached zero.
    expect(world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0].state).toBe('disabled');
  });

  it('changes nothing in a dry run, and reports what it would do', async () => {
    const world = new World({ servers: 3, minRunning: 2, running: 1 });
    world.scalelite.servers.clear();
    world.advance(60);
    const log = captureLog();
    const result = await tick(world, { dryRun: true, logger: log.logger });
    expect(stateChanges(world)).toEqual([]);
    expect(result.dryRun).toBe(true);
    expect(result.registration.map((o) => o.status)).toEqual(['planned', 'planned', 'planned']);
    expect(result.actions.length).toBeGreaterThan(0);
    expect(result.actions.every((o) => o.status === 'planned' || o.status === 'skipped')).toBe(true);
    expect(log.lines().some((line) => line.event === 'action' && line.dryRun === true)).toBe(true);
    // A dry run takes no lease.
    expect(world.store.calls.filter((call) => call === 'acquire')).toEqual([]);
  });

  it('observes and decides but acts on nothing while the inventory disables autoscaling', async () => {
    const world = new World({ servers: 3, minRunning: 3, running: 1 });
    world.advance(60);
    const result = await tick(world, { inventory: world.inventory({ enabled: false }) });
    expect(result.enabled).toBe(false);
    expect(result.decision.actions.length).toBeGreaterThan(0);
    expect(stateChanges(world)).toEqual([]);
  });

  it('logs one JSON line per decision and action, and never a secret', async () => {
    const world = new World({ servers: 3, minRunning: 2, running: 1 });
    world.advance(60);
    const log = captureLog();
    world.scalelite.faults.failNext({ kind: 'status', status: 500 }, 3);
    await tick(world, { logger: log.logger });
    const lines = log.lines();
    expect(lines.filter((line) => line.event === 'decision')).toHaveLength(1);
    expect(lines.filter((line) => line.event === 'action').length).toBeGreaterThan(0);
    expect(lines.some((line) => line.event === 'error' && line.source === 'scalelite')).toBe(true);
    for (const secret of [IONOS_TOKEN, SCALELITE_SECRET, bbbSecret(1), bbbSecret(2), bbbSecret(3)]) {
      expect(log.text()).not.toContain(secret);
    }
  });

  it('fails the tick loudly on a bad event time', async () => {
    const world = new World({ servers: 1, minRunning: 1 });
    const inventory = world.inventory();
    const { runTick } = await import('../../functions/autoscaler/handler');
    const { clients } = worldSession(world, { dryRun: true });
    await expect(runTick({ time: 'yesterday', dryRun: true }, { inventory, clients, logger: captureLog().logger })).rejects.toThrow(
      'event.time: must be an ISO 8601 time, got "yesterday"',
    );
  });

  it('refuses to act without the lease', async () => {
    const world = new World({ servers: 1, minRunning: 1 });
    const inventory = world.inventory();
    const { runTick } = await import('../../functions/autoscaler/handler');
    const { clients } = worldSession(world);
    await expect(runTick({}, { inventory, clients, logger: captureLog().logger })).rejects.toThrow(
      'the lease was lost (a tick that acts needs the lease; none was given); stopped acting before the next change',
    );
  });
});

/** Runs actions through the executor with the World's fakes, holding the lease as a tick does. */
async function actionsOn(world: World) {
  const inventory = world.inventory();
  const session = worldSession(world);
  await session.lease?.acquire();
  const { clients, lease } = session;
  const state = await readState(inventory, clients, world.now);
  const observation = observe(inventory, state, world.now);
  const settings = settingsFromInventoryPolicy(inventory.policy);
  const run = async (actions: Decision['actions'], effectiveMinimum = 1) => {
    const decision: Decision = { actions, load: 0, desiredCapacity: 0, desiredServers: 0, runningServers: 0, capacity: 0, effectiveMinimum, reasons: [], maintenance: NO_CYCLE };
    try {
      return await executeActions(decision, observation, state, inventory, clients, { dryRun: false, logger: captureLog().logger, settings, lease });
    } finally {
      await session.close();
    }
  };
  return { run, state, observation };
}

const start = (server: string) => ({ kind: 'start' as const, server, cores: 8, ramGb: 16, reason: 'test' });

describe('action guards', () => {
  const setup = actionsOn;

  it('refuses to act on a server outside the pool', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 2 });
    const { run } = await setup(world);
    const outcomes = await run([{ kind: 'powerOff', server: 'other-bbb-99', reason: 'test' }, start('example-scalelite-01')]);
    expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(stateChanges(world)).toEqual([]);
  });

  it('refuses to power off an enabled server or below the minimum, and to cordon the last enabled server', async () => {
    const world = new World({ servers: 3, minRunning: 1, running: 3 });
    world.scalelite.byUrl(world.inventory().servers[2].bbbApiUrl)[0].state = 'cordoned';
    world.startMeeting(classroom);
    world.advance(60);
    const { run } = await setup(world);
    const outcomes = await run(
      [
        { kind: 'powerOff', server: 'example-bbb-01', reason: 'test' },
        { kind: 'powerOff', server: 'example-bbb-03', reason: 'test' },
        { kind: 'cordon', server: 'example-bbb-01', reason: 'test' },
        { kind: 'cordon', server: 'example-bbb-02', reason: 'test' },
      ],
      3,
    );
    expect(outcomes.map((o) => `${o.step.kind} ${o.step.server} ${o.status}: ${o.detail}`)).toEqual([
      'powerOff example-bbb-01 skipped: would leave fewer than 3 servers running',
      'powerOff example-bbb-03 skipped: would leave fewer than 3 servers running',
      'cordon example-bbb-01 done: undefined',
      'cordon example-bbb-02 skipped: the last enabled server',
    ]);
    expect(stateChanges(world)).toEqual(['scalelite updateServer']);
    const [enabled] = await (await setup(world)).run([{ kind: 'powerOff', server: 'example-bbb-02', reason: 'test' }]);
    expect(enabled).toMatchObject({ status: 'skipped', detail: 'Scalelite still sends it meetings (cordon first)' });
  });

  it('looks at Scalelite and getMeetings again right before a power-off and keeps a server a meeting just reached', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 2 });
    const entry = world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0];
    entry.state = 'cordoned';
    world.advance(60);
    const { run } = await setup(world);
    // Scalelite placed a meeting there just before the cordon took effect.
    world.host(2).meetings.push({ meetingId: 'late', ...classroom });
    const [outcome] = await run([{ kind: 'powerOff', server: 'example-bbb-02', reason: 'test' }]);
    expect(outcome).toMatchObject({ status: 'skipped', detail: '1 meeting(s) started since the tick began' });
    expect(world.agent.calls).toEqual([]);

    // Another hand enabled it again since the tick read Scalelite.
    world.host(2).meetings.length = 0;
    world.advance(60);
    const again = await setup(world);
    entry.state = 'enabled';
    const [reenabled] = await again.run([{ kind: 'powerOff', server: 'example-bbb-02', reason: 'test' }]);
    expect(reenabled).toMatchObject({ status: 'skipped', detail: 'Scalelite has it enabled again since the tick began' });
    expect(world.agent.calls).toEqual([]);
    expect(world.ionos.isRunning(ionosId(2))).toBe(true);
  });

  it('cordons a standby server before it powers off, records the command first, and stops only a guest that was told to', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 2 });
    const entry = world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0];
    entry.state = 'disabled';
    world.advance(60);
    const early = await setup(world);
    const [refused] = await early.run([{ kind: 'stop', server: 'example-bbb-02', reason: 'test' }]);
    expect(refused).toMatchObject({ status: 'skipped', detail: 'its guest was not told to power off' });
    const { run } = await setup(world);
    const [outcome] = await run([{ kind: 'powerOff', server: 'example-bbb-02', reason: 'test' }]);
    expect(outcome.status).toBe('done');
    expect(entry.state).toBe('cordoned');
    expect([...world.store.recordsNow().keys()]).toEqual(['example-bbb-02']);
    expect(world.ionos.servers.get(ionosId(2))).toMatchObject({ vmState: 'RUNNING', guest: 'poweringOff' });
    // Told a minute ago and not off yet: IONOS' stop would be a forced power-off.
    const during = await setup(world);
    const [tooEarly] = await during.run([{ kind: 'stop', server: 'example-bbb-02', reason: 'test' }]);
    expect(tooEarly).toMatchObject({ status: 'skipped', detail: 'its guest was told to power off only 0 min ago' });
    world.advance(60);
    const off = await setup(world);
    expect(off.observation.servers[1]).toMatchObject({ power: 'stopped', powerOffRequestedAt: expect.any(Date) });
    const [released] = await off.run([{ kind: 'stop', server: 'example-bbb-02', reason: 'test' }]);
    expect(released.status).toBe('done');
    world.ionos.finishRequests();
    expect(world.ionos.servers.get(ionosId(2))).toMatchObject({ vmState: 'SHUTOFF', allocated: false, publicIp: '198.51.100.2' });
    expect(world.ionos.forcedStops).toEqual([]);
    expect(world.store.recordsNow().size).toBe(0);
  });

  it('stops a server set up before the power-off channel existed through IONOS, as before', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 2 });
    world.agent.withoutChannel.add(privateIp(2));
    world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0].state = 'cordoned';
    world.advance(60);
    const { run } = await setup(world);
    const [outcome] = await run([{ kind: 'powerOff', server: 'example-bbb-02', reason: 'test' }]);
    expect(outcome).toMatchObject({
      status: 'done',
      detail: `ssh ${privateIp(2)}: the server does not accept the platform agent's key (set up before the channel existed): IONOS powered it off instead`,
    });
    expect(world.ionos.pendingActions(ionosId(2))).toEqual(['stop']);
    expect(world.store.recordsNow().size).toBe(0);
  });

  /** Servers 2..4 grown to 16 cores; 2 enabled, 3 cordoned, 4 disabled by Scalelite's poller. */
  function grownFleet(): World {
    const world = new World({ servers: 4, minRunning: 1, running: 4 });
    for (const index of [2, 3, 4]) Object.assign(world.ionos.servers.get(ionosId(index)) ?? {}, { cores: 16, ramMb: 32768 });
    const urls = world.inventory().servers.map((server) => server.bbbApiUrl);
    world.scalelite.byUrl(urls[2])[0].state = 'cordoned';
    world.scalelite.byUrl(urls[3])[0].state = 'disabled';
    return world;
  }
  const toBase = (server: string) => ({ kind: 'resize' as const, server, cores: 8, ramGb: 16, reason: 'test' });

  it('resizes only a stopped server: a running one keeps its size, enabled, cordoned or disabled and empty', async () => {
    const world = grownFleet();
    // Server 4 went all the way down: its guest powered off and IONOS released it.
    Object.assign(world.ionos.servers.get(ionosId(4)) ?? {}, { vmState: 'SHUTOFF', guest: 'off', allocated: false, bootedAt: undefined });
    world.advance(60);
    const { run } = await setup(world);
    const outcomes = await run([toBase('example-bbb-02'), toBase('example-bbb-03'), toBase('example-bbb-04')]);
    expect(outcomes.map((o) => `${o.step.server} ${o.status}${o.detail ? `: ${o.detail}` : ''}`)).toEqual([
      'example-bbb-02 skipped: cores and RAM change only while a server is stopped',
      'example-bbb-03 skipped: cores and RAM change only while a server is stopped',
      'example-bbb-04 done',
    ]);
    // IONOS would restart a running server to take cores away: none was.
    expect([2, 3, 4].map((index) => world.ionos.servers.get(ionosId(index))?.restarts ?? 0)).toEqual([0, 0, 0]);
    expect(stateChanges(world)).toEqual([`ionos patch ${ionosId(4)}`]);
  });

  it('counts a server it starts towards the minimum only once it is up: a power-off in the same tick waits', async () => {
    const world = new World({ servers: 4, minRunning: 1, running: 3 });
    // Server 3 booted and is not needed: disabled, answering, empty; server 4 is stopped.
    world.scalelite.byUrl(world.inventory().servers[2].bbbApiUrl)[0].state = 'disabled';
    world.advance(60);
    const powerOff = { kind: 'powerOff' as const, server: 'example-bbb-03', reason: 'test' };
    const outcomes = await (await setup(world)).run([start('example-bbb-04'), powerOff], 3);
    expect(outcomes.map((o) => `${o.step.kind} ${o.step.server} ${o.status}${o.detail ? `: ${o.detail}` : ''}`)).toEqual([
      'start example-bbb-04 done',
      'powerOff example-bbb-03 skipped: would leave fewer than 3 servers running',
    ]);
    expect(world.agent.calls).toEqual([]);
    // Once the started server is up, the same power-off keeps the minimum.
    world.ionos.finishRequests();
    world.advance(60);
    const [later] = await (await setup(world)).run([powerOff], 3);
    expect(later.status).toBe('done');
  });

  it('leaves a server alone while IONOS still carries out a request on it', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 1 });
    Object.assign(world.ionos.servers.get(ionosId(2)) ?? {}, { busy: true, cores: 16, ramMb: 32768 });
    world.advance(60);
    const { run, observation } = await setup(world);
    expect(observation.servers[1]).toMatchObject({ power: 'stopped', busy: true });
    const outcomes = await run([toBase('example-bbb-02'), start('example-bbb-02')]);
    expect(outcomes.map((o) => `${o.step.kind} ${o.status}: ${o.detail}`)).toEqual([
      'resize skipped: IONOS is still carrying out an earlier request on it',
      'start skipped: IONOS is still carrying out an earlier request on it',
    ]);
    expect(stateChanges(world)).toEqual([]);
  });
});

describe('servers on their way down', () => {
  it('neither enables nor powers off again a server whose guest is powering off, and starts it again, still held by IONOS, once it is off', async () => {
    const world = new World({ servers: 3, minRunning: 1, running: 3, cooldownMinutes: 1, shutdownTimeoutMinutes: 5 });
    // Server 3 booted and was never needed: disabled, answering, empty.
    const entry = world.scalelite.byUrl(world.inventory().servers[2].bbbApiUrl)[0];
    entry.state = 'disabled';
    world.host(1).meetings.push({ meetingId: 'a', ...classroom });
    // A steady load: no trend to plan ahead for.
    for (let minute = 0; minute < 6; minute++) world.advance(60);
    const first = await tick(world);
    expect(first.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toEqual(['powerOff example-bbb-03 done']);

    // The load jumps while its guest is powering off (IONOS still reports it running, with no request).
    world.ionos.shutdownAdvances = 2;
    Object.assign(world.ionos.servers.get(ionosId(3)) ?? {}, { guestOffIn: 2 });
    for (let i = 0; i < 10; i++) world.startMeeting(classroom);
    world.advance(60);
    const during = await tick(world);
    expect(during.observation.servers[2]).toMatchObject({ power: 'running', busy: false, meetings: { known: false } });
    expect(during.decision.actions.filter((a) => a.server === 'example-bbb-03')).toEqual([]);
    expect(entry.state).toBe('cordoned');

    world.advance(60);
    const after = await tick(world);
    // Off but still held: started again rather than released and started.
    expect(after.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toContain('start example-bbb-03 done');
    expect(world.ionos.calls.filter((call) => call.serverId === ionosId(3)).map((call) => call.action)).toEqual(['start']);
    expect(world.store.recordsNow().has('example-bbb-03')).toBe(false);
    expect(world.meetingsLost).toBe(0);
  });

  it('sends the power-off again when the command was lost, and has IONOS stop a guest whose shutdown hangs', async () => {
    const world = new World({ servers: 3, minRunning: 2, running: 3, cooldownMinutes: 1, shutdownTimeoutMinutes: 2 });
    world.scalelite.byUrl(world.inventory().servers[2].bbbApiUrl)[0].state = 'cordoned';
    world.host(1).meetings.push({ meetingId: 'a', ...classroom });
    for (let minute = 0; minute < 6; minute++) world.advance(60);
    // The command leaves but never arrives.
    world.agent.faults.failNext({ kind: 'reset' });
    const first = await tick(world);
    expect(first.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toEqual(['powerOff example-bbb-03 failed']);
    expect(world.store.recordsNow().has('example-bbb-03')).toBe(true);
    // Still answering when the timeout is up: the command is sent again, and this shutdown hangs.
    world.agent.hangRate = 1;
    const kinds: string[] = [];
    for (let minute = 0; minute < 6; minute++) {
      world.advance(60);
      const result = await tick(world);
      kinds.push(...result.actions.filter((o) => o.status === 'done').map((o) => `${o.step.kind} ${o.step.server}`));
    }
    expect(kinds).toEqual(['powerOff example-bbb-03', 'stop example-bbb-03', 'disable example-bbb-03']);
    // The forced power-off came no sooner than the shutdown timeout after the second command, on a drained server.
    const [forced] = world.ionos.forcedStops;
    expect((forced.at.getTime() - (forced.guestPoweringOffSince?.getTime() ?? NaN)) / 60_000).toBeGreaterThanOrEqual(2);
    expect(world.meetingsLost).toBe(0);
  });

  it('counts a started server whose BBB never comes up as booting for the boot time and its margin, then starts another', async () => {
    const world = new World({ servers: 3, minRunning: 2, running: 1 });
    world.breakBbb(2);
    world.advance(60);
    const first = await tick(world);
    expect(first.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toEqual(['start example-bbb-02 done']);
    const started = world.now.getTime();
    let replaced: number | undefined;
    for (let minute = 1; minute <= 15 && replaced === undefined; minute++) {
      world.advance(60);
      const result = await tick(world);
      if (result.actions.some((o) => o.step.kind === 'start' && o.step.server === 'example-bbb-03' && o.status === 'done')) {
        replaced = (world.now.getTime() - started) / 60_000;
      }
    }
    // IONOS had it running two minutes after the start; it counts as booting until its
    // boot is 4 + 6 minutes old, and is replaced at the first tick after that.
    expect(replaced).toBe(13);
    expect(world.ionos.isRunning(ionosId(2))).toBe(true);
    expect(world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0].state).toBe('disabled');
  });
});

describe('action guards while IONOS is busy', () => {
  it('refuses to enable or power off a server IONOS still carries out a request on', async () => {
    const world = new World({ servers: 3, minRunning: 1, running: 3 });
    const urls = world.inventory().servers.map((server) => server.bbbApiUrl);
    world.scalelite.byUrl(urls[1])[0].state = 'cordoned';
    world.scalelite.byUrl(urls[2])[0].state = 'disabled';
    for (const index of [2, 3]) Object.assign(world.ionos.servers.get(ionosId(index)) ?? {}, { busy: true });
    world.advance(60);
    const { run } = await actionsOn(world);
    const outcomes = await run(
      [
        { kind: 'enable', server: 'example-bbb-02', reason: 'test' },
        { kind: 'powerOff', server: 'example-bbb-02', reason: 'test' },
        { kind: 'enable', server: 'example-bbb-03', reason: 'test' },
        { kind: 'powerOff', server: 'example-bbb-03', reason: 'test' },
      ],
      0,
    );
    expect(new Set(outcomes.map((o) => `${o.status}: ${o.detail}`))).toEqual(new Set(['skipped: IONOS is still carrying out an earlier request on it']));
    expect(stateChanges(world)).toEqual([]);
  });
});

describe("a resize IONOS carries out on a serving server (an operator's)", () => {
  it('keeps the server serving and sets its load_multiplier only once IONOS is done', async () => {
    const world = new World({ servers: 2, minRunning: 2, running: 2 });
    const vm = world.ionos.servers.get(ionosId(1));
    Object.assign(vm ?? {}, { cores: 16, ramMb: 32768, busy: true });
    const entry = world.scalelite.byUrl(world.inventory().servers[0].bbbApiUrl)[0];
    world.advance(60);
    const during = await tick(world);
    expect(during.observation.servers[0]).toMatchObject({ power: 'running', busy: true, cores: 16 });
    expect(during.decision.actions.filter((a) => a.kind === 'setLoadMultiplier')).toEqual([]);
    expect(during.registration.filter((o) => o.step.kind === 'update')).toEqual([]);
    expect(entry.loadMultiplier).toBe(1);

    Object.assign(vm ?? {}, { busy: false });
    world.advance(60);
    await tick(world);
    expect(entry.loadMultiplier).toBe(0.5);
  });
});
