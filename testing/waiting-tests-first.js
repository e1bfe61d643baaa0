const Sequencer = require('@jest/test-sequencer').default;

/**
 * Test files that spend most of their time waiting on the clock (a minute of real
 * Prometheus scrapes) start first, so the waiting overlaps the CPU-bound rest of the
 * suite. Jest orders by the last run's timings, but a fresh clone has none and Jest
 * falls back to file size.
 */
const WAITING = ['prometheus-integration.test.ts'];

class WaitingTestsFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const waits = (test) => WAITING.some((name) => test.path.endsWith(name));
    return [...sorted.filter(waits), ...sorted.filter((test) => !waits(test))];
  }
}

module.exports = WaitingTestsFirst;
