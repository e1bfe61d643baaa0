import { TraceError, parseTrace } from '../../simulator/trace';

const HEADER = 'start,duration_min,participants,webcams';

function problemsOf(text: string): readonly string[] {
  try {
    parseTrace(text, 'day.csv');
  } catch (error) {
    if (error instanceof TraceError) return error.problems;
    throw error;
  }
  throw new Error('expected a TraceError');
}

describe('parseTrace', () => {
  it('places meetings on the minutes of the first meeting’s calendar day in its UTC offset', () => {
    const trace = parseTrace(`${HEADER}\n2026-03-10T07:58:30+01:00,45,21,2\n2026-03-10T00:00:00+01:00,10,5,0\n2026-03-10T23:59:00+01:00,90,3,1\n`);
    expect(trace.dayStart.toISOString()).toBe('2026-03-09T23:00:00.000Z');
    expect(trace.utcOffset).toBe('+01:00');
    expect(trace.meetings.map((m) => [m.startMinute, m.durationMin, m.participants, m.webcams, m.line])).toEqual([
      [0, 10, 5, 0, 3],
      [7 * 60 + 58, 45, 21, 2, 2],
      [1439, 90, 3, 1, 4],
    ]);
  });

  it('accepts CRLF line ends, a byte order mark, quoted fields, blank lines and columns in any order', () => {
    const text = '\uFEFFparticipants,start,webcams,duration_min\r\n"12","2026-03-10T08:00:00Z",1,30\r\n\r\n';
    expect(parseTrace(text).meetings).toEqual([{ line: 2, startMinute: 480, durationMin: 30, participants: 12, webcams: 1 }]);
  });

  it('names a missing column', () => {
    expect(problemsOf('start,duration_min,participants\n')).toEqual([
      'line 1: header must name the columns start,duration_min,participants,webcams; missing webcams',
    ]);
  });

  it('reports every bad row with its line number', () => {
    const text = [
      HEADER,
      '2026-03-10T08:00:00+01:00,45,21,2',
      '2026-03-10 08:00,45,21,2',
      '2026-03-10T08:00:00+01:00,0,21,2',
      '2026-03-10T08:00:00+01:00,45,-1,2',
      '2026-03-10T08:00:00+01:00,45,2,5',
      '2026-03-10T08:00:00+01:00,45,21',
      '2026-02-30T08:00:00+01:00,45,21,2',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'line 3: start must be an ISO 8601 timestamp with UTC offset such as 2026-03-10T07:58:00+01:00, got "2026-03-10 08:00"',
      'line 4: duration_min must be a whole number >= 1, got "0"',
      'line 5: participants must be a whole number >= 0, got "-1"',
      'line 6: webcams (5) must not exceed participants (2)',
      'line 7: expected 4 fields, got 3',
      'line 8: start must be an ISO 8601 timestamp with UTC offset such as 2026-03-10T07:58:00+01:00, got "2026-02-30T08:00:00+01:00"',
    ]);
  });

  it('spans the days from the first meeting to the last, across midnight', () => {
    const trace = parseTrace(`${HEADER}\n2026-03-10T23:30:00+01:00,90,21,2\n2026-03-12T08:00:00+01:00,45,21,2\n`);
    expect(trace.days).toBe(3);
    expect(trace.meetings.map((meeting) => meeting.startMinute)).toEqual([23 * 60 + 30, 2 * 1440 + 8 * 60]);
  });

  it('rejects a meeting before the first day or too many days after it', () => {
    const text = `${HEADER}\n2026-03-10T08:00:00+01:00,45,21,2\n2026-03-09T23:59:00+01:00,45,21,2\n2026-07-10T08:00:00+01:00,45,21,2\n`;
    expect(problemsOf(text)).toEqual([
      'line 3: starts before 2026-03-10 (+01:00), the day of the first meeting',
      'line 4: starts more than 120 days after 2026-03-10, the day of the first meeting',
    ]);
  });

  it('rejects a trace without meetings', () => {
    expect(problemsOf(`${HEADER}\n`)).toEqual(['no meetings: the trace has a header but no rows']);
  });

  it('names the file in the message', () => {
    expect(() => parseTrace('nonsense', 'monday.csv')).toThrow(/^monday\.csv: 1 problem\n {2}line 1: header/);
  });
});
