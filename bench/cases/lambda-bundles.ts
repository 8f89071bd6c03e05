import { build } from 'esbuild';
import * as path from 'node:path';
import { PIPELINE_STEPS, RECORD_FAILURE } from '../../core/pipeline/steps';
import { REPO_ROOT } from '../../lib/constructs/pipeline-function';
import { bestOf, type BenchCase, type Measurement } from '../harness';

const OTHER_HANDLERS = [
  'lambdas/start-study/handler.ts',
  'lambdas/inference-callback/handler.ts',
  'lambdas/api/handler.ts',
  'lambdas/watchdog/handler.ts',
];

/**
 * Size of each deployed bundle (cold-start cost grows with it) and the time esbuild takes to make it, with
 * the options PipelineFunction deploys with (everything bundled, the AWS SDK included, minified).
 */
export const lambdaBundles: BenchCase = {
  name: 'lambda bundles',
  async run() {
    const entries = [...PIPELINE_STEPS.map((s) => s.handler), RECORD_FAILURE.handler, ...OTHER_HANDLERS];
    const rows: Measurement[] = [];
    for (const entry of entries) {
      let bytes = 0;
      const ms = await bestOf(3, async () => {
        const result = await build({
          entryPoints: [path.join(REPO_ROOT, entry)],
          bundle: true,
          minify: true,
          platform: 'node',
          format: 'esm',
          target: 'node22',
          write: false,
          logLevel: 'silent',
        });
        bytes = result.outputFiles.reduce((sum, f) => sum + f.contents.byteLength, 0);
      });
      const name = path.basename(path.dirname(entry));
      rows.push({ case: `bundle ${name}`, metric: 'size', value: Math.round(bytes / 1024), unit: 'KiB' });
      rows.push({ case: `bundle ${name}`, metric: 'esbuild', value: ms, unit: 'ms' });
    }
    return rows;
  },
};
