/** The suite's order on a fresh clone, where Jest has no timings and sorts by file size. */
const WaitingTestsFirst = require('../../testing/waiting-tests-first.js') as new (options: unknown) => {
  sort(tests: FakeTest[]): FakeTest[];
};

interface FakeTest {
  readonly path: string;
  readonly context: { readonly config: { readonly cache: boolean }; readonly hasteFS: { getSize(path: string): number } };
}

const SIZES: Record<string, number> = {
  '/repo/__tests__/policy/decide.test.ts': 18_000,
  '/repo/__tests__/autoscaler/faults.test.ts': 17_000,
  '/repo/__tests__/monitoring/prometheus-integration.test.ts': 14_000,
  '/repo/__tests__/tls/certbot.test.ts': 3_000,
  '/repo/__tests__/terraform/example-deploy.test.ts': 2_000,
};

const context = { config: { cache: false }, hasteFS: { getSize: (path: string) => SIZES[path] } };

it('starts the test that waits on real Prometheus scrapes and the Terraform deploy first, the rest largest first', () => {
  const tests = Object.keys(SIZES)
    .reverse()
    .map((path) => ({ path, context }));
  const order = new WaitingTestsFirst({}).sort(tests).map((test) => test.path.replace('/repo/__tests__/', ''));
  expect(order).toEqual([
    'monitoring/prometheus-integration.test.ts',
    'terraform/example-deploy.test.ts',
    'policy/decide.test.ts',
    'autoscaler/faults.test.ts',
    'tls/certbot.test.ts',
  ]);
});
