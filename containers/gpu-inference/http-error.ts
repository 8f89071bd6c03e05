/**
 * A failure that the client caused or can act on, with the HTTP status and a stable code. SageMaker's
 * async endpoint hands any non-2xx body to the error topic, where the callback turns it into the study's
 * failure: the message must say what is wrong without patient data (keys and study ids only).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Status codes of /invocations, documented in docs/models.md ("Container responses"). */
export const STATUS = {
  ok: 200,
  /** The body is not JSON, or not an InferenceRequest. */
  badRequest: 400,
  notFound: 404,
  methodNotAllowed: 405,
  payloadTooLarge: 413,
  /** The volume exists but cannot be segmented: wrong datatype, orientation, too small, corrupt. */
  unprocessable: 422,
  /** The volume object is missing or not readable: the step that should have written it did not. */
  failedDependency: 424,
  internal: 500,
  /** Models are still loading, or failed to load. */
  unavailable: 503,
} as const;
