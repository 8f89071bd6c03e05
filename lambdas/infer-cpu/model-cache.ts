import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { CpuSpeed } from '../../core/inference/cpu-tier-limits';
import { measureCpuSpeed } from '../../core/inference/cpu-speed';
import { downloadModelPrefix, type ModelObjectStore } from '../../core/inference/model-download';
import { loadModels, type LoadedModels } from '../../core/inference/models';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { s3 } from '../shared/aws-clients';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';

/** The U-Net and ResNet50 of this container, with their size and speed here. */
export interface CpuModels {
  models: LoadedModels;
  /** Bytes of the model files together (the ONNX files dominate): the memory check counts them. */
  fileBytes: number;
  speed: CpuSpeed;
}

let loading: Promise<CpuModels> | undefined;

/**
 * The models, downloaded from the models bucket into the function's /tmp storage and loaded once per
 * container (Lambda reuses a container, its /tmp and its module state for later invocations:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). A failed load is not
 * kept: the next invocation tries again.
 */
export function cpuModels(): Promise<CpuModels> {
  loading ??= loadFromBucket().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function loadFromBucket(): Promise<CpuModels> {
  const started = performance.now();
  const bucket = requiredEnv(FUNCTION_ENV.modelsBucket);
  const store = modelsBucket(bucket);
  const dir = await mkdtemp(join(tmpdir(), 'sap-models-'));
  try {
    const unet = await downloadModelPrefix(
      store,
      requiredEnv(FUNCTION_ENV.unetModelPrefix),
      join(dir, 'unet'),
    );
    const resnet = await downloadModelPrefix(
      store,
      requiredEnv(FUNCTION_ENV.resnetModelPrefix),
      join(dir, 'resnet'),
    );
    const sizes = await Promise.all([
      ...unet.map((name) => stat(join(dir, 'unet', name))),
      ...resnet.map((name) => stat(join(dir, 'resnet', name))),
    ]);
    // Every vCPU the function's memory size brings (6 at 10,240 MB).
    const models = await loadModels(dir, { device: 'cpu', threads: availableParallelism() });
    const loaded = performance.now();
    const speed = await measureCpuSpeed(models);
    logger.info('models loaded', {
      unet: `${models.unet.card.name}@${models.unet.card.version}`,
      resnet: `${models.resnet.card.name}@${models.resnet.card.version}`,
      threads: availableParallelism(),
      loadMs: Math.round(loaded - started),
      ...speed,
    });
    return { models, fileBytes: sizes.reduce((sum, s) => sum + s.size, 0), speed };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function modelsBucket(bucket: string): ModelObjectStore {
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
