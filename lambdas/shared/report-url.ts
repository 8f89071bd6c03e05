import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { studyKeys } from '../../core/study/keys';
import { s3Presigner } from './aws-clients';

/** Long enough to open the report from the API's answer, short enough that a forwarded link soon dies. */
export const REPORT_URL_SECONDS = 15 * 60;

/**
 * A presigned GET of results/{id}/report.html, for the results API to return as `reportUrl` of a completed
 * (or failed) study. Signing makes no request: the caller checks the study's status first.
 */
export async function reportUrl(bucket: string, studyId: string): Promise<string> {
  return getSignedUrl(
    s3Presigner,
    new GetObjectCommand({
      Bucket: bucket,
      Key: studyKeys.report(studyId),
      ResponseContentType: 'text/html; charset=utf-8',
    }),
    { expiresIn: REPORT_URL_SECONDS },
  );
}
