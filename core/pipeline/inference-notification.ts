import { z } from 'zod';

/**
 * The notification a SageMaker asynchronous endpoint publishes to its success or error topic.
 * https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-check-predictions.html
 */
const notification = z.object({
  inferenceId: z.string().min(1),
  invocationStatus: z.string(),
  failureReason: z.string().optional(),
  responseParameters: z.object({ outputLocation: z.string().optional() }).partial().optional(),
});

export type InferenceOutcome =
  | { inferenceId: string; succeeded: true; outputLocation?: string }
  | { inferenceId: string; succeeded: false; reason: string };

export function readInferenceNotification(message: string): InferenceOutcome {
  const parsed = notification.parse(JSON.parse(message));
  if (parsed.invocationStatus === 'Completed') {
    return {
      inferenceId: parsed.inferenceId,
      succeeded: true,
      outputLocation: parsed.responseParameters?.outputLocation,
    };
  }
  return {
    inferenceId: parsed.inferenceId,
    succeeded: false,
    reason: parsed.failureReason ?? `invocation status ${parsed.invocationStatus}`,
  };
}

/**
 * Failures that say nothing about the study and may pass: the container's 5xx (SageMaker words it
 * "Received server error (5xx) from model"), a container that could not be reached, an invocation that
 * timed out or expired in the queue. A 4xx (the volume cannot be used) is the study's own and final.
 */
const TRANSIENT_FAILURE =
  /Received server error \(5\d\d\)|could not be reached|InvocationTimeout|timed out|invocation status Expired/i;

export function isTransientInferenceFailure(reason: string): boolean {
  return TRANSIENT_FAILURE.test(reason);
}
