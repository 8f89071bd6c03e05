import type { S3Client } from '@aws-sdk/client-s3';
import { inferenceRequestSchema, type InferenceRequest } from '../../core/inference/request';
import type { InferenceResult } from '../../core/inference/result';
import { HttpError, STATUS } from './http-error';
import type { InferenceThread } from './inference-thread';
import { logger } from './logger';
import { readObject, writeObject } from './s3-objects';

/** The body of POST /invocations as an InferenceRequest; 400 naming the first problems otherwise. */
export function parseInferenceRequest(body: Buffer): InferenceRequest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(
      STATUS.badRequest,
      'MALFORMED_JSON',
      `the body is not JSON (${(error as Error).message})`,
    );
  }
  const parsed = inferenceRequestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new HttpError(
      STATUS.badRequest,
      'INVALID_REQUEST',
      `not an InferenceRequest: ${problems.join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * One study: the canonical volume from S3, decoded and run through U-Net + ResNet50 on the inference
 * worker (inference-thread.ts), then the mask (uint8 on the volume's grid) and inference.json written
 * where the request says. Only the S3 transfers run on the main thread. Writing the same keys again on a
 * retry gives the same artifacts, so the step stays idempotent.
 */
export async function runInvocation(
  request: InferenceRequest,
  s3: S3Client,
  inference: InferenceThread,
): Promise<InferenceResult> {
  const { studyId, bucket } = request;
  const started = performance.now();
  const volumeBytes = await readObject(s3, bucket, request.volumeKey);
  const read = performance.now();
  const { maskGz, result, decodeMs, encodeMs, stagesMs } = await inference.infer(
    request.volumeKey,
    volumeBytes,
  );
  const inferred = performance.now();
  await Promise.all([
    writeObject(s3, bucket, request.maskKey, maskGz, 'application/gzip'),
    writeObject(s3, bucket, request.inferenceKey, JSON.stringify(result, null, 2), 'application/json'),
  ]);
  const written = performance.now();
  logger.info('inference written', {
    studyId,
    executionProvider: result.executionProvider,
    readMs: round(read - started),
    decodeMs: round(decodeMs),
    inferMs: round(inferred - read),
    encodeMs: round(encodeMs),
    writeMs: round(written - inferred),
    totalMs: round(written - started),
    stagesMs: result.timingsMs,
    stageDetailMs: Object.fromEntries(Object.entries(stagesMs).map(([stage, ms]) => [stage, round(ms)])),
  });
  return result;
}

const round = (ms: number) => Math.round(ms);
