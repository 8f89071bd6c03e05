import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { BATCH_ID_PATTERN } from '../../core/batch/outcome';
import type { BatchSummary } from '../../core/batch/summary';
import { RUN_MODES } from '../../core/pipeline/run';
import { MODEL_VERSION_PATTERN, modelPrefix } from '../../core/study/model-keys';
import { BatchSettingsConflict } from '../batch/batch-record';
import { progressReporter } from '../batch/progress-bar';
import { runLocalBatch } from '../batch/run-batch';
import { DEFAULT_DATA_DIR, REPO_ROOT } from '../stack/paths';
import { stopSignal } from '../stack/signals';
import { describeNotice, startLocalStack, type LocalStack } from '../stack/stack';
import { EXIT, reportError, type CommandContext, usageError } from './io';

const USAGE = [
  'usage: sap batch run <folder-of-studies> [--mode features|score|rescore] [--model-version V] [--workers N]',
  '                     [--batch-id ID] [--out DIR] [--data-dir DIR] [--json]',
  '  each sub-folder is one study (clinical.json + the image), named by its study id',
  '  --mode           score (default): the whole pipeline; features: the fusion inputs only; rescore: Fuse',
  '                   again on the artifacts an earlier batch of the same studies kept in --data-dir',
  "  --model-version  a fusion model version in the local models bucket (default: the stack's)",
  '  --workers N      studies in flight at once (default: cores − 1, at least 1)',
  '  --batch-id ID    default: from the folder, mode and model version, so the same command resumes',
  '  --out DIR        where features.csv, features.parquet and summary.json go (default ./sap-batch-{batchId})',
  `  --data-dir DIR   the local stack's data, kept between runs (default ${DEFAULT_DATA_DIR}/data in the repository)`,
].join('\n');
/** The shell's code for a process stopped by Ctrl-C (128 + SIGINT). */
const INTERRUPTED_EXIT = 130;

const optionsSchema = z.object({
  mode: z.enum(RUN_MODES).default('score'),
  'model-version': z
    .string()
    .regex(MODEL_VERSION_PATTERN, 'a model version is 1–64 of [A-Za-z0-9._-]')
    .optional(),
  workers: z.coerce
    .number()
    .int()
    .min(1)
    .default(Math.max(1, availableParallelism() - 1)),
  'batch-id': z.string().regex(BATCH_ID_PATTERN, 'a batch id is 1–64 of [A-Za-z0-9_-]').optional(),
  out: z.string().optional(),
  'data-dir': z.string().default(path.join(REPO_ROOT, DEFAULT_DATA_DIR, 'data')),
});

/**
 * `sap batch run`: a batch over a folder of studies on the local stack (local/batch/run-batch.ts), with a
 * progress bar on stderr; at the end features.csv and summary.json are copied to --out and the counts
 * printed. Ctrl-C stops it; the same command resumes without redoing completed studies.
 */
export async function batchRunCommand(args: string[], ctx: CommandContext): Promise<number> {
  const usage = (message: string) => usageError(ctx, USAGE, message);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        mode: { type: 'string' },
        'model-version': { type: 'string' },
        workers: { type: 'string' },
        'batch-id': { type: 'string' },
        out: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const [folder] = parsed.positionals;
  if (!folder || parsed.positionals.length > 1) return usage('one folder of study folders, please');
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) return usage(`${folder} is not a folder`);
  const options = optionsSchema.safeParse(parsed.values);
  if (!options.success) return usage(z.prettifyError(options.error));
  const o = options.data;
  const fusionModelVersion = o['model-version'];
  const batchId = o['batch-id'] ?? defaultBatchId(folder, o.mode, fusionModelVersion);
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
      dataDir: path.resolve(o['data-dir']),
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
      return INTERRUPTED_EXIT;
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
