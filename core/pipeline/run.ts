import type { CaughtError } from './failure';
import type { StageName } from './steps';

/**
 * What a run does. `score`: the whole pipeline (the default). `features`: Validate, Infer and Radiomics,
 * then Fuse writes the feature vector instead of a score (training tables). `rescore`: Fuse alone, on the
 * artifacts an earlier run of the same manifest version kept, usually with another fusion model version.
 */
export const RUN_MODES = ['score', 'features', 'rescore'] as const;
export type RunMode = (typeof RUN_MODES)[number];

/** What the pipeline passes from step to step: keys and ids only, never image data (256 KB state limit). */
export interface StudyRun {
  studyId: string;
  /** The S3 version (or, locally, the ETag) of the manifest that started this run. */
  manifestVersion: string;
  bucket: string;
  /** Artifact keys written so far, by name. */
  artifacts: Record<string, string>;
  /** Absent: `score`. */
  mode?: RunMode;
  /** The fusion model version to use instead of the deployment's (`models/xgboost/{version}/`). */
  fusionModelVersion?: string;
  /**
   * Set on the runs of a batch: they leave the studies table (what the results API serves) alone and
   * write their outcome under `batches/{batchId}/` instead.
   */
  batchId?: string;
}

export const modeOf = (run: Pick<StudyRun, 'mode'>): RunMode => run.mode ?? 'score';

/** The input of a callback step: the run plus the token that completes it. */
export interface CallbackInput {
  taskToken: string;
  run: StudyRun;
}

/** The input of the failure recorder: the run, the stage that failed and what was caught there. */
export interface FailureInput {
  run: StudyRun;
  stage: StageName;
  error: CaughtError;
}
