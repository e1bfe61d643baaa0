const Sequencer = require('@jest/test-sequencer').default;

/**
 * Test files that spend most of their time waiting on the clock (a minute of real
 * Prometheus scrapes) start first, so the waiting overlaps the CPU-bound rest of the
 * suite, and so does the longest chain of work, the example deployed by Terraform
 * stack after stack, so it does not end last. Jest orders by the last run's timings,
 * but a fresh clone has none and Jest falls back to file size.
 */
const WAITING = ['prometheus-integration.test.ts', 'example-deploy.test.ts'];

class WaitingTestsFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const waits = (test) => WAITING.some((name) => test.path.endsWith(name));
    return [...sorted.filter(waits), ...sorted.filter((test) => !waits(test))];
  }
}

module.exports = WaitingTestsFirst;
