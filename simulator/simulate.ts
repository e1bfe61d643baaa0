/**
 * Runs policies over one trace day and measures them. Each minute: time passes (boots,
 * resizes, meetings ending, Scalelite's poller), the minute's new meetings are placed,
 * the minute is measured, and the policy acts (its actions count from the next minute).
 */
import type { EnvironmentConfig } from '../config';
import { serverName } from '../conventions/naming';
import { DEFAULT_WEBCAM_WEIGHT } from '../functions/autoscaler/policy';
import { Cluster, type MinuteStats } from './cluster';
import { autoscalerPolicy } from './policies/autoscaler';
import { hpiThresholdPolicy, reactiveCpuPolicy, staticPolicy } from './policies/baselines';
import type { SimPolicy } from './policies/types';
import { MINUTES_PER_DAY, type Trace } from './trace';

export const DEFAULT_BOOT_DELAY_MINUTES = 4;
export const DEFAULT_RESIZE_DELAY_MINUTES = 2;

export interface SimulationOptions {
  readonly bootDelayMinutes?: number;
  readonly resizeDelayMinutes?: number;
  /** Called after every simulated minute (e.g. for a progress line). */
  readonly onMinute?: (minute: number) => void;
}

export interface PolicyResult {
  readonly policy: string;
  /** Powered-on server-minutes, a resized server counting cores / bbb.cores (what IONOS bills). */
  readonly serverMinutes: number;
  /** Server-minutes in which a server carried more weighted load than its capacity. */
  readonly overloadedServerMinutes: number;
  readonly meetingsKilled: number;
  readonly peakRunning: number;
}

export interface PolicyRun {
  readonly result: PolicyResult;
  /** Meetings Scalelite could not place (no enabled server online). */
  readonly meetingsRejected: number;
  readonly minutes: readonly MinuteStats[];
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

export function simulatePolicy(trace: Trace, config: EnvironmentConfig, policy: SimPolicy, options: SimulationOptions = {}): PolicyRun {
  const cluster = new Cluster(poolNames(config), {
    bootDelayMinutes: options.bootDelayMinutes ?? DEFAULT_BOOT_DELAY_MINUTES,
    resizeDelayMinutes: options.resizeDelayMinutes ?? DEFAULT_RESIZE_DELAY_MINUTES,
    capacityPerServer: config.autoscaler.capacityPerServer,
    baseCores: config.bbb.cores,
    baseRamGb: config.bbb.ramGb,
    webcamWeight: DEFAULT_WEBCAM_WEIGHT,
  });
  const loadHistory: number[] = [];
  const context = { config, dayStart: trace.dayStart, loadHistory };
  policy.setUp(cluster, context);

  const minutes: MinuteStats[] = [];
  let next = 0;
  for (let minute = 0; minute < MINUTES_PER_DAY; minute += 1) {
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
  }

  return {
    result: {
      policy: policy.name,
      serverMinutes: round(minutes.reduce((total, stats) => total + stats.serverUnits, 0)),
      overloadedServerMinutes: minutes.reduce((total, stats) => total + stats.overloadedServers, 0),
      meetingsKilled: cluster.meetingsKilled,
      peakRunning: Math.max(...minutes.map((stats) => stats.poweredOn)),
    },
    meetingsRejected: cluster.meetingsRejected,
    minutes,
  };
}

/** Lower bound: every minute exactly the base servers its load needs, never fewer than minRunning. */
export function oracleServerMinutes(trace: Trace, config: EnvironmentConfig): number {
  const load = loadPerMinute(trace, DEFAULT_WEBCAM_WEIGHT);
  return load.reduce(
    (total, minuteLoad) => total + Math.max(config.bbb.pool.minRunning, Math.ceil(minuteLoad / config.autoscaler.capacityPerServer)),
    0,
  );
}

/** The trace's weighted load of every minute of the day, independent of any placement. */
export function loadPerMinute(trace: Trace, webcamWeight: number): number[] {
  const load = new Array<number>(MINUTES_PER_DAY).fill(0);
  for (const meeting of trace.meetings) {
    const end = Math.min(MINUTES_PER_DAY, meeting.startMinute + meeting.durationMin);
    for (let minute = meeting.startMinute; minute < end; minute += 1) load[minute] += meeting.participants + webcamWeight * meeting.webcams;
  }
  return load;
}

export interface Simulation {
  readonly oracleServerMinutes: number;
  readonly runs: readonly PolicyRun[];
}

export function simulate(trace: Trace, config: EnvironmentConfig, options: SimulationOptions = {}): Simulation {
  return {
    oracleServerMinutes: oracleServerMinutes(trace, config),
    runs: POLICY_NAMES.map((name) => simulatePolicy(trace, config, createPolicy(name), options)),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
