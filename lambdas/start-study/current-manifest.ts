import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { manifestVersionOfHead } from '../../core/pipeline/manifest-event';
import { studyKeys } from '../../core/study/keys';
import { s3 } from '../shared/aws-clients';

/** Whether an event's manifest version is still current, a newer upload replaced it, or none is left. */
export type ManifestStanding = 'current' | 'replaced' | 'gone';

/**
 * Asks S3 for the manifest's current version: the bucket is versioned, so an event whose `version-id` is
 * not the current one was overtaken by a later upload, whatever order the events arrive in. Where the
 * bucket is not versioned (the local S3 server), both sides are the ETag instead. S3 is read-after-write
 * consistent, so the version an event announces is visible by the time the event is delivered:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel
 * A missing key answers 404 only with s3:ListBucket, which the function's read grant includes.
 */
export async function manifestStanding(
  bucket: string,
  studyId: string,
  manifestVersion: string,
): Promise<ManifestStanding> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: studyKeys.manifest(studyId) }));
    return manifestVersionOfHead(head) === manifestVersion ? 'current' : 'replaced';
  } catch (error) {
    if (error instanceof NotFound) return 'gone';
    throw error;
  }
}
