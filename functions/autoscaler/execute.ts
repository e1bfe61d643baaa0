/**
 * Carries out the policy's actions one by one. Each action is one or a few idempotent
 * calls that are safe on their own, so a crash between two of them leaves a state the
 * next tick reads and continues from. The guards below repeat the safety rules the
 * policy already follows, because the cost of a bug here is a dropped lesson: no power-off
 * without a fresh look at Scalelite and an empty getMeetings; no enable without an
 * answering BBB API; nothing outside the pool; never more powered-on servers than the
 * pool, never fewer up than the minimum (a server it starts is not up yet), never the
 * last enabled server cordoned; no resize of a running server (IONOS would restart it to
 * take cores away, and hot-plugged ones go unused); no start, stop, enable or resize while
 * IONOS still carries out a request on the server; nothing on a server an operator holds
 * but the cordon that keeps new meetings off it. An acting tick renews its lease before
 * every action.
 */
import type { Logger } from 'pino';
import { NoChannelError, UnknownVerbError, type AgentTarget } from './clients/platform-agent';
import { describeError, isServiceError } from './errors';
import type { Inventory, InventoryServer } from './inventory';
import { LeaseLostError, type Lease } from './lease';
import type { Clients, RawState } from './observe';
import { canonicalEntry, entriesFor } from './observe';
import type { Action, Decision, MaintenanceRecord, Observation, PolicySettings, ServerObservation } from './policy';
import { drained, keepsMinimum, mayBePoweredOn, powerOffPending, takesMeetings, viewServer } from './policy/classify';
import { heldByMaintenance, inHand, isActive, isReturning, returnsToStopped } from './policy/maintenance/cycle';
import { recordAfter, type StepOutcome as AgentOutcome } from './policy/maintenance/steps';
import type { StepOutcome } from './register';

export type ActionOutcome = StepOutcome<Action>;

interface Tally {
  /** Servers that may be on (unknown counts): the pool bound. */
  poweredOnAtMost: number;
  /**
   * Servers up (keepsMinimum): the minimum bound. A server this tick starts is not among
   * them: it takes minutes to come up, and may not.
   */
  readonly up: Set<string>;
  enabled: number;
}

/**
 * A request IONOS is still carrying out on the server would race a new one, and may be a
 * stop (a running server reads RUNNING until it is off): the next tick looks again.
 */
const PENDING_REQUEST = 'IONOS is still carrying out an earlier request on it';

/** Minutes since the guest was told to power off, while that request stands. */
function powerOffMinutes(server: ServerObservation, now: Date): number | undefined {
  return powerOffPending(server) && server.powerOffRequestedAt ? (now.getTime() - server.powerOffRequestedAt.getTime()) / 60_000 : undefined;
}

/**
 * A running server is powered off only when Scalelite sends it nothing (cordoned or
 * disabled) and its meetings and recordings are known to be finished.
 */
function drainedRefusal(server: ServerObservation): string | undefined {
  const { scalelite, meetings, recordings } = server;
  if (!scalelite.known || scalelite.state === 'enabled') return 'Scalelite still sends it meetings (cordon first)';
  if (!meetings.known || meetings.meetings > 0) return 'meetings not known to be finished';
  if (!recordings.known || recordings.busy > 0) return 'recordings not known to be finished';
  return undefined;
}

/**
 * A server started for its maintenance goes back to stopped without waiting for its
 * recording metrics: it was drained before it was stopped, and no meeting could reach it
 * since (Scalelite has not sent it any), which getMeetings confirms.
 */
function returningRefusal(server: ServerObservation): string | undefined {
  const { scalelite, meetings } = server;
  if (!scalelite.known || scalelite.state === 'enabled') return 'Scalelite still sends it meetings (cordon first)';
  if (!meetings.known || meetings.meetings > 0) return 'meetings not known to be finished';
  return undefined;
}

interface GuardContext {
  readonly decision: Decision;
  readonly poolSize: number;
  readonly settings: PolicySettings;
  readonly now: Date;
  readonly tally: Tally;
  /** The maintenance records were read this tick. */
  readonly recordsKnown: boolean;
}

/**
 * A maintenance step only on a server that is in hand for it (its record says so), running,
 * not taking meetings and holding none that getMeetings shows. A running server's update
 * starts only once its meetings and recordings are known to be finished; a server started
 * for its maintenance was drained before it was stopped and has not been enabled since, so
 * it is not kept waiting for its BigBlueButton or its metrics.
 */
function maintenanceRefusal(action: Extract<Action, { kind: 'maintain' }>, server: ServerObservation, { tally, poolSize, recordsKnown }: GuardContext): string | undefined {
  const { scalelite, power } = server;
  if (!recordsKnown) return 'the maintenance records could not be read this tick';
  if (action.step === 'hold' || action.step === 'skip') return undefined;
  if (action.step === 'begin') {
    if (server.maintenance && isActive(server.maintenance)) return `already in maintenance (${server.maintenance.phase})`;
    if (server.busy) return PENDING_REQUEST;
    if (power === 'stopped') return tally.poweredOnAtMost >= poolSize ? `would exceed the pool of ${poolSize} powered-on servers` : undefined;
    if (power !== 'running') return `server is ${power}`;
    if (!scalelite.known) return 'not registered in Scalelite';
    if (scalelite.state === 'enabled' && tally.enabled <= 1) return 'the last enabled server';
    return undefined;
  }
  if (!server.maintenance || !isActive(server.maintenance)) return 'not in maintenance';
  if (power !== 'running') return `server is ${power}`;
  if (server.busy) return PENDING_REQUEST;
  if (!scalelite.known || scalelite.state === 'enabled') return 'Scalelite may send it meetings (cordon first)';
  if (server.meetings.known && server.meetings.meetings > 0) return `${server.meetings.meetings} meeting(s) on it`;
  if (action.step === 'update' && server.maintenance.phase === 'draining' && !drained(server)) return 'meetings or recordings not known to be finished';
  return undefined;
}

function guard(action: Action, server: ServerObservation, context: GuardContext): string | undefined {
  const { decision, poolSize, settings, now, tally } = context;
  const { scalelite, meetings, power } = server;
  if (server.held && !(action.kind === 'cordon' && scalelite.known && scalelite.state === 'enabled')) {
    return 'held by the operator (hold file): only a cordon of an enabled server is allowed';
  }
  if (heldByMaintenance(server) && !(action.kind === 'cordon' || (action.kind === 'maintain' && action.step === 'hold'))) {
    return 'held after a failed maintenance: only a cordon is allowed (autoscaler.js release gives it back)';
  }
  switch (action.kind) {
    case 'start':
      if (power === 'running') return 'already powered on';
      if (server.busy) return PENDING_REQUEST;
      if (tally.poweredOnAtMost >= poolSize) return `would exceed the pool of ${poolSize} powered-on servers`;
      if (!Number.isInteger(action.ramGb * 4)) return `RAM ${action.ramGb} GB is not a multiple of 256 MB`;
      return undefined;
    case 'powerOff': {
      if (server.busy) return PENDING_REQUEST;
      if (power !== 'running') return `server is ${power}`;
      if (!context.recordsKnown) return 'the maintenance records could not be read this tick: it may be in the middle of an update';
      if (server.maintenance && isActive(server.maintenance)) return `in maintenance (${server.maintenance.phase})`;
      const minutes = powerOffMinutes(server, now);
      if (minutes !== undefined && minutes < settings.shutdownTimeoutMinutes) return `told to power off ${Math.round(minutes)} min ago already`;
      // A server started for its maintenance and done with it goes back to stopped; it was never counted.
      if (minutes === undefined && !isReturning(server) && tally.up.size - (tally.up.has(server.name) ? 1 : 0) < decision.effectiveMinimum) {
        return `would leave fewer than ${decision.effectiveMinimum} servers running`;
      }
      return isReturning(server) ? returningRefusal(server) : drainedRefusal(server);
    }
    case 'stop': {
      // IONOS' stop powers a VM that is still on off by force: only a guest that was told to
      // power off and either is off, or did not get there in time and no longer answers.
      if (server.busy) return PENDING_REQUEST;
      const minutes = powerOffMinutes(server, now);
      if (minutes === undefined) return 'its guest was not told to power off';
      if (power === 'stopped') return undefined;
      if (power !== 'running') return `server is ${power}`;
      if (minutes < settings.shutdownTimeoutMinutes) return `its guest was told to power off only ${Math.round(minutes)} min ago`;
      if (meetings.known) return 'its BBB still answers: the power-off command is sent again instead';
      return undefined;
    }
    case 'enable':
      if (power !== 'running') return `server is ${power}`;
      if (!context.recordsKnown) return 'the maintenance records could not be read this tick: it may be in the middle of an update';
      if (server.maintenance && inHand(server)) return `in maintenance (${server.maintenance.phase})`;
      // A BUSY server may be powering off: Scalelite would send new meetings to it.
      if (server.busy) return PENDING_REQUEST;
      if (powerOffPending(server)) return 'its guest was told to power off';
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
      if (power === 'stopped') return undefined;
      // Hot-plugged cores would stay unused, and IONOS restarts a server to take them away.
      return power === 'running' ? 'cores and RAM change only while a server is stopped' : `server is ${power}`;
    case 'setLoadMultiplier':
      if (!scalelite.known) return 'not registered in Scalelite';
      if (!(action.loadMultiplier > 0)) return `load_multiplier must be positive, got ${action.loadMultiplier}`;
      return undefined;
    case 'maintain':
      return maintenanceRefusal(action, server, context);
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
      return;
    case 'powerOff':
      tally.up.delete(server.name);
      if (takesMeetings(server)) tally.enabled--;
      return;
    case 'enable':
      if (certain) tally.enabled++;
      return;
    case 'maintain':
      // A begin starts a stopped server, or cordons a running one.
      if (action.step === 'begin' && server.power === 'stopped') tally.poweredOnAtMost++;
      if (action.step === 'begin' && server.power === 'running' && takesMeetings(server)) tally.enabled--;
      return;
    case 'cordon':
    case 'disable':
      if (server.power === 'running' && takesMeetings(server)) tally.enabled--;
      return;
    default:
      return;
  }
}

export interface ExecuteOptions {
  readonly dryRun: boolean;
  readonly logger: Logger;
  readonly settings: PolicySettings;
  /** Held while acting; renewed before every action. */
  readonly lease?: Lease;
}

export async function executeActions(
  decision: Decision,
  observation: Observation,
  state: RawState,
  inventory: Inventory,
  clients: Clients,
  options: ExecuteOptions,
): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  const observed = new Map(observation.servers.map((server) => [server.name, server]));
  const inPool = new Map(inventory.servers.map((server) => [server.name, server]));
  const tally: Tally = {
    poweredOnAtMost: observation.servers.filter(mayBePoweredOn).length,
    // A held server may be stopped by its operator at any moment, and one in maintenance
    // reboots or goes back to stopped: neither counts towards the minimum.
    up: new Set(
      observation.servers
        .filter((s) => !s.held && !heldByMaintenance(s) && !inHand(s) && keepsMinimum(viewServer(s, observation.now, options.settings)))
        .map((s) => s.name),
    ),
    enabled: observation.servers.filter((s) => s.power === 'running' && takesMeetings(s)).length,
  };
  const scaleliteId = (name: string) => {
    const server = inPool.get(name);
    return server && state.scalelite.ok ? canonicalEntry(entriesFor(server, state.scalelite.value))?.id : undefined;
  };
  const recordsKnown = observation.maintenance?.known !== false;
  const context = { decision, poolSize: inventory.policy.poolSize, settings: options.settings, now: observation.now, tally, recordsKnown };

  for (const action of decision.actions) {
    const target = inPool.get(action.server);
    const server = observed.get(action.server);
    if (!target || !server || !observation.pool.includes(action.server)) {
      options.logger.error({ event: 'action', action, status: 'skipped' }, `refused ${action.kind} on ${action.server}: not in the pool`);
      outcomes.push({ step: action, status: 'skipped', detail: 'not in the pool' });
      continue;
    }
    const refusal = guard(action, server, context);
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
      // The lease may have run out (a slow tick, a paused process): no action without it.
      await options.lease?.renew();
      const result = await perform(action, server, target, { clients, scaleliteId: scaleliteId(action.server), lease: options.lease, now: observation.now, settings: options.settings });
      if (result.skipped) {
        options.logger.warn({ event: 'action', action, status: 'skipped', detail: result.skipped }, `skipped ${action.kind} ${action.server}: ${result.skipped}`);
        outcomes.push({ step: action, status: 'skipped', detail: result.skipped });
        continue;
      }
      account(action, server, tally, 'done');
      const level = result.detail ? 'warn' : 'info';
      options.logger[level]({ event: 'action', action, status: 'done', detail: result.detail }, `${action.kind} ${action.server}: ${result.detail ?? action.reason}`);
      outcomes.push({ step: action, status: 'done', ...(result.detail && { detail: result.detail }) });
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

interface PerformContext {
  readonly clients: Clients;
  readonly scaleliteId: string | undefined;
  readonly lease: Lease | undefined;
  /** The tick's time: what maintenance records are written with. */
  readonly now: Date;
  readonly settings: PolicySettings;
}

interface Performed {
  /** Why the call was withheld after all. */
  readonly skipped?: string;
  /** Something the log should say beside the reason (a forced stop). */
  readonly detail?: string;
}

/** One action: the calls that carry it out. */
async function perform(action: Action, server: ServerObservation, target: InventoryServer, context: PerformContext): Promise<Performed> {
  const { clients, scaleliteId, lease } = context;
  const ionosId = target.ionosServerId;
  switch (action.kind) {
    case 'start':
      await takeBackFromMaintenance(server, clients, lease);
      // IONOS queues requests on a server: the start follows the resize (metadata.state BUSY).
      if (action.cores !== server.cores || action.ramGb !== server.ramGb) {
        await clients.ionos.resizeServer(ionosId, { cores: action.cores, ramMb: Math.round(action.ramGb * 1024) });
      }
      await clients.ionos.startServer(ionosId);
      if (server.powerOffRequestedAt) await forgetPowerOff(clients, lease, server.name);
      return {};
    case 'powerOff':
      return powerOff(server, target, context);
    case 'stop':
      await clients.ionos.stopServer(ionosId);
      await forgetPowerOff(clients, lease, server.name);
      return server.power === 'running' ? { detail: 'the guest did not power off in time: IONOS powered it off' } : {};
    case 'resize':
      await clients.ionos.resizeServer(ionosId, { cores: action.cores, ramMb: Math.round(action.ramGb * 1024) });
      return {};
    case 'enable':
    case 'cordon':
    case 'disable':
      if (!scaleliteId) return { skipped: 'not registered in Scalelite' };
      await clients.scalelite.updateServer(scaleliteId, { state: action.kind });
      return {};
    case 'setLoadMultiplier':
      if (!scaleliteId) return { skipped: 'not registered in Scalelite' };
      await clients.scalelite.updateServer(scaleliteId, { loadMultiplier: action.loadMultiplier });
      return {};
    case 'maintain':
      return maintain(action, server, target, context);
  }
}

function agentTarget(target: InventoryServer): AgentTarget {
  return { name: target.name, host: target.privateIp, ionosServerId: target.ionosServerId };
}

/**
 * A server the cycle had started from stopped, and was done with, is started again for the
 * load: it is no longer to be powered off for the cycle (isReturning). Which boot a server
 * is in cannot be told by comparing the record's time, on the store's clock, with the
 * server's boot time, on its own; so the start says it, before IONOS is asked.
 */
async function takeBackFromMaintenance(server: ServerObservation, clients: Clients, lease: Lease | undefined): Promise<void> {
  const record = server.maintenance;
  if (!record || !returnsToStopped(record)) return;
  await writeRecord(clients, lease, server.name, { ...record, wasStopped: false });
}

async function writeRecord(clients: Clients, lease: Lease | undefined, name: string, record: MaintenanceRecord): Promise<void> {
  if (lease && !(await clients.coordination.recordMaintenance(lease.fencingToken, name, record))) {
    throw new LeaseLostError('the store refused a maintenance record for its fencing token');
  }
}

/**
 * A maintenance step. A begin writes the server's record first, so that a crash before the
 * start or the cordon leaves a record the next tick continues from; a step asks the
 * server's agent and records where its answer leaves the server. The first request of an
 * update, and the reboot, come only after a last look: Scalelite does not send the server
 * meetings, and, for a running server taken out of rotation, none runs on it.
 */
async function maintain(action: Extract<Action, { kind: 'maintain' }>, server: ServerObservation, target: InventoryServer, context: PerformContext): Promise<Performed> {
  const { clients, lease, now, settings } = context;
  if ('record' in action) {
    await writeRecord(clients, lease, server.name, action.record);
    if (action.step !== 'begin') return {};
    if (server.power === 'stopped') {
      await clients.ionos.startServer(target.ionosServerId);
      if (server.powerOffRequestedAt) await forgetPowerOff(clients, lease, server.name);
    } else if (context.scaleliteId && server.scalelite.known && server.scalelite.state === 'enabled') {
      await clients.scalelite.updateServer(context.scaleliteId, { state: 'cordon' });
    }
    return {};
  }
  const record = server.maintenance as MaintenanceRecord;
  if ((action.step === 'update' && record.phase !== 'updating') || action.step === 'reboot') {
    const entry = canonicalEntry(entriesFor(target, await clients.scalelite.getServers()));
    if (!entry) return { skipped: 'no longer registered in Scalelite' };
    if (entry.state === 'enabled') return { skipped: 'Scalelite has it enabled again since the tick began' };
    // A running server's meetings may have changed since the tick began; one started for its update had none.
    const late = record.phase === 'draining' ? await meetingsSinceTickBegan(clients, target) : undefined;
    if (late) return { skipped: late };
  }
  const { bbbVersion } = settings.maintenance;
  const request =
    action.step === 'reboot'
      ? ({ verb: 'reboot-if-required' } as const)
      : ({ verb: action.step, job: action.job ?? String(now.getTime()), ...(bbbVersion && { bbbVersion }) } as const);
  let outcome: AgentOutcome;
  try {
    outcome = { kind: 'answer', answer: await clients.agent.send(agentTarget(target), request) };
  } catch (error) {
    if (error instanceof NoChannelError || error instanceof UnknownVerbError) outcome = { kind: 'unsupported', error: error.message };
    else throw error;
  }
  const next = recordAfter(record, action.step, 'job' in request ? request.job : undefined, outcome, now);
  if (next !== record) await writeRecord(clients, lease, server.name, next);
  const said = outcome.kind === 'answer' ? `${outcome.answer.result}${outcome.answer.message ? `: ${outcome.answer.message}` : ''}` : outcome.error;
  return { detail: `${request.verb} answered ${said}; now ${next.phase}` };
}

/**
 * The gentle stop's first half. Right before it, Scalelite's state and the meetings are
 * read again (the tick's view may be a minute old): a server Scalelite now sends meetings
 * to, or one that holds a meeting, is left alone. A standby server (disabled) is cordoned
 * first, so that its state says it is on its way out. The record comes before the command,
 * so that a crash in between leaves a server the next tick knows to watch; then the guest
 * powers itself off, and IONOS' stop follows once IONOS reports it off (policy: release).
 * A server that refuses the key was set up before the channel existed: IONOS stops it at
 * once, as the autoscaler did before (it is drained).
 */
async function powerOff(server: ServerObservation, target: InventoryServer, { clients, lease }: PerformContext): Promise<Performed> {
  const entry = canonicalEntry(entriesFor(target, await clients.scalelite.getServers()));
  if (!entry) return { skipped: 'no longer registered in Scalelite' };
  if (entry.state === 'enabled') return { skipped: 'Scalelite has it enabled again since the tick began' };
  if (entry.state === 'disabled') await clients.scalelite.updateServer(entry.id, { state: 'cordon' });
  const late = await meetingsSinceTickBegan(clients, target);
  if (late) return { skipped: late };
  if (lease && !(await clients.coordination.recordPowerOff(lease.fencingToken, server.name))) {
    throw new LeaseLostError('the store refused the power-off record for its fencing token');
  }
  try {
    await clients.agent.send(agentTarget(target), { verb: 'poweroff' });
    return {};
  } catch (error) {
    if (!(error instanceof NoChannelError)) throw error;
    await clients.ionos.stopServer(target.ionosServerId);
    await forgetPowerOff(clients, lease, server.name);
    return { detail: `${error.message}: IONOS powered it off instead` };
  }
}

/** The record is done with once IONOS was asked to stop the server, or it was started again. */
async function forgetPowerOff(clients: Clients, lease: Lease | undefined, name: string): Promise<void> {
  if (lease && !(await clients.coordination.clearPowerOff(lease.fencingToken, name))) {
    throw new LeaseLostError('the store refused to clear a power-off record for its fencing token');
  }
}

/** A meeting may have started since the tick began (Scalelite placed it before the cordon). */
async function meetingsSinceTickBegan(clients: Clients, target: InventoryServer): Promise<string | undefined> {
  const meetings = await clients.bbb(target).getMeetings();
  return meetings.length > 0 ? `${meetings.length} meeting(s) started since the tick began` : undefined;
}
