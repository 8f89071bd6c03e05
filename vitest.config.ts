import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // iam-coverage-setup.ts checks every AWS call of a file's local stack against the template (#17).
    setupFiles: ['test/support/lambda-env.ts', 'test/support/iam-coverage-setup.ts'],
    // CDK synthesis takes seconds and ~0.5 GB per stack: keep the 2-core CI machine from swapping.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
