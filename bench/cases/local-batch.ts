import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { generatePhantom, phantomStudyFiles, type PhantomVariant } from '../../core/phantom';
import { runLocalBatch } from '../../local/batch/run-batch';
import { startLocalStack } from '../../local/stack/stack';
import { writeStudy } from '../../test/bad-inputs/study-builder';
import type { BenchCase, Measurement } from '../harness';

/** Small studies the demo U-Net takes whole (test/e2e/pipeline.test.ts): the pipeline's fixed costs show. */
const DIMS: [number, number, number] = [128, 128, 40];
const STUDIES = 12;
const VARIANTS: PhantomVariant[] = ['normal', 'oedematous', 'necrotising', 'pleural-effusion'];

/**
 * `sap batch run` on the local stack: studies per minute over a folder of phantom studies, from the first
 * upload to the written summary, with the command's default pool (cores − 1) and with one worker per core.
 */
export const localBatch: BenchCase = {
  name: 'local batch',
  async run() {
    const root = await mkdtemp(path.join(tmpdir(), 'sap-bench-batch-'));
    const folder = path.join(root, 'studies');
    for (let n = 0; n < STUDIES; n++) {
      const phantom = generatePhantom({
        dims: DIMS,
        spacing: [2, 2, 5],
        seed: 900 + n,
        variant: VARIANTS[n % VARIANTS.length],
      });
      await writeStudy(path.join(folder, `bench-${n}`), phantomStudyFiles(phantom, 'nifti'));
    }
    const stack = await startLocalStack({ dataDir: path.join(root, 'data'), manifestTrigger: false });
    const rows: Measurement[] = [];
    try {
      const cores = availableParallelism();
      for (const workers of [...new Set([Math.max(1, cores - 1), cores])]) {
        const started = performance.now();
        const result = await runLocalBatch(stack, {
          folder,
          batchId: `bench-${workers}`,
          mode: 'score',
          workers,
        });
        const minutes = (performance.now() - started) / 60_000;
        if (result.interrupted || result.outputs.summary.counts.COMPLETED !== STUDIES)
          throw new Error(`the bench batch did not complete every study: ${JSON.stringify(result.progress)}`);
        const label = `${STUDIES} studies ${DIMS.join('×')}, ${workers} worker${workers === 1 ? '' : 's'}, ${cores} cores`;
        rows.push(
          { case: label, metric: 'throughput', value: STUDIES / minutes, unit: 'studies/min' },
          { case: label, metric: 'per study', value: (minutes * 60) / STUDIES, unit: 's' },
        );
      }
      return rows;
    } finally {
      await stack.stop();
      await rm(root, { recursive: true, force: true });
    }
  },
};
