/**
 * `npm run bench:traces`: writes the generated benchmark traces. Those the policy was
 * tuned on go to bench/traces/ (beside the two school days of ../shared/traces); the
 * held-out ones, of another seed and shape, to bench/held-out/, and were only measured.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oscillatingDay, schoolTerm, type SchoolShape } from './trace-generator';

const TUNING_SHAPE: SchoolShape = {
  bells: ['08:00', '08:50', '09:55', '10:45', '11:45', '12:35'],
  fridayBells: 5,
  classesPerBell: 60,
  doubleLessonShare: 0.35,
  participantsMean: 21,
  webcamsMean: 2.1,
  weeklyGrowth: 0,
};

const HELD_OUT_SHAPE: SchoolShape = {
  bells: ['07:45', '08:35', '09:40', '10:30', '11:35', '12:25', '13:20'],
  fridayBells: 5,
  classesPerBell: 55,
  doubleLessonShare: 0.25,
  participantsMean: 24,
  webcamsMean: 2.5,
  weeklyGrowth: 0.04,
};

/** Every generated trace: its path below bench/ and its text. */
export function generatedTraces(): ReadonlyMap<string, string> {
  return new Map([
    ['traces/term.csv', schoolTerm({ monday: '2026-11-02', weeks: 3, utcOffset: '+01:00', seed: 1, shape: TUNING_SHAPE })],
    [
      'traces/oscillating.csv',
      oscillatingDay({ day: '2026-11-04', utcOffset: '+01:00', seed: 2, stepMinutes: 10, baseMeetings: 30, burstMeetings: 40, from: '08:00', to: '15:00' }),
    ],
    ['held-out/term.csv', schoolTerm({ monday: '2027-01-11', weeks: 3, utcOffset: '+01:00', seed: 7, shape: HELD_OUT_SHAPE })],
    [
      'held-out/oscillating.csv',
      oscillatingDay({ day: '2027-01-13', utcOffset: '+01:00', seed: 9, stepMinutes: 10, baseMeetings: 20, burstMeetings: 50, from: '07:30', to: '16:30' }),
    ],
  ]);
}

if (require.main === module) {
  for (const [path, text] of generatedTraces()) writeFileSync(join(__dirname, path), text);
}
