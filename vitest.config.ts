import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests share one FerretDB and Redis; each file uses its own database and
    // queue prefix, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // `npm run test:unit` runs the first alone: no service needed.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
    ],
  },
});
