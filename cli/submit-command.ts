import { stat } from 'node:fs/promises';
import { describeIssue } from '../core/input/issues';
import { MANIFEST_FILE, type Manifest } from '../core/ingest/manifest';
import { mapLimited } from '../core/async/map-limited';
import { isStudyId } from '../core/study/study-id';
import { planUpload, type UploadRequest } from '../core/study/upload-plan';
import { ResultsApiClient, resolveApiTarget, type ApiOptions } from '../local/api-client';
import { putPresigned } from '../local/presigned-upload';
import { readStudyFolder, type FolderFile } from '../local/study-folder';
import { reportApiFailure } from './api-errors';
import { EXIT, reportError, type CommandContext, usageError } from './io';

export interface SubmitInput extends ApiOptions {
  studyFolder: string;
  studyId?: string;
}
/** Parallel uploads of a DICOM series: enough to hide latency, few enough for a hospital uplink. */
const UPLOAD_CONCURRENCY = 4;

/**
 * `sap submit`: asks the results API for a studyId and presigned URLs (POST /studies), uploads clinical.json
 * and the image, then the manifest last, which starts the run. Prints the studyId.
 */
export async function submitCommand(input: SubmitInput, ctx: CommandContext): Promise<number> {
  const { studyFolder: folder, studyId } = input;
  const target = resolveApiTarget(input, ctx.env);
  const usage = (message: string) => usageError(ctx, message);
  if (typeof target === 'string') return usage(target);
  if (studyId !== undefined && !isStudyId(studyId)) return usage('--study-id must match [A-Za-z0-9_-]{1,64}');
  if (!(await stat(folder).catch(() => undefined))?.isDirectory())
    return usage(`${folder} is not a folder: a study is a folder with clinical.json and the image`);

  const study = await readStudyFolder(folder);
  if (!ctx.json) for (const note of study.skipped) ctx.io.err(`skipped ${note}`);
  const request = uploadRequestFor(study.files, studyId);
  // The API applies the same listing rules; checking first saves a round trip and names the files.
  const local = planUpload(studyId ?? 'local-check', request);
  const problems = [...study.problems, ...(local.ok ? [] : local.issues.map(describeIssue))];
  if (problems.length > 0) {
    reportError(ctx, 'INPUT_REJECTED', `${folder} cannot be submitted:\n${problems.join('\n')}`);
    return EXIT.rejected;
  }

  try {
    const plan = await new ResultsApiClient(target).createStudy(request);
    if (!ctx.json) ctx.io.err(`study ${plan.studyId}: uploading ${describeSize(study.files)}`);
    await uploadStudy(plan.uploads, study.files, manifestFor(plan.studyId, request, study.image));
    ctx.io.out(
      ctx.json
        ? JSON.stringify({ studyId: plan.studyId, files: request.files, manifestUploaded: true }, null, 2)
        : plan.studyId,
    );
    return EXIT.ok;
  } catch (error) {
    const code = reportApiFailure(ctx, error);
    if (code === undefined) throw error;
    return code;
  }
}

/** The body of `POST /studies` that `sap submit` sends for a study folder's files (each page repeats it). */
export function uploadRequestFor(
  files: Pick<FolderFile, 'path' | 'size' | 'sha256'>[],
  studyId?: string,
): UploadRequest {
  return {
    ...(studyId !== undefined ? { studyId } : {}),
    files: files.map(({ path, size, sha256 }) => ({ path, size, sha256 })),
  };
}

function manifestFor(studyId: string, request: UploadRequest, image: Manifest['image']): Uint8Array {
  const manifest: Manifest = { schemaVersion: 1, studyId, files: request.files, ...(image ? { image } : {}) };
  return new TextEncoder().encode(JSON.stringify(manifest, null, 2));
}

/** Every file first (a few at a time), the manifest last: its arrival starts the run. */
async function uploadStudy(
  uploads: { path: string; url: string }[],
  files: FolderFile[],
  manifest: Uint8Array,
): Promise<void> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const manifestUpload = uploads.at(-1);
  const rest = uploads.slice(0, -1);
  const planned = new Set(rest.map((u) => u.path));
  if (
    manifestUpload?.path !== MANIFEST_FILE ||
    planned.size !== files.length ||
    !files.every((f) => planned.has(f.path))
  )
    throw new Error('the results API answered with an upload plan for other files than those listed');
  await mapLimited(rest, UPLOAD_CONCURRENCY, async (upload) => {
    const file = byPath.get(upload.path)!;
    await putPresigned(upload.url, { file: file.source, size: file.size }, file.path);
  });
  await putPresigned(manifestUpload.url, { bytes: manifest }, MANIFEST_FILE);
}

function describeSize(files: FolderFile[]): string {
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  return `${files.length} files, ${(bytes / 1024 ** 2).toFixed(1)} MiB, then ${MANIFEST_FILE}`;
}
