import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { StudyStatus } from '../../core/study/status';
import { resultKeys, studyKeys, type RunIdentity } from '../../core/study/keys';
import { s3Presigner } from './aws-clients';

/** Long enough to open the report from the API's answer, short enough that a forwarded link soon dies. */
export const REPORT_URL_SECONDS = 15 * 60;

/**
 * A presigned GET of the study's report, for the results API to return as `reportUrl`: a completed study's
 * is its manifest version's own (results/{id}/v-{digest}/report.html, written before COMPLETED), a failed
 * study's is results/{id}/report.html. Signing makes no request: the caller checks the status first.
 */
export async function reportUrl(
  bucket: string,
  study: RunIdentity & { status: StudyStatus },
): Promise<string> {
  return getSignedUrl(
    s3Presigner,
    new GetObjectCommand({
      Bucket: bucket,
      Key: study.status === 'COMPLETED' ? resultKeys(study).report : studyKeys.report(study.studyId),
      ResponseContentType: 'text/html; charset=utf-8',
    }),
    { expiresIn: REPORT_URL_SECONDS },
  );
}
