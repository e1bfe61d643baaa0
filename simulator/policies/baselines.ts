/**
 * Baselines the autoscaler is measured against. They use the same cluster but know
 * nothing of Scalelite's states: a started server takes meetings as soon as it answers,
 * a stopped one is gone.
 */
import type { Cluster, SimServer } from '../cluster';
import type { PolicyContext, SimPolicy } from './types';

/** Servers up at 00:00: the first minRunning of the pool. */
function bootMinimum(cluster: Cluster, context: PolicyContext): void {
  for (const server of cluster.servers.slice(0, context.config.bbb.pool.minRunning)) cluster.bootInstantly(server);
}

/** A server started by a baseline is registered enabled; Scalelite uses it once it answers. */
function startNext(cluster: Cluster, minute: number): boolean {
  const server = cluster.servers.find((candidate) => candidate.power === 'stopped');
  if (!server) return false;
  server.scalelite = 'enabled';
  return cluster.start(server, minute);
}

function poweredOn(cluster: Cluster): SimServer[] {
  return cluster.servers.filter((server) => server.power === 'running' || server.power === 'starting');
}

/** Average CPU over the servers that answer, CPU being load / capacity (capped at 1). */
function averageCpu(cluster: Cluster, minute: number): number | undefined {
  const answering = cluster.servers.filter((server) => server.answering(minute));
  if (answering.length === 0) return undefined;
  return answering.reduce((total, server) => total + Math.min(1, server.load() / cluster.capacityOf(server)), 0) / answering.length;
}

/** The whole pool on all day: what a platform without an autoscaler costs. */
export const staticPolicy: SimPolicy = {
  name: 'static',
  setUp(cluster) {
    for (const server of cluster.servers) cluster.bootInstantly(server);
  },
  tick() {},
};

/**
 * CPU thresholds checked every 5 minutes, as a simple cron-driven scaler would: start
 * one above 70 %, stop an empty one below 35 %.
 */
export const hpiThresholdPolicy: SimPolicy = {
  name: 'hpi-threshold',
  setUp: bootMinimum,
  tick(minute, cluster, context) {
    if (minute % 5 !== 0) return;
    const cpu = averageCpu(cluster, minute);
    if (cpu === undefined) return;
    if (cpu >= 0.7) {
      startNext(cluster, minute);
    } else if (cpu < 0.35 && poweredOn(cluster).length > context.config.bbb.pool.minRunning) {
      const empty = poweredOn(cluster)
        .filter((server) => server.answering(minute) && server.participants() === 0)
        .sort((a, b) => b.startedAt - a.startedAt || b.index - a.index)[0];
      if (empty) cluster.stop(empty, minute);
    }
  },
};

const REACTIVE_COOLDOWN_MINUTES = 5;

/** A generic reactive autoscaler: CPU 70 % / 30 %, one server per step, 5 minute cooldown, scale-in stops the oldest server. */
export function reactiveCpuPolicy(): SimPolicy {
  let lastAction = -Infinity;
  return {
    name: 'reactive-cpu',
    setUp(cluster, context) {
      lastAction = -Infinity;
      bootMinimum(cluster, context);
    },
    tick(minute, cluster, context) {
      if (minute - lastAction < REACTIVE_COOLDOWN_MINUTES) return;
      const cpu = averageCpu(cluster, minute);
      if (cpu === undefined) return;
      if (cpu >= 0.7) {
        if (startNext(cluster, minute)) lastAction = minute;
      } else if (cpu <= 0.3 && poweredOn(cluster).length > context.config.bbb.pool.minRunning) {
        const oldest = poweredOn(cluster).sort((a, b) => a.startedAt - b.startedAt || a.index - b.index)[0];
        if (cluster.stop(oldest, minute)) lastAction = minute;
      }
    },
  };
}
