/**
 * Synthetic school traces for the benchmark, from a seed and a shape: weeks of school days
 * (meetings opened a few minutes before each bell, single and double lessons), a few
 * evening meetings that run past midnight, quiet weekends, and a day whose load steps up
 * and down every ten minutes. The same seed and shape always give the same CSV, so the
 * committed traces can be checked against their generator.
 */
import { seededRandom } from '../simulator/random';

export interface SchoolShape {
  /** Lesson start times, local HH:MM. */
  readonly bells: readonly string[];
  /** Bells Friday has (its first n). */
  readonly fridayBells: number;
  /** Classes that meet online per bell, on average. */
  readonly classesPerBell: number;
  /** Share of lessons that are double lessons (90 minutes). */
  readonly doubleLessonShare: number;
  readonly participantsMean: number;
  readonly webcamsMean: number;
  /** Growth of the load from one week to the next (0.05 = 5 % more classes a week). */
  readonly weeklyGrowth: number;
}

export interface TermOptions {
  /** A Monday, YYYY-MM-DD. */
  readonly monday: string;
  readonly weeks: number;
  /** The UTC offset every timestamp carries, e.g. +01:00 (pick weeks without a daylight saving change). */
  readonly utcOffset: string;
  readonly seed: number;
  readonly shape: SchoolShape;
}

export interface OscillationOptions {
  /** The day, YYYY-MM-DD. */
  readonly day: string;
  readonly utcOffset: string;
  readonly seed: number;
  /** Minutes the load stays up, then as long down. */
  readonly stepMinutes: number;
  /** Meetings that run all day underneath, and meetings in each step up. */
  readonly baseMeetings: number;
  readonly burstMeetings: number;
  readonly from: string;
  readonly to: string;
}

const HEADER = 'start,duration_min,participants,webcams';
const MINUTES_PER_DAY = 24 * 60;

interface Row {
  readonly minute: number;
  readonly duration: number;
  readonly participants: number;
  readonly webcams: number;
}

class Draw {
  constructor(private readonly random: () => number) {}

  uniform(min: number, max: number): number {
    return min + (max - min) * this.random();
  }

  int(min: number, max: number): number {
    return Math.floor(this.uniform(min, max + 1));
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  /** Normal by Box-Muller, rounded and clipped. */
  normal(mean: number, deviation: number, min: number, max: number): number {
    const value = mean + deviation * Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return Math.min(max, Math.max(min, Math.round(value)));
  }

  /** Poisson by Knuth's method (small means only). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let count = 0;
    for (let product = this.random(); product > limit; product *= this.random()) count += 1;
    return count;
  }
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

function meeting(draw: Draw, minute: number, duration: number, shape: Pick<SchoolShape, 'participantsMean' | 'webcamsMean'>): Row {
  const participants = draw.normal(shape.participantsMean, shape.participantsMean / 3, 3, 70);
  return { minute, duration, participants, webcams: Math.min(participants, draw.poisson(shape.webcamsMean)) };
}

function schoolDay(draw: Draw, dayMinute: number, bells: readonly string[], classes: number, shape: SchoolShape): Row[] {
  const rows: Row[] = [];
  // Classes in the second half of a double lesson open no new meeting at the next bell.
  let continuing = 0;
  for (const [index, bell] of bells.entries()) {
    const at = dayMinute + minutesOf(bell);
    const count = Math.max(0, draw.normal(classes, classes / 6, 0, classes * 2) - continuing);
    continuing = 0;
    for (let i = 0; i < count; i += 1) {
      const double = index < bells.length - 1 && draw.chance(shape.doubleLessonShare);
      if (double) continuing += 1;
      const opensEarly = draw.int(0, 12);
      const length = double ? draw.int(80, 100) : draw.int(25, 50);
      rows.push(meeting(draw, at - opensEarly, length + opensEarly, shape));
    }
  }
  // Teachers' and parents' meetings in the afternoon and evening, some past midnight.
  for (let i = draw.int(4, 9); i > 0; i -= 1) rows.push(meeting(draw, dayMinute + draw.int(14 * 60, 18 * 60), draw.int(30, 90), shape));
  for (let i = draw.int(1, 4); i > 0; i -= 1) rows.push(meeting(draw, dayMinute + draw.int(19 * 60, 23 * 60 + 40), draw.int(40, 120), shape));
  return rows;
}

function toCsv(rows: readonly Row[], firstDay: string, utcOffset: string): string {
  const midnight = Date.parse(`${firstDay}T00:00:00${utcOffset}`);
  const [sign, hours, minutes] = [utcOffset[0] === '-' ? -1 : 1, Number(utcOffset.slice(1, 3)), Number(utcOffset.slice(4, 6))];
  const offsetMs = sign * (hours * 60 + minutes) * 60_000;
  const lines = [...rows]
    .sort((a, b) => a.minute - b.minute)
    .map((row) => {
      const local = new Date(midnight + row.minute * 60_000 + offsetMs).toISOString().slice(0, 19);
      return `${local}${utcOffset},${row.duration},${row.participants},${row.webcams}`;
    });
  return `${[HEADER, ...lines].join('\n')}\n`;
}

/** Weeks of school: Monday to Friday by the bells, Saturday and Sunday nearly empty. */
export function schoolTerm(options: TermOptions): string {
  const draw = new Draw(seededRandom(options.seed));
  const { shape } = options;
  const rows: Row[] = [];
  for (let week = 0; week < options.weeks; week += 1) {
    const classes = shape.classesPerBell * (1 + shape.weeklyGrowth) ** week;
    for (let weekday = 0; weekday < 7; weekday += 1) {
      const dayMinute = (week * 7 + weekday) * MINUTES_PER_DAY;
      if (weekday < 5) {
        const bells = weekday === 4 ? shape.bells.slice(0, shape.fridayBells) : shape.bells;
        rows.push(...schoolDay(draw, dayMinute, bells, classes, shape));
      } else {
        for (let i = draw.int(0, 3); i > 0; i -= 1) rows.push(meeting(draw, dayMinute + draw.int(10 * 60, 20 * 60), draw.int(30, 90), shape));
      }
    }
  }
  return toCsv(rows, options.monday, options.utcOffset);
}

/** A day whose load steps up for `stepMinutes`, down for as long, and up again, from `from` to `to`. */
export function oscillatingDay(options: OscillationOptions): string {
  const draw = new Draw(seededRandom(options.seed));
  const shape = { participantsMean: 20, webcamsMean: 2 };
  const from = minutesOf(options.from);
  const to = minutesOf(options.to);
  const rows: Row[] = [];
  for (let i = 0; i < options.baseMeetings; i += 1) rows.push(meeting(draw, from - draw.int(0, 10), to - from, shape));
  for (let minute = from; minute < to; minute += 2 * options.stepMinutes) {
    for (let i = 0; i < options.burstMeetings; i += 1) rows.push(meeting(draw, minute, options.stepMinutes, shape));
  }
  return toCsv(rows, options.day, options.utcOffset);
}
