/** Synthetic abdominal CT phantoms with a known pancreas, their clinical records, and DICOM series of them. */
export { generatePhantom, FIELD_OF_VIEW_MM, DEFAULT_DIMS } from './generate';
export type { Phantom, PhantomOptions, PhantomMask, PhantomDescription } from './generate';
export { PHANTOM_VARIANTS, SEVERE_VARIANTS, COLLECTIONS } from './severity';
export type { PhantomVariant, EffusionSide } from './severity';
export { severityScore, isSeverePhantom, SEVERE_INDEX } from './clinical';
export { cohortStudy, studySpacing, COHORT_VARIANTS, COHORT_DIMS, type CohortStudy } from './cohort';
export type { PhantomClinical, Measurement } from './clinical';
export type { PhantomPatient, Etiology } from './patient';
export { TISSUE, TISSUE_NAMES, huTable, OEDEMATOUS_PANCREAS_HU, HU_MIN, HU_MAX } from './tissues';
export type { TissueName } from './tissues';
export { createRng, deriveSeed, mulberry32 } from './rng';
export type { Rng } from './rng';
export { encodeDicomSeries } from './dicom-series';
export type { DicomSeriesOptions, DicomFile } from './dicom-series';
export { TRANSFER_SYNTAX } from './dicom-encoding';
export type { TransferSyntax } from './dicom-encoding';
export { seededUid } from './uid';
export { phantomStudyFiles, type PhantomImageFormat } from './study-files';
