/**
 * What is wrong with an upload, as a value: a stable code for programs, the file (and field) it concerns,
 * and a message for people. Readers throw `InputRejected` with one or more issues; validation collects
 * every issue it finds rather than stopping at the first.
 */
export interface ValidationIssue {
  code: IssueCode;
  /** The file, relative to the study folder (e.g. `image/0001.dcm`, `clinical.json`). */
  file?: string;
  /** The field within the file: a JSON path, a DICOM keyword or a NIfTI header field. */
  field?: string;
  message: string;
}

/** Input that cannot be used, with every issue found. Not a bug: the study is rejected with these. */
export class InputRejected extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map(describeIssue).join('; '));
    this.name = 'INPUT_REJECTED';
  }
}

export function reject(
  code: IssueCode,
  file: string | undefined,
  message: string,
  field?: string,
): InputRejected {
  return new InputRejected([{ code, file, field, message }]);
}

export function describeIssue(issue: ValidationIssue): string {
  const where = [issue.file, issue.field].filter(Boolean).join(' ');
  return `[${issue.code}]${where ? ` ${where}:` : ''} ${issue.message}`;
}

/**
 * Every code an upload can be rejected with. Stable: hospitals script against them. Documented in
 * docs/upload.md.
 */
export const ISSUE_CODES = [
  // files and containers
  'FILE_EMPTY',
  'FILE_TOO_LARGE',
  'TOO_MANY_FILES',
  'GZIP_CORRUPT',
  'ZIP_CORRUPT',
  'ZIP_UNSAFE_PATH',
  'ZIP_TOO_LARGE',
  'UNKNOWN_IMAGE_FORMAT',
  'NO_IMAGE',
  'MULTIPLE_IMAGES',
  // NIfTI
  'NIFTI_BAD_MAGIC',
  'NIFTI_BAD_HEADER',
  'NIFTI_TRUNCATED',
  'NIFTI_UNSUPPORTED_DATATYPE',
  'NIFTI_NOT_3D',
  'NIFTI_NO_ORIENTATION',
  // DICOM
  'DICOM_PARSE_ERROR',
  'DICOM_MISSING_TAG',
  'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
  'DICOM_UNSUPPORTED_PIXEL_FORMAT',
  'DICOM_MULTIPLE_SERIES',
  'DICOM_DUPLICATE_SLICE',
  'DICOM_INCONSISTENT_SLICES',
  // the volume
  'NOT_CT',
  'NOT_AXIAL',
  'TOO_FEW_SLICES',
  'DIMENSIONS_TOO_LARGE',
  'SPACING_IMPLAUSIBLE',
  'MISSING_SLICES',
  'NON_FINITE_VOXELS',
  'HU_IMPLAUSIBLE',
  // JSON documents
  'JSON_INVALID',
  'MANIFEST_INVALID',
  'MANIFEST_FILE_MISSING',
  'MANIFEST_SIZE_MISMATCH',
  'MANIFEST_CHECKSUM_MISMATCH',
  'CLINICAL_INVALID',
  'CLINICAL_OUT_OF_RANGE',
  'CLINICAL_UNIT_UNKNOWN',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];
