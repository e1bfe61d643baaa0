/**
 * Where the learned timetable looks: the same local time on the same weekday in recent
 * weeks, and how far ahead. The handler reads it from Prometheus, the simulator from its
 * own load history; both go through these functions.
 */
import { minuteOfWeek } from './schedule';
import type { PolicySettings } from './types';

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Minutes ahead the policy asks the timetable about: the pre-warm window, or the cooldown window when longer. */
export function historyWindowMinutes(settings: Pick<PolicySettings, 'bootMinutes' | 'lookaheadMarginMinutes' | 'prewarmMinutes' | 'scaleInCooldownMinutes'>): number {
  return Math.max(settings.bootMinutes + settings.lookaheadMarginMinutes, settings.prewarmMinutes, settings.scaleInCooldownMinutes);
}

/**
 * The same local time `weeks` weeks before `now` in `timezone`: seven days of 24 hours
 * back, moved by the hour a daylight saving change in between shifted the clock, so the
 * bell at 08:00 is compared with the bell at 08:00.
 */
export function sameTimeWeeksAgo(now: Date, weeks: number, timezone: string): Date {
  const back = new Date(now.getTime() - weeks * MINUTES_PER_WEEK * 60_000);
  let shift = minuteOfWeek(now, timezone) - minuteOfWeek(back, timezone);
  if (shift > MINUTES_PER_WEEK / 2) shift -= MINUTES_PER_WEEK;
  if (shift < -MINUTES_PER_WEEK / 2) shift += MINUTES_PER_WEEK;
  return new Date(back.getTime() + shift * 60_000);
}

/** The next local midnight after `at` in `timezone`: the end of that school day. */
export function endOfLocalDay(at: Date, timezone: string): Date {
  const minuteOfDay = minuteOfWeek(at, timezone) % MINUTES_PER_DAY;
  return new Date(at.getTime() + (MINUTES_PER_DAY - minuteOfDay) * 60_000);
}
