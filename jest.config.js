const { existsSync } = require('node:fs');
const path = require('node:path');

/** Tests live in __tests__/ and beside the policy rules and the function they test. */
const roots = ['__tests__', 'policies', 'functions'].filter((dir) => existsSync(path.join(__dirname, dir)));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // One worker more than cores: the Prometheus integration tests spend most of their
  // time waiting for scrapes, and Jest's default (cores - 1) would leave a core idle.
  maxWorkers: require('node:os').availableParallelism() + 1,
  testSequencer: '<rootDir>/testing/waiting-tests-first.js',
  // Why tests were skipped, without --verbose.
  reporters: ['default', '<rootDir>/testing/skip-reasons-reporter.js'],
  roots: roots.map((dir) => `<rootDir>/${dir}`),
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  // The bindings in .gen/ come compiled to CommonJS beside their TypeScript (see
  // scripts/generate-bindings.ts); Jest loads that JavaScript as it is.
  transformIgnorePatterns: ['/node_modules/', '/\\.gen/'],
  modulePathIgnorePatterns: ['<rootDir>/cdktf.out/', '<rootDir>/dist/'],
  testTimeout: 60_000,
  // A worker that ran many synth tests holds a few hundred MB; on two busy cores its
  // exit takes longer than Jest's default 500 ms, which Jest reports as a leak.
  workerGracefulExitTimeout: 3_000,
};
