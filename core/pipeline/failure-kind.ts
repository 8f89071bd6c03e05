import type { StudyFailure } from './failure';

/**
 * Failure codes that are the upload's own content: Validate refused the study (INPUT_REJECTED) and the
 * hospital must fix and resend it. They are counted (StudiesRejected), never alarmed on: operators cannot
 * act on them. Every other code is a system failure: an artifact the pipeline wrote and cannot read
 * (ARTIFACT_CORRUPT), a missing model, a timeout, an internal error. The mask outcomes (MASK_EMPTY,
 * MASK_TOO_SMALL, ROI_EMPTY_AFTER_RESEGMENTATION) come from a CT Validate accepted: either the model failed
 * on it or the study is outside its domain, which an operator should look at, so they stay system failures.
 * So does STUDY_TOO_LARGE: a volume within the upload limits that the deployed Radiomics memory cannot hold
 * is the deployment's limit, which only an operator can raise (imageMemoryMb), not the hospital's fault.
 * The CPU inference tier's CPU_TIER_MEMORY_LIMIT and CPU_TIER_TIME_LIMIT are the same kind: a study the
 * deployed tier cannot run, which the GPU tier can (`-c inference=gpu`).
 */
export const REJECTION_CODES: readonly string[] = ['INPUT_REJECTED'];

export const isRejection = (failure: Pick<StudyFailure, 'code'>): boolean =>
  REJECTION_CODES.includes(failure.code);
