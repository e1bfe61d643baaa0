/**
 * The real autoscaler policy in the simulated cluster: each tick builds the observation
 * the deployed handler would build (IONOS power state and pending requests through the
 * handler's own mapping, boot time, Scalelite state, getMeetings, the coordination
 * store's power-off and maintenance records, Prometheus figures and the learned timetable
 * from the load history) and applies the decision's actions, the maintenance steps
 * against a simulated platform agent (maintenance-agent.ts).
 */
import {
  decide,
  settingsFromEnvironment,
  type Action,
  type Decision,
  type LoadHistory,
  type MaintenanceRecord,
  type Observation,
  type PolicySettings,
  type ServerObservation,
  type SettingsOverrides,
} from '../../functions/autoscaler/policy';
import { endOfLocalDay, historyWindowMinutes, sameTimeWeeksAgo } from '../../functions/autoscaler/policy/history';
import { inHand } from '../../functions/autoscaler/policy/maintenance/cycle';
import { recordAfter } from '../../functions/autoscaler/policy/maintenance/steps';
import { bootedAt, isBusy, powerOf } from '../../functions/autoscaler/server-state';
import type { Cluster, SimServer } from '../cluster';
import { SimAgent } from '../maintenance-agent';
import type { CycleResult, PolicyContext, SimPolicy } from './types';

/** Prometheus' deriv() window the handler uses for the load trend. */
const TREND_WINDOW_MINUTES = 5;
/** The recent trend: the smallest two-minute slope of the last three minutes (QUERIES.recentTrendPerMinute). */
const RECENT_SLOPE_MINUTES = 2;
const RECENT_MINUTES = 3;

export interface AutoscalerPolicyOptions {
  /** Receives every decision, e.g. to print or test them. */
  readonly onDecision?: (minute: number, decision: Decision) => void;
  /** Policy settings that do not come from the environment file (defaults otherwise). */
  readonly overrides?: SettingsOverrides;
}

export function autoscalerPolicy(options: AutoscalerPolicyOptions = {}): SimPolicy {
  let settings: PolicySettings | undefined;
  let agent: SimAgent | undefined;
  /** The coordination store's maintenance records. */
  const records = new Map<string, MaintenanceRecord>();
  /** Each cycle's summary as the last tick that saw it left it. */
  const cycles = new Map<string, CycleResult>();
  return {
    name: 'autoscaler',
    setUp(cluster, context) {
      // The operator sets the policy's boot time to what the platform's servers take.
      settings = settingsFromEnvironment(context.config, { bootMinutes: cluster.options.bootDelayMinutes, ...options.overrides });
      agent = new SimAgent(cluster);
      for (const server of cluster.servers.slice(0, context.config.bbb.pool.minRunning)) cluster.bootInstantly(server);
    },
    tick(minute, cluster, context) {
      if (!settings || !agent) throw new Error('autoscaler policy ticked before setUp');
      // The simulation steps in minutes; a shorter interval still ticks once a minute.
      const every = Math.max(1, Math.round(settings.intervalSeconds / 60));
      if (minute % every !== 0) return;
      const observation = observe(minute, cluster, context, settings, records);
      markMaintenance(observation.servers, cluster);
      const decision = decide(observation, settings);
      options.onDecision?.(minute, decision);
      cluster.maintenanceActive = decision.maintenance.active;
      // A window that opened before the simulated days began is none of theirs.
      const { cycle, servers, startsAt } = decision.maintenance;
      if (cycle !== undefined && (startsAt === undefined || startsAt.getTime() >= context.dayStart.getTime())) cycles.set(cycle, { cycle, servers });
      for (const action of decision.actions) apply(action, cluster, minute, { agent, records, now: observation.now });
    },
    cycles: () => [...cycles.values()],
  };
}

/** Which servers the cycle has in hand, for the minutes it costs and the capacity it takes. */
function markMaintenance(servers: readonly ServerObservation[], cluster: Cluster): void {
  for (const observed of servers) {
    const server = cluster.server(observed.name);
    server.maintenance = !inHand(observed) ? 'none' : observed.maintenance?.wasStopped ? 'started' : 'taken';
  }
}

function trend(history: readonly number[], minute: number, load: number, window: number): number {
  return (load - (history[Math.max(0, minute - window)] ?? load)) / window;
}

function recentTrend(history: readonly number[], minute: number, load: number): number {
  const slopes = Array.from({ length: RECENT_MINUTES }, (_, back) => trend(history, minute - back, back === 0 ? load : (history[minute - back] ?? load), RECENT_SLOPE_MINUTES));
  return Math.min(...slopes);
}

export function observe(minute: number, cluster: Cluster, context: PolicyContext, settings: PolicySettings, records: ReadonlyMap<string, MaintenanceRecord> = new Map()): Observation {
  const history = context.loadHistory;
  const load = history[minute] ?? cluster.load();
  const windowStart = Math.max(0, minute - settings.scaleInCooldownMinutes);
  const peakLoad = Math.max(load, ...history.slice(windowStart, minute + 1));
  const now = new Date(context.dayStart.getTime() + minute * 60_000);
  return {
    now,
    pool: cluster.servers.map((server) => server.name),
    servers: cluster.servers.map((server) => observeServer(server, minute, cluster, context.dayStart, records.get(server.name))),
    maintenance: { known: true },
    fleet: {
      load,
      peakLoad,
      loadTrendPerMinute: trend(history, minute, load, TREND_WINDOW_MINUTES),
      recentTrendPerMinute: recentTrend(history, minute, load),
      metricsFresh: true,
      history: loadHistory(now, context, settings),
    },
  };
}

/** What Prometheus would answer for the learned timetable: the weeks the simulation has already run. */
function loadHistory(now: Date, context: PolicyContext, settings: PolicySettings): LoadHistory | undefined {
  if (settings.historyWeeks === 0) return undefined;
  const minuteOf = (at: Date) => Math.round((at.getTime() - context.dayStart.getTime()) / 60_000);
  const sample = (minute: number) => (minute >= 0 && minute < context.loadHistory.length ? context.loadHistory[minute] : NaN);
  const window = historyWindowMinutes(settings);
  const weeks: number[][] = [];
  const dayPeaks: (number | undefined)[] = [];
  for (let back = 1; back <= settings.historyWeeks; back += 1) {
    const then = sameTimeWeeksAgo(now, back, settings.schedule.timezone);
    const from = minuteOf(then);
    weeks.push(Array.from({ length: window + 1 }, (_, offset) => sample(from + offset)));
    const dayEnd = minuteOf(endOfLocalDay(then, settings.schedule.timezone));
    const day = context.loadHistory.slice(Math.max(0, dayEnd - 24 * 60), Math.max(0, dayEnd));
    dayPeaks.push(dayEnd - 24 * 60 >= 0 && day.length > 0 ? Math.max(...day) : undefined);
  }
  return { weeks, dayPeaks };
}

function observeServer(server: SimServer, minute: number, cluster: Cluster, dayStart: Date, record: MaintenanceRecord | undefined): ServerObservation {
  const answering = server.answering(minute);
  const unreachable = { known: false as const, error: server.power === 'stopped' ? 'server is stopped' : 'connection refused' };
  const capacity = cluster.capacityOf(server);
  const at = (eventMinute: number) => (Number.isFinite(eventMinute) ? new Date(dayStart.getTime() + eventMinute * 60_000) : undefined);
  // IONOS reports the time of the last request; node_exporter the boot time of a VM that runs.
  const vm = { ...server.ionosState(minute), lastModified: at(server.lastChangedAt) };
  const nodeBootTime = powerOf(vm) === 'running' ? at(server.bootedAt) : undefined;
  // The coordination store keeps the power-off record until IONOS has been asked to stop the server.
  const powerOffRequested = server.power === 'shuttingDown' || server.power === 'off';
  return {
    name: server.name,
    power: powerOf(vm),
    cores: server.cores,
    ramGb: server.ramGb,
    baseCores: server.baseCores,
    baseRamGb: server.baseRamGb,
    busy: isBusy(vm),
    bootedAt: bootedAt(vm, nodeBootTime && nodeBootTime.getTime() / 1000),
    scalelite: { known: true, state: server.scalelite, online: answering, loadMultiplier: server.loadMultiplier },
    meetings: answering
      ? { known: true, meetings: server.meetings.length, participants: server.participants(), webcams: server.webcams() }
      : unreachable,
    recordings: answering ? { known: true, busy: 0 } : unreachable,
    cpuUtilisation: answering ? Math.min(1, server.load() / capacity) : undefined,
    ...(powerOffRequested && { powerOffRequestedAt: at(server.powerOffRequestedAt) }),
    ...(record && { maintenance: record }),
  };
}

interface ApplyContext {
  readonly agent: SimAgent;
  readonly records: Map<string, MaintenanceRecord>;
  /** The tick's time, what records are written with. */
  readonly now: Date;
}

function apply(action: Action, cluster: Cluster, minute: number, context: ApplyContext): void {
  const server = cluster.server(action.server);
  switch (action.kind) {
    case 'maintain':
      maintain(action, server, cluster, minute, context);
      return;
    case 'start':
      if (action.cores !== server.cores || action.ramGb !== server.ramGb) cluster.resize(server, action.cores, action.ramGb, minute);
      cluster.start(server, minute);
      return;
    case 'powerOff':
      // The executor cordons a standby server before it powers off.
      if (server.scalelite === 'disabled') server.scalelite = 'cordoned';
      cluster.powerOff(server, minute);
      return;
    case 'stop':
      cluster.stop(server, minute);
      return;
    case 'enable':
      server.scalelite = 'enabled';
      return;
    case 'cordon':
      server.scalelite = 'cordoned';
      return;
    case 'disable':
      server.scalelite = 'disabled';
      return;
    case 'resize':
      cluster.resize(server, action.cores, action.ramGb, minute);
      return;
    case 'setLoadMultiplier':
      server.loadMultiplier = action.loadMultiplier;
      return;
  }
}

/** What the executor does for a maintenance step (functions/autoscaler/execute.ts), against the simulated agent. */
function maintain(action: Extract<Action, { kind: 'maintain' }>, server: SimServer, cluster: Cluster, minute: number, { agent, records, now }: ApplyContext): void {
  if ('record' in action) {
    records.set(server.name, action.record);
    if (action.step !== 'begin') return;
    if (server.power === 'stopped' || server.power === 'off') {
      if (server.cores !== server.baseCores || server.ramGb !== server.baseRamGb) cluster.resize(server, server.baseCores, server.baseRamGb, minute);
      server.maintenance = 'started';
      cluster.start(server, minute);
    } else if (server.scalelite === 'enabled') {
      server.scalelite = 'cordoned';
    }
    return;
  }
  const record = records.get(server.name);
  if (!record) return;
  const job = action.step === 'reboot' ? undefined : (action.job ?? String(now.getTime()));
  records.set(server.name, recordAfter(record, action.step, job, agent.answer(server, action.step, job, minute), now));
}
