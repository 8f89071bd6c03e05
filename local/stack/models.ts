import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { modelCardSchema } from '../../core/fusion/model-card';

/** The fusion model's card and file, as the deployment puts them at `models/xgboost/{version}/`. */
const FUSION_CARD = 'model-card.json';

/**
 * Copies the fusion model of `modelDir` (its model-card.json and the file it names) into the models
 * bucket at `models/xgboost/{version}/` and returns that prefix, which the Fuse function reads. The U-Net
 * and ResNet stay in `modelDir`, where the inference server loads them as it loads /opt/ml/model.
 */
export async function publishFusionModel(s3: S3Client, bucket: string, modelDir: string): Promise<string> {
  const cardBytes = await readFile(path.join(modelDir, FUSION_CARD));
  const card = modelCardSchema.parse(JSON.parse(cardBytes.toString('utf8')));
  const prefix = `models/xgboost/${card.version}/`;
  for (const [name, body] of [
    [FUSION_CARD, cardBytes],
    [card.file, await readFile(path.join(modelDir, card.file))],
  ] as const) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + name, Body: body }));
  }
  return prefix;
}
