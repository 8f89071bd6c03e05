import { isStudyId } from './study-id';

/** Object keys of the studies bucket (ARCHITECTURE.md, "Artifacts and state"). */
export const studyKeys = {
  incomingPrefix: (studyId: string) => `incoming/${studyId}/`,
  manifest: (studyId: string) => `incoming/${studyId}/manifest.json`,
  clinicalUpload: (studyId: string) => `incoming/${studyId}/clinical.json`,
  volume: (studyId: string) => `work/${studyId}/volume.nii.gz`,
  clinical: (studyId: string) => `work/${studyId}/clinical.json`,
  mask: (studyId: string) => `work/${studyId}/mask.nii.gz`,
  inference: (studyId: string) => `work/${studyId}/inference.json`,
  inferenceRequest: (studyId: string) => `work/${studyId}/inference-request.json`,
  radiomics: (studyId: string) => `work/${studyId}/radiomics.json`,
  explanation: (studyId: string) => `results/${studyId}/explanation.svg`,
  report: (studyId: string) => `results/${studyId}/report.html`,
  validation: (studyId: string) => `work/${studyId}/validation.json`,
  rejection: (studyId: string) => `rejected/${studyId}/reason.json`,
  rejectionReport: (studyId: string) => `rejected/${studyId}/validation.json`,
};

/** Prefix of the intermediate artifacts, which a lifecycle rule expires. */
export const WORK_PREFIX = 'work/';
export const INCOMING_PREFIX = 'incoming/';
export const RESULTS_PREFIX = 'results/';
export const REJECTED_PREFIX = 'rejected/';
export const MANIFEST_FILE = 'manifest.json';

/**
 * S3 notifications URL-encode object keys (spaces as '+'); the local S3 server does not. Every event
 * key passes through here once, so the rest of the code sees plain keys.
 */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The study id of an `incoming/{studyId}/manifest.json` key, or undefined for any other key. */
export function studyIdOfManifestKey(key: string): string | undefined {
  const match = /^incoming\/([^/]+)\/manifest\.json$/.exec(key);
  const studyId = match?.[1];
  return studyId !== undefined && isStudyId(studyId) ? studyId : undefined;
}
