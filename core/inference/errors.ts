import { StepError } from '../pipeline/step-error';

/** What was wrong with a model directory; the message says it in words, naming the file. */
export type ModelLoadReason =
  'card-invalid' | 'file-missing' | 'sha256-mismatch' | 'not-onnx' | 'names-mismatch' | 'shape-mismatch';

/**
 * A model or its card cannot be used. A deployment fault, not bad input: the server cannot take work
 * until the models are replaced (5xx class).
 */
export class ModelLoadError extends StepError {
  constructor(
    readonly file: string,
    readonly reason: ModelLoadReason,
    detail: string,
  ) {
    super('MODEL_LOAD_FAILED', `${file}: ${detail}`);
  }
}

/** Why a volume cannot be run through the networks. */
export type InferenceInputCode = 'VOLUME_TOO_SMALL' | 'NO_PANCREAS_FOUND';

/** The volume cannot be used by these models (4xx class): the study is rejected with this message. */
export class InferenceInputError extends StepError {
  constructor(code: InferenceInputCode, message: string) {
    super(code, message);
  }
}
