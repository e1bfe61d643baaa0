/**
 * The maintenance cycle in the pure policy: the window as instants (midnight, clock
 * changes), which servers are due, how stopped servers are begun (one first, then in
 * batches), how running ones are taken one at a time without the capacity the load
 * needs, every step and its time limit, and what the records say afterwards.
 */
import { decide, type Action, type MaintenanceRecord, type ServerObservation } from '../../functions/autoscaler/policy';
import { currentCycle, isDue, summarize } from '../../functions/autoscaler/policy/maintenance/cycle';
import { recordAfter } from '../../functions/autoscaler/policy/maintenance/steps';
import {
  AGENT_TIMEOUT_MINUTES,
  CHECK_TIMEOUT_MINUTES,
  REBOOT_TIMEOUT_MINUTES,
  UPDATE_TIMEOUT_MINUTES,
  WAIT_LIMIT_MINUTES,
} from '../../functions/autoscaler/policy/maintenance/tick';
import { latestWindow, openWindow } from '../../functions/autoscaler/policy/maintenance/window';
import { cordoned, kinds, meetings, observation, server, settings, stopped } from './builders';

/** Tuesday 2026-03-10, 01:30 in Berlin (UTC+1): half an hour into the default window. */
const NIGHT = new Date('2026-03-10T00:30:00Z');
const CYCLE = '2026-03-10';
const minutes = (count: number) => count * 60_000;
const at = (base: Date, offsetMinutes: number) => new Date(base.getTime() + minutes(offsetMinutes));
const BERLIN = { from: '01:00', to: '05:00', timezone: 'Europe/Berlin' };

const record = (overrides: Partial<MaintenanceRecord> = {}): MaintenanceRecord => ({ cycle: CYCLE, phase: 'booting', since: NIGHT, wasStopped: true, ...overrides });
const inMaintenance = (observed: ServerObservation, overrides: Partial<MaintenanceRecord> = {}): ServerObservation => ({
  ...observed,
  maintenance: record(overrides),
});
/** A running server started for the cycle: disabled, answering, booted at its start. */
const started = (name: string, overrides: Partial<ServerObservation> = {}) =>
  server(name, { scalelite: { known: true, state: 'disabled', online: true, loadMultiplier: 1 }, bootedAt: at(NIGHT, -5), ...overrides });
const patchedLastNight: Partial<MaintenanceRecord> = { cycle: '2026-03-09', phase: 'done', patchedAt: new Date('2026-03-09T01:00:00Z'), patchedCycle: '2026-03-09' };
const maintenanceOf = (actions: readonly Action[]) => actions.filter((action) => action.kind === 'maintain');

describe('the maintenance window', () => {
  it('is found by its local times, also across midnight', () => {
    expect(openWindow(NIGHT, BERLIN)).toEqual({ cycle: CYCLE, start: new Date('2026-03-10T00:00:00Z'), end: new Date('2026-03-10T04:00:00Z') });
    expect(openWindow(at(NIGHT, 240), BERLIN)).toBeUndefined();
    const late = { from: '22:30', to: '02:00', timezone: 'Europe/Berlin' };
    // 00:30 in Berlin belongs to the window that opened the evening before.
    expect(openWindow(new Date('2026-03-09T23:30:00Z'), late)).toEqual({
      cycle: '2026-03-09',
      start: new Date('2026-03-09T21:30:00Z'),
      end: new Date('2026-03-10T01:00:00Z'),
    });
    expect(latestWindow(new Date('2026-03-10T12:00:00Z'), BERLIN).cycle).toBe(CYCLE);
  });

  it('lasts an hour less or more the nights the clocks change', () => {
    const spring = openWindow(new Date('2026-03-29T00:30:00Z'), BERLIN);
    expect(spring && (spring.end.getTime() - spring.start.getTime()) / minutes(1)).toBe(180);
    const autumn = openWindow(new Date('2026-10-25T00:30:00Z'), BERLIN);
    expect(autumn && (autumn.end.getTime() - autumn.start.getTime()) / minutes(1)).toBe(300);
    // 02:30 does not exist on 29 March: the window opens at 03:30 summer time.
    expect(latestWindow(new Date('2026-03-29T02:00:00Z'), { ...BERLIN, from: '02:30' }).start).toEqual(new Date('2026-03-29T01:30:00Z'));
  });
});

describe('which servers are due', () => {
  const maintenance = settings().maintenance;
  const cycle = currentCycle(observation([], { now: NIGHT }), maintenance);

  it('every server not patched since the last night, once per cycle', () => {
    expect(isDue(stopped('a'), cycle, maintenance)).toBe(true);
    expect(isDue(inMaintenance(stopped('a'), patchedLastNight), cycle, maintenance)).toBe(true);
    expect(isDue(inMaintenance(stopped('a'), { phase: 'done', patchedCycle: CYCLE, patchedAt: NIGHT }), cycle, maintenance)).toBe(false);
    expect(isDue(inMaintenance(stopped('a'), { phase: 'skipped' }), cycle, maintenance)).toBe(false);
    expect(isDue(inMaintenance(stopped('a'), { ...patchedLastNight, phase: 'failed' }), cycle, maintenance)).toBe(false);
  });

  it('every few days with everyDays, or at once when asked for', () => {
    const everyThree = { ...maintenance, everyDays: 3 };
    expect(isDue(inMaintenance(stopped('a'), patchedLastNight), cycle, everyThree)).toBe(false);
    expect(isDue(inMaintenance(stopped('a'), { ...patchedLastNight, patchedCycle: '2026-03-07' }), cycle, everyThree)).toBe(true);
    const asked = currentCycle(observation([], { now: NIGHT, maintenance: { known: true, request: { servers: ['a'], now: false, at: at(NIGHT, -600) } } }), everyThree);
    expect(isDue(inMaintenance(stopped('a'), patchedLastNight), asked, everyThree)).toBe(true);
    expect(isDue(inMaintenance(stopped('b'), patchedLastNight), asked, everyThree)).toBe(false);
  });

  it('not while its agent lacks the maintenance verbs, for a week', () => {
    const unsupported = { phase: 'skipped' as const, unsupported: true, cycle: '2026-03-08', since: new Date('2026-03-08T00:30:00Z') };
    expect(isDue(inMaintenance(stopped('a'), unsupported), cycle, maintenance)).toBe(false);
    const weekLater = currentCycle(observation([], { now: new Date('2026-03-15T00:30:00Z') }), maintenance);
    expect(isDue(inMaintenance(stopped('a'), unsupported), weekLater, maintenance)).toBe(true);
  });
});

describe('beginning servers', () => {
  const night = (servers: ServerObservation[]) => observation(servers, { now: NIGHT, fleet: { load: 0, peakLoad: 0 } });

  it('begins nothing outside the window, or with the cycle switched off', () => {
    const servers = [server('a'), stopped('b'), stopped('c')];
    expect(maintenanceOf(decide(observation(servers, { now: at(NIGHT, 240), fleet: { load: 0, peakLoad: 0 } }), settings({ minRunning: 1 })).actions)).toEqual([]);
    const off = settings({ minRunning: 1, maintenance: { ...settings().maintenance, enabled: false } });
    expect(maintenanceOf(decide(night(servers), off).actions)).toEqual([]);
  });

  it('starts one stopped server first, recording it before the start', () => {
    const decision = decide(night([server('a'), stopped('b'), stopped('c')]), settings({ minRunning: 1 }));
    expect(maintenanceOf(decision.actions)).toEqual([
      { kind: 'maintain', step: 'begin', server: 'b', record: { cycle: CYCLE, phase: 'booting', since: NIGHT, wasStopped: true }, reason: expect.stringContaining('started for its update') },
    ]);
    expect(decision.maintenance).toMatchObject({ cycle: CYCLE, open: true, active: true, halted: false, servers: { pending: 3, inProgress: 0 } });
  });

  it('begins up to maxParallel at once once a server has passed, oldest patch first', () => {
    const passed = inMaintenance(stopped('b'), { phase: 'done', patchedAt: NIGHT, patchedCycle: CYCLE });
    const servers = [server('a'), passed, stopped('c'), inMaintenance(stopped('d'), patchedLastNight), stopped('e'), stopped('f'), stopped('g')];
    const decision = decide(night(servers), settings({ minRunning: 1, poolSize: 7, maintenance: { ...settings().maintenance, maxParallel: 3 } }));
    expect(kinds(maintenanceOf(decision.actions))).toEqual(['maintain c', 'maintain e', 'maintain f']);
  });

  it('begins no more than maxParallel with servers under way, nor in a tick that adds capacity', () => {
    const passed = inMaintenance(stopped('b'), { phase: 'done', patchedAt: NIGHT, patchedCycle: CYCLE });
    const busy = [inMaintenance(started('c'), { phase: 'updating', job: '1' }), inMaintenance(started('d'), { phase: 'updating', job: '1' })];
    const many = { minRunning: 1, poolSize: 7, maintenance: { ...settings().maintenance, maxParallel: 3 } };
    expect(kinds(maintenanceOf(decide(night([server('a'), passed, ...busy, stopped('e'), stopped('f')]), settings(many)).actions))).toEqual([
      'maintain c',
      'maintain d',
      'maintain e',
    ]);
    const short = decide(night([server('a', { meetings: meetings(4, 190) }), passed, stopped('e'), stopped('f')]), settings(many));
    // The load needs a server: the one patched in this cycle is started, none is begun.
    expect(kinds(short.actions)).toEqual(['start b']);
    expect(maintenanceOf(short.actions)).toEqual([]);
  });

  it('halts after two failures in the cycle, and begins nothing after its last start', () => {
    const failed = (name: string) => inMaintenance(started(name), { phase: 'failed', message: 'update: E: broken' });
    const halted = decide(night([server('a'), failed('b'), failed('c'), stopped('d')]), settings({ minRunning: 1 }));
    expect(maintenanceOf(halted.actions)).toEqual([]);
    expect(halted.maintenance).toMatchObject({ halted: true, servers: { failed: 2, pending: 2 } });
    // 04:31: a server takes 30 minutes, the window ends at 05:00.
    const late = decide(observation([server('a'), stopped('d')], { now: at(NIGHT, 181), fleet: { load: 0, peakLoad: 0 } }), settings({ minRunning: 1 }));
    expect(maintenanceOf(late.actions)).toEqual([]);
    expect(late.maintenance).toMatchObject({ open: false, active: false, servers: { pending: 2 } });
    expect(decide(observation([server('a'), stopped('d')], { now: at(NIGHT, 240), fleet: { load: 0, peakLoad: 0 } }), settings({ minRunning: 1 })).maintenance).toMatchObject({
      servers: { missed: 2 },
    });
  });
});

describe('a running server', () => {
  const passed = inMaintenance(stopped('p'), { phase: 'done', patchedAt: NIGHT, patchedCycle: CYCLE });
  const night = (servers: ServerObservation[], load = 0) => observation(servers, { now: NIGHT, fleet: { load, peakLoad: load } });

  it('waits for a server to take its place at the minimum: one more is started, the patched one first', () => {
    const decision = decide(night([server('a'), server('b'), stopped('c'), passed]), settings({ minRunning: 2, poolSize: 4 }));
    expect(decision.effectiveMinimum).toBe(3);
    // A start for the minimum does not keep a stopped server from being begun.
    expect(kinds(decision.actions)).toEqual(['start p', 'maintain c']);
    expect(decision.reasons.join('\n')).toContain('a: its maintenance waits for a server to take its place');
  });

  it('is taken when the others carry the load and the minimum without it, with a standby server enabled before its cordon', () => {
    // p was patched and has just rebooted: kept a while, as any server that has just booted.
    const standby = started('p', { bootedAt: at(NIGHT, -2), maintenance: { ...(passed.maintenance as MaintenanceRecord), since: at(NIGHT, -1) } });
    const decision = decide(night([server('a', { meetings: meetings(1, 5) }), server('b'), { ...standby, maintenance: { ...(standby.maintenance as MaintenanceRecord), wasStopped: false } }], 5), settings({ minRunning: 2, poolSize: 4 }));
    expect(kinds(decision.actions)).toEqual(['enable p', 'maintain b']);
    expect(decision.actions[1]).toMatchObject({ step: 'begin', record: { phase: 'draining', wasStopped: false } });
  });

  it('is not taken while the others could not carry the load', () => {
    const decision = decide(night([server('a', { meetings: meetings(4, 150) }), server('b', { meetings: meetings(4, 150) }), passed], 300), settings({ minRunning: 1, poolSize: 3 }));
    expect(maintenanceOf(decision.actions)).toEqual([]);
  });

  it('is patched once drained, and skipped when its meetings outlast the cycle\u2019s last start', () => {
    const draining = inMaintenance(cordoned('b', { meetings: meetings(1, 3) }), { phase: 'draining', wasStopped: false });
    const others = [server('a'), server('c')];
    expect(maintenanceOf(decide(night([...others, draining]), settings({ minRunning: 1 })).actions)).toEqual([]);
    const drained = { ...draining, meetings: meetings(0, 0) };
    expect(maintenanceOf(decide(night([...others, drained]), settings({ minRunning: 1 })).actions)).toEqual([
      { kind: 'maintain', step: 'update', server: 'b', job: String(NIGHT.getTime()), reason: `maintenance ${CYCLE}: update` },
    ]);
    const late = decide(observation([...others, draining], { now: at(NIGHT, 181), fleet: { load: 3, peakLoad: 3 } }), settings({ minRunning: 1 }));
    expect(maintenanceOf(late.actions)).toEqual([expect.objectContaining({ step: 'skip', record: expect.objectContaining({ phase: 'skipped', wasStopped: false }) })]);
  });
});

describe('a server in maintenance', () => {
  const patchedA = server('a', { maintenance: record({ phase: 'done', wasStopped: false, patchedAt: NIGHT, patchedCycle: CYCLE }) });
  const night = (servers: ServerObservation[], now = NIGHT) => observation([patchedA, ...servers], { now, fleet: { load: 0, peakLoad: 0 } });
  const steps = (servers: ServerObservation[], now = NIGHT) => decide(night(servers, now), settings({ minRunning: 1 })).actions.filter((action) => action.server === 'b');

  it('is started, then asked to update once it runs, and polled with its job', () => {
    expect(kinds(steps([inMaintenance(stopped('b'))]))).toEqual(['start b']);
    expect(steps([inMaintenance(started('b'))], at(NIGHT, 3))).toEqual([expect.objectContaining({ kind: 'maintain', step: 'update', job: String(at(NIGHT, 3).getTime()) })]);
    expect(steps([inMaintenance(started('b'), { phase: 'updating', job: '42' })], at(NIGHT, 10))).toEqual([expect.objectContaining({ step: 'update', job: '42' })]);
  });

  it('is never asked anything while Scalelite has it enabled: it is cordoned first', () => {
    expect(kinds(steps([inMaintenance(server('b'), { phase: 'updating', job: '42' })]))).toEqual(['cordon b']);
  });

  it('is rebooted, waits for the reboot, then checked', () => {
    expect(steps([inMaintenance(started('b'), { phase: 'rebooting' })])).toEqual([expect.objectContaining({ step: 'reboot' })]);
    const rebooting = inMaintenance(started('b'), { phase: 'rebooting', bootId: 'boot-1' });
    expect(steps([rebooting], at(NIGHT, 1))).toEqual([]);
    expect(steps([rebooting], at(NIGHT, 3))).toEqual([expect.objectContaining({ step: 'check' })]);
  });

  it('goes on when its record is from a clock ahead of this one (the clock was stepped back)', () => {
    // Written two hours ahead: neither its reboot's settling time nor its retry is waited for.
    const ahead = inMaintenance(started('b'), { phase: 'rebooting', bootId: 'boot-1', since: at(NIGHT, 120), retryAt: at(NIGHT, 121) });
    expect(steps([ahead], at(NIGHT, 1))).toEqual([expect.objectContaining({ step: 'check' })]);
    // A retry a minute or two ahead is an ordinary one.
    expect(steps([inMaintenance(started('b'), { phase: 'checking', retryAt: at(NIGHT, 2) })], at(NIGHT, 1))).toEqual([]);
  });

  it('is held when a step takes too long or it goes away, and skipped when busy for too long', () => {
    const held = (servers: ServerObservation[], now: Date) => steps(servers, now).map((action) => action.kind === 'maintain' && 'record' in action && [action.step, action.record.message]);
    expect(held([inMaintenance(started('b', { meetings: { known: false, error: 'refused' } }))], at(NIGHT, AGENT_TIMEOUT_MINUTES + 1))).toEqual([
      ['hold', `its agent did not answer within ${AGENT_TIMEOUT_MINUTES} min of its start`],
    ]);
    expect(held([inMaintenance(started('b'), { phase: 'updating', job: '1' })], at(NIGHT, UPDATE_TIMEOUT_MINUTES + 1))).toEqual([
      ['hold', `the update did not finish within ${UPDATE_TIMEOUT_MINUTES} min`],
    ]);
    expect(held([inMaintenance(started('b'), { phase: 'rebooting', bootId: 'boot-1' })], at(NIGHT, REBOOT_TIMEOUT_MINUTES + 1))).toEqual([
      ['hold', `it did not come back within ${REBOOT_TIMEOUT_MINUTES} min of its reboot`],
    ]);
    expect(held([inMaintenance(started('b'), { phase: 'checking', waiting: 'bbb-conf --check: FreeSWITCH is not running' })], at(NIGHT, CHECK_TIMEOUT_MINUTES + 1))).toEqual([
      ['hold', `its check did not pass within ${CHECK_TIMEOUT_MINUTES} min: bbb-conf --check: FreeSWITCH is not running`],
    ]);
    expect(held([inMaintenance(stopped('b'), { phase: 'checking' })], at(NIGHT, 1))).toEqual([['hold', 'it was powered off while checking']]);
    expect(held([inMaintenance(started('b'), { phase: 'updating', waiting: 'another maintenance command is running' })], at(NIGHT, WAIT_LIMIT_MINUTES + 1))).toEqual([
      ['skip', `still not updated after ${WAIT_LIMIT_MINUTES} min: another maintenance command is running`],
    ]);
  });

  it('waits while IONOS carries out a request on it, and until a retry is due', () => {
    expect(steps([inMaintenance(started('b', { busy: true }), { phase: 'updating', job: '1' })])).toEqual([]);
    expect(steps([inMaintenance(started('b'), { phase: 'updating', retryAt: at(NIGHT, 2), waiting: 'busy' })])).toEqual([]);
  });

  it('is powered off again once done, if it was stopped; a later start for the load is left alone', () => {
    const done = inMaintenance(started('b'), { phase: 'done', since: at(NIGHT, -1), patchedAt: at(NIGHT, -1), patchedCycle: CYCLE });
    expect(kinds(steps([done]))).toEqual(['powerOff b']);
    expect(steps([{ ...done, bootedAt: at(NIGHT, 0) }])).toEqual([]);
    expect(steps([inMaintenance(started('b'), { phase: 'done', since: at(NIGHT, -1), wasStopped: false })])).toEqual([]);
  });

  it('is held, not enabled, after it failed: cordoned if enabled, counted as nothing', () => {
    const failed = { phase: 'failed' as const, message: 'update: E: Sub-process /usr/bin/dpkg returned an error code (1)' };
    const standby = inMaintenance(started('b'), failed);
    const decision = decide(observation([server('a', { meetings: meetings(5, 180) }), standby, stopped('c')], { fleet: { load: 180, peakLoad: 180 } }), settings({ minRunning: 2 }));
    expect(kinds(decision.actions)).toEqual(['start c']);
    const enabled = decide(observation([server('a'), inMaintenance(server('b'), failed)]), settings({ minRunning: 1 }));
    expect(enabled.actions).toEqual([expect.objectContaining({ kind: 'cordon', server: 'b', reason: expect.stringContaining('held after its maintenance failed (update: E: Sub-process') })]);
  });

  it('is not seen as a standby server while the records are unknown: nothing is enabled or powered off', () => {
    const unknown = { known: false as const, error: 'redis coordination store: read ECONNRESET' };
    const servers = [server('a', { meetings: meetings(5, 180) }), started('b'), stopped('c')];
    const fleet = { load: 180, peakLoad: 180 };
    expect(kinds(decide(observation(servers, { fleet }), settings({ minRunning: 1 })).actions)).toEqual(['enable b']);
    const decision = decide(observation(servers, { maintenance: unknown, fleet }), settings({ minRunning: 1 }));
    expect(decision.actions).toEqual([]);
    expect(decision.reasons[0]).toContain('maintenance records unknown (redis coordination store: read ECONNRESET)');
  });
});

describe('what the agent answers moves the record on', () => {
  const now = at(NIGHT, 5);
  const answer = (result: string, extra: object = {}) => ({ kind: 'answer' as const, answer: { verb: 'x', result, ...extra } });

  it('follows a running job by the id the agent names, and moves to the reboot or the check', () => {
    expect(recordAfter(record(), 'update', '7', answer('running', { job: '5' }), now)).toEqual(record({ phase: 'updating', since: now, job: '5' }));
    expect(recordAfter(record({ phase: 'updating', job: '5' }), 'update', '5', answer('ok', { security: 3, rebootRequired: true, bbbVersion: '1:3.0.14-1' }), now)).toEqual(
      record({ phase: 'rebooting', since: now, securityUpdates: 3, bbbVersion: '1:3.0.14-1' }),
    );
    expect(recordAfter(record({ phase: 'updating', job: '5' }), 'update', '5', answer('ok', { security: 0, rebootRequired: false }), now)).toEqual(
      record({ phase: 'checking', since: now, securityUpdates: 0, rebooted: false }),
    );
  });

  it('fails on a failed update, retries a busy one, and skips a server without the channel', () => {
    expect(recordAfter(record({ phase: 'updating', job: '5' }), 'update', '5', answer('failed', { message: 'the security updates failed' }), now)).toEqual(
      record({ phase: 'failed', since: now, message: 'update: the security updates failed' }),
    );
    expect(recordAfter(record({ phase: 'updating', job: '5' }), 'update', '5', answer('busy', { message: 'another maintenance command is running' }), now)).toEqual(
      record({ phase: 'updating', retryAt: at(now, 2), waiting: 'another maintenance command is running' }),
    );
    expect(recordAfter(record(), 'update', '5', { kind: 'unreachable', error: 'connect ECONNREFUSED' }, now)).toEqual(record());
    expect(recordAfter(record(), 'update', '5', { kind: 'unsupported', error: "unknown verb 'update'" }, now)).toEqual(
      record({ phase: 'skipped', since: now, unsupported: true, message: "no maintenance channel: unknown verb 'update'" }),
    );
  });

  it('counts a phase stamped by a clock ahead of this one from now, so that its time limits still end it', () => {
    const ahead = record({ phase: 'checking', since: at(now, 120), job: '9' });
    expect(recordAfter(ahead, 'check', '9', answer('failed', { bootId: 'boot-2', message: 'FreeSWITCH is not running' }), now)).toMatchObject({ phase: 'checking', since: now, retryAt: at(now, 1) });
    expect(recordAfter(ahead, 'check', '9', answer('running', { job: '9' }), now)).toMatchObject({ phase: 'checking', since: now });
    expect(recordAfter(record({ phase: 'updating', since: at(now, 120) }), 'update', '5', answer('busy'), now)).toMatchObject({ since: now, retryAt: at(now, 2) });
    // An ordinary retry keeps the phase's start.
    expect(recordAfter(record({ phase: 'checking', since: at(now, -3) }), 'check', '9', answer('failed'), now)).toMatchObject({ since: at(now, -3) });
  });

  it('knows a check from before the reboot by its boot, and records the patch when it passes', () => {
    const rebooting = record({ phase: 'rebooting', bootId: 'boot-1', job: '9' });
    expect(recordAfter(record({ phase: 'updating' }), 'reboot', undefined, answer('ok', { rebooting: true, bootId: 'boot-1' }), now)).toEqual(
      record({ phase: 'rebooting', since: now, bootId: 'boot-1', rebooted: true }),
    );
    expect(recordAfter(rebooting, 'check', '9', answer('ok', { bootId: 'boot-1' }), now)).toMatchObject({ phase: 'rebooting', retryAt: at(now, 1) });
    expect(recordAfter(rebooting, 'check', '9', answer('failed', { bootId: 'boot-2', message: 'the BigBlueButton API does not answer SUCCESS' }), now)).toMatchObject({
      phase: 'checking',
      since: now,
      waiting: 'the BigBlueButton API does not answer SUCCESS',
    });
    expect(recordAfter(rebooting, 'check', '9', answer('ok', { bootId: 'boot-2' }), now)).toEqual(
      record({ phase: 'done', since: now, patchedAt: now, patchedCycle: CYCLE }),
    );
  });
});

describe('the cycle\u2019s summary', () => {
  it('counts the pool by what the cycle did, and what it missed once the window closed', () => {
    const servers = [
      inMaintenance(stopped('a'), { phase: 'done', patchedAt: NIGHT, patchedCycle: CYCLE }),
      inMaintenance(started('b'), { phase: 'failed' }),
      inMaintenance(stopped('c'), { phase: 'skipped' }),
      inMaintenance(started('d'), { phase: 'updating' }),
      stopped('e'),
      inMaintenance(stopped('f'), { cycle: '2026-03-09', phase: 'done', patchedAt: at(NIGHT, -60), patchedCycle: CYCLE }),
    ];
    const observed = observation(servers, { now: at(NIGHT, 300) });
    const maintenance = settings().maintenance;
    expect(summarize(observed, currentCycle(observed, maintenance), maintenance)).toEqual({
      cycle: CYCLE,
      open: false,
      active: true,
      halted: false,
      startsAt: new Date('2026-03-10T00:00:00Z'),
      endsAt: new Date('2026-03-10T04:00:00Z'),
      servers: { patched: 1, failed: 1, skipped: 1, inProgress: 1, pending: 0, missed: 1, notDue: 1 },
      byServer: { a: 'patched', b: 'failed', c: 'skipped', d: 'inProgress', e: 'missed', f: 'notDue' },
    });
  });

  it('runs a request made at once until every server it names is settled', () => {
    const request = { servers: ['a', 'b'], now: true, at: new Date('2026-03-10T11:00:00Z') };
    const noon = new Date('2026-03-10T11:05:00Z');
    const observed = observation([server('a'), stopped('b'), stopped('c')], { now: noon, maintenance: { known: true, request }, fleet: { load: 0, peakLoad: 0 } });
    const decision = decide(observed, settings({ minRunning: 1 }));
    expect(decision.maintenance).toMatchObject({ cycle: `request-${request.at.getTime()}`, open: true, servers: { pending: 2, notDue: 1 } });
    expect(kinds(maintenanceOf(decision.actions))).toEqual(['maintain b']);
    const settled = observation([server('a', { maintenance: record({ cycle: `request-${request.at.getTime()}`, phase: 'done', patchedAt: noon }) }), stopped('b', { maintenance: record({ cycle: `request-${request.at.getTime()}`, phase: 'failed' }) })], {
      now: noon,
      maintenance: { known: true, request },
    });
    expect(currentCycle(settled, settings().maintenance)).toMatchObject({ kind: 'window', id: CYCLE });
  });
});
