/** The committed benchmark traces are what their generator makes, and the benchmark's goals are checked day by day. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedTraces } from '../../bench/generate-traces';
import { oscillatingDay, schoolTerm } from '../../bench/trace-generator';
import { parseTrace } from '../../simulator/trace';

describe('benchmark traces', () => {
  it.each([...generatedTraces().keys()])('bench/%s is its generator output (npm run bench:traces)', (path) => {
    expect(readFileSync(join(__dirname, '../../bench', path), 'utf8')).toBe(generatedTraces().get(path));
  });

  it('are weeks of school days with quiet weekends and evening meetings past midnight', () => {
    const text = generatedTraces().get('traces/term.csv') as string;
    const trace = parseTrace(text);
    expect(trace.days).toBe(21);
    const perDay = Array.from({ length: 21 }, (_, day) => trace.meetings.filter((m) => Math.floor(m.startMinute / 1440) === day).length);
    expect(perDay[5]).toBeLessThan(5);
    expect(perDay[0]).toBeGreaterThan(200);
    expect(trace.meetings.some((m) => (m.startMinute % 1440) + m.durationMin > 1440)).toBe(true);
  });

  it('depend on the seed and nothing else', () => {
    const shape = { bells: ['08:00', '09:00'], fridayBells: 1, classesPerBell: 5, doubleLessonShare: 0.5, participantsMean: 20, webcamsMean: 2, weeklyGrowth: 0 };
    const options = { monday: '2026-11-02', weeks: 1, utcOffset: '+01:00', shape };
    expect(schoolTerm({ ...options, seed: 3 })).toBe(schoolTerm({ ...options, seed: 3 }));
    expect(schoolTerm({ ...options, seed: 3 })).not.toBe(schoolTerm({ ...options, seed: 4 }));
    const day = oscillatingDay({ day: '2026-11-04', utcOffset: '+01:00', seed: 1, stepMinutes: 10, baseMeetings: 2, burstMeetings: 3, from: '08:00', to: '09:00' });
    // Three bursts of three meetings at 08:00, 08:20 and 08:40, under two all-day meetings.
    expect(parseTrace(day).meetings).toHaveLength(2 + 3 * 3);
  });
});
