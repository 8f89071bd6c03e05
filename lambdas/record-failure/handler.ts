import { describeFailure, type StudyFailure } from '../../core/pipeline/failure';
import type { FailureInput } from '../../core/pipeline/run';
import { failureReportHtml } from '../../core/report/failure-report';
import { studyKeys } from '../../core/study/keys';
import { logger } from '../shared/logger';
import { putJson, putText } from '../shared/s3-objects';
import { moveStatus } from '../shared/studies-table';

/**
 * After any step's Catch: writes rejected/{id}/reason.json and results/{id}/report.html (a short report of
 * the errors, in place of a result) and marks the study FAILED with stage, code and message. The originals
 * under incoming/ are left where they are.
 */
export async function handler({ run, stage, error }: FailureInput): Promise<StudyFailure> {
  logger.appendKeys({ studyId: run.studyId, stage });
  const failure = describeFailure(stage, error);
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
