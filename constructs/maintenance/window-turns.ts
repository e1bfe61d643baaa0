/**
 * When each VM takes its turn in the nightly maintenance window, as systemd
 * calendar events in the window's timezone (systemd.time(7) takes an IANA zone
 * after the time).
 */
import type { MaintenanceWindow } from '../../config';
import { minutesOfDay } from '../../config/formats';

const MINUTES_PER_DAY = 24 * 60;

export interface Turn {
  readonly onCalendar: string;
  readonly minutes: number;
}

/** The whole window, for a VM on its own or for nodes that take turns by a lock. */
export function wholeWindow(window: MaintenanceWindow): Turn {
  return { onCalendar: calendarAt(minutesOfDay(window.from), window.timezone), minutes: window.minutes };
}

/**
 * Slot `index` (1-based) of `count` equal slots: servers that cannot agree on a
 * lock (TURN servers share nothing) take turns by time, one after another.
 */
export function windowSlot(window: MaintenanceWindow, index: number, count: number): Turn {
  if (!Number.isInteger(index) || index < 1 || index > count) throw new Error(`windowSlot: index must be 1..${count}, got ${index}`);
  const minutes = Math.floor(window.minutes / count);
  const start = (minutesOfDay(window.from) + (index - 1) * minutes) % MINUTES_PER_DAY;
  return { onCalendar: calendarAt(start, window.timezone), minutes };
}

function calendarAt(minuteOfDay: number, timezone: string): string {
  const hours = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const minutes = String(minuteOfDay % 60).padStart(2, '0');
  return `*-*-* ${hours}:${minutes}:00 ${timezone}`;
}
