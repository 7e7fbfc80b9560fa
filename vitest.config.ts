import { defineConfig } from 'vitest/config';

// One suite, run twice by CI: TEST_DATABASE=sqlite (default) and TEST_DATABASE=postgres.
// Every test file starts its own server on a fresh database (a temp SQLite file or its own
// PostgreSQL schema), so files run in parallel without sharing state.
// Workspace packages (@esimkit/*) export their TypeScript sources under the "@esimkit/source"
// condition and their built dist/ otherwise: tests run against the sources, so an edit is
// seen without rebuilding. The CLI tests run the built CLI, which global-setup.ts builds once.
const conditions = ['@esimkit/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // The console's TSX (tsconfig.json says the same for the type checker and the builds).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/server/test/support/global-setup.ts', 'packages/cli/test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
