/**
 * The nightly maintenance window (`maintenance.window`): when the platform installs
 * updates and reboots servers. Optional; by default 01:00-05:00 every night in the
 * timezone of the autoscaler's schedule, outside any school day. The window may
 * cross midnight (from 23:00 to 03:00).
 */
import type { EnvironmentConfig } from './schema';
import { minutesOfDay, timeProblem, WEEKDAYS } from './formats';
import type { Problem } from './issues';

export const DEFAULT_MAINTENANCE_WINDOW = { from: '01:00', to: '05:00' } as const;

/** Patching a server and rebooting it takes minutes; a shorter window would leave servers half done. */
export const MIN_WINDOW_MINUTES = 60;

const MINUTES_PER_DAY = 24 * 60;

export interface MaintenanceWindow {
  /** Local start time, HH:MM. */
  readonly from: string;
  /** Local end time, HH:MM; earlier than `from` when the window crosses midnight. */
  readonly to: string;
  /** IANA zone of `from` and `to`. */
  readonly timezone: string;
  /** Length of the window. */
  readonly minutes: number;
}

export function maintenanceWindow(config: Pick<EnvironmentConfig, 'maintenance' | 'autoscaler'>): MaintenanceWindow {
  const window = config.maintenance?.window;
  const from = window?.from ?? DEFAULT_MAINTENANCE_WINDOW.from;
  const to = window?.to ?? DEFAULT_MAINTENANCE_WINDOW.to;
  return { from, to, timezone: window?.timezone ?? config.autoscaler.schedule.timezone, minutes: windowMinutes(from, to) };
}

/**
 * The autoscaler's cycle over the BBB pool in the window (docs/maintenance.md): every
 * server due is started (or drained), patched, rebooted when required, checked and
 * stopped (or given back).
 */
export interface BbbMaintenance {
  /** The autoscaler runs the cycle (only while autoscaler.enabled). */
  readonly enabled: boolean;
  /** A server is due once this many days have passed since the cycle last patched it. */
  readonly everyDays: number;
  /** Stopped servers in maintenance at once, once the first server of a cycle has passed. */
  readonly maxParallel: number;
  /**
   * What one server takes, start to stop (boot, update, reboot, check, power-off): no
   * server is begun later than this before the window ends.
   */
  readonly serverMinutes: number;
}

export const DEFAULT_BBB_MAINTENANCE: BbbMaintenance = { enabled: true, everyDays: 1, maxParallel: 4, serverMinutes: 30 };

export function bbbMaintenance(config: Pick<EnvironmentConfig, 'maintenance'>): BbbMaintenance {
  return { ...DEFAULT_BBB_MAINTENANCE, ...definedOnly(config.maintenance?.bbb ?? {}) };
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function windowMinutes(from: string, to: string): number {
  return (minutesOfDay(to) - minutesOfDay(from) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const validTime = (value: unknown): value is string => typeof value === 'string' && !timeProblem(value);

/**
 * The window must be long enough and, when it uses the schedule's timezone, must
 * not overlap a schedule rule: those are the school hours.
 */
export function maintenanceProblems(document: unknown): Problem[] {
  const root = isRecord(document) ? document : {};
  const windowValue = isRecord(root.maintenance) ? root.maintenance.window : undefined;
  if (windowValue !== undefined && !isRecord(windowValue)) return [];
  const window = windowValue ?? {};
  const from = window.from ?? DEFAULT_MAINTENANCE_WINDOW.from;
  const to = window.to ?? DEFAULT_MAINTENANCE_WINDOW.to;
  if (!validTime(from) || !validTime(to)) return [];
  const path = ['maintenance', 'window'];
  const minutes = windowMinutes(from, to);
  if (minutes < MIN_WINDOW_MINUTES) {
    return [{ path: [...path, 'to'], message: `the window must last at least ${MIN_WINDOW_MINUTES} minutes, got ${minutes} (${from}-${to})` }];
  }
  const bbb = isRecord(root.maintenance) && isRecord(root.maintenance.bbb) ? root.maintenance.bbb : {};
  const serverMinutes = bbb.serverMinutes;
  if (Number.isInteger(serverMinutes) && (serverMinutes as number) >= minutes) {
    return [
      {
        path: ['maintenance', 'bbb', 'serverMinutes'],
        message: `must be shorter than the window (${minutes} minutes, ${from}-${to}), got ${String(serverMinutes)}: no server could be begun in it`,
      },
    ];
  }
  const autoscaler = isRecord(root.autoscaler) ? root.autoscaler : {};
  const schedule = isRecord(autoscaler.schedule) ? autoscaler.schedule : {};
  if (window.timezone !== undefined && window.timezone !== schedule.timezone) return [];
  const rules = Array.isArray(schedule.rules) ? schedule.rules : [];
  return rules.flatMap((rule: unknown, index): Problem[] => {
    const overlap = isRecord(rule) ? overlappedDay(rule, from, minutes) : undefined;
    return overlap !== undefined && isRecord(rule)
      ? [
          {
            path,
            message: `${from}-${to} overlaps the school hours of autoscaler.schedule.rules[${index}] (${overlap} ${String(rule.from)}-${String(rule.to)}); choose a window outside them`,
          },
        ]
      : [];
  });
}

/** The first day on which a schedule rule and the daily window overlap, by minute of the week. */
function overlappedDay(rule: Raw, from: string, minutes: number): string | undefined {
  if (!validTime(rule.from) || !validTime(rule.to) || !Array.isArray(rule.days)) return undefined;
  const week = WEEKDAYS.length * MINUTES_PER_DAY;
  const ruleStart = minutesOfDay(rule.from);
  const ruleEnd = minutesOfDay(rule.to);
  const windowStart = minutesOfDay(from);
  return rule.days.find((day) => {
    const dayIndex = WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number]);
    if (dayIndex < 0) return false;
    const start = dayIndex * MINUTES_PER_DAY + ruleStart;
    const end = dayIndex * MINUTES_PER_DAY + ruleEnd;
    // The window opens every day; one that opened the day before may still run.
    return WEEKDAYS.some((_, windowDay) => {
      const open = windowDay * MINUTES_PER_DAY + windowStart;
      return [open, open + week, open - week].some((shifted) => shifted < end && start < shifted + minutes);
    });
  }) as string | undefined;
}
