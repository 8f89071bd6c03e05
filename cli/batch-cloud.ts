import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import { batchOutputKeys } from '../core/batch/outputs';
import type { BatchSummary } from '../core/batch/summary';
import {
  batchExecutionInputSchema,
  batchRunKeys,
  type BatchExecutionInput,
} from '../core/pipeline/batch-execution';
import { mapLimited } from '../core/async/map-limited';
import { INCOMING_PREFIX, MANIFEST_FILE, studyKeys } from '../core/study/keys';
import { isStudyId } from '../core/study/study-id';
import { unique } from './batch-item-list';

/** Listing requests in flight at once when checking each study folder for its manifest. */
const LIST_CONCURRENCY = 16;
/** `arn:aws:states:{region}:{account}:stateMachine:{name}` (any partition). */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:([A-Za-z0-9_-]{1,80})$/;

export interface BatchClients {
  s3: S3Client;
  sfn: SFNClient;
}

/** Clients of the batch machine's region (from its ARN unless given), with the AWS SDK's credential chain. */
export function batchClients(stateMachineArn: string, region?: string): BatchClients {
  const inArn = STATE_MACHINE_ARN.exec(stateMachineArn)?.[1];
  return { s3: new S3Client({ region: region ?? inArn }), sfn: new SFNClient({ region: region ?? inArn }) };
}

export function isStateMachineArn(value: string): boolean {
  return STATE_MACHINE_ARN.test(value);
}

/** The ARN of the execution that runs batch `batchId` (its name) on `stateMachineArn`. */
export function batchExecutionArn(stateMachineArn: string, batchId: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${batchId}`;
}

/** `s3://bucket/prefix` → its parts; undefined for anything else. */
export function parseS3Url(url: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  return match ? { bucket: match[1]!, prefix: match[2] ?? '' } : undefined;
}

/** The studies uploaded under `prefix`, and study folders there without a manifest (incomplete uploads). */
export interface UploadedStudies {
  studyIds: string[];
  withoutManifest: string[];
}

/**
 * The studies whose `incoming/{studyId}/manifest.json` exists under `prefix`: `incoming/` (every study) or
 * `incoming/{the start of study ids}`. Study folders are listed with a delimiter, so the thousands of image
 * files under each are never listed; each folder is then asked for its manifest.
 */
export async function listUploadedStudies(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<UploadedStudies> {
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
    );
    for (const { Prefix } of page.CommonPrefixes ?? []) {
      const studyId = Prefix?.slice(INCOMING_PREFIX.length, -1);
      if (studyId !== undefined && isStudyId(studyId)) folders.push(studyId);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const found = await mapLimited(folders, LIST_CONCURRENCY, async (studyId) => {
    const key = studyKeys.manifest(studyId);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
    return listed.Contents?.some((object) => object.Key === key) ?? false;
  });
  return {
    studyIds: unique(folders.filter((_, n) => found[n])).studyIds,
    withoutManifest: folders.filter((_, n) => !found[n]),
  };
}

/** Writes the item list to `batches/{batchId}/items.csv`, where the batch machine reads it. */
export async function uploadItemList(
  s3: S3Client,
  bucket: string,
  batchId: string,
  csv: string,
): Promise<string> {
  const key = batchRunKeys.itemListCsv(batchId);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: csv,
      ContentType: 'text/csv; charset=utf-8; header=present',
    }),
  );
  return key;
}

/** Starts the batch: one execution named by the batch id. Same name and input while running: the same one. */
export async function startBatch(
  sfn: SFNClient,
  stateMachineArn: string,
  batchId: string,
  input: BatchExecutionInput,
): Promise<string> {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn,
      name: batchId,
      input: JSON.stringify(batchExecutionInputSchema.parse(input)),
    }),
  );
  return started.executionArn ?? batchExecutionArn(stateMachineArn, batchId);
}

/** Item counts of the batch's Distributed Map run (DescribeMapRun). */
export interface MapItemCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
}

/** Where a batch stands: its execution, its Map run once started, and its summary once written. */
export interface BatchProgressView {
  batchId: string;
  status: ExecutionStatus;
  startedAt?: string;
  stoppedAt?: string;
  /** Why a failed batch failed (the Map's tolerated failures exceeded, a bad item list, ...). */
  error?: { code: string; cause?: string };
  settings?: Omit<BatchExecutionInput, 'itemList'>;
  items?: MapItemCounts;
  /** `s3://bucket/batches/{batchId}/` */
  location?: string;
  /** batches/{batchId}/summary.json, once the batch wrote it. */
  summary?: BatchSummary;
}

/**
 * DescribeExecution, then ListMapRuns + DescribeMapRun for the item counts, then, once the execution ended,
 * the summary the batch wrote beside its outcomes (in the bucket its item list is in).
 */
export async function readBatchProgress(
  { s3, sfn }: BatchClients,
  executionArn: string,
): Promise<BatchProgressView> {
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const batchId = execution.name ?? executionArn.split(':').at(-1)!;
  const parsedInput = batchExecutionInputSchema.safeParse(JSON.parse(execution.input ?? '{}'));
  const { itemList, ...settings } = parsedInput.success ? parsedInput.data : { itemList: undefined };
  const view: BatchProgressView = {
    batchId,
    status: execution.status ?? 'RUNNING',
    startedAt: execution.startDate?.toISOString(),
    stoppedAt: execution.stopDate?.toISOString(),
    ...(execution.error ? { error: { code: execution.error, cause: execution.cause } } : {}),
    ...(parsedInput.success ? { settings } : {}),
    ...(itemList ? { location: `s3://${itemList.bucket}/batches/${batchId}/` } : {}),
  };
  const [mapRun] = (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns ?? [];
  if (mapRun?.mapRunArn) {
    const { itemCounts } = await sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRun.mapRunArn }));
    if (itemCounts)
      view.items = {
        total: itemCounts.total ?? 0,
        pending: itemCounts.pending ?? 0,
        running: itemCounts.running ?? 0,
        succeeded: itemCounts.succeeded ?? 0,
        failed: itemCounts.failed ?? 0,
        timedOut: itemCounts.timedOut ?? 0,
        aborted: itemCounts.aborted ?? 0,
      };
  }
  if (view.status !== 'RUNNING' && itemList) view.summary = await readSummary(s3, itemList.bucket, batchId);
  return view;
}

async function readSummary(s3: S3Client, bucket: string, batchId: string): Promise<BatchSummary | undefined> {
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: batchOutputKeys.summary(batchId) }),
    );
    return JSON.parse((await object.Body?.transformToString('utf-8')) ?? '') as BatchSummary;
  } catch (error) {
    // A batch that failed before its summary (a bad item list) has none.
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

/** The manifest key every listed study must have (for messages). */
export const MANIFEST_OF_STUDY = `${INCOMING_PREFIX}{studyId}/${MANIFEST_FILE}`;
