/**
 * The hold list against the simulated platform: the file format, a held server cordoned
 * and otherwise left alone (by the policy, the executor and the registration), and a
 * replacement started in its place.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { executeActions } from '../../functions/autoscaler/execute';
import { HoldFileError, type HoldList, loadHoldList, parseHoldList } from '../../functions/autoscaler/hold';
import { observe, readState } from '../../functions/autoscaler/observe';
import { settingsFromInventoryPolicy, type Action, type Decision } from '../../functions/autoscaler/policy';
import { renderStatus } from '../../functions/autoscaler/status';
import { World, ionosId, serverName } from './fakes/world';
import { captureLog, NO_CYCLE, tick, worldSession } from './support';

const classroom = { participantCount: 25, videoCount: 1, voiceParticipantCount: 20, recording: false };
const holding = (...names: string[]): HoldList => ({ source: '/etc/bbb-autoscaler/hold', names: new Set(names) });

/** Every state-changing call made on server `index`, in IONOS and in Scalelite. */
function changesOn(world: World, index: number): string[] {
  const url = world.inventory().servers[index - 1].bbbApiUrl;
  const ids = new Set(world.scalelite.byUrl(url).map((entry) => entry.id));
  return [
    ...world.ionos.calls.filter((call) => call.action !== 'list' && call.serverId === ionosId(index)).map((call) => `ionos ${call.action}`),
    ...world.scalelite.calls
      .filter((call) => call.action !== 'getServers' && ids.has(String((call.body as { id?: unknown } | undefined)?.id)))
      .map((call) => `scalelite ${call.action} ${JSON.stringify((call.body as { server?: unknown }).server)}`),
  ];
}

describe('hold file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoscaler-hold-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads one name per line, skipping comments and blank lines', () => {
    const text = '# rebuild, ticket in the ops log\nexample-bbb-07\n\n  example-bbb-02   # secret rotation\r\nexample-bbb-07\n';
    expect([...parseHoldList(text).names]).toEqual(['example-bbb-07', 'example-bbb-02']);
  });

  it('holds nothing when the file is missing', () => {
    expect(loadHoldList(path.join(dir, 'absent')).names.size).toBe(0);
  });

  it('fails with the path when the file exists but cannot be read', () => {
    const notAFile = path.join(dir, 'hold.d');
    mkdirSync(notAFile);
    expect(() => loadHoldList(notAFile)).toThrow(HoldFileError);
    expect(() => loadHoldList(notAFile)).toThrow(`${notAFile}: cannot read the hold file: EISDIR`);
  });
});

describe('a held server', () => {
  it('is cordoned, and a stopped server is started to replace it', async () => {
    const world = new World({ servers: 3, minRunning: 2, running: 2 });
    world.host(2).meetings.push({ meetingId: 'maths', ...classroom });
    world.advance(60);
    const result = await tick(world, { hold: holding(serverName(2)) });
    expect(result.observation.servers.filter((server) => server.held).map((server) => server.name)).toEqual([serverName(2)]);
    expect(result.actions.map((o) => `${o.step.kind} ${o.step.server} ${o.status}`)).toEqual([
      `start ${serverName(3)} done`,
      `cordon ${serverName(2)} done`,
    ]);
    expect(world.scalelite.byUrl(world.inventory().servers[1].bbbApiUrl)[0].state).toBe('cordoned');
    expect(result.warnings).toEqual([]);
  });

  it('is left exactly as it is over many ticks: drained, stopped by hand and given back', async () => {
    const world = new World({ servers: 3, minRunning: 1, running: 3, cooldownMinutes: 1 });
    world.host(2).meetings.push({ meetingId: 'maths', ...classroom, recording: true });
    world.advance(60);
    const hold = holding(serverName(2));
    for (let step = 0; step < 8; step++) {
      if (step === 2) world.endMeeting(world.host(2));
      world.advance(60);
      world.advanceRecordings();
      await tick(world, { hold });
    }
    // Drained and idle: the autoscaler would have stopped it long ago were it not held.
    expect(world.host(2).meetings).toEqual([]);
    expect(world.ionos.isRunning(ionosId(2))).toBe(true);
    expect(changesOn(world, 2)).toEqual(['scalelite updateServer {"state":"cordon"}']);

    // The operator stops it through IONOS; the autoscaler does not start it, even when the
    // load needs more than the other two servers.
    const vm = world.ionos.servers.get(ionosId(2));
    if (vm) vm.vmState = 'SHUTOFF';
    const serving = [1, 3].filter((index) => world.ionos.isRunning(ionosId(index)));
    expect(serving).toHaveLength(1);
    for (let i = 0; i < 20; i++) world.host(serving[0]).meetings.push({ meetingId: `lesson-${i}`, ...classroom });
    for (let step = 0; step < 3; step++) {
      world.advance(60);
      const result = await tick(world, { hold });
      expect(result.decision.reasons.join('\n')).toContain('still short after scaling out');
    }
    expect(changesOn(world, 2)).toEqual(['scalelite updateServer {"state":"cordon"}']);

    // Given back: the next tick treats it as any stopped server.
    world.advance(60);
    await tick(world);
    expect(changesOn(world, 2)).toContain('ionos start');
  });

  it('is left to its operator by the registration reconcile: load_multiplier, secret and entry', async () => {
    const world = new World({ servers: 3, minRunning: 1, running: 3 });
    const grown = world.ionos.servers.get(ionosId(2));
    if (grown) Object.assign(grown, { cores: 16, ramMb: 32 * 1024 });
    world.scalelite.byUrl(world.inventory().servers[2].bbbApiUrl)[0].secret = 'rotated-on-the-server-only';
    world.scalelite.servers.delete(world.scalelite.byUrl(world.inventory().servers[0].bbbApiUrl)[0].id);
    world.advance(60);
    // Not held, each would be put in line.
    const free = await tick(world, { dryRun: true });
    expect(free.registration.map((o) => `${o.step.kind} ${o.step.server}`)).toEqual([`add ${serverName(1)}`, `update ${serverName(2)}`, `update ${serverName(3)}`]);
    const held = await tick(world, { hold: holding(serverName(1), serverName(2), serverName(3)) });
    expect(held.registration).toEqual([]);
    expect([...changesOn(world, 1), ...changesOn(world, 2), ...changesOn(world, 3)]).toEqual([]);
  });

  it('reports a held name that is no inventory server as a warning, not an error', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 1 });
    world.advance(60);
    const log = captureLog();
    const result = await tick(world, { hold: holding('example-bbb-99'), logger: log.logger });
    expect(result.warnings).toEqual(['/etc/bbb-autoscaler/hold: example-bbb-99 is not an inventory server, ignored']);
    expect(log.lines()).toContainEqual(expect.objectContaining({ level: 'warn', event: 'hold', msg: result.warnings[0] }));
    expect(result.observation.servers.some((server) => server.held)).toBe(false);
  });

  it('is refused any action but a cordon by the executor', async () => {
    const world = new World({ servers: 3, minRunning: 1, running: 2 });
    world.advance(60);
    const inventory = world.inventory();
    const { clients, lease, close } = worldSession(world);
    await lease?.acquire();
    const state = await readState(inventory, clients, world.now);
    const observation = observe(inventory, state, world.now, new Set([serverName(2), serverName(3)]));
    const reason = 'test';
    const actions: Action[] = [
      { kind: 'start', server: serverName(3), cores: 8, ramGb: 16, reason },
      { kind: 'resize', server: serverName(2), cores: 12, ramGb: 24, reason },
      { kind: 'setLoadMultiplier', server: serverName(2), loadMultiplier: 0.5, reason },
      { kind: 'disable', server: serverName(3), reason },
      { kind: 'cordon', server: serverName(2), reason },
      { kind: 'powerOff', server: serverName(2), reason },
      { kind: 'stop', server: serverName(2), reason },
    ];
    const decision: Decision = { actions, load: 0, desiredCapacity: 0, desiredServers: 1, runningServers: 2, capacity: 0, effectiveMinimum: 0, reasons: [], maintenance: NO_CYCLE };
    const settings = settingsFromInventoryPolicy(inventory.policy);
    const outcomes = await executeActions(decision, observation, state, inventory, clients, { dryRun: false, logger: captureLog().logger, settings, lease });
    await close();
    expect(outcomes.map((o) => `${o.step.kind} ${o.status}`)).toEqual([
      'start skipped',
      'resize skipped',
      'setLoadMultiplier skipped',
      'disable skipped',
      'cordon done',
      'powerOff skipped',
      'stop skipped',
    ]);
    expect(outcomes[0].detail).toBe('held by the operator (hold file): only a cordon of an enabled server is allowed');
    expect([...changesOn(world, 2), ...changesOn(world, 3)]).toEqual(['scalelite updateServer {"state":"cordon"}']);
  });
});

describe('status', () => {
  it('shows each server with its meetings, recordings, hold and maintenance', async () => {
    const world = new World({ servers: 3, minRunning: 2, running: 2 });
    world.host(2).meetings.push({ meetingId: 'maths', ...classroom });
    world.advance(60);
    const inventory = world.inventory();
    const { clients } = worldSession(world, { dryRun: true });
    const taken = await world.store.acquire('test', 60_000);
    const since = new Date('2026-11-23T00:40:00Z');
    await world.store.recordMaintenance(taken.acquired ? taken.token : -1, serverName(3), {
      cycle: '2026-11-23',
      phase: 'failed',
      since,
      wasStopped: true,
      message: 'update: E: Sub-process /usr/bin/dpkg returned an error code (1)',
    });
    await world.store.release(taken.acquired ? taken.token : -1);
    const state = await readState(inventory, clients, world.now);
    const text = renderStatus(observe(inventory, state, world.now, new Set([serverName(2)])), ['a warning']);
    expect(text.split('\n')).toEqual([
      'SERVER          POWER    SCALELITE           MEETINGS  PARTICIPANTS  RECORDINGS BUSY  HELD  MAINTENANCE',
      'example-bbb-01  running  enabled             0         0             0                no    -',
      'example-bbb-02  running  enabled             1         25            0                yes   -',
      'example-bbb-03  stopped  disabled (offline)  ?         ?             ?                no    failed 2026-11-23',
      'note: a warning',
      'note: example-bbb-03: VM is SHUTOFF',
      'note: example-bbb-03: held after its maintenance failed: update: E: Sub-process /usr/bin/dpkg returned an error code (1) (autoscaler.js release example-bbb-03 gives it back)',
      '',
    ]);
  });
});
