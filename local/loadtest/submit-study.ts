import { createHash } from 'node:crypto';
import { MANIFEST_FILE } from '../../core/ingest/manifest';
import { mapLimited } from '../../core/async/map-limited';
import type { UploadRequest } from '../../core/study/upload-plan';
import { ResultsApiClient } from '../api-client';
import { putPresigned } from '../presigned-upload';

/** Parallel uploads of one study's files, as `sap submit` makes them. */
const UPLOAD_CONCURRENCY = 4;

export interface Submission {
  /** When the client began (before POST /studies), ms since the epoch. */
  startedAt: number;
  /** When the manifest upload (the last) was acknowledged. */
  uploadedAt: number;
  /** Manifest uploads made: 2 when the manifest was sent again (a duplicate event). */
  manifestUploads: number;
}

/**
 * Submits one study as `sap submit` does: POST /studies with the files its manifest lists, a PUT to each
 * presigned URL, the manifest last. With `repeatManifest` the manifest goes up twice, byte for byte: S3
 * then reports the same object version again, as an event delivered twice.
 */
export async function submitStudy(
  apiUrl: string,
  studyId: string,
  files: Record<string, Uint8Array>,
  repeatManifest = false,
): Promise<Submission> {
  const startedAt = Date.now();
  const manifest = files[MANIFEST_FILE];
  if (!manifest) throw new Error(`study ${studyId} has no ${MANIFEST_FILE}`);
  const request: UploadRequest = {
    studyId,
    files: Object.entries(files)
      .filter(([path]) => path !== MANIFEST_FILE)
      .map(([path, bytes]) => ({
        path,
        size: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      })),
  };
  const plan = await new ResultsApiClient({ baseUrl: apiUrl, signed: false }).createStudy(request);
  if (plan.studyId !== studyId) throw new Error(`asked for study ${studyId}, got ${plan.studyId}`);
  const manifestUpload = plan.uploads.find((u) => u.path === MANIFEST_FILE);
  if (!manifestUpload) throw new Error(`the upload plan of ${studyId} has no ${MANIFEST_FILE}`);
  await mapLimited(
    plan.uploads.filter((u) => u.path !== MANIFEST_FILE),
    UPLOAD_CONCURRENCY,
    async (upload) => {
      const bytes = files[upload.path];
      if (!bytes) throw new Error(`the upload plan of ${studyId} names ${upload.path}, not one of its files`);
      await putPresigned(upload.url, { bytes }, upload.path);
    },
  );
  const manifestUploads = repeatManifest ? 2 : 1;
  for (let n = 0; n < manifestUploads; n++)
    await putPresigned(manifestUpload.url, { bytes: manifest }, MANIFEST_FILE);
  return { startedAt, uploadedAt: Date.now(), manifestUploads };
}
