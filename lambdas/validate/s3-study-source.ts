import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { StudyFile, StudySource } from '../../core/ingest/study-source';
import { s3 } from '../shared/aws-clients';
import { getBytes } from '../shared/s3-objects';

/**
 * The study under `incoming/{studyId}/` as a StudySource. Listing stops once past `maxFiles`, so an
 * upload of a million objects is reported as too many rather than listed to the end.
 */
export function s3StudySource(bucket: string, prefix: string, maxFiles: number): StudySource {
  return {
    async list() {
      const files: StudyFile[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key && !object.Key.endsWith('/'))
            files.push({ path: object.Key.slice(prefix.length), size: object.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token && files.length <= maxFiles);
      return files;
    },
    read: (path) => getBytes(bucket, prefix + path),
  };
}
