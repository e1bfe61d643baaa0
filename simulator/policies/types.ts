import type { EnvironmentConfig } from '../../config';
import type { MaintenanceStatus } from '../../functions/autoscaler/policy';
import type { Cluster } from '../cluster';

export interface PolicyContext {
  readonly config: EnvironmentConfig;
  /** 00:00 of the simulated day. */
  readonly dayStart: Date;
  /** Fleet weighted load of every minute simulated so far (index = minute). */
  readonly loadHistory: readonly number[];
}

/** One maintenance cycle as it ended: the pool's servers by their state in it. */
export interface CycleResult {
  readonly cycle: string;
  readonly servers: Readonly<Record<MaintenanceStatus, number>>;
}

/** A way of running the pool, driven once a minute after the minute's meetings are placed. */
export interface SimPolicy {
  readonly name: string;
  /** Powers on the servers that run at 00:00. */
  setUp(cluster: Cluster, context: PolicyContext): void;
  tick(minute: number, cluster: Cluster, context: PolicyContext): void;
  /** The maintenance cycles it ran, once the simulation is over (a policy that patches). */
  cycles?(): readonly CycleResult[];
}
