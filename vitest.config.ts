import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that only synthesize the CDK app and read it. They run without isolation, one module graph
 * per worker, so that they import aws-cdk-lib once and share each synthesized app (test/support/synth.ts:
 * sharedSynth, fullApp) instead of building it again in every file. None of them mocks modules or runs
 * the local stack.
 */
const SYNTH_TESTS = [
  'access',
  'asl',
  'batch',
  'endpoint-constraints',
  'full-app',
  'function-settings',
  'service-constraints',
  'stack',
].map((name) => `test/infra/${name}.test.ts`);

export default defineConfig({
  test: {
    // iam-coverage-setup.ts checks every AWS call of a file's local stack against the template (#17).
    setupFiles: ['test/support/lambda-env.ts', 'test/support/iam-coverage-setup.ts'],
    // One more worker than the CI machine's 2 cores: the local-stack files mostly wait (scaled timeouts,
    // the inference process), so a third overlaps those waits; each worker needs ~0.5 GB per synth.
    maxWorkers: 3,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'synth', include: SYNTH_TESTS, isolate: false } },
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SYNTH_TESTS],
        },
      },
    ],
  },
});
