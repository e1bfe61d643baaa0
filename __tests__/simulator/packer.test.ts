/** The packer: clairvoyant placement without moving meetings, the honest lower bound beside the oracle. */
import { packedServersPerMinute } from '../../simulator/packer';
import { parseTrace } from '../../simulator/trace';

const trace = (...rows: string[]) => parseTrace(['start,duration_min,participants,webcams', ...rows].join('\n'));
const pack = (t: ReturnType<typeof trace>, minRunning = 0) => packedServersPerMinute({ trace: t, minutes: t.days * 1440, capacity: 100, minRunning, webcamWeight: 3 });

describe('the packer', () => {
  it('puts meetings that fit together on one server and powers on another only when none fits', () => {
    const running = pack(trace('2026-03-10T08:00:00+01:00,60,40,0', '2026-03-10T08:10:00+01:00,60,40,0', '2026-03-10T08:20:00+01:00,60,40,0'));
    expect(running[8 * 60 + 5]).toBe(1);
    expect(running[8 * 60 + 15]).toBe(1);
    expect(running[8 * 60 + 25]).toBe(2);
    expect(running[9 * 60 + 25]).toBe(0);
  });

  it('never moves a meeting: a server stays on while any of its meetings runs, which the oracle does not pay', () => {
    // Two halves that fit one server only together; the long one keeps its server on.
    const running = pack(trace('2026-03-10T08:00:00+01:00,120,60,0', '2026-03-10T08:00:00+01:00,30,60,0', '2026-03-10T08:10:00+01:00,110,30,0'));
    expect(running[8 * 60 + 15]).toBe(2);
    expect(running[8 * 60 + 45]).toBe(1);
  });

  it('prefers the server whose meetings end closest after the new one, so servers empty together', () => {
    const running = pack(
      trace('2026-03-10T08:00:00+01:00,45,50,0', '2026-03-10T08:00:00+01:00,120,50,0', '2026-03-10T08:05:00+01:00,40,40,0'),
    );
    // The 40 goes to the server that empties at 08:45 with it, not to the one that runs to 10:00.
    expect(running[8 * 60 + 50]).toBe(1);
  });

  it('keeps minRunning servers on and spans several days', () => {
    const running = pack(trace('2026-03-10T23:50:00+01:00,30,90,0', '2026-03-11T00:05:00+01:00,30,90,0'), 1);
    expect(running).toHaveLength(2 * 1440);
    expect(running[0]).toBe(1);
    // The meeting from before midnight still runs beside the new one.
    expect(running[1440 + 10]).toBe(2);
    expect(running[1440 + 30]).toBe(1);
  });
});
