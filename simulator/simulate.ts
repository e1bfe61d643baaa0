/**
 * Runs policies over a trace of one or more days and measures them. Each minute: time
 * passes (boots, shutdowns, meetings ending, Scalelite's poller), the minute's new
 * meetings are placed, the minute is measured, and the policy acts (its actions count
 * from the next minute).
 */
import type { EnvironmentConfig } from '../config';
import { serverName } from '../conventions/naming';
import { DEFAULT_WEBCAM_WEIGHT } from '../functions/autoscaler/policy';
import { Cluster, type MinuteStats } from './cluster';
import { packedServersPerMinute } from './packer';
import { autoscalerPolicy } from './policies/autoscaler';
import { hpiThresholdPolicy, reactiveCpuPolicy, staticPolicy } from './policies/baselines';
import type { CycleResult, SimPolicy } from './policies/types';
import { euroPerMinute, type Prices } from './prices';
import { MINUTES_PER_DAY, type Trace } from './trace';

export const DEFAULT_BOOT_DELAY_MINUTES = 4;
export const DEFAULT_RESIZE_DELAY_MINUTES = 2;
/** An Ubuntu guest with BBB's services powers off within a minute or so. */
export const DEFAULT_SHUTDOWN_MINUTES = 1;
/**
 * A server's maintenance once it runs: security updates (a few minutes), a reboot and
 * BigBlueButton's check afterwards. A night with a new BigBlueButton release takes longer:
 * --maintenance-minutes.
 */
export const DEFAULT_MAINTENANCE_MINUTES = 10;

export interface SimulationOptions {
  readonly prices: Prices;
  readonly bootDelayMinutes?: number;
  readonly resizeDelayMinutes?: number;
  readonly shutdownMinutes?: number;
  /** A server's update, reboot and check, in minutes. */
  readonly maintenanceMinutes?: number;
  /** Called after every simulated minute (e.g. for a progress line). */
  readonly onMinute?: (minute: number) => void;
}

/** What a policy did over a stretch of time (the whole trace, or one of its days). */
export interface Tally {
  /** Server-minutes IONOS billed, a resized server counting cores / bbb.cores. */
  readonly serverMinutes: number;
  /** What those cost at the configured prices. */
  readonly costEuros: number;
  /** Server-minutes in which a server carried more weighted load than its capacity. */
  readonly overloadedServerMinutes: number;
  readonly meetingsKilled: number;
  /** Meetings Scalelite could not place (no enabled server online). */
  readonly meetingsRejected: number;
  /** Servers powered on, and servers taken down, for the load (the maintenance cycle's apart). */
  readonly starts: number;
  readonly stops: number;
  /** The most servers IONOS held at once. */
  readonly peakRunning: number;
  /** Of serverMinutes, those of servers in the maintenance cycle's hands (started for it, or taken out of rotation). */
  readonly maintenanceServerMinutes: number;
  /**
   * Overloaded server-minutes while a running server was out of rotation for its
   * maintenance: an overload the cycle may have caused (stopped servers started for it
   * take nothing the load had). The cycle's goal is none.
   */
  readonly maintenanceOverloadedServerMinutes: number;
  /** Starts and stops of servers in the maintenance cycle's hands (a stopped server started for it, and stopped again). */
  readonly maintenanceStartsStops: number;
}

export interface PolicyRun {
  readonly policy: string;
  readonly total: Tally;
  /** One tally per calendar day of the trace. */
  readonly days: readonly Tally[];
  readonly minutes: readonly MinuteStats[];
  /** The maintenance cycles the policy ran (the autoscaler's). */
  readonly cycles?: readonly CycleResult[];
}

export const POLICY_NAMES = ['autoscaler', 'static', 'hpi-threshold', 'reactive-cpu'] as const;

export function createPolicy(name: (typeof POLICY_NAMES)[number]): SimPolicy {
  switch (name) {
    case 'autoscaler':
      return autoscalerPolicy();
    case 'static':
      return staticPolicy;
    case 'hpi-threshold':
      return hpiThresholdPolicy;
    case 'reactive-cpu':
      return reactiveCpuPolicy();
  }
}

export function poolNames(config: EnvironmentConfig): string[] {
  return Array.from({ length: config.bbb.pool.size }, (_, index) => serverName(config.name, 'bbb', index + 1));
}

export function simulationMinutes(trace: Trace): number {
  return trace.days * MINUTES_PER_DAY;
}

/** The counters a Cluster keeps, read at a moment, to tell one day's share. */
interface Counters {
  readonly killed: number;
  readonly rejected: number;
  readonly starts: number;
  readonly stops: number;
  readonly maintenance: number;
}

function counters(cluster: Cluster): Counters {
  return { killed: cluster.meetingsKilled, rejected: cluster.meetingsRejected, starts: cluster.starts, stops: cluster.stops, maintenance: cluster.maintenanceStartsStops };
}

export function simulatePolicy(trace: Trace, config: EnvironmentConfig, policy: SimPolicy, options: SimulationOptions): PolicyRun {
  const cluster = new Cluster(poolNames(config), {
    bootDelayMinutes: options.bootDelayMinutes ?? DEFAULT_BOOT_DELAY_MINUTES,
    resizeDelayMinutes: options.resizeDelayMinutes ?? DEFAULT_RESIZE_DELAY_MINUTES,
    shutdownMinutes: options.shutdownMinutes ?? DEFAULT_SHUTDOWN_MINUTES,
    maintenanceMinutes: options.maintenanceMinutes ?? DEFAULT_MAINTENANCE_MINUTES,
    capacityPerServer: config.autoscaler.capacityPerServer,
    baseCores: config.bbb.cores,
    baseRamGb: config.bbb.ramGb,
    webcamWeight: DEFAULT_WEBCAM_WEIGHT,
  });
  const loadHistory: number[] = [];
  const context = { config, dayStart: trace.dayStart, loadHistory };
  policy.setUp(cluster, context);

  const minutes: MinuteStats[] = [];
  const dayCounters: Counters[] = [counters(cluster)];
  let next = 0;
  for (let minute = 0; minute < simulationMinutes(trace); minute += 1) {
    cluster.advance(minute);
    while (next < trace.meetings.length && trace.meetings[next].startMinute === minute) {
      cluster.place(trace.meetings[next], minute);
      next += 1;
    }
    const stats = cluster.stats(minute);
    minutes.push(stats);
    loadHistory.push(stats.load);
    policy.tick(minute, cluster, context);
    options.onMinute?.(minute);
    if ((minute + 1) % MINUTES_PER_DAY === 0) dayCounters.push(counters(cluster));
  }
  const run = summarize(policy.name, minutes, dayCounters, options.prices);
  return policy.cycles ? { ...run, cycles: policy.cycles() } : run;
}

function summarize(policy: string, minutes: readonly MinuteStats[], dayCounters: readonly Counters[], prices: Prices): PolicyRun {
  const tally = (from: number, to: number, before: Counters, after: Counters): Tally => {
    const span = minutes.slice(from, to);
    return {
      serverMinutes: round(span.reduce((total, stats) => total + stats.serverUnits, 0)),
      costEuros: round(span.reduce((total, stats) => total + euroPerMinute(stats.cores, stats.ramGb, prices), 0)),
      overloadedServerMinutes: span.reduce((total, stats) => total + stats.overloadedServers, 0),
      meetingsKilled: after.killed - before.killed,
      meetingsRejected: after.rejected - before.rejected,
      starts: after.starts - before.starts,
      stops: after.stops - before.stops,
      peakRunning: span.reduce((peak, stats) => Math.max(peak, stats.poweredOn), 0),
      maintenanceServerMinutes: round(span.reduce((total, stats) => total + stats.maintenanceUnits, 0)),
      maintenanceOverloadedServerMinutes: span.reduce((total, stats) => total + (stats.capacityTaken ? stats.overloadedServers : 0), 0),
      maintenanceStartsStops: after.maintenance - before.maintenance,
    };
  };
  const days = dayCounters.slice(1).map((after, day) => tally(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY, dayCounters[day], after));
  return { policy, total: tally(0, minutes.length, dayCounters[0], dayCounters[dayCounters.length - 1]), days, minutes };
}

/**
 * The packer (simulator/packer.ts) as a run: its servers of base size, counted like a
 * policy's; it never overloads, kills or rejects a meeting.
 */
export function packerRun(trace: Trace, config: EnvironmentConfig, prices: Prices): PolicyRun {
  const { capacityPerServer, targetUtilization } = config.autoscaler;
  const running = packedServersPerMinute({
    trace,
    minutes: simulationMinutes(trace),
    capacity: capacityPerServer * targetUtilization,
    minRunning: config.bbb.pool.minRunning,
    webcamWeight: DEFAULT_WEBCAM_WEIGHT,
  });
  const load = loadPerMinute(trace, DEFAULT_WEBCAM_WEIGHT);
  const minutes = running.map<MinuteStats>((servers, minute) => ({
    minute,
    load: load[minute],
    capacity: servers * capacityPerServer,
    poweredOn: servers,
    serverUnits: servers,
    cores: servers * config.bbb.cores,
    ramGb: servers * config.bbb.ramGb,
    overloadedServers: 0,
    maintenanceUnits: 0,
    capacityTaken: false,
  }));
  let starts = 0;
  let stops = 0;
  const dayCounters: Counters[] = [{ killed: 0, rejected: 0, starts: 0, stops: 0, maintenance: 0 }];
  running.forEach((servers, minute) => {
    const before = minute === 0 ? config.bbb.pool.minRunning : running[minute - 1];
    starts += Math.max(0, servers - before);
    stops += Math.max(0, before - servers);
    if ((minute + 1) % MINUTES_PER_DAY === 0) dayCounters.push({ killed: 0, rejected: 0, starts, stops, maintenance: 0 });
  });
  return summarize('packer', minutes, dayCounters, prices);
}

/** Lower bound: every minute exactly the base servers its load needs, never fewer than minRunning. */
export function oracleServersPerMinute(trace: Trace, config: EnvironmentConfig): number[] {
  return loadPerMinute(trace, DEFAULT_WEBCAM_WEIGHT).map((load) =>
    Math.max(config.bbb.pool.minRunning, Math.ceil(load / config.autoscaler.capacityPerServer)),
  );
}

/** The trace's weighted load of every minute, independent of any placement; a meeting running at the end is cut off there. */
export function loadPerMinute(trace: Trace, webcamWeight: number): number[] {
  const minutes = simulationMinutes(trace);
  const load = new Array<number>(minutes).fill(0);
  for (const meeting of trace.meetings) {
    const end = Math.min(minutes, meeting.startMinute + meeting.durationMin);
    for (let minute = meeting.startMinute; minute < end; minute += 1) load[minute] += meeting.participants + webcamWeight * meeting.webcams;
  }
  return load;
}

export interface Oracle {
  readonly serverMinutes: number;
  readonly costEuros: number;
  readonly days: readonly { readonly serverMinutes: number; readonly costEuros: number }[];
}

export function oracle(trace: Trace, config: EnvironmentConfig, prices: Prices): Oracle {
  const perMinute = oracleServersPerMinute(trace, config);
  const serverEuro = euroPerMinute(config.bbb.cores, config.bbb.ramGb, prices);
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  const days = Array.from({ length: trace.days }, (_, day) => {
    const serverMinutes = sum(perMinute.slice(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY));
    return { serverMinutes, costEuros: round(serverMinutes * serverEuro) };
  });
  const serverMinutes = sum(perMinute);
  return { serverMinutes, costEuros: round(serverMinutes * serverEuro), days };
}

export interface Simulation {
  readonly days: number;
  readonly oracle: Oracle;
  /** The autoscaler, the packer, then the baselines. */
  readonly runs: readonly PolicyRun[];
}

export function simulate(trace: Trace, config: EnvironmentConfig, options: SimulationOptions): Simulation {
  const [autoscaler, ...baselines] = POLICY_NAMES.map((name) => simulatePolicy(trace, config, createPolicy(name), options));
  return {
    days: trace.days,
    oracle: oracle(trace, config, options.prices),
    runs: [autoscaler, packerRun(trace, config, options.prices), ...baselines],
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
