/**
 * The infra program's tests on their own: no emulator or Temporal server (the root config's global
 * setup starts those). The coding agent runs this in its worktrees; `make test` runs the same
 * tests through the root config.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
};
