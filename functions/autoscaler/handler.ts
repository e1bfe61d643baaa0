/**
 * The autoscaler function, Lambda-style: `handler(event) -> TickResult`. Stateless:
 * every tick reads the truth (IONOS, Scalelite, BBB, Prometheus, the coordination store),
 * reconciles the Scalelite registration, asks the pure policy for a decision and carries
 * it out, holding the lease that lets one autoscaler act at a time.
 */
import type { Logger } from 'pino';
import { HOST_KEY_CHANGED } from './clients/platform-agent';
import { describeError, isServiceError } from './errors';
import { type ActionOutcome, executeActions } from './execute';
import { DEFAULT_HOLD_PATH, type HoldList, loadHoldList, holdWarnings } from './hold';
import { DEFAULT_INVENTORY_PATH, type Inventory, loadInventory } from './inventory';
import { type Lease, LeaseLostError } from './lease';
import { createLogger } from './log';
import type { AutoscalerMetrics } from './metrics';
import { type Clients, type RawState, type SourceError, observe, readState } from './observe';
import { type Decision, type Observation, decide, settingsFromInventoryPolicy } from './policy';
import { type RegistrationStep, type StepOutcome, applyRegistration, planRegistration } from './register';
import { openSession } from './session';

/** The action asked a server's platform agent (a power-off, or a maintenance step). */
function usesAgent(action: ActionOutcome['step']): boolean {
  return action.kind === 'powerOff' || (action.kind === 'maintain' && !('record' in action));
}

export interface TickEvent {
  /** Tick time (ISO 8601); defaults to now. */
  readonly time?: string;
  /** Log what would be done; change nothing anywhere. */
  readonly dryRun?: boolean;
}

export interface TickResult {
  readonly time: string;
  readonly dryRun: boolean;
  /** False when the inventory switches autoscaling off: observed and decided, not acted on. */
  readonly enabled: boolean;
  readonly durationSeconds: number;
  readonly observation: Observation;
  readonly registration: readonly StepOutcome<RegistrationStep>[];
  readonly decision: Decision;
  readonly actions: readonly ActionOutcome[];
  readonly errors: readonly SourceError[];
  /** Problems that do not stop a tick, e.g. a held name that is no inventory server. */
  readonly warnings: readonly string[];
}

export interface TickContext {
  readonly inventory: Inventory;
  /** Servers an operator holds; none when absent. */
  readonly hold?: HoldList;
  readonly clients: Clients;
  readonly logger: Logger;
  readonly metrics?: AutoscalerMetrics;
  /** Held by a tick that acts (not a dry run); without it such a tick refuses to act. */
  readonly lease?: Lease;
}

/**
 * The tick's clock: the coordination store's, so that a jump of this host's clock changes
 * nothing the autoscaler decides (an event may name the time, e.g. in tests). A dry run
 * that cannot reach the store uses the local clock.
 */
async function tickTime(event: TickEvent, clients: Clients, acting: boolean): Promise<Date> {
  if (event.time !== undefined) {
    const time = new Date(event.time);
    if (Number.isNaN(time.getTime())) throw new Error(`event.time: must be an ISO 8601 time, got ${JSON.stringify(event.time)}`);
    return time;
  }
  try {
    return await clients.coordination.time();
  } catch (error) {
    if (acting || !isServiceError(error)) throw error;
    return new Date();
  }
}

async function rereadScalelite(state: RawState, clients: Clients): Promise<RawState> {
  try {
    return { ...state, scalelite: { ok: true, value: await clients.scalelite.getServers() } };
  } catch (error) {
    if (!isServiceError(error)) throw error;
    const message = describeError(error);
    return { ...state, scalelite: { ok: false, error: message }, errors: [...state.errors, { source: 'scalelite', message }] };
  }
}

export async function runTick(event: TickEvent, context: TickContext): Promise<TickResult> {
  const started = process.hrtime.bigint();
  const { inventory, clients, logger, metrics, lease } = context;
  const dryRun = event.dryRun === true;
  const enabled = inventory.policy.autoscaler.enabled;
  const acting = !dryRun && enabled;
  const settings = settingsFromInventoryPolicy(inventory.policy);
  const held = context.hold?.names ?? new Set<string>();
  const warnings = context.hold ? holdWarnings(context.hold, inventory.servers.map((server) => server.name)) : [];
  for (const warning of warnings) logger.warn({ event: 'hold' }, warning);

  try {
    if (acting) {
      if (!lease) throw new LeaseLostError('a tick that acts needs the lease; none was given');
      await lease.renew();
    }
    const now = await tickTime(event, clients, acting);
    let state: RawState = await readState(inventory, clients, now);
    const registration = await applyRegistration(planRegistration(inventory, state, settings, held), inventory, clients, {
      dryRun: !acting,
      logger,
    });
    if (registration.some((outcome) => outcome.status === 'done')) {
      // Read Scalelite again so the policy sees the registration as it now is.
      state = await rereadScalelite(state, clients);
    }
    for (const error of state.errors) {
      logger.warn({ event: 'error', source: error.source, server: error.server, detail: error.message }, `${error.source} read failed`);
    }
    const observation = observe(inventory, state, now, held);
    const decision = decide(observation, settings);
    logger.info(
      {
        event: 'decision',
        dryRun,
        enabled,
        load: decision.load,
        capacity: decision.capacity,
        desiredCapacity: decision.desiredCapacity,
        desiredServers: decision.desiredServers,
        runningServers: decision.runningServers,
        effectiveMinimum: decision.effectiveMinimum,
        metricsFresh: observation.fleet.metricsFresh,
        held: observation.servers.filter((server) => server.held).map((server) => server.name),
        actions: decision.actions.map((action) => `${action.kind} ${action.server}`),
        reasons: decision.reasons,
      },
      `decision: ${decision.actions.length} action(s), ${decision.desiredServers} server(s) wanted`,
    );
    const actions = await executeActions(decision, observation, state, inventory, clients, { dryRun: !acting, logger, settings, lease });

    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (metrics) {
      metrics.desiredServers.set(decision.desiredServers);
      metrics.runningServers.set(decision.runningServers);
      metrics.capacity.set(decision.capacity);
      metrics.load.set(decision.load);
      for (const action of decision.actions) metrics.decisions.inc({ action: action.kind });
      for (const error of state.errors) metrics.errors.inc({ source: error.source });
      for (const outcome of [...registration, ...actions]) {
        if (outcome.source) metrics.errors.inc({ source: outcome.source });
      }
      metrics.recordMaintenance(decision.maintenance, observation.servers);
      for (const { step, status, detail } of actions) {
        if (!usesAgent(step) || (status !== 'done' && status !== 'failed')) continue;
        metrics.hostKeyChanged.set({ server: step.server }, Number(status === 'failed' && (detail ?? '').includes(HOST_KEY_CHANGED)));
      }
      metrics.tickDuration.observe(durationSeconds);
      metrics.lastSuccess.set(Date.now() / 1000);
    }
    return {
      time: observation.now.toISOString(),
      dryRun,
      enabled,
      durationSeconds,
      observation,
      registration,
      decision,
      actions,
      errors: state.errors,
      warnings,
    };
  } catch (error) {
    metrics?.errors.inc({ source: 'tick' });
    metrics?.tickDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    logger.error({ event: 'error', source: 'tick', detail: error instanceof Error ? error.message : String(error) }, 'tick failed');
    throw error;
  }
}

/**
 * Entry point for a function runtime: inventory from INVENTORY_PATH, hold list from
 * HOLD_PATH, token from IONOS_TOKEN, the platform agent's key from POWER_AGENT_KEY_PATH. A tick
 * that acts takes the lease first and gives it back at the end; while another autoscaler
 * holds it, the invocation fails with LeaseHeldError, which names the holder.
 */
export async function handler(event: TickEvent = {}): Promise<TickResult> {
  const inventory = loadInventory(process.env.INVENTORY_PATH ?? DEFAULT_INVENTORY_PATH);
  const hold = loadHoldList(process.env.HOLD_PATH ?? DEFAULT_HOLD_PATH);
  const session = openSession(inventory, { command: 'handler', acting: event.dryRun !== true && inventory.policy.autoscaler.enabled });
  try {
    await session.lease?.acquire();
    return await runTick(event, { inventory, hold, clients: session.clients, logger: createLogger(), lease: session.lease });
  } finally {
    await session.close();
  }
}
