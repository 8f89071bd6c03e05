import type { CaughtError } from './failure';
import type { StageName } from './steps';

/** What the pipeline passes from step to step: keys and ids only, never image data (256 KB state limit). */
export interface StudyRun {
  studyId: string;
  /** The S3 version (or, locally, the ETag) of the manifest that started this run. */
  manifestVersion: string;
  bucket: string;
  /** Artifact keys written so far, by name. */
  artifacts: Record<string, string>;
}

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
