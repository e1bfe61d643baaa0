/**
 * School-timetable minimums. A rule raises the minimum on its days between `from` and
 * `to` (local time of the schedule's timezone), starting `prewarmMinutes` early so the
 * servers are booted and enabled when the lesson starts.
 */
import { WEEKDAYS } from '../../../config';
import type { PolicySettings } from './types';
import { zoneParts } from './zone-clock';

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Minutes since Monday 00:00 local time in `timezone`. */
export function minuteOfWeek(now: Date, timezone: string): number {
  const parts = zoneParts(now, timezone, 'weekTime');
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS.indexOf(part('weekday').toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]);
  return day * MINUTES_PER_DAY + Number(part('hour')) * 60 + Number(part('minute'));
}

function minutesOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** The highest minimum of the rules active at `now` (0 when none is). */
export function scheduledMinimum(now: Date, settings: Pick<PolicySettings, 'schedule' | 'prewarmMinutes'>): number {
  const { rules, timezone } = settings.schedule;
  if (rules.length === 0) return 0;
  const current = minuteOfWeek(now, timezone);
  let minimum = 0;
  for (const rule of rules) {
    for (const day of rule.days) {
      const start = WEEKDAYS.indexOf(day) * MINUTES_PER_DAY + minutesOfDay(rule.from) - settings.prewarmMinutes;
      const length = minutesOfDay(rule.to) - minutesOfDay(rule.from) + settings.prewarmMinutes;
      // Modulo the week so a pre-warm before Monday 00:10 reaches back into Sunday.
      const sinceStart = (((current - start) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
      if (sinceStart < length) minimum = Math.max(minimum, rule.minRunning);
    }
  }
  return minimum;
}
