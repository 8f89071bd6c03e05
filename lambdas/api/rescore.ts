import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import type { StudyRun } from '../../core/pipeline/run';
import { MODEL_VERSION_PATTERN, modelPrefix } from '../../core/study/model-keys';
import { rescoreExecutionName } from '../../core/study/rescore-execution';
import { isStudyId } from '../../core/study/study-id';
import { s3, sfn } from '../shared/aws-clients';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { getStudy } from '../shared/studies-table';
import { INVALID_STUDY_ID, refusal, type ApiAnswer } from './answers';

const rescoreRequest = z.strictObject({
  modelVersion: z
    .string()
    .regex(MODEL_VERSION_PATTERN, 'a model version is 1–64 of [A-Za-z0-9._-]')
    .refine((v) => v !== '.' && v !== '..', 'a model version is not "." or ".."'),
});

/**
 * POST /studies/{studyId}/rescore: scores a COMPLETED study again with another fusion model version, from
 * the artifacts its run kept (Fuse alone: no upload, no GPU time). Answers 202 once the study state machine
 * runs it; the result is replaced when Fuse finishes (GET /studies/{studyId}, `rescore`).
 */
export async function requestRescore(studyId: string, body: string | null): Promise<ApiAnswer> {
  if (!isStudyId(studyId)) return INVALID_STUDY_ID;
  const parsed = rescoreRequest.safeParse(parseJson(body));
  if (!parsed.success)
    return refusal(
      400,
      'INVALID_BODY',
      `body must be {"modelVersion": "V"}: ${z.prettifyError(parsed.error)}`,
    );
  const { modelVersion } = parsed.data;

  const study = await getStudy(studyId);
  if (!study) return refusal(404, 'NOT_FOUND', `no study ${studyId}`);
  if (study.status !== 'COMPLETED')
    return refusal(
      409,
      'STUDY_NOT_COMPLETED',
      `study ${studyId} is ${study.status}: only a COMPLETED study is rescored (its run's artifacts are the input)`,
    );
  const modelsBucket = requiredEnv(FUNCTION_ENV.modelsBucket);
  const card = `${modelPrefix('xgboost', modelVersion)}model-card.json`;
  if (!(await objectExists(modelsBucket, card)))
    return refusal(
      404,
      'MODEL_NOT_FOUND',
      `no fusion model version ${modelVersion}: ${card} is not in the models bucket`,
    );

  const executionName = rescoreExecutionName({
    studyId,
    manifestVersion: study.manifestVersion,
    resultModelVersion: (study.result as { model?: { version?: string } } | undefined)?.model?.version,
    lastRescoreAt: study.rescore?.at,
    modelVersion,
  });
  const run: StudyRun = {
    studyId,
    manifestVersion: study.manifestVersion,
    bucket: requiredEnv(FUNCTION_ENV.studiesBucket),
    artifacts: {},
    mode: 'rescore',
    fusionModelVersion: modelVersion,
  };
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: requiredEnv(FUNCTION_ENV.stateMachineArn),
        name: executionName,
        input: JSON.stringify(run),
      }),
    );
    logger.info('rescore started', { studyId, executionName, modelVersion });
  } catch (error) {
    // The same request against the same study state: that rescore is already under way or done.
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    logger.info('rescore already started', { studyId, executionName, modelVersion });
  }
  return { status: 202, body: { studyId, executionName, modelVersion } };
}

/** HeadObject answers 404 for a missing key only with s3:ListBucket; the API role has it (results-api.ts). */
async function objectExists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof NotFound) return false;
    throw error;
  }
}

function parseJson(body: string | null): unknown {
  try {
    return JSON.parse(body ?? '') as unknown;
  } catch {
    return undefined;
  }
}
