/**
 * The autoscaler policy's contract: what one tick observes, the settings it runs with,
 * and the decision it returns. Everything here is plain data so the policy stays a pure
 * function that the handler and the simulator call the same way.
 */
import type { BbbMaintenance, ScheduleRule } from '../../../config';

/**
 * IONOS power state of a server: its vmState (RUNNING, SHUTOFF/SHUTDOWN, anything else
 * unknown). A request IONOS is still carrying out does not change it; it shows in `busy`.
 */
export type PowerState = 'running' | 'stopped' | 'unknown';

/** Scalelite's state of a server (updateServer state enable | cordon | disable). */
export type ScaleliteState = 'enabled' | 'cordoned' | 'disabled';

/** A value the handler could not read; `error` says why (shown in decision reasons). */
export interface Unknown {
  readonly known: false;
  readonly error: string;
}

export type ScaleliteView =
  | {
      readonly known: true;
      readonly state: ScaleliteState;
      /** Scalelite's poller reaches the server's BBB API. */
      readonly online: boolean;
      readonly loadMultiplier: number;
    }
  | Unknown;

/** The server's BBB getMeetings answer, summed over its meetings. */
export type MeetingsView =
  | {
      readonly known: true;
      readonly meetings: number;
      readonly participants: number;
      /** Webcam streams (video participants). */
      readonly webcams: number;
    }
  | Unknown;

/** Recordings on the server that are not finished yet. */
export type RecordingsView =
  | {
      readonly known: true;
      /** Recorded but not yet published (or failed): they would be lost with the server. */
      readonly busy: number;
    }
  | Unknown;

export interface ServerObservation {
  /** IONOS server name, e.g. example-bbb-03. */
  readonly name: string;
  readonly power: PowerState;
  readonly cores: number;
  readonly ramGb: number;
  /** The size Terraform gives the server; it returns to it once stopped. */
  readonly baseCores: number;
  readonly baseRamGb: number;
  /**
   * IONOS is still carrying out a request on the server (metadata.state BUSY): a start, a
   * stop, a restart to take cores away, or a hot-plug (`cores`/`ramGb` already show the
   * requested size, the VM may not have it yet). IONOS does not say which, so a busy
   * server that is not taking meetings is in transition: it may be powering off.
   */
  readonly busy?: boolean;
  /**
   * When the server last began to boot (node_exporter's node_boot_time_seconds, else
   * IONOS's last change to the server; see server-state.ts); undefined when unknown.
   * Tells a server still booting from one whose BBB never came up.
   */
  readonly bootedAt?: Date;
  readonly scalelite: ScaleliteView;
  readonly meetings: MeetingsView;
  readonly recordings: RecordingsView;
  /** CPU utilisation 0..1 (instance:cpu_utilisation:rate1m), when Prometheus has it. */
  readonly cpuUtilisation?: number;
  /**
   * An operator holds the server (the hold file): the policy plans without it and only
   * cordons it if Scalelite still has it enabled.
   */
  readonly held?: boolean;
  /**
   * When the autoscaler told the guest to power off, by the coordination store's record
   * (kept until IONOS has been asked to stop the server). IONOS reports a guest that
   * powered itself off as SHUTOFF, like a stopped server, while it still holds and bills
   * its cores and RAM: only this record tells the two apart.
   */
  readonly powerOffRequestedAt?: Date;
  /** The server's progress in the maintenance cycle, by the coordination store's record; undefined without one (or while unknown). */
  readonly maintenance?: MaintenanceRecord;
}

/**
 * Where a server stands in the maintenance cycle (policy/maintenance/):
 * - booting: a stopped server was started for the cycle; its agent is asked to update once it runs
 * - draining: a running server was taken out of rotation for the cycle; it waits for its meetings to end
 * - updating: platform-update runs on it, as a job of the platform agent
 * - rebooting: an update asked for a reboot; the check waits for the next boot
 * - checking: bbb-platform-check runs, and is repeated while BigBlueButton settles
 * - done: patched in this cycle (a server that was stopped is powered off again)
 * - skipped: not patched in this cycle (busy, not ready, not drained in time, or its agent
 *   predates the maintenance verbs); due again in the next one
 * - failed: the update or the check failed, or it did not come back: held for a person
 */
export type MaintenancePhase = 'booting' | 'draining' | 'updating' | 'rebooting' | 'checking' | 'done' | 'skipped' | 'failed';

/** One server's maintenance, as the coordination store keeps it (written only by the lease's holder). */
export interface MaintenanceRecord {
  /** The cycle the record belongs to: the local date its window opened (2026-11-24), or `request-<ms>` for one asked for by hand. */
  readonly cycle: string;
  readonly phase: MaintenancePhase;
  /** When the phase began (the store's clock). */
  readonly since: Date;
  /**
   * The server was stopped when the cycle took it, and is powered off again once done;
   * cleared when the load starts it again (the executor's start).
   */
  readonly wasStopped: boolean;
  /** The agent's job for the phase (update, check) once it runs; a retry gets a new one. */
  readonly job?: string;
  /** Nothing is asked of the server before this time (it was busy or not ready). */
  readonly retryAt?: Date;
  /** Why the last step did not go on: the server was busy or not ready (retried), or the check's finding. */
  readonly waiting?: string;
  /** The boot (its boot id) the reboot was scheduled from; the check must run in another. */
  readonly bootId?: string;
  /** Why the server failed or was skipped. */
  readonly message?: string;
  /** Its agent does not know the maintenance verbs (set up before they existed). */
  readonly unsupported?: boolean;
  /** What the update did: security updates installed, BigBlueButton's version after it, and whether it rebooted. */
  readonly securityUpdates?: number;
  readonly bbbVersion?: string;
  readonly rebooted?: boolean;
  /** The last time a cycle patched the server, and which; kept from record to record. */
  readonly patchedAt?: Date;
  readonly patchedCycle?: string;
}

/** Maintenance asked for by an operator (`autoscaler.js maintain`). */
export interface MaintenanceRequest {
  /** Servers named, or every pool server. */
  readonly servers: readonly string[] | 'all';
  /** At once, outside the window; otherwise in the next window even if the servers are not due. */
  readonly now: boolean;
  /** When it was asked for (the store's clock): a server patched since then is done with. */
  readonly at: Date;
}

/** What the coordination store says about maintenance beyond each server's record. */
export type MaintenanceView = { readonly known: true; readonly request?: MaintenanceRequest } | Unknown;

/** The answer of a BBB server's platform agent to a maintenance verb (the command's result line). */
export interface AgentAnswer {
  readonly verb: string;
  /** ok, failed, usage, busy, not-ready; `started`/`running` while a job runs. */
  readonly result: string;
  readonly job?: string;
  /** The boot the answer came from (/proc/sys/kernel/random/boot_id). */
  readonly bootId?: string;
  readonly message?: string;
  readonly security?: number;
  readonly bbbVersion?: string;
  readonly rebootRequired?: boolean;
  readonly rebooting?: boolean;
}

/**
 * The learned timetable: the fleet load on the same weekday in recent weeks, at the same
 * local time (Prometheus query_range over bbb:load:total).
 */
export interface LoadHistory {
  /**
   * One series per week back (index 0 is last week): the load of each minute from the
   * same local time as now, index 0 being now; NaN where Prometheus had no sample.
   */
  readonly weeks: readonly (readonly number[])[];
  /** Per week back, that whole day's highest load, when known: a quiet day (a holiday) teaches nothing. */
  readonly dayPeaks: readonly (number | undefined)[];
}

/** Fleet-wide figures from Prometheus (bbb:load:total). */
export interface FleetObservation {
  /** Weighted load now; undefined when Prometheus did not answer. */
  readonly load?: number;
  /**
   * Highest weighted load over the last scaleInCooldownMinutes
   * (max_over_time(bbb:load:total[<cooldown>m])); undefined when unknown.
   */
  readonly peakLoad?: number;
  /**
   * How fast the weighted load grows, per minute, over the last few minutes
   * (deriv(bbb:load:total[5m]) * 60); undefined when unknown. Lets scale-out look
   * one boot ahead.
   */
  readonly loadTrendPerMinute?: number;
  /**
   * The same over the last two minutes (deriv(bbb:load:total[2m]) * 60). A rise projects
   * only while both are positive: a load that stepped up and stays is no rise to plan for.
   */
  readonly recentTrendPerMinute?: number;
  /** Prometheus answered and its samples are recent enough to shrink the fleet on. */
  readonly metricsFresh: boolean;
  /** The same weekday in recent weeks; undefined when Prometheus could not say. */
  readonly history?: LoadHistory;
}

export interface Observation {
  /** Tick time; the policy never reads the clock itself. */
  readonly now: Date;
  /** Names of the servers the autoscaler owns (the inventory); anything else is left alone. */
  readonly pool: readonly string[];
  readonly servers: readonly ServerObservation[];
  readonly fleet: FleetObservation;
  /** The maintenance request and whether the records could be read; absent: none and known (tests, simulator). */
  readonly maintenance?: MaintenanceView;
}

export interface AutoscalerSection {
  readonly enabled: boolean;
  readonly intervalSeconds: number;
  readonly capacityPerServer: number;
  readonly targetUtilization: number;
  readonly scaleInCooldownMinutes: number;
  readonly keepStartedMinutes: number;
  readonly historyWeeks: number;
  readonly shutdownTimeoutMinutes: number;
  readonly leaseSeconds: number;
  readonly schedule: { readonly timezone: string; readonly rules: readonly ScheduleRule[] };
  readonly vertical: { readonly enabled: boolean; readonly maxCores: number; readonly maxRamGb: number };
}

/** The nightly maintenance cycle over the pool (config/maintenance.ts, the pinned release). */
export interface MaintenanceSettings extends BbbMaintenance {
  /** maintenanceWindow(config): from, to (HH:MM) and timezone. */
  readonly window: { readonly from: string; readonly to: string; readonly timezone: string };
  /** The Debian version of `bigbluebutton` the pinned release installs, when the pin names it: passed as --bbb-version. */
  readonly bbbVersion?: string;
}

/** The inventory's `policy` block (written at synth from the environment config). */
export interface InventoryPolicy {
  readonly poolSize: number;
  readonly minRunning: number;
  readonly baseCores: number;
  readonly baseRamGb: number;
  readonly autoscaler: AutoscalerSection;
  /** Absent in an inventory written before the cycle existed: no cycle runs. */
  readonly maintenance?: MaintenanceSettings;
}

export interface PolicySettings {
  /** Hard maximum of servers powered on (bbb.pool.size). */
  readonly poolSize: number;
  /** Servers kept enabled at any time (bbb.pool.minRunning). */
  readonly minRunning: number;
  /** bbb.cores / bbb.ramGb: the size capacityPerServer refers to. */
  readonly baseCores: number;
  readonly baseRamGb: number;
  /** Weighted participants one base-size server carries. */
  readonly capacityPerServer: number;
  readonly targetUtilization: number;
  readonly scaleInCooldownMinutes: number;
  /**
   * A server stays up at least this long after it booted: one started for a rise that did
   * not come is not stopped at once, so a load that goes up and down does not start and
   * stop servers in turn.
   */
  readonly keepStartedMinutes: number;
  /** Weeks of the learned timetable (the same weekday in recent weeks); 0 plans without it. */
  readonly historyWeeks: number;
  /** A guest told to power off that is still on after this long is stopped by IONOS (a forced power-off). */
  readonly shutdownTimeoutMinutes: number;
  readonly intervalSeconds: number;
  readonly schedule: { readonly timezone: string; readonly rules: readonly ScheduleRule[] };
  /** Servers are started larger than their base size when the pool cannot carry the load at base size. */
  readonly vertical: { readonly enabled: boolean; readonly maxCores: number; readonly maxRamGb: number };
  /**
   * A schedule rule takes effect this many minutes before its `from`, and servers start
   * for the rise the learned timetable expects within as many minutes, so they are
   * ready and enabled when the bell rings.
   */
  readonly prewarmMinutes: number;
  /** Expected minutes from a start request until the server's BBB API answers. */
  readonly bootMinutes: number;
  /**
   * A server whose BBB API does not answer this many minutes after bootMinutes is not
   * booting any more but unhealthy: it no longer counts as capacity to come.
   */
  readonly bootMarginMinutes: number;
  /**
   * Minutes a rising load's trend is projected beyond a boot (0 by default: the learned
   * timetable looks further ahead, and a trend carried further starts servers for
   * rises that do not last).
   */
  readonly lookaheadMarginMinutes: number;
  /** Weight of one webcam stream in weighted participants. */
  readonly webcamWeight: number;
  /** The maintenance cycle; `enabled: false` runs none (records already begun are finished). */
  readonly maintenance: MaintenanceSettings;
}

interface ActionBase {
  readonly server: string;
  /** One line for logs and the decision record. */
  readonly reason: string;
}

export type Action =
  /** Powers a stopped server on at this size (IONOS resizes it first when it differs, and queues the start). */
  | (ActionBase & { readonly kind: 'start'; readonly cores: number; readonly ramGb: number })
  /** The guest powers itself off (the shutdown channel); IONOS still bills it until the stop. */
  | (ActionBase & { readonly kind: 'powerOff' })
  /** IONOS' stop: releases cores and RAM; on a guest still on, a forced power-off. */
  | (ActionBase & { readonly kind: 'stop' })
  | (ActionBase & { readonly kind: 'enable' })
  | (ActionBase & { readonly kind: 'cordon' })
  | (ActionBase & { readonly kind: 'disable' })
  | (ActionBase & { readonly kind: 'resize'; readonly cores: number; readonly ramGb: number })
  | (ActionBase & { readonly kind: 'setLoadMultiplier'; readonly loadMultiplier: number })
  /**
   * A maintenance step (policy/maintenance/). `begin`, `hold` and `skip` write `record`
   * (a begin then starts a stopped server or cordons a running one); `update`, `reboot`
   * and `check` ask the server's platform agent and record what it answers (`job`: the
   * agent's job to start or ask about).
   */
  | (ActionBase & { readonly kind: 'maintain'; readonly step: 'begin' | 'hold' | 'skip'; readonly record: MaintenanceRecord })
  | (ActionBase & { readonly kind: 'maintain'; readonly step: MaintenanceStep; readonly job?: string });

/** What a maintenance step asks of a server's platform agent. */
export type MaintenanceStep = 'update' | 'reboot' | 'check';

export type ActionKind = Action['kind'];

export interface Decision {
  /** In the order the handler should apply them. */
  readonly actions: readonly Action[];
  /** Weighted load the decision planned for. */
  readonly load: number;
  /** Weighted capacity the fleet should have enabled (load / targetUtilization, at least the minimum). */
  readonly desiredCapacity: number;
  /** Enabled servers (taking or about to take meetings) after this decision. */
  readonly desiredServers: number;
  /** Pool servers IONOS reported running (vmState RUNNING) before this decision. */
  readonly runningServers: number;
  /** Weighted capacity of the servers enabled or about to be, before this decision. */
  readonly capacity: number;
  /** max(bbb.pool.minRunning, active schedule rule), capped at the pool size. */
  readonly effectiveMinimum: number;
  readonly reasons: readonly string[];
  /** The maintenance cycle now, or the last one. */
  readonly maintenance: MaintenanceSummary;
}

/** A pool server's state in a cycle. */
export type MaintenanceStatus = 'patched' | 'failed' | 'skipped' | 'inProgress' | 'pending' | 'missed' | 'notDue';

export interface MaintenanceSummary {
  /** The cycle now or last: its window's local date, or `request-<ms>`; undefined before the first window. */
  readonly cycle?: string;
  /** Servers may be begun now (in the window before its last start, or a request runs). */
  readonly open: boolean;
  /** Work is under way or may begin: the window is open, a request runs, or a server is still in maintenance. */
  readonly active: boolean;
  /** Two servers failed in this cycle: no more are begun. */
  readonly halted: boolean;
  /** When the cycle's window opens and closes (a request has none). */
  readonly startsAt?: Date;
  readonly endsAt?: Date;
  /** Pool servers by their state in the cycle (pending: due, not begun yet; missed: due, never begun before the window closed). */
  readonly servers: Readonly<Record<MaintenanceStatus, number>>;
  /** Each pool server's state in the cycle. */
  readonly byServer: Readonly<Record<string, MaintenanceStatus>>;
}
