/**
 * Jest names skipped tests only with --verbose; its summary just counts them. A test
 * that needs a tool this machine lacks is skipped with the reason in its title
 * (`... (skipped: cloud-init not installed)`, see __tests__/support/tools.ts): this
 * reporter prints each such reason once at the end of the run, with how many tests it
 * skipped. Tests left out by a filter (-t, a path) carry no reason and stay silent.
 */
const REASON = /\((skipped: [^)]+)\)/;

class SkipReasons {
  constructor(_globalConfig, _options, _context, write = (text) => process.stderr.write(text)) {
    this.write = write;
  }

  onRunComplete(_testContexts, results) {
    const counts = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped') continue;
        const reason = [...test.ancestorTitles, test.title].map((title) => REASON.exec(title)?.[1]).find(Boolean);
        if (reason) counts.set(reason, (counts.get(reason) ?? 0) + 1);
      }
    }
    for (const [reason, count] of counts) this.write(`${reason} (${count} test${count === 1 ? '' : 's'})\n`);
  }
}

module.exports = SkipReasons;
