import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The simulator is CPU-bound; two cores on CI.
    pool: 'forks',
    testTimeout: 120_000,
  },
});
