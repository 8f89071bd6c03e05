import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/lambda-env.ts'],
    // CDK synthesis takes seconds and ~0.5 GB per stack: keep the 2-core CI machine from swapping.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
