import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { batchKeys, type BatchOutcome } from '../../core/batch/outcome';
import { batchOutputs, type BatchOutputs } from '../../core/batch/outputs';
import { parseBatchOutcome } from '../../core/batch/parse-outcome';
import { DEFAULT_BATCH_PRICING } from '../../core/batch/summary';
import { mapLimited } from '../../core/async/map-limited';
import type { RunMode, StudyRun } from '../../core/pipeline/run';
import { executionNameFor } from '../../core/study/study-id';
import { readBatchOutcomes, writeBatchOutputs } from '../../lambdas/batch-summary/batch-store';
import { runAs } from '../stack/iam/caller-context';
import { recordSyncChildExecution } from '../stack/iam/implied-calls';
import { BATCH_STATE_MACHINE } from '../stack/iam/principals';
import { LOCAL_NAMES } from '../stack/local-env';
import type { LocalStack } from '../stack/stack';
import type { ExecutionRecord } from '../stack/step-functions/service';
import { openBatchRecord } from './batch-record';
import { ExecutionWatch } from './execution-watch';
import { readBatchFolder, type StudyFolderItem } from './study-folders';
import { uploadStudyFolder } from './upload-study';

export interface LocalBatchOptions {
  /** A folder of study folders, each named by its study id. */
  folder: string;
  batchId: string;
  mode: RunMode;
  fusionModelVersion?: string;
  /** Studies in flight at once. */
  workers: number;
  /** Stops starting studies and returns at once; the stack's stop then interrupts the runs in flight. */
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
}

export type ItemStatus = 'COMPLETED' | 'FAILED' | 'SKIPPED';

export interface BatchProgress {
  /** Items in the folder: studies and folders that cannot be one. */
  total: number;
  done: number;
  completed: number;
  failed: number;
  /** Studies completed by an earlier run of the batch, not run again. */
  skipped: number;
  /** The item that just ended, with a failure's code and message; absent in the first report. */
  ended?: { item: string; status: ItemStatus; code?: string; message?: string };
}

export type LocalBatchResult =
  | { interrupted: true; progress: BatchProgress }
  | { interrupted: false; progress: BatchProgress; outputs: BatchOutputs };

/**
 * A batch over a folder of studies on the local stack, as the batch state machine runs one in the cloud:
 * each study is uploaded under incoming/{studyId}/, the batch item function turns it into a run of the
 * batch, and the single-study state machine runs it, a bounded number at once. Resumable: a study whose
 * outcome in the batch is COMPLETED is not run again, and runs an interrupted process left are resumed by
 * the stack and awaited here. At the end, the batch summary logic writes features.csv and summary.json
 * under batches/{batchId}/. The stack must be started with `manifestTrigger: false`.
 */
export async function runLocalBatch(
  stack: LocalStack,
  options: LocalBatchOptions,
): Promise<LocalBatchResult> {
  const { batchId, mode, fusionModelVersion } = options;
  const bucket = stack.s3.studiesBucket;
  const s3 = stack.s3Client;
  const signal = options.signal ?? new AbortController().signal;
  const record = await openBatchRecord(s3, bucket, { batchId, mode, fusionModelVersion });
  const folder = await readBatchFolder(options.folder);
  // Running executions first: one that ends meanwhile is then either awaited or found completed.
  const resumed = runningExecutionsOf(stack, batchId);
  const before = await readBatchOutcomes(s3, bucket, batchId);
  const completedBefore = new Set(
    before.outcomes.filter((o) => o.status === 'COMPLETED').map((o) => o.studyId),
  );

  const progress: BatchProgress = {
    total: folder.studies.length + folder.refused.length,
    done: folder.refused.length,
    completed: 0,
    failed: folder.refused.length,
    skipped: 0,
  };
  const report = (item: string, status: ItemStatus, failure?: { code: string; message: string }) => {
    progress.done++;
    if (status === 'COMPLETED') progress.completed++;
    else if (status === 'FAILED') progress.failed++;
    else progress.skipped++;
    options.onProgress?.({ ...progress, ended: { item, status, ...failure } });
  };
  options.onProgress?.({ ...progress });

  const watch = new ExecutionWatch(stack.stepFunctions);
  // Execution names are unique per run of the command: a study retried by a later run gets a new execution.
  const session = randomUUID();
  const runStudy = async (study: StudyFolderItem): Promise<BatchOutcome> => {
    const running = resumed.get(study.studyId);
    if (running) return outcomeOfExecution(running.record, running.run);
    // A study retried after a failure: the outcome read at the end must be this run's.
    await s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: batchKeys.outcome(batchId, study.studyId) }),
    );
    const upload = await uploadStudyFolder(s3, bucket, study.studyId, study.folder);
    if (!upload.ok) return writeOutcome(failure(study.studyId, 'Upload', 'INPUT_REJECTED', upload.message));
    // The batch state machine's Map runs these two, with its role (the IAM check, local/stack/iam/).
    const item = await runAs(BATCH_STATE_MACHINE, () =>
      // The function the Map runs first for each item (lambdas/batch-item), as the stack defines it.
      stack.invoke(
        'BatchItem',
        {
          batchId,
          bucket,
          mode,
          ...(fusionModelVersion ? { fusionModelVersion } : {}),
          item: { studyId: study.studyId },
        },
        signal,
      ),
    );
    if (!item.ok)
      // Where the function could, it wrote the study's FAILED outcome itself.
      return (
        (await readOutcome(study.studyId)) ??
        writeOutcome(
          failure(
            study.studyId,
            'BatchItem',
            item.error.Error ?? 'INTERNAL_ERROR',
            messageOf(item.error.Cause),
          ),
        )
      );
    const run = item.payload as StudyRun;
    const started = stack.stepFunctions.startExecution({
      stateMachineArn: LOCAL_NAMES.stateMachineArn,
      name: executionNameFor(study.studyId, `${batchId}:${session}:${run.manifestVersion}`),
      input: JSON.stringify(run),
    });
    runAs(BATCH_STATE_MACHINE, () =>
      recordSyncChildExecution(LOCAL_NAMES.stateMachineArn, started.executionArn),
    );
    return outcomeOfExecution(started, run);
  };

  /** The outcome the run wrote; a run that ended without one (a fault of the runner) gets a FAILED one. */
  const outcomeOfExecution = async (execution: { executionArn: string }, run: StudyRun) => {
    const ended = await watch.ended(execution.executionArn, signal);
    return (
      (await readOutcome(run.studyId)) ??
      writeOutcome({
        ...failure(run.studyId, 'Execution', ended.error ?? ended.status, describeEnd(ended)),
        manifestVersion: run.manifestVersion,
      })
    );
  };
  const failure = (studyId: string, stage: string, code: string, message: string): BatchOutcome => ({
    status: 'FAILED',
    studyId,
    batchId,
    mode,
    finishedAt: new Date().toISOString(),
    stage,
    code,
    message,
  });
  const writeOutcome = async (outcome: BatchOutcome) => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: batchKeys.outcome(batchId, outcome.studyId),
        Body: JSON.stringify(outcome, null, 2),
        ContentType: 'application/json',
      }),
    );
    return outcome;
  };
  const readOutcome = (studyId: string) => readStoredOutcome(s3, bucket, batchId, studyId);

  try {
    await mapLimited(folder.studies, options.workers, async (study) => {
      if (signal.aborted) return;
      if (completedBefore.has(study.studyId)) return report(study.studyId, 'SKIPPED');
      try {
        const outcome = await runStudy(study);
        report(
          study.studyId,
          outcome.status,
          outcome.status === 'FAILED' ? { code: outcome.code, message: outcome.message } : undefined,
        );
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    });
    if (signal.aborted) return { interrupted: true, progress: { ...progress } };
    // Every resumed run ends before the summary, also those of studies skipped or no longer in the folder.
    for (const { record } of resumed.values()) await watch.ended(record.executionArn, signal);
  } finally {
    watch.close();
  }

  const stored = await readBatchOutcomes(s3, bucket, batchId);
  const outputs = batchOutputs({
    batchId,
    outcomes: stored.outcomes,
    invalidOutcomes: stored.invalid,
    refusedItems: folder.refused,
    startedAt: record.startedAt,
    // Local inference runs on CPU: the GPU cost comes from the cost model's time per study.
    pricing: { ...DEFAULT_BATCH_PRICING, gpuSecondsBasis: 'cost-model' },
  });
  await writeBatchOutputs(s3, bucket, batchId, outputs);
  return { interrupted: false, progress: { ...progress }, outputs };
}

/** Runs of this batch that an interrupted process left and the stack resumed, by study id. */
function runningExecutionsOf(
  stack: LocalStack,
  batchId: string,
): Map<string, { record: ExecutionRecord; run: StudyRun }> {
  const running = new Map<string, { record: ExecutionRecord; run: StudyRun }>();
  for (const record of stack.stepFunctions.listExecutions()) {
    if (record.status !== 'RUNNING') continue;
    const run = JSON.parse(record.input) as StudyRun;
    if (run.batchId === batchId) running.set(run.studyId, { record, run });
  }
  return running;
}

async function readStoredOutcome(
  s3: S3Client,
  bucket: string,
  batchId: string,
  studyId: string,
): Promise<BatchOutcome | undefined> {
  const key = batchKeys.outcome(batchId, studyId);
  const text = await s3
    .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    .then((object) => object.Body!.transformToString())
    .catch((error: unknown) => {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    });
  if (text === undefined) return undefined;
  const parsed = parseBatchOutcome(batchId, key, text);
  return parsed.ok ? parsed.outcome : undefined;
}

function describeEnd(record: ExecutionRecord): string {
  return `the run ended ${record.status}${record.cause ? ` (${record.cause})` : ''} without writing its outcome`;
}

/** Lambda reports a thrown error as JSON `{errorType, errorMessage, trace}`: its message, without the trace. */
function messageOf(cause: string | undefined): string {
  try {
    const parsed = JSON.parse(cause ?? '') as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // plain text: the cause is the message
  }
  return cause ?? '';
}
