import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { BATCH_ID_PATTERN } from '../core/batch/outcome';
import type { BatchSummary } from '../core/batch/summary';
import { RUN_MODES } from '../core/pipeline/run';
import { MODEL_VERSION_PATTERN, modelPrefix } from '../core/study/model-keys';
import { BatchSettingsConflict } from '../local/batch/batch-record';
import { progressReporter } from '../local/batch/progress-bar';
import { runLocalBatch } from '../local/batch/run-batch';
import { DEFAULT_DATA_DIR, REPO_ROOT } from '../local/stack/paths';
import { stopSignal } from '../local/stack/signals';
import { describeNotice, startLocalStack, type LocalStack } from '../local/stack/stack';
import { EXIT, reportError, type CommandContext, usageError } from './io';
import { describeOptionErrors } from './option-errors';

/** The options as commander gives them (mode and workers checked there), checked here. */
const optionsSchema = z.object({
  folder: z.string(),
  mode: z.enum(RUN_MODES).default('score'),
  modelVersion: z
    .string()
    .regex(MODEL_VERSION_PATTERN, 'a model version is 1–64 of [A-Za-z0-9._-]')
    .optional(),
  workers: z.coerce
    .number()
    .int()
    .min(1)
    .default(Math.max(1, availableParallelism() - 1)),
  batchId: z.string().regex(BATCH_ID_PATTERN, 'a batch id is 1–64 of [A-Za-z0-9_-]').optional(),
  out: z.string().optional(),
  dataDir: z.string().default(path.join(REPO_ROOT, DEFAULT_DATA_DIR, 'data')),
});

/**
 * `sap batch run`: a batch over a folder of studies on the local stack (local/batch/run-batch.ts), with a
 * progress bar on stderr; at the end features.csv and summary.json are copied to --out and the counts
 * printed. Ctrl-C stops it; the same command resumes without redoing completed studies.
 */
export async function batchRunCommand(input: Record<string, unknown>, ctx: CommandContext): Promise<number> {
  const usage = (message: string) => usageError(ctx, message);
  const options = optionsSchema.safeParse(input);
  if (!options.success) return usage(describeOptionErrors(options.error));
  const o = options.data;
  const { folder } = o;
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) return usage(`${folder} is not a folder`);
  const fusionModelVersion = o.modelVersion;
  const batchId = o.batchId ?? defaultBatchId(folder, o.mode, fusionModelVersion);
  const outDir = path.resolve(o.out ?? `sap-batch-${batchId}`);

  const signals = stopSignal();
  const stopping = new AbortController();
  void signals.received.then(() => stopping.abort(new Error('interrupted')));
  const progress = ctx.json
    ? undefined
    : progressReporter(
        process.stderr.isTTY
          ? { isTTY: true, write: (text) => process.stderr.write(text) }
          : { isTTY: false, line: ctx.io.err },
      );
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      dataDir: path.resolve(o.dataDir),
      // The batch starts each study's run itself.
      manifestTrigger: false,
      onNotice: (notice) => ctx.io.err(`warning: ${describeNotice(notice)}`),
    });
    if (fusionModelVersion && !(await hasFusionModel(stack, fusionModelVersion)))
      return usage(`the local models bucket has no fusion model version ${fusionModelVersion}`);
    if (!ctx.json) ctx.io.err(`batch ${batchId} (${o.mode}, ${o.workers} workers): ${path.resolve(folder)}`);
    const result = await runLocalBatch(stack, {
      folder,
      batchId,
      mode: o.mode,
      fusionModelVersion,
      workers: o.workers,
      signal: stopping.signal,
      onProgress: (p) => progress?.update(p),
    });
    progress?.finish();
    if (result.interrupted) {
      const { done, total } = result.progress;
      reportError(
        ctx,
        'INTERRUPTED',
        `stopped after ${done} of ${total} items: run the same command again to resume`,
      );
      return EXIT.interrupted;
    }
    await mkdir(outDir, { recursive: true });
    const files = {
      features: path.join(outDir, 'features.csv'),
      featuresParquet: path.join(outDir, 'features.parquet'),
      summary: path.join(outDir, 'summary.json'),
    };
    await writeFile(files.features, result.outputs.featuresCsv);
    await writeFile(files.featuresParquet, result.outputs.featuresParquet);
    await writeFile(files.summary, JSON.stringify(result.outputs.summary, null, 2));
    const { summary } = result.outputs;
    ctx.io.out(ctx.json ? JSON.stringify({ ...summary, files }, null, 2) : describeSummary(summary, files));
    return summary.counts.FAILED > 0 ? EXIT.rejected : EXIT.ok;
  } catch (error) {
    if (error instanceof BatchSettingsConflict) return usage(error.message);
    throw error;
  } finally {
    progress?.finish();
    await stack?.stop();
    signals.dispose();
  }
}

/** The same folder, mode and model version give the same id: running the command again resumes the batch. */
function defaultBatchId(folder: string, mode: string, fusionModelVersion: string | undefined): string {
  const absolute = path.resolve(folder);
  const name =
    path
      .basename(absolute)
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 40) || 'batch';
  const digest = createHash('sha256')
    .update(`${absolute}\n${mode}\n${fusionModelVersion ?? ''}`)
    .digest('hex');
  return `${name}-${mode}-${digest.slice(0, 8)}`;
}

async function hasFusionModel(stack: LocalStack, version: string): Promise<boolean> {
  const listed = await stack.s3Client.send(
    new ListObjectsV2Command({
      Bucket: stack.s3.modelsBucket,
      Prefix: modelPrefix('xgboost', version),
      MaxKeys: 1,
    }),
  );
  return (listed.KeyCount ?? 0) > 0;
}

function describeSummary(
  summary: BatchSummary,
  files: { features: string; featuresParquet: string; summary: string },
): string {
  const { counts, failures, cost } = summary;
  const lines = [
    `batch ${summary.batchId}: ${counts.COMPLETED} completed, ${counts.FAILED} failed` +
      (counts.invalidOutcomes > 0 ? `, ${counts.invalidOutcomes} unreadable outcomes` : ''),
    ...failures.items.map((f) => `  ${f.item}: ${f.stage} ${f.code}`),
    `  in the cloud: about $${cost.usd.total.toFixed(2)} (${cost.region} list prices, ${cost.instanceType})`,
    `  ${files.features}`,
    `  ${files.featuresParquet}`,
    `  ${files.summary}`,
  ];
  return lines.join('\n');
}
