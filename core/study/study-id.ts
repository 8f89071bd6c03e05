import { createHash } from 'node:crypto';

/** A study id is chosen by the hospital, never a patient identifier (docs/upload.md, the study folder). */
export const STUDY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isStudyId(value: string): boolean {
  return STUDY_ID_PATTERN.test(value);
}

/** Step Functions execution names: at most 80 characters of [A-Za-z0-9_-]. */
const EXECUTION_NAME_MAX = 80;
const VERSION_DIGEST_LENGTH = EXECUTION_NAME_MAX - 64 - 1;

/**
 * The execution name of one run of one manifest version. Deterministic, so a duplicate event for the same
 * object version asks Step Functions for a name it already has and cannot start a second run.
 * The version is hashed because an S3 version id (32 characters) beside a 64-character study id would not fit.
 */
export function executionNameFor(studyId: string, manifestVersion: string): string {
  if (!isStudyId(studyId)) throw new Error(`invalid study id: ${JSON.stringify(studyId)}`);
  const digest = createHash('sha256').update(manifestVersion).digest('hex').slice(0, VERSION_DIGEST_LENGTH);
  return `${studyId}-${digest}`;
}
