import { readFile } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeIssue } from '../../core/input/issues';
import type { Manifest } from '../../core/ingest/manifest';
import { mapLimited } from '../../core/async/map-limited';
import { planUpload } from '../../core/study/upload-plan';
import { readStudyFolder } from '../study-folder';

/** Files put at once: a DICOM series of hundreds of slices goes up a few at a time. */
const UPLOAD_CONCURRENCY = 4;

export type StudyUpload = { ok: true } | { ok: false; message: string };

/**
 * Uploads a study folder to incoming/{studyId}/ as `sap submit` does (the folder read the same way, the
 * same listing rules, the manifest rebuilt from what is on disk and written last), straight to the S3
 * endpoint. A folder those rules refuse is not uploaded: the reason comes back instead.
 */
export async function uploadStudyFolder(
  s3: S3Client,
  bucket: string,
  studyId: string,
  folder: string,
): Promise<StudyUpload> {
  const study = await readStudyFolder(folder);
  const listed = study.files.map(({ path, size, sha256 }) => ({ path, size, sha256 }));
  const plan = planUpload(studyId, { studyId, files: listed });
  const problems = [...study.problems, ...(plan.ok ? [] : plan.issues.map(describeIssue))];
  if (!plan.ok || problems.length > 0) return { ok: false, message: problems.join('\n') };

  const sources = new Map(study.files.map((f) => [f.path, f.source]));
  const manifest: Manifest = {
    schemaVersion: 1,
    studyId,
    files: listed,
    ...(study.image ? { image: study.image } : {}),
  };
  const put = (key: string, body: Uint8Array) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  // The plan ends with the manifest: every file first, the manifest last.
  const fileUploads = plan.uploads.slice(0, -1);
  await mapLimited(fileUploads, UPLOAD_CONCURRENCY, async (upload) =>
    put(upload.key, await readFile(sources.get(upload.path)!)),
  );
  await put(plan.uploads.at(-1)!.key, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
  return { ok: true };
}
