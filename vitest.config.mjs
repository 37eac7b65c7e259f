import { defineConfig } from 'vitest/config';

// Integration tests spawn `node --import` children against the built dist/, so
// `npm test` builds first (pretest). Forks keep each file's globals apart.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,mjs}'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Lets `require()` of a TypeScript sibling work in unit tests (see the file).
    setupFiles: ['test/setup/require-ts.ts'],
  },
});
