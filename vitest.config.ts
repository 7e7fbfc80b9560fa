import { defineConfig } from 'vitest/config';

// One suite, run twice by CI: TEST_DATABASE=sqlite (default) and TEST_DATABASE=postgres.
// Every test file starts its own server on a fresh database (a temp SQLite file or its own
// PostgreSQL schema), so files run in parallel without sharing state.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
