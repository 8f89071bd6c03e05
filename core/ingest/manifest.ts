import { createHash } from 'node:crypto';
import { z } from 'zod';
import { STUDY_ID_PATTERN } from '../study/study-id';
import { fromZodIssues } from './json-document';
import type { ValidationIssue } from '../input/issues';
import { LIMITS } from '../input/limits';

export const MANIFEST_FILE = 'manifest.json';
export const CLINICAL_FILE = 'clinical.json';

/** One path segment: what S3, zip tools and every file system accept alike; no `.`/`..`, no hidden files. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
/** S3 allows 1,024 bytes per key; `incoming/{64-character studyId}/` takes 74 of them. */
const MAX_PATH_LENGTH = 900;
/** DICOM UIDs: dot-separated numbers, at most 64 characters (PS3.5 9.1). */
const DICOM_UID = /^[0-9]+(\.[0-9]+)*$/;

/** Why a listed path is unsafe or outside the upload contract, or undefined if it is fine. */
export function unsafePathReason(path: string): string | undefined {
  if (path.length > MAX_PATH_LENGTH) return `longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute paths are not allowed';
  if (path.includes('\\')) return 'use "/" to separate folders';
  const segments = path.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return '"." and ".." are not allowed';
  if (path === CLINICAL_FILE) return undefined;
  if (path === MANIFEST_FILE) return 'the manifest does not list itself';
  if (segments[0] !== 'image' || segments.length < 2) return `expected "${CLINICAL_FILE}" or "image/<file>"`;
  const bad = segments.slice(1).find((segment) => !SEGMENT.test(segment));
  return bad === undefined
    ? undefined
    : `path segment ${JSON.stringify(bad)} is not [A-Za-z0-9._-] starting alphanumeric`;
}

const manifestFile = z.strictObject({
  path: z.string().min(1, 'the path is empty'),
  size: z.number().int('expected a whole number of bytes').nonnegative('a size cannot be negative'),
  sha256: z
    .string()
    .regex(/^[0-9A-Fa-f]{64}$/, 'expected 64 hexadecimal digits')
    .transform((hex) => hex.toLowerCase())
    .optional(),
});

/** manifest.json, written last: it lists every file of the study, and its arrival starts the run. */
export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  studyId: z.string().regex(STUDY_ID_PATTERN, 'expected 1 to 64 characters of [A-Za-z0-9_-]').optional(),
  files: z.array(manifestFile),
  image: z
    .strictObject({
      seriesInstanceUid: z
        .string()
        .max(64)
        .regex(DICOM_UID, 'expected a DICOM UID (digits and dots)')
        .optional(),
    })
    .optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = Manifest['files'][number];

export interface PresentFile {
  /** Relative to the study folder, as listed (e.g. `image/0001.dcm`). */
  path: string;
  size: number;
}

export interface ManifestCheck {
  /** The parsed manifest, when its structure is valid (it may still have other issues). */
  manifest?: Manifest;
  issues: ValidationIssue[];
  /**
   * Files present but not listed (the manifest itself aside). Not an error: Validate reads only the listed
   * files, so leftovers of an earlier upload attempt cannot mix into the study. Reported as a warning.
   */
  unlisted: string[];
}

/**
 * Checks manifest.json (already parsed) against the files present in the study folder: structure, safe
 * paths, limits, and that every listed file is there with its listed size. Collects every issue.
 */
export function checkManifest(
  json: unknown,
  present: readonly PresentFile[],
  file = MANIFEST_FILE,
  options: { studyId?: string } = {},
): ManifestCheck {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return { issues: fromZodIssues(parsed.error, 'MANIFEST_INVALID', file), unlisted: [] };
  const manifest = parsed.data;
  const issues: ValidationIssue[] = [];
  const invalid = (message: string, field?: string) =>
    issues.push({ code: 'MANIFEST_INVALID', file, field, message });

  if (
    options.studyId !== undefined &&
    manifest.studyId !== undefined &&
    manifest.studyId !== options.studyId
  ) {
    invalid(
      `studyId ${JSON.stringify(manifest.studyId)} is not this study's (${options.studyId})`,
      'studyId',
    );
  }
  checkListing(manifest, invalid);

  const sizes = new Map(present.map((entry) => [entry.path, entry.size]));
  manifest.files.forEach((entry, index) => {
    if (unsafePathReason(entry.path) !== undefined) return;
    const size = sizes.get(entry.path);
    const field = `files[${index}]`;
    if (size === undefined) {
      issues.push({
        code: 'MANIFEST_FILE_MISSING',
        file: entry.path,
        field,
        message: 'listed in the manifest but not uploaded',
      });
    } else if (size !== entry.size) {
      issues.push({
        code: 'MANIFEST_SIZE_MISMATCH',
        file: entry.path,
        field: `${field}.size`,
        message: `the manifest lists ${entry.size} bytes, the upload has ${size}: incomplete or replaced upload`,
      });
    }
  });
  const listed = new Set(manifest.files.map((entry) => entry.path));
  const unlisted = present
    .map((entry) => entry.path)
    .filter((path) => path !== MANIFEST_FILE && !listed.has(path));
  return { manifest, issues, unlisted };
}

/** What the listing must hold: safe paths, clinical.json, an image, no duplicates, within the limits. */
function checkListing(manifest: Manifest, invalid: (message: string, field?: string) => void): void {
  const files = manifest.files;
  const seen = new Map<string, number>();
  files.forEach((entry, index) => {
    const unsafe = unsafePathReason(entry.path);
    if (unsafe)
      invalid(`unsafe or unexpected path ${JSON.stringify(entry.path)}: ${unsafe}`, `files[${index}].path`);
    const first = seen.get(entry.path);
    if (first !== undefined)
      invalid(`${JSON.stringify(entry.path)} is listed twice (also files[${first}])`, `files[${index}].path`);
    else seen.set(entry.path, index);
    const limit = entry.path === CLINICAL_FILE ? LIMITS.maxJsonBytes : LIMITS.maxFileBytes;
    if (entry.size > limit)
      invalid(`${entry.size} bytes; one such file may be at most ${limit}`, `files[${index}].size`);
  });
  if (!seen.has(CLINICAL_FILE)) invalid(`"${CLINICAL_FILE}" is not listed`, 'files');
  const images = files.filter((entry) => entry.path.startsWith('image/')).length;
  if (images === 0) invalid('no image/ file is listed', 'files');
  if (images > LIMITS.maxFiles)
    invalid(`${images} image files listed; a series may have at most ${LIMITS.maxFiles}`, 'files');
  const total = files.reduce((sum, entry) => sum + entry.size, 0);
  if (total > LIMITS.maxStudyBytes)
    invalid(`${total} bytes listed in all; a study may be at most ${LIMITS.maxStudyBytes}`, 'files');
}

/** Hex SHA-256 of some bytes, or of a stream of chunks (a large image read from S3). */
export async function sha256Hex(data: Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  if (data instanceof Uint8Array) hash.update(data);
  else for await (const chunk of data) hash.update(chunk);
  return hash.digest('hex');
}

/** MANIFEST_CHECKSUM_MISMATCH when the entry carries a sha256 that `actualHex` does not match. */
export function checksumIssue(entry: ManifestEntry, actualHex: string): ValidationIssue | undefined {
  if (entry.sha256 === undefined || entry.sha256 === actualHex.toLowerCase()) return undefined;
  return {
    code: 'MANIFEST_CHECKSUM_MISMATCH',
    file: entry.path,
    message: `sha256 is ${actualHex.toLowerCase()}, the manifest lists ${entry.sha256}: the upload is corrupt or replaced`,
  };
}

/** Hashes the bytes of a listed file and compares them with its manifest entry (none when no sha256 is listed). */
export async function verifyChecksum(
  entry: ManifestEntry,
  data: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<ValidationIssue | undefined> {
  if (entry.sha256 === undefined) return undefined;
  return checksumIssue(entry, await sha256Hex(data));
}

/** The manifest for a study's files (clinical.json and image/...): every file with its size and sha256. */
export function buildManifest(files: Record<string, Uint8Array>, studyId?: string): Manifest {
  return {
    schemaVersion: 1,
    studyId,
    files: Object.entries(files)
      .filter(([path]) => path !== MANIFEST_FILE)
      .map(([path, bytes]) => ({
        path,
        size: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      })),
  };
}

/** Issues that mean the manifest no longer lists the files as they are (a file edited, added or removed). */
export const STALE_MANIFEST_CODES: ReadonlySet<string> = new Set([
  'MANIFEST_SIZE_MISMATCH',
  'MANIFEST_CHECKSUM_MISMATCH',
  'MANIFEST_FILE_MISSING',
]);

/**
 * The manifest of files already hashed, keeping from the previous manifest (any JSON, valid or not) its
 * studyId and DICOM series selection where each is valid on its own: a rewrite must not change which
 * series the study uses.
 */
export function refreshedManifest(
  files: readonly (ManifestEntry & { sha256: string })[],
  previous: unknown,
): Manifest {
  const old = (typeof previous === 'object' && previous !== null ? previous : {}) as Record<string, unknown>;
  const studyId = manifestSchema.shape.studyId.safeParse(old.studyId).data;
  const image = manifestSchema.shape.image.safeParse(old.image).data;
  return {
    schemaVersion: 1,
    ...(studyId !== undefined ? { studyId } : {}),
    files: files.map(({ path, size, sha256 }) => ({ path, size, sha256 })),
    ...(image !== undefined ? { image } : {}),
  };
}
