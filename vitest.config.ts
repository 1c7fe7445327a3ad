import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one FerretDB and Redis; each file uses its own database and
    // queue prefix, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
