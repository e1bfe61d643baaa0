/**
 * The autoscaler function, Lambda-style: `handler(event) -> TickResult`. Stateless:
 * every tick reads the truth (IONOS, Scalelite, BBB, Prometheus), reconciles the
 * Scalelite registration, asks the pure policy for a decision and carries it out.
 */
import type { Logger } from 'pino';
import { BbbClient } from './clients/bbb';
import { DEFAULT_HTTP_SETTINGS, type HttpSettings } from './clients/http';
import { IonosClient } from './clients/ionos';
import { PrometheusClient } from './clients/prometheus';
import { ScaleliteClient } from './clients/scalelite';
import { describeError, isServiceError } from './errors';
import { type ActionOutcome, executeActions } from './execute';
import { DEFAULT_HOLD_PATH, type HoldList, loadHoldList, holdWarnings } from './hold';
import { DEFAULT_INVENTORY_PATH, type Inventory, type InventoryServer, ionosTokenFromEnv, loadInventory } from './inventory';
import { createLogger } from './log';
import type { AutoscalerMetrics } from './metrics';
import { type Clients, type RawState, type SourceError, observe, readState } from './observe';
import { type Decision, type Observation, decide, settingsFromInventoryPolicy } from './policy';
import { type RegistrationStep, type StepOutcome, applyRegistration, planRegistration } from './register';

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
}

export function createClients(inventory: Inventory, ionosToken: string, http: HttpSettings = DEFAULT_HTTP_SETTINGS): Clients {
  const bbbClients = new Map<string, BbbClient>();
  return {
    prometheus: new PrometheusClient(inventory.prometheusUrl, http),
    ionos: new IonosClient(inventory.datacenterId, ionosToken, { baseUrl: inventory.ionosApiUrl, http }),
    scalelite: new ScaleliteClient(inventory.scalelite.apiUrl, inventory.scalelite.secret, { http }),
    bbb: (server: InventoryServer) => {
      let client = bbbClients.get(server.name);
      if (!client) {
        client = new BbbClient(server.bbbApiUrl, server.bbbSecret, { http });
        bbbClients.set(server.name, client);
      }
      return client;
    },
  };
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

function tickTime(event: TickEvent): Date {
  if (event.time === undefined) return new Date();
  const time = new Date(event.time);
  if (Number.isNaN(time.getTime())) throw new Error(`event.time: must be an ISO 8601 time, got ${JSON.stringify(event.time)}`);
  return time;
}

export async function runTick(event: TickEvent, context: TickContext): Promise<TickResult> {
  const started = process.hrtime.bigint();
  const { inventory, clients, logger, metrics } = context;
  const now = tickTime(event);
  const dryRun = event.dryRun === true;
  const enabled = inventory.policy.autoscaler.enabled;
  const settings = settingsFromInventoryPolicy(inventory.policy);
  const held = context.hold?.names ?? new Set<string>();
  const warnings = context.hold ? holdWarnings(context.hold, inventory.servers.map((server) => server.name)) : [];
  for (const warning of warnings) logger.warn({ event: 'hold' }, warning);

  try {
    let state: RawState = await readState(inventory, clients, now);
    const registration = await applyRegistration(planRegistration(inventory, state, settings, held), inventory, clients, {
      dryRun: dryRun || !enabled,
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
    const actions = await executeActions(decision, observation, state, inventory, clients, { dryRun: dryRun || !enabled, logger });

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
      metrics.tickDuration.observe(durationSeconds);
      metrics.lastSuccess.set(Date.now() / 1000);
    }
    return {
      time: now.toISOString(),
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
 * HOLD_PATH, token from IONOS_TOKEN.
 */
export async function handler(event: TickEvent = {}): Promise<TickResult> {
  const inventory = loadInventory(process.env.INVENTORY_PATH ?? DEFAULT_INVENTORY_PATH);
  const hold = loadHoldList(process.env.HOLD_PATH ?? DEFAULT_HOLD_PATH);
  const clients = createClients(inventory, ionosTokenFromEnv());
  return runTick(event, { inventory, hold, clients, logger: createLogger() });
}
