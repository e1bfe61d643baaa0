const { existsSync } = require('node:fs');
const path = require('node:path');

/** Tests live in __tests__/ and beside the policy rules and the function they test. */
const roots = ['__tests__', 'policies', 'functions'].filter((dir) => existsSync(path.join(__dirname, dir)));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default leaves one core idle; on a 2-core machine that halves throughput.
  maxWorkers: '100%',
  roots: roots.map((dir) => `<rootDir>/${dir}`),
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  // Bindings in .gen/ are large; transformed once and cached by swc/jest.
  transformIgnorePatterns: ['/node_modules/'],
  modulePathIgnorePatterns: ['<rootDir>/cdktf.out/', '<rootDir>/dist/'],
  testTimeout: 60_000,
};
