import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // In CI every reference is installed, so a skipped test is an error (test/ci-no-skips-reporter.ts).
    reporters: process.env.CI === 'true' ? ['default', './test/ci-no-skips-reporter.ts'] : ['default'],
  },
});
