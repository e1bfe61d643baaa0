/**
 * Carries out the policy's actions one by one. Each action is one idempotent API call
 * that is safe on its own, so a crash between two of them leaves a state the next tick
 * reads and continues from. The guards below repeat the safety rules the policy already
 * follows, because the cost of a bug here is a dropped lesson: no stop without a
 * fresh, empty getMeetings; no enable without an answering BBB API; nothing outside the
 * pool; never more powered-on servers than the pool, never fewer running than the
 * minimum, never the last enabled server cordoned; no shrinking of a running server
 * (which may restart it) unless it is out of Scalelite's rotation and empty; no start,
 * stop, enable or resize while IONOS still carries out a request on the server; nothing
 * on a server an operator holds but the cordon that keeps new meetings off it.
 */
import type { Logger } from 'pino';
import { describeError, isServiceError } from './errors';
import type { Inventory } from './inventory';
import type { Clients, RawState } from './observe';
import { canonicalEntry, entriesFor } from './observe';
import type { Action, Decision, Observation, ServerObservation } from './policy';
import { mayBePoweredOn, staysRunning, takesMeetings } from './policy/classify';
import type { StepOutcome } from './register';

export type ActionOutcome = StepOutcome<Action>;

interface Tally {
  /** Servers that may be on (unknown counts): the pool bound. */
  poweredOnAtMost: number;
  /** Servers certainly on: the minimum bound. */
  runningAtLeast: number;
  enabled: number;
}

/**
 * A request IONOS is still carrying out on the server would race a new one, and may be a
 * stop (a running server reads RUNNING until it is off): the next tick looks again.
 */
const PENDING_REQUEST = 'IONOS is still carrying out an earlier request on it';

function shrinks(action: Action & { kind: 'resize' }, server: ServerObservation): boolean {
  return action.cores < server.cores || action.ramGb < server.ramGb;
}

/**
 * IONOS restarts a running server when cores or RAM cannot be unplugged, so a running
 * server shrinks only when Scalelite sends it nothing (cordoned or disabled) and its
 * meetings and recordings are known to be finished.
 */
function runningShrinkRefusal(server: ServerObservation): string | undefined {
  const { scalelite, meetings, recordings, power } = server;
  if (power !== 'running') return `server is ${power}`;
  if (!scalelite.known || scalelite.state === 'enabled') return 'shrinking a running server needs it cordoned or disabled first';
  if (!meetings.known || meetings.meetings > 0) return 'meetings not known to be finished';
  if (!recordings.known || recordings.busy > 0) return 'recordings not known to be finished';
  return undefined;
}

function guard(action: Action, server: ServerObservation, decision: Decision, poolSize: number, tally: Tally): string | undefined {
  const { scalelite, meetings, recordings, power } = server;
  if (server.held && !(action.kind === 'cordon' && scalelite.known && scalelite.state === 'enabled')) {
    return 'held by the operator (hold file): only a cordon of an enabled server is allowed';
  }
  switch (action.kind) {
    case 'start':
      if (power === 'running') return 'already powered on';
      if (server.busy) return PENDING_REQUEST;
      if (tally.poweredOnAtMost >= poolSize) return `would exceed the pool of ${poolSize} powered-on servers`;
      return undefined;
    case 'stop':
      // Also the answer to a stop IONOS is still carrying out: it is not sent again.
      if (server.busy) return PENDING_REQUEST;
      if (!scalelite.known || scalelite.state === 'enabled') return 'still enabled in Scalelite (cordon first)';
      if (tally.runningAtLeast - 1 < decision.effectiveMinimum) return `would leave fewer than ${decision.effectiveMinimum} servers running`;
      if (!meetings.known || meetings.meetings > 0) return 'meetings not known to be finished';
      if (!recordings.known || recordings.busy > 0) return 'recordings not known to be finished';
      return undefined;
    case 'enable':
      if (power !== 'running') return `server is ${power}`;
      // A BUSY server may be powering off: Scalelite would send new meetings to it.
      if (server.busy) return PENDING_REQUEST;
      if (!meetings.known) return 'BBB API did not answer this tick';
      if (!scalelite.known) return 'not registered in Scalelite';
      return undefined;
    case 'cordon':
      if (!scalelite.known) return 'not registered in Scalelite';
      // Scalelite with no enabled server turns every new meeting away.
      if (scalelite.state === 'enabled' && power === 'running' && tally.enabled <= 1) return 'the last enabled server';
      return undefined;
    case 'disable':
      if (!scalelite.known) return 'not registered in Scalelite';
      if (power !== 'stopped' && !(meetings.known && meetings.meetings === 0)) return 'meetings not known to be finished';
      return undefined;
    case 'resize':
      if (!Number.isInteger(action.ramGb * 4)) return `RAM ${action.ramGb} GB is not a multiple of 256 MB`;
      if (server.busy) return PENDING_REQUEST;
      return shrinks(action, server) && power !== 'stopped' ? runningShrinkRefusal(server) : undefined;
    case 'setLoadMultiplier':
      if (!scalelite.known) return 'not registered in Scalelite';
      if (!(action.loadMultiplier > 0)) return `load_multiplier must be positive, got ${action.loadMultiplier}`;
      return undefined;
  }
}

/**
 * Keeps the counts the guards use up to date within a tick. A failed call may still have
 * taken effect (its answer was lost), so it counts the way that keeps the bounds safe.
 */
function account(action: Action, server: ServerObservation, tally: Tally, result: 'done' | 'maybe'): void {
  const certain = result === 'done';
  switch (action.kind) {
    case 'start':
      tally.poweredOnAtMost++;
      if (certain) tally.runningAtLeast++;
      return;
    case 'stop':
      tally.runningAtLeast--;
      if (certain) tally.poweredOnAtMost--;
      return;
    case 'enable':
      if (certain) tally.enabled++;
      return;
    case 'cordon':
    case 'disable':
      if (server.power === 'running' && server.scalelite.known && server.scalelite.state === 'enabled') tally.enabled--;
      return;
    case 'resize':
      // IONOS restarts a running server to shrink it: for a while it is not running.
      if (server.power === 'running' && shrinks(action, server)) tally.runningAtLeast--;
      return;
    default:
      return;
  }
}

export async function executeActions(
  decision: Decision,
  observation: Observation,
  state: RawState,
  inventory: Inventory,
  clients: Clients,
  options: { dryRun: boolean; logger: Logger },
): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  const observed = new Map(observation.servers.map((server) => [server.name, server]));
  const inPool = new Map(inventory.servers.map((server) => [server.name, server]));
  const tally: Tally = {
    poweredOnAtMost: observation.servers.filter(mayBePoweredOn).length,
    // A held server may be stopped by its operator at any moment, and a busy one that takes
    // no meetings may be stopping: neither counts towards the minimum.
    runningAtLeast: observation.servers.filter((s) => !s.held && staysRunning(s)).length,
    enabled: observation.servers.filter((s) => s.power === 'running' && takesMeetings(s)).length,
  };
  const scaleliteId = (name: string) => {
    const server = inPool.get(name);
    return server && state.scalelite.ok ? canonicalEntry(entriesFor(server, state.scalelite.value))?.id : undefined;
  };

  for (const action of decision.actions) {
    const target = inPool.get(action.server);
    const server = observed.get(action.server);
    if (!target || !server || !observation.pool.includes(action.server)) {
      options.logger.error({ event: 'action', action, status: 'skipped' }, `refused ${action.kind} on ${action.server}: not in the pool`);
      outcomes.push({ step: action, status: 'skipped', detail: 'not in the pool' });
      continue;
    }
    const refusal = guard(action, server, decision, inventory.policy.poolSize, tally);
    if (refusal) {
      options.logger.warn({ event: 'action', action, status: 'skipped', detail: refusal }, `skipped ${action.kind} ${action.server}: ${refusal}`);
      outcomes.push({ step: action, status: 'skipped', detail: refusal });
      continue;
    }
    if (options.dryRun) {
      account(action, server, tally, 'done');
      options.logger.info({ event: 'action', action, status: 'planned', dryRun: true }, `would ${action.kind} ${action.server}: ${action.reason}`);
      outcomes.push({ step: action, status: 'planned' });
      continue;
    }
    try {
      const skipped = await perform(action, server, target.ionosServerId, scaleliteId(action.server), clients, target);
      if (skipped) {
        options.logger.warn({ event: 'action', action, status: 'skipped', detail: skipped }, `skipped ${action.kind} ${action.server}: ${skipped}`);
        outcomes.push({ step: action, status: 'skipped', detail: skipped });
        continue;
      }
      account(action, server, tally, 'done');
      options.logger.info({ event: 'action', action, status: 'done' }, `${action.kind} ${action.server}: ${action.reason}`);
      outcomes.push({ step: action, status: 'done' });
    } catch (error) {
      if (!isServiceError(error)) throw error;
      account(action, server, tally, 'maybe');
      const detail = describeError(error);
      options.logger.warn({ event: 'error', source: error.service, action, detail }, `${action.kind} ${action.server} failed: ${detail}`);
      outcomes.push({ step: action, status: 'failed', detail, source: error.service });
    }
  }
  return outcomes;
}

/** One action, one state-changing call. Returns a reason when the call was withheld. */
async function perform(
  action: Action,
  server: ServerObservation,
  ionosServerId: string,
  scaleliteId: string | undefined,
  clients: Clients,
  target: Inventory['servers'][number],
): Promise<string | undefined> {
  switch (action.kind) {
    case 'start':
      await clients.ionos.startServer(ionosServerId);
      return undefined;
    case 'stop': {
      const late = await meetingsSinceTickBegan(clients, target);
      if (late) return late;
      await clients.ionos.stopServer(ionosServerId);
      return undefined;
    }
    case 'resize': {
      // Shrinking a running server may restart it: the same last look as before a stop.
      const late = shrinks(action, server) && server.power !== 'stopped' ? await meetingsSinceTickBegan(clients, target) : undefined;
      if (late) return late;
      await clients.ionos.resizeServer(ionosServerId, { cores: action.cores, ramMb: Math.round(action.ramGb * 1024) });
      return undefined;
    }
    case 'enable':
    case 'cordon':
    case 'disable':
      if (!scaleliteId) return 'not registered in Scalelite';
      await clients.scalelite.updateServer(scaleliteId, { state: action.kind });
      return undefined;
    case 'setLoadMultiplier':
      if (!scaleliteId) return 'not registered in Scalelite';
      await clients.scalelite.updateServer(scaleliteId, { loadMultiplier: action.loadMultiplier });
      return undefined;
  }
}

/** A meeting may have started since the tick began (Scalelite placed it before the cordon). */
async function meetingsSinceTickBegan(clients: Clients, target: Inventory['servers'][number]): Promise<string | undefined> {
  const meetings = await clients.bbb(target).getMeetings();
  return meetings.length > 0 ? `${meetings.length} meeting(s) started since the tick began` : undefined;
}
