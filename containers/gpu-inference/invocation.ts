import type { S3Client } from '@aws-sdk/client-s3';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import type { Volume } from '../../core/imaging/volume';
import type { LoadedModels } from '../../core/inference/models';
import { InferenceInputError } from '../../core/inference/errors';
import { runInference } from '../../core/inference/pipeline';
import { inferenceRequestSchema, type InferenceRequest } from '../../core/inference/request';
import type { InferenceResult } from '../../core/inference/result';
import { HttpError, STATUS } from './http-error';
import { logger } from './logger';
import { readObject, writeObject } from './s3-objects';
import { decodeCanonicalVolume } from './volume';

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
 * One study: the canonical volume from S3, U-Net + ResNet50, then the mask (uint8 on the volume's grid)
 * and inference.json written where the request says. Writing the same keys again on a retry gives the
 * same artifacts, so the step stays idempotent.
 */
export async function runInvocation(
  request: InferenceRequest,
  s3: S3Client,
  models: LoadedModels,
): Promise<InferenceResult> {
  const { studyId, bucket } = request;
  const started = performance.now();
  const volume = decodeCanonicalVolume(await readObject(s3, bucket, request.volumeKey), request.volumeKey);
  const read = performance.now();
  const { mask, result } = await inferOrReject(volume, models);
  const inferred = performance.now();
  await Promise.all([
    writeObject(
      s3,
      bucket,
      request.maskKey,
      encodeNiftiGz(
        { dims: volume.dims, affine: volume.affine, data: mask },
        { description: 'sap-pipeline pancreas mask (U-Net)' },
      ),
      'application/gzip',
    ),
    writeObject(s3, bucket, request.inferenceKey, JSON.stringify(result, null, 2), 'application/json'),
  ]);
  const written = performance.now();
  logger.info('inference written', {
    studyId,
    executionProvider: result.executionProvider,
    readMs: round(read - started),
    inferMs: round(inferred - read),
    writeMs: round(written - inferred),
    totalMs: round(written - started),
    stagesMs: result.timingsMs,
  });
  return result;
}

/** InferenceInputError (a volume these models cannot use) is the study's fault: 422 with its code. */
async function inferOrReject(volume: Volume, models: LoadedModels): ReturnType<typeof runInference> {
  try {
    return await runInference(volume, models);
  } catch (error) {
    if (error instanceof InferenceInputError) {
      throw new HttpError(STATUS.unprocessable, error.code, error.message);
    }
    throw error;
  }
}

const round = (ms: number) => Math.round(ms);
