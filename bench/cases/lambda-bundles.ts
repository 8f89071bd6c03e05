import { build } from 'esbuild';
import * as path from 'node:path';
import { FUNCTIONS } from '../../core/pipeline/functions';
import { ONNXRUNTIME_PACKAGES } from '../../lib/constructs/onnxruntime-bundle';
import { REPO_ROOT } from '../../lib/constructs/pipeline-function';
import { bestOf, type BenchCase, type Measurement } from '../harness';

/**
 * Size of each deployed bundle (cold-start cost grows with it) and the time esbuild takes to make it, with
 * the options PipelineFunction deploys with (everything bundled, the AWS SDK included, minified; InferCpu's
onnxruntime packages are copied beside the bundle, not bundled, so they are left out here).
 */
export const lambdaBundles: BenchCase = {
  name: 'lambda bundles',
  async run() {
    const entries = Object.values(FUNCTIONS).map((f) => f.handler);
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
          external: [...ONNXRUNTIME_PACKAGES],
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
