import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // generous: CI machines are small and end-to-end tests share two cores with a Docker engine and OpenStack
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // CI reads the JSON report for its closing line (see .ci/run)
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
  },
});
