import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { modelCardSchema } from '../../core/fusion/model-card';
import { resnetCardSchema, unetCardSchema } from '../../core/inference/model-card';
import { CARD_FILE } from '../../core/inference/models';
import { modelPrefix, type ModelKind } from '../../core/study/model-keys';

/** The model versions a model folder holds, as published to the local models bucket. */
export interface PublishedModels {
  versions: Record<ModelKind, string>;
  /** `models/xgboost/{version}/`, which the Fuse function reads. */
  xgboostPrefix: string;
}

/**
 * Copies the models of `modelDir` into the models bucket as a deployment's models bucket holds them, each
 * card and the file it names at `models/{kind}/{version}/`: the fusion model (model-card.json at the top)
 * for the Fuse function, `unet/` and `resnet/` for the inference container, which downloads them from
 * there as it does in the cloud.
 */
export async function publishModels(
  s3: S3Client,
  bucket: string,
  modelDir: string,
): Promise<PublishedModels> {
  const publish = async (
    kind: ModelKind,
    dir: string,
    schema: typeof unetCardSchema | typeof resnetCardSchema | typeof modelCardSchema,
  ) => {
    const cardBytes = await readFile(path.join(dir, CARD_FILE));
    const card = schema.parse(JSON.parse(cardBytes.toString('utf8')));
    const prefix = modelPrefix(kind, card.version);
    for (const [name, body] of [
      [CARD_FILE, cardBytes],
      [card.file, await readFile(path.join(dir, card.file))],
    ] as const) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + name, Body: body }));
    }
    return card.version;
  };
  const versions = {
    xgboost: await publish('xgboost', modelDir, modelCardSchema),
    unet: await publish('unet', path.join(modelDir, 'unet'), unetCardSchema),
    resnet: await publish('resnet', path.join(modelDir, 'resnet'), resnetCardSchema),
  };
  return { versions, xgboostPrefix: modelPrefix('xgboost', versions.xgboost) };
}
