import { createHash } from 'node:crypto';
import { isStudyId } from './study-id';

/** Object keys of the studies bucket (docs/architecture.md, "Artifacts and state"). */
export const studyKeys = {
  incomingPrefix: (studyId: string) => `incoming/${studyId}/`,
  manifest: (studyId: string) => `incoming/${studyId}/manifest.json`,
  clinicalUpload: (studyId: string) => `incoming/${studyId}/clinical.json`,
  explanation: (studyId: string) => `results/${studyId}/explanation.svg`,
  report: (studyId: string) => `results/${studyId}/report.html`,
  /** The latest completed run's FHIR R4 RiskAssessment. */
  riskAssessment: (studyId: string) => `results/${studyId}/risk-assessment.json`,
  /** The latest completed run's pancreas mask as a DICOM Segmentation (DICOM uploads only). */
  segmentation: (studyId: string) => `results/${studyId}/pancreas-seg.dcm`,
  rejection: (studyId: string) => `rejected/${studyId}/reason.json`,
  rejectionReport: (studyId: string) => `rejected/${studyId}/validation.json`,
};

/** What names one run of a study: the study and the manifest version that started it. */
export interface RunIdentity {
  studyId: string;
  manifestVersion: string;
}

/**
 * Keys of one run's intermediate artifacts, under `work/{id}/v-{digest of the manifest version}/`: a
 * re-uploaded manifest starts a new version whose artifacts never mix with those of a run still in flight.
 */
export function workKeys(run: RunIdentity) {
  const prefix = `work/${run.studyId}/${versionSegment(run.manifestVersion)}/`;
  return {
    prefix,
    volume: `${prefix}volume.nii.gz`,
    clinical: `${prefix}clinical.json`,
    mask: `${prefix}mask.nii.gz`,
    inference: `${prefix}inference.json`,
    inferenceRequest: `${prefix}inference-request.json`,
    radiomics: `${prefix}radiomics.json`,
    validation: `${prefix}validation.json`,
    /** DICOM uploads only: the source series' references and identification, for the DICOM SEG. */
    dicomSource: `${prefix}dicom-source.json`,
  };
}

/**
 * Where one run's score is published before the study is marked COMPLETED:
 * `results/{id}/v-{digest}/report.html`, `explanation.svg` and `risk-assessment.json` (FHIR R4). A run
 * overtaken by a re-upload can only write its own version's files; `results/{id}/report.html`,
 * `explanation.svg` and `risk-assessment.json` are copies of the latest completed run's, written after its
 * COMPLETED write.
 */
export function resultKeys(run: RunIdentity) {
  const prefix = `results/${run.studyId}/${versionSegment(run.manifestVersion)}/`;
  return {
    report: `${prefix}report.html`,
    explanation: `${prefix}explanation.svg`,
    riskAssessment: `${prefix}risk-assessment.json`,
  };
}

/**
 * One run's pancreas mask as a DICOM Segmentation (DICOM uploads only), beside its report:
 * `results/{id}/v-{digest}/pancreas-seg.dcm`; studyKeys.segmentation is the latest completed run's copy.
 */
export function runSegmentationKey(run: RunIdentity): string {
  return `results/${run.studyId}/${versionSegment(run.manifestVersion)}/pancreas-seg.dcm`;
}

/** `v-` and 16 hex digits of the SHA-256 of a manifest version: one path segment per upload. */
function versionSegment(manifestVersion: string): string {
  return `v-${createHash('sha256').update(manifestVersion).digest('hex').slice(0, 16)}`;
}

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
