/** CloudWatch names the handlers publish under and the stack's alarms and dashboard read. */
export const METRICS_NAMESPACE = 'sap-pipeline';
export const METRICS_SERVICE = 'sap-pipeline';
export const OLDEST_IN_PROGRESS_METRIC = 'OldestInProgressAgeSeconds';
/** Seconds a study spent in a status, dimension `stage` (Queued, Validate, Infer, Radiomics, Fuse). */
export const STAGE_DURATION_METRIC = 'StageDurationSeconds';
/** Upload-to-result seconds of a completed study. */
export const STUDY_DURATION_METRIC = 'StudyDurationSeconds';
/** Failed studies, dimensions `stage` and `code`. */
export const STAGE_FAILURE_METRIC = 'StageFailures';
export const COMPLETED_METRIC = 'StudiesCompleted';
/** The fused probability of SAP of each completed study: its distribution, for drift. */
export const PROBABILITY_METRIC = 'SapProbability';
/** Cloud inferences that ran on another execution provider than CUDA (dimension `executionProvider`). */
export const INFERENCE_OFF_CUDA_METRIC = 'InferenceOffCuda';
/** Uploads refused for their content (INPUT_REJECTED and the like): a count, not a system failure. */
export const STUDIES_REJECTED_METRIC = 'StudiesRejected';
