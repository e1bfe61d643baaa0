/**
 * The nightly window as instants: when tonight's window opens and closes, in the window's
 * timezone. A window may cross midnight, and the night Europe's clocks change (the last
 * Sunday of March and of October, at 02:00 or 03:00 local time) falls inside the default
 * 01:00-05:00: the window then lasts an hour less or more, so it is found by its local
 * times, never by adding minutes to its start.
 */
import { minutesOfDay } from '../../../../config/formats';
import type { MaintenanceSettings } from '../types';
import { zoneParts } from '../zone-clock';

/** One night's window. */
export interface WindowInstance {
  /** The local date it opens on (YYYY-MM-DD): the cycle's name. */
  readonly cycle: string;
  readonly start: Date;
  readonly end: Date;
}

const DAY_MS = 24 * 60 * 60_000;

/** The wall clock in `timezone` at `instant`, as if it were UTC (milliseconds). */
function wallClock(instant: number, timezone: string): number {
  const parts = zoneParts(new Date(instant), timezone, 'dateTime');
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** The local date (midnight, as if UTC) of `instant` in `timezone`. */
function localDate(instant: number, timezone: string): number {
  const clock = wallClock(instant, timezone);
  return clock - (clock % DAY_MS);
}

/**
 * The instant the wall clock in `timezone` shows `minutes` past midnight of `date`. A time
 * the clocks skip that night (02:30 when they go from 02:00 to 03:00) is moved on by the
 * time skipped (03:30); one they show twice is the second.
 */
function instantAt(date: number, minutes: number, timezone: string): number {
  const wanted = date + minutes * 60_000;
  const first = wanted - (wallClock(wanted, timezone) - wanted);
  const second = wanted - (wallClock(first, timezone) - first);
  return wallClock(second, timezone) === wanted ? second : Math.max(first, second);
}

function dateName(date: number): string {
  return new Date(date).toISOString().slice(0, 10);
}

/** A night's window depends on its date alone: worked out once (the policy asks every tick). */
const instances = new Map<string, WindowInstance>();
const CACHED_INSTANCES = 256;

function instanceOn(date: number, window: MaintenanceSettings['window']): WindowInstance {
  const key = `${date} ${window.from} ${window.to} ${window.timezone}`;
  let instance = instances.get(key);
  if (!instance) {
    const from = minutesOfDay(window.from);
    const to = minutesOfDay(window.to);
    const endDate = to > from ? date : date + DAY_MS;
    instance = { cycle: dateName(date), start: new Date(instantAt(date, from, window.timezone)), end: new Date(instantAt(endDate, to, window.timezone)) };
    if (instances.size >= CACHED_INSTANCES) instances.clear();
    instances.set(key, instance);
  }
  return instance;
}

/** The latest window that opened at or before `now` (it may still be open). */
export function latestWindow(now: Date, window: MaintenanceSettings['window']): WindowInstance {
  const today = localDate(now.getTime(), window.timezone);
  const tonight = instanceOn(today, window);
  return tonight.start.getTime() <= now.getTime() ? tonight : instanceOn(today - DAY_MS, window);
}

/** The window open at `now`, if one is. */
export function openWindow(now: Date, window: MaintenanceSettings['window']): WindowInstance | undefined {
  const latest = latestWindow(now, window);
  return now.getTime() < latest.end.getTime() ? latest : undefined;
}

/** Whole days from the local date of `earlier` to the day a cycle is named after. */
export function daysBefore(cycle: string, earlier: Date, timezone: string): number {
  return Math.round((Date.parse(`${cycle}T00:00:00Z`) - localDate(earlier.getTime(), timezone)) / DAY_MS);
}
