/**
 * Which maintenance cycle runs now, which servers it is due for, and how each server it
 * holds stands. A cycle is a night's window (named after the local date it opens on) or
 * an operator's request to patch at once (`request-<ms>`). Its progress lives in the
 * servers' records in the coordination store, so the policy reads it every tick like
 * everything else and keeps nothing itself.
 */
import { powerOffPending } from '../classify';
import type { MaintenanceRecord, MaintenanceRequest, MaintenanceSettings, MaintenanceStatus, MaintenanceSummary, Observation, ServerObservation } from '../types';
import { daysBefore, latestWindow, type WindowInstance } from './window';

/** Failures in one cycle after which it begins no further server: a fault of them all (the mirror, a bad update) stops at two. */
export const HALT_AFTER_FAILURES = 2;
/** A server whose agent lacks the maintenance verbs is tried again after this many days (it may have been rebuilt). */
export const UNSUPPORTED_RETRY_DAYS = 7;

export interface Cycle {
  readonly id: string;
  readonly kind: 'window' | 'request';
  /** Servers may be begun now. */
  readonly open: boolean;
  /** The last moment a server may be begun (a request: none). */
  readonly lastBegin: number;
  readonly window?: WindowInstance;
  readonly request?: MaintenanceRequest;
}

const ACTIVE_PHASES: ReadonlySet<MaintenanceRecord['phase']> = new Set(['booting', 'draining', 'updating', 'rebooting', 'checking']);

export function isActive(record: MaintenanceRecord | undefined): boolean {
  return record !== undefined && ACTIVE_PHASES.has(record.phase);
}

/** The cycle started the server from stopped and is done with it (patched or skipped): it goes back to stopped. */
export function returnsToStopped(record: MaintenanceRecord): boolean {
  return record.wasStopped && (record.phase === 'done' || record.phase === 'skipped');
}

/**
 * A server started for the cycle and done with (patched or skipped), still up from that
 * boot: it is powered off again. A later start (the load wanted it) is a new boot and
 * leaves it to the rest of the policy.
 */
export function isReturning(server: ServerObservation): boolean {
  const record = server.maintenance;
  if (!record || !returnsToStopped(record)) return false;
  if (server.power !== 'running' || powerOffPending(server) || server.bootedAt === undefined) return false;
  return server.bootedAt.getTime() <= record.since.getTime();
}

/** The cycle has the server in hand this tick: the rest of the policy plans without it. */
export function inHand(server: ServerObservation): boolean {
  return isActive(server.maintenance) || isReturning(server);
}

/** Held after a failed update or check, or after it did not come back, until an operator releases it. */
export function heldByMaintenance(server: ServerObservation): boolean {
  return server.maintenance?.phase === 'failed';
}

export function requestCycleId(request: MaintenanceRequest): string {
  return `request-${request.at.getTime()}`;
}

function requested(request: MaintenanceRequest | undefined, name: string): request is MaintenanceRequest {
  return request !== undefined && (request.servers === 'all' || request.servers.includes(name));
}

function patchedSince(record: MaintenanceRecord | undefined, at: Date): boolean {
  return record?.patchedAt !== undefined && record.patchedAt.getTime() >= at.getTime();
}

/** A request made at once is done when each server it names is patched since, or settled in its cycle (or held). */
function requestSettled(observation: Observation, request: MaintenanceRequest): boolean {
  const id = requestCycleId(request);
  return observation.servers
    .filter((server) => observation.pool.includes(server.name) && requested(request, server.name) && !server.held && !heldByMaintenance(server))
    .every((server) => patchedSince(server.maintenance, request.at) || (server.maintenance?.cycle === id && !isActive(server.maintenance)));
}

/** The cycle at `observation.now`: a request made at once while it runs, else tonight's window (open or the last one). */
export function currentCycle(observation: Observation, settings: MaintenanceSettings): Cycle {
  const request = observation.maintenance?.known ? observation.maintenance.request : undefined;
  if (request?.now && !requestSettled(observation, request)) {
    return { id: requestCycleId(request), kind: 'request', open: settings.enabled, lastBegin: Infinity, request };
  }
  const window = latestWindow(observation.now, settings.window);
  const lastBegin = window.end.getTime() - settings.serverMinutes * 60_000;
  const open = settings.enabled && observation.now.getTime() <= lastBegin;
  return { id: window.cycle, kind: 'window', open, lastBegin, window, ...(request && !request.now && { request }) };
}

/** Whole days between the cycle a server was last patched in and `cycle` (a request's patch counts by its local date). */
function daysSincePatched(record: MaintenanceRecord, cycle: string, timezone: string): number {
  const patchedAt = record.patchedAt as Date;
  if (record.patchedCycle && /^\d{4}-\d{2}-\d{2}$/.test(record.patchedCycle)) {
    return Math.round((Date.parse(`${cycle}T00:00:00Z`) - Date.parse(`${record.patchedCycle}T00:00:00Z`)) / 86_400_000);
  }
  return daysBefore(cycle, patchedAt, timezone);
}

/** The cycle has work for the server: not taken in this cycle yet, not held, and due by the days since its last patch or a request. */
export function isDue(server: ServerObservation, cycle: Cycle, settings: MaintenanceSettings): boolean {
  const record = server.maintenance;
  if (record?.cycle === cycle.id || record?.phase === 'failed') return false;
  if (record?.unsupported && daysSinceRecord(record, cycle, settings) < UNSUPPORTED_RETRY_DAYS) return false;
  if (requested(cycle.request, server.name)) return !patchedSince(record, cycle.request.at);
  if (cycle.kind === 'request') return false;
  return record?.patchedAt === undefined || daysSincePatched(record, cycle.id, settings.window.timezone) >= settings.everyDays;
}

function daysSinceRecord(record: MaintenanceRecord, cycle: Cycle, settings: MaintenanceSettings): number {
  return cycle.kind === 'window' ? daysBefore(cycle.id, record.since, settings.window.timezone) : 0;
}

/** Failures recorded in the cycle. */
export function failures(observation: Observation, cycle: Cycle): number {
  return observation.servers.filter((server) => server.maintenance?.cycle === cycle.id && server.maintenance.phase === 'failed').length;
}

/** A server has been patched in the cycle: its update and check work, so more may be begun at once. */
export function firstPassed(observation: Observation, cycle: Cycle): boolean {
  return observation.servers.some((server) => server.maintenance?.patchedCycle === cycle.id);
}

function statusOf(server: ServerObservation, cycle: Cycle, settings: MaintenanceSettings): MaintenanceStatus {
  const record = server.maintenance;
  if (record?.cycle === cycle.id) {
    if (isActive(record)) return 'inProgress';
    return record.phase === 'done' ? 'patched' : record.phase === 'failed' ? 'failed' : 'skipped';
  }
  return isDue(server, cycle, settings) ? 'pending' : 'notDue';
}

export function summarize(observation: Observation, cycle: Cycle, settings: MaintenanceSettings): MaintenanceSummary {
  const servers: Record<MaintenanceStatus, number> = { patched: 0, failed: 0, skipped: 0, inProgress: 0, pending: 0, missed: 0, notDue: 0 };
  const pool = observation.servers.filter((server) => observation.pool.includes(server.name));
  // Due servers not begun by the window's end are missed; while it is open (a request has no end) they are pending.
  const stillOpen = cycle.kind === 'request' || (settings.enabled && cycle.window !== undefined && observation.now.getTime() < cycle.window.end.getTime());
  const byServer: Record<string, MaintenanceStatus> = {};
  for (const server of pool) {
    const found = statusOf(server, cycle, settings);
    const status = found === 'pending' && !stillOpen ? 'missed' : found;
    servers[status] += 1;
    byServer[server.name] = status;
  }
  return {
    ...(settings.enabled || pool.some((server) => server.maintenance) ? { cycle: cycle.id } : {}),
    open: cycle.open,
    active: cycle.open || pool.some(inHand),
    halted: failures(observation, cycle) >= HALT_AFTER_FAILURES,
    ...(cycle.window && { startsAt: cycle.window.start, endsAt: cycle.window.end }),
    servers,
    byServer,
  };
}
