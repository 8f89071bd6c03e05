import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StudyFailure } from '../../core/pipeline/failure';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import type { StudyRun } from '../../core/pipeline/run';
import { transitionMetrics, type Before } from '../../core/pipeline/transition-metrics';
import { statusesBefore, type StudyStatus } from '../../core/study/status';
import { STUDIES_TABLE } from '../../core/study/table-layout';
import { dynamo } from './aws-clients';
import { requiredEnv } from './env';
import { publishPoints } from './metrics';

/** Prefix of the items that park a task token until the inference endpoint answers. */
const TOKEN_KEY_PREFIX = 'inference#';
/** Task tokens are kept a little longer than the longest wait for them. */
const TOKEN_TTL_SECONDS = 2 * 24 * 3600;

export interface StudyItem {
  studyId: string;
  status: StudyStatus;
  manifestVersion: string;
  /** S3 sequencer of that manifest upload, zero-padded, to order versions. */
  manifestSequencer?: string;
  executionName: string;
  updatedAt: string;
  /** When the study entered each status. */
  stages: Partial<Record<StudyStatus, string>>;
  error?: StudyFailure;
  result?: Record<string, unknown>;
  /** The latest rescore of a COMPLETED study: which fusion model version, and how it ended. */
  rescore?: RescoreRecord;
}

export interface RescoreRecord {
  modelVersion: string;
  status: 'COMPLETED' | 'FAILED';
  at: string;
  error?: StudyFailure;
}

export interface ParkedToken {
  taskToken: string;
  run: StudyRun;
}

const table = () => requiredEnv(FUNCTION_ENV.studiesTable);
const now = () => new Date().toISOString();

/** What became of a manifest arrival: a new version, a repeat of the current one, or an older one. */
export type Arrival = 'recorded' | 'repeated' | 'superseded';

/**
 * Records that a manifest version arrived and resets the study to RECEIVED for it. A repeated event for the
 * current version changes nothing; an event for a version older than the current one (by S3 sequencer)
 * changes nothing either, so a late event never moves a study back to an older upload.
 */
export async function recordReceived(
  run: StudyRun,
  executionName: string,
  sequencer?: string,
): Promise<Arrival> {
  const at = now();
  const item: StudyItem = {
    studyId: run.studyId,
    status: 'RECEIVED',
    manifestVersion: run.manifestVersion,
    manifestSequencer: sequencer,
    executionName,
    updatedAt: at,
    stages: { RECEIVED: at },
  };
  const newer = sequencer
    ? ' AND (attribute_not_exists(manifestSequencer) OR manifestSequencer < :sequencer)'
    : '';
  const recorded = await conditional(
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: item,
        ConditionExpression: `attribute_not_exists(studyId) OR (manifestVersion <> :version${newer})`,
        ExpressionAttributeValues: {
          ':version': run.manifestVersion,
          ...(sequencer ? { ':sequencer': sequencer } : {}),
        },
      }),
    ),
  );
  if (recorded) return 'recorded';
  const current = await getStudy(run.studyId);
  return current?.manifestVersion === run.manifestVersion ? 'repeated' : 'superseded';
}

/**
 * Moves the study of this run to `status`. Returns false, and changes nothing, when the study has moved on
 * to a newer manifest version or is already past `status`: a late or duplicate event never moves it back.
 */
export async function moveStatus(
  run: StudyRun,
  status: StudyStatus,
  extra: { error?: StudyFailure; result?: Record<string, unknown> } = {},
): Promise<boolean> {
  const allowed = statusesBefore(status);
  const values: Record<string, unknown> = {
    ':status': status,
    ':now': now(),
    ':version': run.manifestVersion,
  };
  allowed.forEach((s, i) => (values[`:from${i}`] = s));
  const sets = [
    '#status = :status',
    'updatedAt = :now',
    // The map key is the status entered (stages.VALIDATING), not the attribute name "status".
    'stages.#stage = if_not_exists(stages.#stage, :now)',
  ];
  for (const [name, value] of Object.entries(extra)) {
    sets.push(`#${name} = :${name}`);
    values[`:${name}`] = value;
  }
  const update = dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: { studyId: run.studyId },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: `manifestVersion = :version AND #status IN (${allowed.map((_, i) => `:from${i}`).join(', ')})`,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#stage': status,
        ...Object.fromEntries(Object.keys(extra).map((name) => [`#${name}`, name])),
      },
      ExpressionAttributeValues: values,
      // The old status and stage times give the time spent in the status left (stage metrics).
      ReturnValues: 'ALL_OLD',
    }),
  );
  if (!(await conditional(update))) return false;
  const before = (await update)?.Attributes as Before | undefined;
  if (before) publishPoints(transitionMetrics(before, status, new Date(values[':now'] as string), extra));
  return true;
}

/**
 * Ends a rescore of a COMPLETED study: with `result`, replaces its result; with `error`, records why the
 * rescore failed and keeps the result it had. Returns false, changing nothing, when the study is no longer
 * COMPLETED at the run's manifest version.
 */
export async function recordRescore(
  run: StudyRun,
  outcome: { result: Record<string, unknown> } | { error: StudyFailure },
): Promise<boolean> {
  const at = now();
  const rescore: RescoreRecord = {
    modelVersion: run.fusionModelVersion ?? 'deployed',
    status: 'result' in outcome ? 'COMPLETED' : 'FAILED',
    at,
    ...('error' in outcome ? { error: outcome.error } : {}),
  };
  const replacesResult = 'result' in outcome;
  return conditional(
    dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: { studyId: run.studyId },
        UpdateExpression: `SET rescore = :rescore, updatedAt = :now${replacesResult ? ', #result = :result' : ''}`,
        ConditionExpression: 'manifestVersion = :version AND #status = :completed',
        ExpressionAttributeNames: { '#status': 'status', ...(replacesResult ? { '#result': 'result' } : {}) },
        ExpressionAttributeValues: {
          ':rescore': rescore,
          ':now': at,
          ':version': run.manifestVersion,
          ':completed': 'COMPLETED',
          ...(replacesResult ? { ':result': outcome.result } : {}),
        },
      }),
    ),
  );
}

export async function getStudy(studyId: string): Promise<StudyItem | undefined> {
  const response = await dynamo.send(new GetCommand({ TableName: table(), Key: { studyId } }));
  return response.Item as StudyItem | undefined;
}

/** A page of the studies in `status`, most recently changed first. */
export async function listByStatus(
  status: StudyStatus,
  limit: number,
  cursor?: Record<string, unknown>,
): Promise<{ items: StudyItem[]; cursor?: Record<string, unknown> }> {
  return queryStatus(status, { limit, newestFirst: true, cursor });
}

/** When the least recently changed study in `status` last changed, if any study is in it. */
export async function oldestInStatus(status: StudyStatus): Promise<string | undefined> {
  const { items } = await queryStatus(status, { limit: 1, newestFirst: false });
  return items[0]?.updatedAt;
}

async function queryStatus(
  status: StudyStatus,
  page: { limit: number; newestFirst: boolean; cursor?: Record<string, unknown> },
): Promise<{ items: StudyItem[]; cursor?: Record<string, unknown> }> {
  const response = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: STUDIES_TABLE.statusIndex,
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
      ScanIndexForward: !page.newestFirst,
      Limit: page.limit,
      ExclusiveStartKey: page.cursor,
    }),
  );
  return { items: (response.Items ?? []) as StudyItem[], cursor: response.LastEvaluatedKey };
}

/** Keeps a task token, keyed by inference id, for the endpoint's notification to find. */
export async function parkTaskToken(inferenceId: string, parked: ParkedToken): Promise<void> {
  const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_TTL_SECONDS;
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: {
        studyId: TOKEN_KEY_PREFIX + inferenceId,
        ...parked,
        [STUDIES_TABLE.expiryAttribute]: expiresAt,
      },
    }),
  );
}

export async function findTaskToken(inferenceId: string): Promise<ParkedToken | undefined> {
  const response = await dynamo.send(
    new GetCommand({ TableName: table(), Key: { studyId: TOKEN_KEY_PREFIX + inferenceId } }),
  );
  return response.Item as ParkedToken | undefined;
}

export async function dropTaskToken(inferenceId: string): Promise<void> {
  await dynamo.send(
    new DeleteCommand({ TableName: table(), Key: { studyId: TOKEN_KEY_PREFIX + inferenceId } }),
  );
}

async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
