import { z } from 'zod';
import { STUDY_ID_PATTERN } from '../study/study-id';
import { WORK_PREFIX } from '../study/keys';

/** S3 bucket naming rules (general purpose buckets): 3–63 of [a-z0-9.-], starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** One or more path segments of safe characters; no empty, `.` or `..` segment can pass. */
const RELATIVE_KEY = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * What the Infer step hands the inference container (the body SageMaker posts to /invocations): where
 * the canonical volume is and where to write the mask and the result. Every key lies under
 * `work/{studyId}/`, so a request can neither read nor overwrite another study's artifacts.
 */
export const inferenceRequestSchema = z
  .object({
    studyId: z.string().regex(STUDY_ID_PATTERN, 'studyId must be 1–64 of [A-Za-z0-9_-]'),
    bucket: z.string().regex(BUCKET_NAME, 'bucket must be an S3 bucket name'),
    volumeKey: z.string(),
    maskKey: z.string(),
    inferenceKey: z.string(),
  })
  .superRefine((request, context) => {
    const prefix = `${WORK_PREFIX}${request.studyId}/`;
    for (const field of ['volumeKey', 'maskKey', 'inferenceKey'] as const) {
      const key = request[field];
      if (!key.startsWith(prefix) || !RELATIVE_KEY.test(key.slice(prefix.length))) {
        context.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} must be a key under ${prefix} (no empty, "." or ".." segments)`,
        });
      }
    }
  });

export type InferenceRequest = z.infer<typeof inferenceRequestSchema>;
