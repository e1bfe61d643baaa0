/** The reporter that prints why tests were skipped, fed what Jest hands reporters at the end of a run. */
const SkipReasons = require('../../testing/skip-reasons-reporter') as new (...args: unknown[]) => {
  onRunComplete(contexts: unknown, results: unknown): void;
};

const outcome = (status: string, ancestorTitles: string[], title = 'does something') => ({ status, ancestorTitles, title });

describe('the skip reasons reporter', () => {
  it('prints each reason once, with the number of tests it skipped, and nothing for filtered tests', () => {
    let written = '';
    const reporter = new SkipReasons({}, {}, {}, (text: string) => (written += text));
    reporter.onRunComplete(new Set(), {
      testResults: [
        {
          testResults: [
            outcome('pending', ['cloud-init schema (skipped: cloud-init not installed)']),
            outcome('pending', ['cloud-init schema (skipped: cloud-init not installed)', 'nested']),
            outcome('passed', ['promtool']),
            outcome('pending', ['left out by -t']),
          ],
        },
        { testResults: [outcome('pending', ['rules (skipped: promtool not installed)'])] },
      ],
    });
    expect(written).toBe('skipped: cloud-init not installed (2 tests)\nskipped: promtool not installed (1 test)\n');
  });
});
