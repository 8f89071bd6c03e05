import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { BATCH_ID_PATTERN } from '../core/batch/outcome';
import type { BatchSummary } from '../core/batch/summary';
import { RUN_MODES } from '../core/pipeline/run';
import { CARD_FILE } from '../core/inference/models';
import { MODEL_VERSION_PATTERN, modelPrefix } from '../core/study/model-keys';
import { BatchSettingsConflict } from '../local/batch/batch-record';
import { progressReporter } from '../local/batch/progress-bar';
import { runLocalBatch } from '../local/batch/run-batch';
import { demoImageModelsNotice, ModelFolderInvalid, ModelVersionConflict } from '../local/stack/models';
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
  models: z.string().optional(),
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
  const modelDir = o.models === undefined ? undefined : path.resolve(o.models);
  if (modelDir && !(await stat(modelDir).catch(() => undefined))?.isDirectory())
    return usage(`--models ${o.models} is not a folder`);
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
      // Published to the local models bucket before the batch starts (the demo's models by default).
      modelDir,
      // The batch starts each study's run itself.
      manifestTrigger: false,
      onNotice: (notice) => ctx.io.err(`warning: ${describeNotice(notice)}`),
    });
    const demoNotice = modelDir && demoImageModelsNotice(stack.models, modelDir);
    if (demoNotice) ctx.io.err(`notice: ${demoNotice}`);
    // A published folder's fusion model is the batch's unless --model-version names another; it is then
    // part of the batch's settings, so a batch is never resumed with another model.
    const fusionModelVersion = o.modelVersion ?? (modelDir ? stack.models.versions.xgboost : undefined);
    const batchId = o.batchId ?? defaultBatchId(folder, o.mode, fusionModelVersion);
    const outDir = path.resolve(o.out ?? `sap-batch-${batchId}`);
    if (fusionModelVersion && !(await hasFusionModel(stack, fusionModelVersion)))
      return usage(
        `the local models bucket has no fusion model version ${fusionModelVersion}` +
          ` (it has ${stack.models.versions.xgboost} from ${modelDir ?? 'models/demo'}; --models DIR publishes a model folder)`,
      );
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
    if (error instanceof ModelFolderInvalid || error instanceof ModelVersionConflict) {
      reportError(ctx, error.name, error.message);
      return EXIT.usage;
    }
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

/** Whether the version's card is in the models bucket: Fuse reads the card first (a version is its card). */
async function hasFusionModel(stack: LocalStack, version: string): Promise<boolean> {
  try {
    await stack.s3Client.send(
      new HeadObjectCommand({
        Bucket: stack.s3.modelsBucket,
        Key: modelPrefix('xgboost', version) + CARD_FILE,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof NotFound) return false;
    throw error;
  }
}

function describeSummary(
  summary: BatchSummary,
  files: { features: string; featuresParquet: string; summary: string },
): string {
  const { counts, failures, cost } = summary;
  const lines = [
    `batch ${summary.batchId}: ${counts.COMPLETED} completed, ${counts.FAILED} failed` +
      (counts.invalidOutcomes > 0 ? `, ${counts.invalidOutcomes} unreadable outcomes` : ''),
    ...failures.items.map(
      (f) => `  ${f.item}: ${f.stage} ${f.code}${f.message ? `: ${oneLine(f.message)}` : ''}`,
    ),
    ...Object.entries(summary.missingInputs).map(
      ([feature, studies]) => `  input ${feature} missing in ${studies} of ${counts.COMPLETED} completed`,
    ),
    `  in the cloud: about $${cost.usd.total.toFixed(2)} (${cost.region} list prices, ${cost.instanceType})`,
    `  ${files.features}`,
    `  ${files.featuresParquet}`,
    `  ${files.summary}`,
  ];
  return lines.join('\n');
}

/** A failure's message on the summary's one line per item. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
