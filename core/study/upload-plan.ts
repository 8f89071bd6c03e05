import { z } from 'zod';
import type { ValidationIssue } from '../input/issues';
import { LIMITS } from '../input/limits';
import { CLINICAL_FILE, MANIFEST_FILE, checkManifest, manifestSchema } from '../ingest/manifest';
import { studyKeys } from './keys';
import { STUDY_ID_PATTERN } from './study-id';

/**
 * Body of `POST /studies`: the files the client is about to upload, exactly as its manifest will list them
 * (`clinical.json` and `image/...`, with sizes and optionally sha256), and optionally a studyId of its own.
 */
export const uploadRequestSchema = z.strictObject({
  studyId: z.string().regex(STUDY_ID_PATTERN, 'expected 1 to 64 characters of [A-Za-z0-9_-]').optional(),
  // clinical.json beside the largest series allowed: bounds the work before the listing rules run.
  files: manifestSchema.shape.files.max(LIMITS.maxFiles + 1),
  /** The first upload of the page asked for: the `next` of the page before (with that page's studyId). */
  from: z.number().int().min(0).optional(),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/**
 * One answer of `POST /studies` holds at most this many upload URLs, and at most this many bytes of them.
 * Lambda answers a synchronous call with at most 6 MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and a presigned PUT URL signed with a session token is about 1.8 KB: the 4,002 uploads of the largest
 * study (clinical.json, 4,000 image files, the manifest) would not fit in one answer. The byte budget
 * keeps a third of the limit spare.
 */
export const UPLOAD_PAGE = { maxUploads: 1000, maxBytes: 4 * 1024 * 1024 } as const;

/** One upload as `POST /studies` answers it. */
export interface SignedUpload {
  path: string;
  key: string;
  url: string;
}

export interface PlannedUpload {
  /** Relative to the study folder: `clinical.json`, `image/...` or `manifest.json`. */
  path: string;
  key: string;
  /** Declared size in bytes; absent for the manifest, which the client writes after the plan. */
  size?: number;
}

export type UploadPlan = { ok: true; uploads: PlannedUpload[] } | { ok: false; issues: ValidationIssue[] };

/**
 * The uploads of one study in the order a client makes them: clinical.json, the image files, the manifest
 * last because its arrival starts the run. A listing the Validate step would refuse (no clinical.json or
 * image, an unsafe path, a duplicate, over a limit) is refused here, before a byte is sent.
 */
export function planUpload(studyId: string, request: UploadRequest): UploadPlan {
  const files = request.files;
  const { issues } = checkManifest({ schemaVersion: 1, files }, files);
  if (issues.length > 0) return { ok: false, issues };
  const ordered = [
    ...files.filter((f) => f.path === CLINICAL_FILE),
    ...files.filter((f) => f.path !== CLINICAL_FILE),
  ];
  const prefix = studyKeys.incomingPrefix(studyId);
  return {
    ok: true,
    uploads: [
      ...ordered.map(({ path, size }) => ({ path, key: prefix + path, size })),
      { path: MANIFEST_FILE, key: studyKeys.manifest(studyId) },
    ],
  };
}

/** Where a page of the plan's uploads starts, or why `from` names none. */
export function pageStart(
  plan: { uploads: PlannedUpload[] },
  request: Pick<UploadRequest, 'studyId' | 'from'>,
): { ok: true; from: number } | { ok: false; message: string } {
  const from = request.from ?? 0;
  if (from > 0 && request.studyId === undefined)
    return { ok: false, message: 'from needs the studyId that the first page answered with' };
  if (from >= plan.uploads.length)
    return { ok: false, message: `from is ${from}; this listing has ${plan.uploads.length} uploads` };
  return { ok: true, from };
}
