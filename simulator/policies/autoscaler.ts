/**
 * The real autoscaler policy in the simulated cluster: each tick builds the observation
 * the deployed handler would build (IONOS power state and pending requests through the
 * handler's own mapping, boot time, Scalelite state, getMeetings, Prometheus figures
 * from the load history) and applies the decision's actions.
 */
import {
  decide,
  settingsFromEnvironment,
  type Action,
  type Decision,
  type Observation,
  type PolicySettings,
  type ServerObservation,
  type SettingsOverrides,
} from '../../functions/autoscaler/policy';
import { bootedAt, isBusy, powerOf } from '../../functions/autoscaler/server-state';
import type { Cluster, SimServer } from '../cluster';
import type { PolicyContext, SimPolicy } from './types';

/** Prometheus' deriv() window the handler uses for the load trend. */
const TREND_WINDOW_MINUTES = 5;

export interface AutoscalerPolicyOptions {
  /** Receives every decision, e.g. to print or test them. */
  readonly onDecision?: (minute: number, decision: Decision) => void;
  /** Policy settings that do not come from the environment file (defaults otherwise). */
  readonly overrides?: SettingsOverrides;
}

export function autoscalerPolicy(options: AutoscalerPolicyOptions = {}): SimPolicy {
  let settings: PolicySettings | undefined;
  return {
    name: 'autoscaler',
    setUp(cluster, context) {
      // The operator sets the policy's boot time to what the platform's servers take.
      settings = settingsFromEnvironment(context.config, { bootMinutes: cluster.options.bootDelayMinutes, ...options.overrides });
      for (const server of cluster.servers.slice(0, context.config.bbb.pool.minRunning)) cluster.bootInstantly(server);
    },
    tick(minute, cluster, context) {
      if (!settings) throw new Error('autoscaler policy ticked before setUp');
      // The simulation steps in minutes; a shorter interval still ticks once a minute.
      const every = Math.max(1, Math.round(settings.intervalSeconds / 60));
      if (minute % every !== 0) return;
      const decision = decide(observe(minute, cluster, context, settings), settings);
      options.onDecision?.(minute, decision);
      for (const action of decision.actions) apply(action, cluster, minute);
    },
  };
}

export function observe(minute: number, cluster: Cluster, context: PolicyContext, settings: PolicySettings): Observation {
  const history = context.loadHistory;
  const load = history[minute] ?? cluster.load();
  const windowStart = Math.max(0, minute - settings.scaleInCooldownMinutes);
  const peakLoad = Math.max(load, ...history.slice(windowStart, minute + 1));
  const earlier = history[Math.max(0, minute - TREND_WINDOW_MINUTES)] ?? load;
  return {
    now: new Date(context.dayStart.getTime() + minute * 60_000),
    pool: cluster.servers.map((server) => server.name),
    servers: cluster.servers.map((server) => observeServer(server, minute, cluster, context.dayStart)),
    fleet: { load, peakLoad, loadTrendPerMinute: (load - earlier) / TREND_WINDOW_MINUTES, metricsFresh: true },
  };
}

function observeServer(server: SimServer, minute: number, cluster: Cluster, dayStart: Date): ServerObservation {
  const answering = server.answering(minute);
  const unreachable = { known: false as const, error: server.power === 'stopped' ? 'server is stopped' : 'connection refused' };
  const capacity = cluster.capacityOf(server);
  const at = (eventMinute: number) => (Number.isFinite(eventMinute) ? new Date(dayStart.getTime() + eventMinute * 60_000) : undefined);
  // IONOS reports the time of the last request; node_exporter the boot time of a VM that runs.
  const vm = { ...server.ionosState(minute), lastModified: at(server.lastChangedAt) };
  const nodeBootTime = powerOf(vm) === 'running' ? at(server.bootedAt) : undefined;
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
  };
}

function apply(action: Action, cluster: Cluster, minute: number): void {
  const server = cluster.server(action.server);
  switch (action.kind) {
    case 'start':
      cluster.start(server, minute);
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
