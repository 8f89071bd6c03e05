import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runDemo } from '../../local/demo/run-demo';
import type { BenchCase, Measurement } from '../harness';

/**
 * The sample study through the local stack, as `npm start` runs it: generating the study, starting the
 * stack (servers, models), uploading through the results API's presigned URLs, each stage's wall time, and
 * upload-to-result (first byte uploaded → the run's end). One run: the first run is the one users see.
 */
export const localStack: BenchCase = {
  name: 'e2e local-stack',
  async run() {
    const outDir = await mkdtemp(path.join(tmpdir(), 'sap-bench-e2e-'));
    const rows: Measurement[] = [];
    const label = 'e2e sample study';
    const row = (metric: string, seconds: number) =>
      rows.push({ case: label, metric, value: seconds, unit: 's' });
    try {
      const outcome = await runDemo({
        outDir,
        onProgress: (progress) => {
          if (progress.kind === 'sample') row('generate sample', progress.seconds);
          if (progress.kind === 'stack') row('start stack', progress.seconds);
          if (progress.kind === 'submitted') row('upload (sap submit)', progress.seconds);
        },
      });
      if (outcome.study.status !== 'COMPLETED')
        throw new Error(
          `the sample study ended ${outcome.study.status}: ${outcome.study.error?.message ?? ''}`,
        );
      for (const stage of outcome.stages) row(stage.stage, stage.seconds);
      row('upload to result', outcome.uploadToResultSeconds);
      row('total', outcome.totalSeconds);
      return rows;
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  },
};
