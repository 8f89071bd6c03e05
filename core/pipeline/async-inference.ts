/**
 * How long one asynchronous inference request may live, in the two phases InvokeEndpointAsync bounds
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointAsync.html):
 * waiting in the endpoint's queue (RequestTTLSeconds, 60–21,600 s, default 6 h) and running on an
 * instance (InvocationTimeoutSeconds, 1–3,600 s, default 15 min). The Infer handler sends both; the Infer
 * step waits for their sum plus its own Lambda's time (core/pipeline/steps.ts), so a request that the
 * step has given up on can no longer start, nor keep running, on a GPU.
 */
export const ASYNC_INFERENCE_LIMITS = {
  /**
   * Queueing: a scale-out from zero (alarm evaluation ~1–3 min, then an ~8 min GPU cold start with model
   * download and CUDA warm-up) and a short wait behind the requests ahead of it.
   */
  requestTtlSeconds: 870,
  /** Running: SageMaker's cap on one asynchronous invocation, for the largest studies on a busy instance. */
  invocationTimeoutSeconds: 3600,
} as const;

/** The longest a request may exist: queued at most its TTL, then run at most its invocation timeout. */
export const ASYNC_INFERENCE_LIFETIME_SECONDS =
  ASYNC_INFERENCE_LIMITS.requestTtlSeconds + ASYNC_INFERENCE_LIMITS.invocationTimeoutSeconds;
