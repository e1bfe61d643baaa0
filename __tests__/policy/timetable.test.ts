/** The learned timetable: what recent weeks say about the next minutes, and what the policy does with it. */
import { decide, type LoadHistory } from '../../functions/autoscaler/policy';
import { learnedTimetable } from '../../functions/autoscaler/policy/forecast';
import { endOfLocalDay, historyWindowMinutes, sameTimeWeeksAgo } from '../../functions/autoscaler/policy/history';
import { cordoned, kinds, meetings, observation, server, settings, stopped } from './builders';

/** A week whose load is `from` now and `to` from minute `at` on, over `length` minutes; that day peaked at `peak`. */
function week(from: number, to: number, at: number, length = 20): number[] {
  return Array.from({ length: length + 1 }, (_, minute) => (minute >= at ? to : from));
}
const busy = 2000;

describe('the learned timetable', () => {
  it('is there only with history of a busy day, and not with historyWeeks 0', () => {
    const history: LoadHistory = { weeks: [week(0, 1000, 5)], dayPeaks: [busy] };
    expect(learnedTimetable(undefined, settings())).toBeUndefined();
    expect(learnedTimetable(history, settings({ historyWeeks: 0 }))).toBeUndefined();
    // A holiday (its peak within what the minimum carries) teaches nothing.
    expect(learnedTimetable({ weeks: [week(0, 100, 5)], dayPeaks: [300] }, settings())).toBeUndefined();
    // Nor a week without a sample now, or with an unknown day peak.
    expect(learnedTimetable({ weeks: [[Number.NaN, 1000]], dayPeaks: [busy] }, settings())).toBeUndefined();
    expect(learnedTimetable({ weeks: [week(0, 1000, 5)], dayPeaks: [undefined] }, settings())).toBeUndefined();
    expect(learnedTimetable(history, settings())?.weeks).toBe(1);
  });

  it('expects the highest rise of the weeks that count, within the minutes asked', () => {
    const history: LoadHistory = {
      weeks: [week(100, 900, 8), week(200, 700, 3), week(0, 5000, 2)],
      dayPeaks: [busy, busy, busy],
    };
    // The third week is beyond historyWeeks 2.
    const forecast = learnedTimetable(history, settings({ historyWeeks: 2 }));
    expect(forecast?.weeks).toBe(2);
    expect(forecast?.rise(2)).toBe(0);
    expect(forecast?.rise(5)).toBe(500);
    expect(forecast?.rise(10)).toBe(800);
    // A missing sample is skipped, not read as a fall or a rise.
    const gaps = learnedTimetable({ weeks: [[100, Number.NaN, 400]], dayPeaks: [busy] }, settings());
    expect(gaps?.rise(2)).toBe(300);
  });

  it('compares the same local time across a daylight saving change', () => {
    // Monday 2026-03-30 08:00 in Berlin (UTC+2) and a week before, 08:00 UTC+1.
    const now = new Date('2026-03-30T06:00:00Z');
    expect(sameTimeWeeksAgo(now, 1, 'Europe/Berlin').toISOString()).toBe('2026-03-23T07:00:00.000Z');
    expect(sameTimeWeeksAgo(now, 2, 'UTC').toISOString()).toBe('2026-03-16T06:00:00.000Z');
    expect(endOfLocalDay(now, 'Europe/Berlin').toISOString()).toBe('2026-03-30T22:00:00.000Z');
    expect(historyWindowMinutes(settings({ prewarmMinutes: 10, scaleInCooldownMinutes: 15 }))).toBe(15);
    expect(historyWindowMinutes(settings({ prewarmMinutes: 25, scaleInCooldownMinutes: 15 }))).toBe(25);
  });
});

describe('the policy with a learned timetable', () => {
  const quiet = [server('a'), server('b'), stopped('c'), stopped('d'), stopped('e'), stopped('f')];

  it('starts servers for the rise expected within prewarmMinutes, not before', () => {
    // The bell rang 8 minutes after now in recent weeks: 600 more, / 0.8 = 750 more capacity.
    const history: LoadHistory = { weeks: [week(0, 600, 8)], dayPeaks: [busy] };
    const ahead = decide(observation(quiet, { fleet: { history } }), settings({ prewarmMinutes: 10 }));
    expect(kinds(ahead.actions)).toEqual(['start c', 'start d']);
    expect(ahead.reasons[0]).toMatch(/learned from 1 week/);
    // Twelve minutes before the bell is too early.
    const early = decide(observation(quiet, { fleet: { history: { weeks: [week(0, 600, 12)], dayPeaks: [busy] } } }), settings({ prewarmMinutes: 10 }));
    expect(early.actions).toEqual([]);
  });

  it('replaces the schedule: its minimum applies only without history', () => {
    const rule = { days: ['tue' as const], from: '11:00', to: '13:00', minRunning: 4 };
    const withSchedule = settings({ schedule: { timezone: 'Europe/Berlin', rules: [rule] } });
    expect(kinds(decide(observation(quiet), withSchedule).actions)).toEqual(['start c', 'start d']);
    const history: LoadHistory = { weeks: [week(0, 0, 0)], dayPeaks: [busy] };
    const learned = decide(observation(quiet, { fleet: { history } }), withSchedule);
    expect(learned.actions).toEqual([]);
    expect(learned.effectiveMinimum).toBe(2);
  });

  it('takes no server out of service ahead of a learned rise', () => {
    const servers = [server('a', { meetings: meetings(1, 20) }), server('b', { meetings: meetings(1, 20) }), server('c'), stopped('d')];
    const steady = decide(observation(servers), settings());
    expect(kinds(steady.actions)).toEqual(['cordon c']);
    // The bell rings within the cooldown window: the third server stays.
    const history: LoadHistory = { weeks: [week(40, 340, 12)], dayPeaks: [busy] };
    expect(decide(observation(servers, { fleet: { history } }), settings()).actions).toEqual([]);
  });

  it('does not count the load pinned on cordoned servers as load the enabled servers need', () => {
    // c drains 300 that ends by the next bell; a and b carry 100 at 200 each.
    const servers = [server('a', { meetings: meetings(1, 50) }), server('b', { meetings: meetings(1, 50) }), cordoned('c', { meetings: meetings(6, 300) }), stopped('d')];
    const decision = decide(observation(servers), settings());
    expect(kinds(decision.actions)).toEqual([]);
    expect(decision.load).toBe(100);
  });
});
