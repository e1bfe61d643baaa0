/**
 * Reading the wall clock of a timezone (the schedule's, the maintenance window's) with
 * Intl: a formatter per zone and reading, made once, since the policy reads the clock
 * every tick.
 */
const READINGS = {
  /** Weekday, hour and minute: the week's timetable. */
  weekTime: { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  /** Date and time to the second: local times as instants. */
  dateTime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The parts of `instant` on the wall clock of `timezone`. */
export function zoneParts(instant: Date, timezone: string, reading: keyof typeof READINGS): Intl.DateTimeFormatPart[] {
  const key = `${reading} ${timezone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: timezone, ...READINGS[reading] });
    formatters.set(key, formatter);
  }
  return formatter.formatToParts(instant);
}
