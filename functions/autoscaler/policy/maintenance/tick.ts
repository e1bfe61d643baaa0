/**
 * The maintenance cycle's share of one tick. Stopped servers are started in small batches
 * (one first: only once a server has passed are more begun at once), updated, rebooted
 * when an update asks for it, checked, and powered off again. Running servers are taken
 * one at a time, and only when the servers that stay can carry the planned load, the
 * learned timetable's rise and the cooldown's peak over a server's maintenance, and the
 * minimum, without it; otherwise the minimum is raised by one first (`reserve`), so a
 * server is started in its place before it goes. Nothing is begun after the window's last
 * start, in a tick that had to add capacity, or once two servers failed in the cycle; work
 * under way is finished whatever the time.
 */
import { drained, type ServerView } from '../classify';
import type { Forecast } from '../forecast';
import { EPSILON, round, sum, type Plan, type Targets } from '../plan';
import type { Action, MaintenanceRecord, Observation, PolicySettings, ServerObservation } from '../types';
import { type Cycle, failures, firstPassed, HALT_AFTER_FAILURES, isDue, isReturning } from './cycle';
import { retryLater, stampedAhead } from './steps';

/** A started server's agent must answer within this (a boot takes four minutes, a slow one ten). */
export const AGENT_TIMEOUT_MINUTES = 15;
/** platform-update may take half an hour (a BigBlueButton release); longer is a run that hangs. */
export const UPDATE_TIMEOUT_MINUTES = 45;
/** The reboot comes a minute after the answer (shutdown -r +1): the check waits this long. */
export const REBOOT_SETTLE_MINUTES = 2;
/** From the scheduled reboot until the server is back and its check passes. */
export const REBOOT_TIMEOUT_MINUTES = 15;
/** A check that fails is repeated for this long before the server is held. */
export const CHECK_TIMEOUT_MINUTES = 10;
/** A server still busy or not ready after this long is skipped for the cycle. */
export const WAIT_LIMIT_MINUTES = 20;
/**
 * A running server whose meetings have not ended this long after its cordon is skipped for
 * the cycle and given back, so that it does not keep the next one from its turn all night.
 */
export const DRAIN_LIMIT_MINUTES = 30;

const minutesSince = (now: Date, then: Date) => (now.getTime() - then.getTime()) / 60_000;

/** The running server whose turn it is, and whether the others carry everything without it. */
interface RunningTurn {
  readonly candidate?: ServerView;
  readonly fits: boolean;
}

export interface MaintenanceInputs {
  readonly observation: Observation;
  readonly settings: PolicySettings;
  readonly cycle: Cycle;
  /** Pool servers the rest of the policy plans with. */
  readonly views: readonly ServerView[];
  /** Servers the cycle has in hand (cycle.inHand). */
  readonly inHand: readonly ServerObservation[];
  readonly targets: Targets;
  readonly forecast: Forecast | undefined;
}

/** Servers the cycle may begin now: open, not halted, and the store's records known. */
function mayBegin({ observation, cycle }: MaintenanceInputs): boolean {
  return cycle.open && observation.maintenance?.known !== false && observation.now.getTime() <= cycle.lastBegin && failures(observation, cycle) < HALT_AFTER_FAILURES;
}

/** Servers of the cycle under way: in hand, begun in it. */
function inProgress(inputs: MaintenanceInputs): readonly ServerObservation[] {
  return inputs.inHand.filter((server) => server.maintenance?.cycle === inputs.cycle.id && !isReturning(server));
}

/**
 * The running server next in line (a standby one first, then the least loaded) and whether
 * the servers that answer without it, less those this tick takes away, carry what a
 * server's maintenance would need: the planned load, the cooldown's peak and the learned
 * rise over `serverMinutes`, over the target; and at least the minimum (one at the least).
 */
function runningTurn(inputs: MaintenanceInputs, plan: Plan | undefined): RunningTurn {
  const { observation, settings, cycle, views, targets, forecast } = inputs;
  const fleet = observation.fleet;
  if (!mayBegin(inputs) || !fleet.metricsFresh || fleet.peakLoad === undefined) return { fits: false };
  if (inProgress(inputs).some((server) => !server.maintenance?.wasStopped)) return { fits: false };
  // Until one server has passed, one at a time, and a stopped one first: a fault of them all
  // holds one server, not the fleet, and costs no server that carries meetings.
  if (!firstPassed(observation, cycle)) {
    const stoppedDue = views.some((view) => view.role === 'stopped' && isDue(view.observed, cycle, settings.maintenance));
    if (inProgress(inputs).length > 0 || stoppedDue) return { fits: false };
  }
  const leaving = new Set([...(plan?.withheld ?? []), ...(plan?.actions.filter((action) => action.kind === 'cordon').map((action) => action.server) ?? [])]);
  const serving = views.filter((view) => view.role === 'active' && view.answering && !leaving.has(view.observed.name));
  const candidate = serving
    .filter((view) => isDue(view.observed, cycle, settings.maintenance))
    .sort(
      (a, b) =>
        Number(b.awaitingEnable) - Number(a.awaitingEnable) || (a.load ?? 0) - (b.load ?? 0) || a.observed.name.localeCompare(b.observed.name),
    )[0];
  if (!candidate) return { fits: false };
  const others = serving.filter((view) => view !== candidate);
  const rise = forecast?.rise(settings.maintenance.serverMinutes) ?? 0;
  const need = Math.max(targets.projected, targets.keepLoad, targets.load + rise) / settings.targetUtilization;
  const fits = sum(others.map((view) => view.capacity)) >= need - EPSILON && others.length >= Math.max(1, targets.minimum);
  return { candidate, fits };
}

/**
 * Before the tick's plan: whether a running server's turn comes this tick (the servers
 * that stay carry everything without it: none of them is taken out of service in the same
 * tick, since one of them stands in for it), or one server more is needed for the minimum
 * while it waits (`reserve`).
 */
export function runningServerTurn(inputs: MaintenanceInputs): { readonly reserve: number; readonly now: boolean } {
  const turn = runningTurn(inputs, undefined);
  return { reserve: turn.candidate && !turn.fits ? 1 : 0, now: turn.candidate !== undefined && turn.fits };
}

/**
 * The maintenance actions of the tick, after the rest of the plan. `enables`: the tick's
 * enables of standby servers; `loadShort`: the load needed more capacity than the fleet
 * had before this tick (a start for the reserve alone does not stop stopped servers being begun).
 */
export function maintenanceActions(inputs: MaintenanceInputs, plan: Plan, enables: readonly Action[], loadShort: boolean): Action[] {
  const actions: Action[] = [];
  for (const server of inputs.inHand) {
    const action = nextStep(server, inputs, plan.reasons);
    if (action) actions.push(action);
  }
  const begun = loadShort ? [] : beginStopped(inputs, plan);
  actions.push(...begun);
  const turn = runningTurn(inputs, plan);
  if (turn.candidate && turn.fits && begun.length === 0) {
    actions.push(...standIns(turn.candidate, inputs, plan, enables), begin(turn.candidate.observed, inputs, false, 'its turn: the servers that stay carry the load without it'));
  } else if (turn.candidate && !turn.fits && mayBegin(inputs)) {
    plan.reasons.push(`${turn.candidate.observed.name}: its maintenance waits for a server to take its place`);
  }
  return actions;
}

/**
 * Standby servers enabled in the same tick as an enabled server goes, before its cordon, so
 * that the servers taking meetings never drop below the minimum, nor below the load
 * expected by the next tick.
 */
function standIns(candidate: ServerView, inputs: MaintenanceInputs, plan: Plan, enables: readonly Action[]): Action[] {
  const { views, targets, settings } = inputs;
  if (candidate.awaitingEnable) return [];
  const enabling = new Set(enables.filter((action) => action.kind === 'enable').map((action) => action.server));
  const taking = views.filter(
    (view) => view !== candidate && view.role === 'active' && (!view.awaitingEnable || enabling.has(view.observed.name)) && !plan.withheld.has(view.observed.name),
  );
  let count = taking.length;
  let capacity = sum(taking.map((view) => view.capacity));
  const needed = targets.enableLoad / settings.targetUtilization;
  const actions: Action[] = [];
  const standby = views
    .filter((view) => view !== candidate && view.awaitingEnable && view.answering && !enabling.has(view.observed.name) && !plan.withheld.has(view.observed.name))
    .sort((a, b) => b.capacity - a.capacity || a.observed.name.localeCompare(b.observed.name));
  for (const view of standby) {
    if (count >= Math.max(1, targets.minimum) && capacity >= needed - EPSILON) break;
    actions.push({ kind: 'enable', server: view.observed.name, reason: `takes the place of ${candidate.observed.name}, taken for its maintenance (capacity ${round(capacity)})` });
    count += 1;
    capacity += view.capacity;
  }
  return actions;
}

function begin(server: ServerObservation, inputs: MaintenanceInputs, wasStopped: boolean, reason: string): Action {
  const { observation, cycle } = inputs;
  const previous = server.maintenance;
  const record: MaintenanceRecord = {
    cycle: cycle.id,
    phase: wasStopped ? 'booting' : 'draining',
    since: observation.now,
    wasStopped,
    ...(previous?.patchedAt && { patchedAt: previous.patchedAt }),
    ...(previous?.patchedCycle && { patchedCycle: previous.patchedCycle }),
  };
  return { kind: 'maintain', step: 'begin', server: server.name, record, reason: `maintenance ${cycle.id}: ${reason}` };
}

/**
 * Stopped servers due in the cycle, oldest patch first: one until a server has passed,
 * then up to maxParallel at once, never while the fleet is short of capacity, and within the pool.
 */
function beginStopped(inputs: MaintenanceInputs, plan: Plan): Action[] {
  const { observation, settings, cycle, views } = inputs;
  if (!mayBegin(inputs)) return [];
  if (plan.capacity < plan.required - EPSILON || plan.servers < inputs.targets.minimum) return [];
  const limit = firstPassed(observation, cycle) ? settings.maintenance.maxParallel : 1;
  const running = inProgress(inputs).filter((server) => server.maintenance?.wasStopped).length;
  const due = views
    .filter((view) => view.role === 'stopped' && view.powerOffMinutes === undefined && !plan.started.has(view.observed.name))
    .map((view) => view.observed)
    .filter((server) => isDue(server, cycle, settings.maintenance))
    .sort((a, b) => (a.maintenance?.patchedAt?.getTime() ?? 0) - (b.maintenance?.patchedAt?.getTime() ?? 0) || a.name.localeCompare(b.name));
  const room = Math.max(0, Math.min(limit - running, settings.poolSize - plan.poweredOn));
  return due.slice(0, room).map((server) => begin(server, inputs, true, 'started for its update'));
}

function hold(server: ServerObservation, record: MaintenanceRecord, now: Date, message: string): Action {
  const { job: _job, retryAt: _retryAt, waiting: _waiting, bootId: _bootId, ...rest } = record;
  return { kind: 'maintain', step: 'hold', server: server.name, record: { ...rest, phase: 'failed', since: now, message }, reason: `held: ${message}` };
}

function skip(server: ServerObservation, record: MaintenanceRecord, now: Date, message: string): Action {
  const { job: _job, retryAt: _retryAt, waiting: _waiting, bootId: _bootId, ...rest } = record;
  return { kind: 'maintain', step: 'skip', server: server.name, record: { ...rest, phase: 'skipped', since: now, message }, reason: `skipped this cycle: ${message}` };
}

/** What a server in hand needs next; undefined while it waits. */
function nextStep(server: ServerObservation, inputs: MaintenanceInputs, reasons: string[]): Action | undefined {
  const { observation, cycle } = inputs;
  const now = observation.now;
  const record = server.maintenance as MaintenanceRecord;
  const name = server.name;
  if (isReturning(server)) {
    return { kind: 'powerOff', server: name, reason: `maintenance ${record.phase === 'done' ? 'done' : 'skipped'}: powered off again, as it was` };
  }
  if (server.power === 'unknown' || server.busy) {
    reasons.push(`${name}: maintenance waits while IONOS carries out a request on it`);
    return undefined;
  }
  const minutes = minutesSince(now, record.since);
  if (record.phase !== 'booting' && server.power === 'stopped') return hold(server, record, now, `it was powered off while ${record.phase}`);
  const waitingFor = (what: string) => {
    reasons.push(`${name}: maintenance waits for ${what}`);
    return undefined;
  };
  const ask = (step: 'update' | 'reboot' | 'check', job?: string): Action => ({
    kind: 'maintain',
    step,
    server: name,
    ...(job !== undefined && { job }),
    reason: `maintenance ${record.cycle}: ${step}`,
  });
  const newJob = String(now.getTime());
  const later = retryLater(record, now);
  if (server.scalelite.known && server.scalelite.state === 'enabled') {
    return { kind: 'cordon', server: name, reason: `maintenance ${record.cycle}: no meetings while it is patched` };
  }

  switch (record.phase) {
    case 'booting':
      if (minutes > AGENT_TIMEOUT_MINUTES) return hold(server, record, now, `its agent did not answer within ${AGENT_TIMEOUT_MINUTES} min of its start`);
      if (server.power === 'stopped') {
        const { baseCores, baseRamGb } = server;
        return { kind: 'start', server: name, cores: baseCores, ramGb: baseRamGb, reason: `maintenance ${record.cycle}: started for its update` };
      }
      return ask('update', newJob);
    case 'draining':
      if (drained(server)) return ask('update', newJob);
      if (record.cycle !== cycle.id || !cycle.open || now.getTime() > cycle.lastBegin) {
        return skip(server, record, now, 'it still had meetings or recordings at the cycle\u2019s last start');
      }
      if (minutes > DRAIN_LIMIT_MINUTES) return skip(server, record, now, `its meetings or recordings did not end within ${DRAIN_LIMIT_MINUTES} min`);
      return waitingFor('its meetings and recordings to end');
    case 'updating':
      if (record.waiting !== undefined && minutes > WAIT_LIMIT_MINUTES) return skip(server, record, now, `still not updated after ${WAIT_LIMIT_MINUTES} min: ${record.waiting}`);
      if (record.waiting === undefined && minutes > UPDATE_TIMEOUT_MINUTES) return hold(server, record, now, `the update did not finish within ${UPDATE_TIMEOUT_MINUTES} min`);
      if (later) return waitingFor(`a retry of the update (${record.waiting ?? 'busy'})`);
      return ask('update', record.job ?? newJob);
    case 'rebooting':
      if (record.bootId === undefined) {
        if (record.waiting !== undefined && minutes > WAIT_LIMIT_MINUTES) return skip(server, record, now, `not rebooted after ${WAIT_LIMIT_MINUTES} min: ${record.waiting}`);
        if (later) return waitingFor(`a retry of the reboot (${record.waiting ?? 'busy'})`);
        return ask('reboot');
      }
      if (minutes > REBOOT_TIMEOUT_MINUTES) {
        return hold(server, record, now, `it did not come back within ${REBOOT_TIMEOUT_MINUTES} min of its reboot${record.waiting ? ` (${record.waiting})` : ''}`);
      }
      // Checked at once when the record is from a clock ahead of this one: a check from before the reboot is known by its boot.
      if ((minutes < REBOOT_SETTLE_MINUTES && !stampedAhead(record, now)) || later) return waitingFor('its reboot');
      return ask('check', record.job ?? newJob);
    case 'checking':
      if (minutes > CHECK_TIMEOUT_MINUTES) return hold(server, record, now, `its check did not pass within ${CHECK_TIMEOUT_MINUTES} min${record.waiting ? `: ${record.waiting}` : ''}`);
      if (later) return waitingFor(`a retry of the check (${record.waiting ?? 'busy'})`);
      return ask('check', record.job ?? newJob);
    default:
      return undefined;
  }
}

