import { describeFailure, type StudyFailure } from '../../core/pipeline/failure';
import { modeOf, type FailureInput, type StudyRun } from '../../core/pipeline/run';
import { batchKeys, type BatchOutcome } from '../../core/batch/outcome';
import { failureReportHtml } from '../../core/report/failure-report';
import { studyKeys } from '../../core/study/keys';
import { failureMetrics } from '../../core/pipeline/transition-metrics';
import { logger } from '../shared/logger';
import { publishPoints } from '../shared/metrics';
import { putJson, putText } from '../shared/s3-objects';
import { moveStatus, recordRescore } from '../shared/studies-table';
import { perInvocation } from '../shared/per-invocation';

export const handler = perInvocation(recordFailure);

/**
 * After any step's Catch: writes rejected/{id}/reason.json and results/{id}/report.html (a short report of
 * the errors, in place of a result) and marks the study FAILED with stage, code and message. The originals
 * under incoming/ are left where they are. A failed rescore leaves the study's result as it was; a failed
 * run of a batch becomes that study's FAILED outcome in the batch.
 */
async function recordFailure({ run, stage, error }: FailureInput): Promise<StudyFailure> {
  logger.appendKeys({ studyId: run.studyId, stage });
  const failure = describeFailure(stage, error);
  // A study's status change publishes its failure (studies-table.ts); a batch run or a rescore leaves the
  // study's status as it is, so its failure is counted here.
  if (run.batchId !== undefined || modeOf(run) === 'rescore') publishPoints(failureMetrics(failure));
  if (run.batchId !== undefined) return recordBatchFailure({ ...run, batchId: run.batchId }, failure);
  if (modeOf(run) === 'rescore') {
    // The study keeps the result it had; the rescore's failure is recorded beside it.
    await recordRescore(run, { error: failure });
    logger.error('rescore failed', { code: failure.code });
    return failure;
  }
  // A run overtaken by a newer manifest version leaves the newer run's record alone.
  if (!(await moveStatus(run, 'FAILED', { error: failure }))) {
    logger.warn('failure of a superseded run not recorded', { code: failure.code });
    return failure;
  }
  const failedAt = new Date().toISOString();
  await putJson(run.bucket, studyKeys.rejection(run.studyId), {
    studyId: run.studyId,
    manifestVersion: run.manifestVersion,
    failedAt,
    ...failure,
  });
  await putText(
    run.bucket,
    studyKeys.report(run.studyId),
    failureReportHtml({ studyId: run.studyId, failure, failedAt }),
    'text/html; charset=utf-8',
  );
  logger.error('study failed', { code: failure.code });
  return failure;
}

async function recordBatchFailure(
  run: StudyRun & { batchId: string },
  failure: StudyFailure,
): Promise<StudyFailure> {
  const outcome: BatchOutcome = {
    status: 'FAILED',
    studyId: run.studyId,
    manifestVersion: run.manifestVersion,
    batchId: run.batchId,
    mode: modeOf(run),
    finishedAt: new Date().toISOString(),
    ...failure,
  };
  await putJson(run.bucket, batchKeys.outcome(run.batchId, run.studyId), outcome);
  logger.error('batch study failed', { batchId: run.batchId, code: failure.code });
  return failure;
}
