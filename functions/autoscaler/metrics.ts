/** The autoscaler's own metrics (job `autoscaler`, :9464), read by Grafana and alerts. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Service } from './errors';

export class AutoscalerMetrics {
  readonly registry = new Registry();
  readonly desiredServers = new Gauge({
    name: 'bbb_autoscaler_desired_servers',
    help: 'Enabled BBB servers the last decision asked for',
    registers: [this.registry],
  });
  readonly runningServers = new Gauge({
    name: 'bbb_autoscaler_running_servers',
    help: 'Pool servers IONOS reported running when the last tick observed them',
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'bbb_autoscaler_decisions_total',
    help: 'Actions decided, by kind',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'bbb_autoscaler_errors_total',
    help: 'Failed reads and actions, by outside system (or tick for a crashed tick)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly tickDuration = new Histogram({
    name: 'bbb_autoscaler_tick_duration_seconds',
    help: 'Duration of one tick: read, decide, act',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: 'bbb_autoscaler_last_success_timestamp_seconds',
    help: 'Unix time the last tick completed',
    registers: [this.registry],
  });
  readonly capacity = new Gauge({
    name: 'bbb_autoscaler_capacity_weighted',
    help: 'Weighted capacity of the servers enabled or about to be',
    registers: [this.registry],
  });
  readonly load = new Gauge({
    name: 'bbb_autoscaler_load_weighted',
    help: 'Weighted load the last decision planned for',
    registers: [this.registry],
  });

  constructor() {
    // Every source exists from the start so rate() and alerts see a zero, not an absent series.
    for (const source of ['prometheus', 'ionos', 'scalelite', 'bbb', 'redis', 'ssh', 'tick'] satisfies Array<Service | 'tick'>) {
      this.errors.inc({ source }, 0);
    }
  }
}
