import { createHash } from 'node:crypto';
import { InvokeEndpointAsyncCommand } from '@aws-sdk/client-sagemaker-runtime';
import type { InferenceRequest } from '../../core/inference/request';
import { ASYNC_INFERENCE_LIMITS } from '../../core/pipeline/async-inference';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import type { CallbackInput } from '../../core/pipeline/run';
import { workKeys } from '../../core/study/keys';
import { sagemaker } from '../shared/aws-clients';
import { enterStage } from '../shared/enter-stage';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { putJson } from '../shared/s3-objects';
import { parkTaskToken } from '../shared/studies-table';
import { perInvocation } from '../shared/per-invocation';

export const handler = perInvocation(requestInference);

/**
 * Infer: starts the asynchronous endpoint on a small JSON pointer and parks the task token; the endpoint's
 * SNS notification completes the step (inference-callback). Retrying this Lambda reuses the same
 * inference id, because the id is derived from the task token.
 */
async function requestInference({ taskToken, run }: CallbackInput): Promise<{ inferenceId: string }> {
  await enterStage('Infer', run);
  const inferenceId = createHash('sha256').update(taskToken).digest('hex').slice(0, 40);
  // What the inference container reads: pointers to the volume and where to write its outputs.
  const keys = workKeys(run);
  const request: InferenceRequest = {
    studyId: run.studyId,
    bucket: run.bucket,
    volumeKey: keys.volume,
    maskKey: keys.mask,
    inferenceKey: keys.inference,
  };
  const requestKey = keys.inferenceRequest;
  await putJson(run.bucket, requestKey, request);
  await parkTaskToken(inferenceId, { taskToken, run });
  await sagemaker.send(
    new InvokeEndpointAsyncCommand({
      EndpointName: requiredEnv(FUNCTION_ENV.inferenceEndpoint),
      InputLocation: `s3://${run.bucket}/${requestKey}`,
      ContentType: 'application/json',
      InferenceId: inferenceId,
      // Bounded by the Infer step's own wait (core/pipeline/async-inference.ts): SageMaker's default TTL of
      // 6 hours would let a request the step gave up on start on a GPU hours later.
      RequestTTLSeconds: ASYNC_INFERENCE_LIMITS.requestTtlSeconds,
      InvocationTimeoutSeconds: ASYNC_INFERENCE_LIMITS.invocationTimeoutSeconds,
    }),
  );
  logger.info('inference requested', { inferenceId });
  return { inferenceId };
}
