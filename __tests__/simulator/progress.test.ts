import { progressReporter } from '../../simulator/progress';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('progressReporter', () => {
  it('draws a percentage on a terminal and clears it at the end', () => {
    const terminal = stream(true);
    const progress = progressReporter(terminal, 'simulating day.csv', 1440);
    for (let minute = 0; minute < 1440; minute += 1) progress.tick(minute);
    progress.done();
    expect(terminal.written[0]).toBe('\rsimulating day.csv 1%');
    expect(terminal.written).toContain('\rsimulating day.csv 25%');
    expect(terminal.written.at(-1)).toBe('\r\x1b[K');
  });

  it('stays silent when stderr is a pipe or a file', () => {
    const pipe = stream(false);
    const progress = progressReporter(pipe, 'simulating day.csv', 1440);
    progress.tick(0);
    progress.done();
    expect(pipe.written).toEqual([]);
  });
});
