/** The autoscaler's own metrics (job `autoscaler`, :9464), read by Grafana and alerts. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Service } from './errors';
import type { MaintenanceStatus, MaintenanceSummary, ServerObservation } from './policy';

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

  readonly maintenanceServer = new Gauge({
    name: 'bbb_autoscaler_maintenance_server_state',
    help: 'Each pool server in the maintenance cycle now or last (1 for its state: patched, failed, skipped, inProgress, pending, missed, notDue); a stopped server too',
    labelNames: ['server', 'state'] as const,
    registers: [this.registry],
  });
  readonly maintenanceHeld = new Gauge({
    name: 'bbb_autoscaler_maintenance_held',
    help: 'Whether the server is held after its maintenance failed (its update or check failed, or it did not come back)',
    labelNames: ['server'] as const,
    registers: [this.registry],
  });
  readonly maintenancePatched = new Gauge({
    name: 'bbb_autoscaler_maintenance_patched_timestamp_seconds',
    help: 'When the maintenance cycle last patched the server (once it has)',
    labelNames: ['server'] as const,
    registers: [this.registry],
  });
  readonly cycleServers = new Gauge({
    name: 'bbb_autoscaler_maintenance_cycle_servers',
    help: 'Pool servers by their state in the maintenance cycle now or last',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly cycleOpen = new Gauge({
    name: 'bbb_autoscaler_maintenance_cycle_open',
    help: 'Whether servers may be begun now (the window is open before its last start, or a request runs)',
    registers: [this.registry],
  });
  readonly cycleActive = new Gauge({
    name: 'bbb_autoscaler_maintenance_cycle_active',
    help: 'Whether the maintenance cycle is under way (open, or a server still in maintenance)',
    registers: [this.registry],
  });
  readonly cycleHalted = new Gauge({
    name: 'bbb_autoscaler_maintenance_cycle_halted',
    help: 'Whether the cycle stopped beginning servers after two failures',
    registers: [this.registry],
  });
  readonly cycleEnd = new Gauge({
    name: 'bbb_autoscaler_maintenance_cycle_end_timestamp_seconds',
    help: 'When the window of the maintenance cycle now or last closes (closed)',
    registers: [this.registry],
  });
  readonly hostKeyChanged = new Gauge({
    name: 'bbb_autoscaler_host_key_changed',
    help: 'Whether the last request to the server was refused because it offered another host key than the one pinned for its VM',
    labelNames: ['server'] as const,
    registers: [this.registry],
  });

  /** The maintenance cycle as this tick saw it: every pool server, stopped ones included. */
  recordMaintenance(summary: MaintenanceSummary, servers: readonly Pick<ServerObservation, 'name' | 'maintenance'>[]): void {
    this.maintenanceServer.reset();
    for (const [server, state] of Object.entries(summary.byServer)) this.maintenanceServer.set({ server, state }, 1);
    for (const state of Object.keys(summary.servers) as MaintenanceStatus[]) this.cycleServers.set({ state }, summary.servers[state]);
    this.cycleOpen.set(Number(summary.open));
    this.cycleActive.set(Number(summary.active));
    this.cycleHalted.set(Number(summary.halted));
    if (summary.endsAt) this.cycleEnd.set(summary.endsAt.getTime() / 1000);
    for (const server of servers) {
      if (!(server.name in summary.byServer)) continue;
      this.maintenanceHeld.set({ server: server.name }, Number(server.maintenance?.phase === 'failed'));
      if (server.maintenance?.patchedAt) this.maintenancePatched.set({ server: server.name }, server.maintenance.patchedAt.getTime() / 1000);
    }
  }

  constructor() {
    // Every source exists from the start so rate() and alerts see a zero, not an absent series.
    for (const source of ['prometheus', 'ionos', 'scalelite', 'bbb', 'redis', 'ssh', 'tick'] satisfies Array<Service | 'tick'>) {
      this.errors.inc({ source }, 0);
    }
  }
}
