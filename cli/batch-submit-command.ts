import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { BATCH_ID_PATTERN } from '../core/batch/outcome';
import type { BatchExecutionInput } from '../core/pipeline/batch-execution';
import type { RunMode } from '../core/pipeline/run';
import { INCOMING_PREFIX } from '../core/study/keys';
import { MODEL_VERSION_PATTERN } from '../core/study/model-keys';
import {
  batchClients,
  isStateMachineArn,
  listUploadedStudies,
  MANIFEST_OF_STUDY,
  parseS3Url,
  startBatch,
  uploadItemList,
  type BatchClients,
} from './batch-cloud';
import { itemListCsv, itemListFromCsv } from './batch-item-list';
import { BATCH_STATE_MACHINE_ENV } from './commands';
import { EXIT, reportError, type CommandContext, usageError } from './io';

export interface BatchSubmitInput {
  source: string;
  mode?: RunMode;
  modelVersion?: string;
  maxConcurrency?: number;
  toleratedFailurePercent?: string;
  batchId?: string;
  bucket?: string;
  stateMachine?: string;
  region?: string;
}

/**
 * `sap batch submit`: writes the batch's item list to `batches/{batchId}/items.csv` in the studies bucket
 * (from the studies uploaded under an S3 prefix, or from a local manifest list) and starts the batch state
 * machine with the batch id as the execution name. Exit 0 started, 1 the list was refused (no studies, bad
 * rows, the batch id taken), 2 usage or AWS errors.
 */
export async function batchSubmitCommand(input: BatchSubmitInput, ctx: CommandContext): Promise<number> {
  const request = readRequest(input, ctx.env);
  if (typeof request === 'string') return usageError(ctx, request);
  const clients = batchClients(request.stateMachineArn, request.region);
  try {
    const list = await studiesOf(request.source, clients, ctx);
    if (typeof list === 'string') {
      reportError(ctx, 'INPUT_REJECTED', list);
      return EXIT.rejected;
    }
    const key = await uploadItemList(clients.s3, list.bucket, request.batchId, itemListCsv(list.studyIds));
    const executionArn = await startBatch(clients.sfn, request.stateMachineArn, request.batchId, {
      ...request.settings,
      itemList: { bucket: list.bucket, key },
    });
    const started = {
      batchId: request.batchId,
      executionArn,
      studies: list.studyIds.length,
      itemList: `s3://${list.bucket}/${key}`,
    };
    ctx.io.out(
      ctx.json
        ? JSON.stringify(started, null, 2)
        : `batch ${request.batchId}: ${started.studies} studies started\n` +
            `  follow it: sap batch status ${request.batchId} --state-machine ${request.stateMachineArn} --wait`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) {
      reportError(ctx, 'BATCH_EXISTS', `batch id ${request.batchId} is taken: pass another --batch-id`);
      return EXIT.rejected;
    }
    reportError(ctx, (error as Error).name || 'AWS_ERROR', (error as Error).message);
    return EXIT.usage;
  }
}

/** Where the batch's studies come from: those uploaded under an S3 prefix, or a local manifest list. */
type StudySource =
  | { kind: 'prefix'; url: string; bucket: string; prefix: string }
  | { kind: 'list'; path: string; bucket: string };

interface SubmitRequest {
  source: StudySource;
  batchId: string;
  stateMachineArn: string;
  region?: string;
  settings: Omit<BatchExecutionInput, 'itemList'>;
}

/** The arguments, checked; a message for the user when they do not make a batch. */
function readRequest(input: BatchSubmitInput, env: NodeJS.ProcessEnv): SubmitRequest | string {
  const { source, mode, modelVersion, maxConcurrency: concurrency } = input;
  const stateMachineArn = input.stateMachine ?? env[BATCH_STATE_MACHINE_ENV];
  const tolerated = input.toleratedFailurePercent;
  const batchId = input.batchId ?? newBatchId();
  if (!stateMachineArn)
    return `which batch state machine? Pass --state-machine ARN (the stack output BatchStateMachineArn) or set $${BATCH_STATE_MACHINE_ENV}`;
  if (!isStateMachineArn(stateMachineArn))
    return `${JSON.stringify(stateMachineArn)} is not a state machine ARN`;
  if (modelVersion !== undefined && !MODEL_VERSION_PATTERN.test(modelVersion))
    return `--model-version ${JSON.stringify(modelVersion)} is not a model version ([A-Za-z0-9._-]{1,64})`;
  if (mode === 'rescore' && modelVersion === undefined)
    return '--mode rescore needs --model-version: a rescore scores again with another fusion model';
  if (tolerated !== undefined && !(/^\d+(\.\d+)?$/.test(tolerated) && Number(tolerated) <= 100))
    return '--tolerated-failure-percent is a number from 0 to 100';
  if (!BATCH_ID_PATTERN.test(batchId)) return '--batch-id must match [A-Za-z0-9_-]{1,64}';
  const studies = studySource(source, input.bucket);
  if (typeof studies === 'string') return studies;
  return {
    source: studies,
    batchId,
    stateMachineArn,
    region: input.region,
    settings: {
      ...(mode ? { mode } : {}),
      ...(modelVersion ? { fusionModelVersion: modelVersion } : {}),
      ...(concurrency ? { maxConcurrency: concurrency } : {}),
      ...(tolerated ? { toleratedFailurePercentage: Number(tolerated) } : {}),
    },
  };
}

/** The source argument and --bucket as a study source; a message when they do not make one. */
function studySource(source: string, bucket: string | undefined): StudySource | string {
  const url = parseS3Url(source);
  if (!url) {
    if (bucket === undefined)
      return `${source} is a local manifest list: --bucket must name the studies bucket (the stack output StudiesBucket)`;
    return { kind: 'list', path: source, bucket };
  }
  if (bucket !== undefined && bucket !== url.bucket)
    return `--bucket ${bucket} differs from the bucket of ${source}`;
  const prefix = url.prefix === '' ? INCOMING_PREFIX : url.prefix;
  if (!prefix.startsWith(INCOMING_PREFIX))
    return `${source}: studies are uploaded under ${INCOMING_PREFIX}; give s3://${url.bucket}/${INCOMING_PREFIX}[start of study ids]`;
  return { kind: 'prefix', url: source, bucket: url.bucket, prefix };
}

/**
 * The studies of the batch and the bucket they are in: those uploaded under an S3 prefix, or those a local
 * manifest list names. A message when there are none or the list is wrong.
 */
async function studiesOf(
  source: StudySource,
  { s3 }: BatchClients,
  ctx: CommandContext,
): Promise<{ bucket: string; studyIds: string[] } | string> {
  if (source.kind === 'prefix') {
    const found = await listUploadedStudies(s3, source.bucket, source.prefix);
    if (found.withoutManifest.length > 0 && !ctx.json)
      ctx.io.err(
        `left out ${found.withoutManifest.length} study folders without ${MANIFEST_OF_STUDY} (incomplete uploads): ` +
          found.withoutManifest.slice(0, 10).join(', ') +
          (found.withoutManifest.length > 10 ? ', …' : ''),
      );
    if (found.studyIds.length === 0) return `no uploaded study (with its manifest.json) under ${source.url}`;
    return { bucket: source.bucket, studyIds: found.studyIds };
  }
  let text: string;
  try {
    text = await readFile(source.path, 'utf8');
  } catch (error) {
    return `cannot read ${source.path}: ${(error as Error).message}`;
  }
  const list = itemListFromCsv(text);
  if (list.problems.length > 0) return `${source.path} is not a manifest list:\n${list.problems.join('\n')}`;
  if (list.studyIds.length === 0) return `${source.path} lists no study`;
  if (list.duplicates.length > 0 && !ctx.json)
    ctx.io.err(`listed more than once, run once: ${list.duplicates.join(', ')}`);
  return { bucket: source.bucket, studyIds: list.studyIds };
}

/** `batch-20250301-120501-3f9a`: sortable by start, unique enough for one hospital's batches. */
function newBatchId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `batch-${stamp}-${randomBytes(2).toString('hex')}`;
}
