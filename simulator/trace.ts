/**
 * Reads a load trace (one CSV row per meeting, format in docs/simulator.md) into meetings
 * placed on the minutes of one or more calendar days. Every bad row is reported with its line.
 */

export interface TraceMeeting {
  /** 1-based CSV line, to name the row in messages. */
  readonly line: number;
  /** Minute of the simulation the meeting is created in, from 00:00 of its first day. */
  readonly startMinute: number;
  readonly durationMin: number;
  readonly participants: number;
  readonly webcams: number;
}

export interface Trace {
  /** 00:00 of the first simulated day, in the first meeting's UTC offset. */
  readonly dayStart: Date;
  /** Calendar days simulated: from the first meeting's day to the day the last one starts. */
  readonly days: number;
  /** That offset, e.g. +01:00. */
  readonly utcOffset: string;
  /** Sorted by start. */
  readonly meetings: readonly TraceMeeting[];
}

export class TraceError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'TraceError';
  }
}

export const MINUTES_PER_DAY = 24 * 60;
const COLUMNS = ['start', 'duration_min', 'participants', 'webcams'] as const;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** More problems than this are not worth listing one by one. */
const MAX_LISTED_PROBLEMS = 20;
/** A school term at most: longer traces would only be slow. */
export const MAX_TRACE_DAYS = 120;

interface ParsedRow {
  line: number;
  instant: number;
  date: string;
  offset: string;
  durationMin: number;
  participants: number;
  webcams: number;
}

export function parseTrace(text: string, source = '<trace>'): Trace {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitRow(lines[0] ?? '');
  const index = new Map(header.map((name, position) => [name.trim().toLowerCase(), position]));
  const missing = COLUMNS.filter((column) => !index.has(column));
  if (missing.length > 0) {
    throw new TraceError(source, [`line 1: header must name the columns ${COLUMNS.join(',')}; missing ${missing.join(', ')}`]);
  }

  const problems: string[] = [];
  const rows: ParsedRow[] = [];
  lines.slice(1).forEach((raw, offset) => {
    const line = offset + 2;
    if (raw.trim() === '') return;
    const cells = splitRow(raw);
    if (cells.length !== header.length) {
      problems.push(`line ${line}: expected ${header.length} fields, got ${cells.length}`);
      return;
    }
    const cell = (column: (typeof COLUMNS)[number]) => cells[index.get(column)!].trim();
    const rowProblems: string[] = [];
    const start = parseTimestamp(cell('start'));
    if (!start) rowProblems.push(`start must be an ISO 8601 timestamp with UTC offset such as 2026-03-10T07:58:00+01:00, got "${cell('start')}"`);
    const durationMin = integer(cell('duration_min'), 'duration_min', 1, rowProblems);
    const participants = integer(cell('participants'), 'participants', 0, rowProblems);
    const webcams = integer(cell('webcams'), 'webcams', 0, rowProblems);
    if (rowProblems.length === 0 && webcams > participants) {
      rowProblems.push(`webcams (${webcams}) must not exceed participants (${participants})`);
    }
    if (rowProblems.length > 0 || !start) {
      problems.push(`line ${line}: ${rowProblems.join('; ')}`);
      return;
    }
    rows.push({ line, ...start, durationMin, participants, webcams });
  });
  if (rows.length === 0 && problems.length === 0) problems.push('no meetings: the trace has a header but no rows');
  if (problems.length > 0) throw new TraceError(source, listed(problems));

  const first = rows[0];
  const dayStart = new Date(`${first.date}T00:00:00${first.offset === 'Z' ? 'Z' : first.offset}`);
  const meetings: TraceMeeting[] = [];
  for (const row of rows) {
    const startMinute = Math.floor((row.instant - dayStart.getTime()) / 60_000);
    if (startMinute < 0) {
      problems.push(`line ${row.line}: starts before ${first.date} (${first.offset}), the day of the first meeting`);
    } else if (startMinute >= MAX_TRACE_DAYS * MINUTES_PER_DAY) {
      problems.push(`line ${row.line}: starts more than ${MAX_TRACE_DAYS} days after ${first.date}, the day of the first meeting`);
    } else {
      meetings.push({ line: row.line, startMinute, durationMin: row.durationMin, participants: row.participants, webcams: row.webcams });
    }
  }
  if (problems.length > 0) throw new TraceError(source, listed(problems));
  meetings.sort((a, b) => a.startMinute - b.startMinute || a.line - b.line);
  const days = Math.floor(meetings[meetings.length - 1].startMinute / MINUTES_PER_DAY) + 1;
  return { dayStart, days, utcOffset: first.offset === 'Z' ? '+00:00' : first.offset, meetings };
}

function listed(problems: string[]): string[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_LISTED_PROBLEMS), `... and ${problems.length - MAX_LISTED_PROBLEMS} more`];
}

/** Fields are plain; a field may be wrapped in double quotes (as spreadsheet exports do). */
function splitRow(raw: string): string[] {
  return raw.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

function parseTimestamp(value: string): { instant: number; date: string; offset: string } | undefined {
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', offset] = match;
  const instant = Date.parse(value);
  if (Number.isNaN(instant)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a real calendar date must survive the round trip.
  const local = new Date(Date.UTC(+year, +month - 1, +day, +hour, +minute, +second));
  if (local.getUTCDate() !== +day || local.getUTCMonth() !== +month - 1 || +hour > 23 || +minute > 59 || +second > 59) return undefined;
  if (offset !== 'Z') {
    const [offsetHours, offsetMinutes] = offset.slice(1).split(':').map(Number);
    if (offsetHours > 14 || offsetMinutes > 59) return undefined;
  }
  return { instant, date: `${year}-${month}-${day}`, offset };
}

function integer(value: string, column: string, min: number, problems: string[]): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    problems.push(`${column} must be a whole number >= ${min}, got "${value}"`);
    return 0;
  }
  return Number(value);
}
