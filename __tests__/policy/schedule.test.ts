import { scheduledMinimum } from '../../functions/autoscaler/policy';
import { minuteOfWeek } from '../../functions/autoscaler/policy/schedule';

const lessons = { days: ['mon' as const, 'tue' as const, 'wed' as const, 'thu' as const, 'fri' as const], from: '07:15', to: '13:30', minRunning: 12 };
const berlin = (rules = [lessons]) => ({ schedule: { timezone: 'Europe/Berlin', rules }, prewarmMinutes: 10 });

describe('scheduledMinimum', () => {
  it.each([
    ['2026-03-10T06:04:00Z', 0, 'Tuesday 07:04 CET, before the pre-warm'],
    ['2026-03-10T06:05:00Z', 12, 'Tuesday 07:05 CET, pre-warm for 07:15'],
    ['2026-03-10T12:29:00Z', 12, 'Tuesday 13:29 CET'],
    ['2026-03-10T12:30:00Z', 0, 'Tuesday 13:30 CET, the rule has ended'],
    ['2026-03-14T09:00:00Z', 0, 'Saturday 10:00 CET'],
    ['2026-06-09T05:05:00Z', 12, 'Tuesday 07:05 CEST (summer time)'],
    ['2026-06-09T05:04:00Z', 0, 'Tuesday 07:04 CEST'],
  ])('at %s is %d (%s)', (instant, expected) => {
    expect(scheduledMinimum(new Date(instant), berlin())).toBe(expected);
  });

  it('takes the highest of overlapping rules', () => {
    const exams = { days: ['tue' as const], from: '09:00', to: '11:00', minRunning: 18 };
    expect(scheduledMinimum(new Date('2026-03-10T09:00:00Z'), berlin([lessons, exams]))).toBe(18);
    expect(scheduledMinimum(new Date('2026-03-10T11:00:00Z'), berlin([lessons, exams]))).toBe(12);
  });

  it('pre-warms across midnight into the previous day', () => {
    const monday = { days: ['mon' as const], from: '00:05', to: '01:00', minRunning: 3 };
    // Sunday 2026-03-15 23:55 in Berlin is 22:55 UTC.
    expect(scheduledMinimum(new Date('2026-03-15T22:55:00Z'), berlin([monday]))).toBe(3);
    expect(scheduledMinimum(new Date('2026-03-15T22:54:00Z'), berlin([monday]))).toBe(0);
  });

  it('reads the clock of the configured time zone', () => {
    const newYork = { schedule: { timezone: 'America/New_York', rules: [lessons] }, prewarmMinutes: 0 };
    // 12:30 UTC is 08:30 in New York (EDT) but 13:30 in Berlin.
    expect(scheduledMinimum(new Date('2026-06-09T12:30:00Z'), newYork)).toBe(12);
    expect(scheduledMinimum(new Date('2026-06-09T11:00:00Z'), newYork)).toBe(0);
  });

  it('is 0 without rules', () => {
    expect(scheduledMinimum(new Date('2026-03-10T09:00:00Z'), berlin([]))).toBe(0);
  });
});

describe('minuteOfWeek', () => {
  it('counts from Monday 00:00 local time', () => {
    expect(minuteOfWeek(new Date('2026-03-09T00:00:00+01:00'), 'Europe/Berlin')).toBe(0);
    expect(minuteOfWeek(new Date('2026-03-15T23:59:00+01:00'), 'Europe/Berlin')).toBe(7 * 1440 - 1);
    expect(minuteOfWeek(new Date('2026-03-10T07:58:00+01:00'), 'Europe/Berlin')).toBe(1440 + 7 * 60 + 58);
  });
});
