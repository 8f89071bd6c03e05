import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';

/** Where SageMaker unpacks a model's ModelDataUrl archive. */
export const SAGEMAKER_MODEL_DIR = '/opt/ml/model';
/** A model folder holds a card and an ONNX file (maybe external data): more is a wrong prefix. */
const MAX_FILES_PER_MODEL = 32;
/** A relative name inside a model prefix: no empty, `.` or `..` segment. */
const SAFE_RELATIVE = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

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

/** Every object under `prefix` into `target`, keeping relative paths; streamed (a ResNet50 is ~100 MB). */
export async function downloadPrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  target: string,
): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key);
    }
    if (keys.length > MAX_FILES_PER_MODEL) {
      throw new Error(
        `s3://${bucket}/${prefix} holds more than ${MAX_FILES_PER_MODEL} files: not a model folder`,
      );
    }
  }
  if (keys.length === 0) throw new Error(`no model files under s3://${bucket}/${prefix}`);
  const names: string[] = [];
  for (const key of keys) {
    const name = key.slice(prefix.length);
    if (!SAFE_RELATIVE.test(name)) throw new Error(`unsafe model file name s3://${bucket}/${key}`);
    const path = join(target, name);
    await mkdir(dirname(path), { recursive: true });
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    await pipeline(response.Body as Readable, createWriteStream(path));
    names.push(name);
  }
  return names;
}
