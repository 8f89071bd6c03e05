import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { downloadModelPrefix, type ModelObjectStore } from '../../core/inference/model-download';

/** Where SageMaker unpacks a model's ModelDataUrl archive. */
export const SAGEMAKER_MODEL_DIR = '/opt/ml/model';

/** The variables the stack (lib/constructs/inference-endpoint.ts) sets on the container. */
export interface ModelSourceEnv {
  /** A local folder instead of /opt/ml/model: to run the server on a model folder outside SageMaker. */
  SAP_MODEL_DIR?: string;
  MODELS_BUCKET?: string;
  UNET_MODEL_PREFIX?: string;
  RESNET_MODEL_PREFIX?: string;
}

/**
 * The folder to load models from. With MODELS_BUCKET set, the U-Net and ResNet prefixes of the models
 * bucket (`models/unet/{version}/`, `models/resnet/{version}/`) are downloaded into a fresh temporary
 * folder as `unet/` and `resnet/`; otherwise SAP_MODEL_DIR or SageMaker's /opt/ml/model, which must
 * hold both already.
 */
export async function resolveModelDir(env: ModelSourceEnv, s3: S3Client): Promise<string> {
  const bucket = env.MODELS_BUCKET;
  if (!bucket) return env.SAP_MODEL_DIR || SAGEMAKER_MODEL_DIR;
  const prefixes = { unet: env.UNET_MODEL_PREFIX, resnet: env.RESNET_MODEL_PREFIX };
  for (const [kind, prefix] of Object.entries(prefixes)) {
    if (!prefix?.endsWith('/')) {
      throw new Error(
        `MODELS_BUCKET is set but ${kind.toUpperCase()}_MODEL_PREFIX is not a prefix ending in /`,
      );
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'sap-models-'));
  try {
    await downloadPrefix(s3, bucket, prefixes.unet!, join(dir, 'unet'));
    await downloadPrefix(s3, bucket, prefixes.resnet!, join(dir, 'resnet'));
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Every object under `prefix` into `target`, keeping relative paths (core/inference/model-download.ts). */
export async function downloadPrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  target: string,
): Promise<string[]> {
  return downloadModelPrefix(s3ModelStore(s3, bucket), prefix, target);
}

/** The models bucket as this client reaches it. */
function s3ModelStore(s3: S3Client, bucket: string): ModelObjectStore {
  return {
    location: `s3://${bucket}`,
    async *listKeys(prefix) {
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      }
    },
    async open(key) {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return response.Body as Readable;
    },
  };
}
