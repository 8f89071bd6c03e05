import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { z } from 'zod';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readModelCard } from '../../core/fusion/model-card';
import { resnetCardSchema, unetCardSchema } from '../../core/inference/model-card';
import { CARD_FILE } from '../../core/inference/models';
import { modelPrefix, type ModelKind } from '../../core/study/model-keys';

/** One model as published to the local models bucket. */
export interface PublishedModel {
  kind: ModelKind;
  name: string;
  version: string;
  /** Trained on synthetic data (the card's `synthetic`, or `syntheticDemo` for the fusion model). */
  synthetic: boolean;
  /** The folder its card came from. */
  folder: string;
}

/** The model versions a model folder holds, as published to the local models bucket. */
export interface PublishedModels {
  versions: Record<ModelKind, string>;
  /** `models/xgboost/{version}/`, which the Fuse function reads. */
  xgboostPrefix: string;
  models: Record<ModelKind, PublishedModel>;
  /** The image models the folder lacked, taken from the demo folder instead. */
  fromDemo: ('unet' | 'resnet')[];
}

/** A model folder that cannot be published: its sentence says which file and what to do. */
export class ModelFolderInvalid extends Error {
  override readonly name = 'MODEL_FOLDER_INVALID';
}

/** Different bytes under a model version already in the bucket: versions are immutable. */
export class ModelVersionConflict extends Error {
  override readonly name = 'MODEL_VERSION_CONFLICT';
}

interface ModelFiles {
  model: PublishedModel;
  prefix: string;
  files: { name: string; body: Buffer }[];
}

/**
 * Copies the models of `modelDir` into the models bucket as a deployment's models bucket holds them, each
 * card and the file it names at `models/{kind}/{version}/`: the fusion model (model-card.json at the top)
 * for the Fuse function, `unet/` and `resnet/` for the inference container, which downloads them from
 * there as it does in the cloud. A folder without `unet/` or `resnet/` gets that image model from
 * `demoDir` (listed in `fromDemo`). A version is immutable, as in the cloud (docs/deploy.md): a file
 * already in the bucket with other bytes is refused before anything is written; the same bytes again
 * are left as they are.
 */
export async function publishModels(
  s3: S3Client,
  bucket: string,
  modelDir: string,
  demoDir: string = modelDir,
): Promise<PublishedModels> {
  const fromDemo: PublishedModels['fromDemo'] = [];
  const imageFolder = async (kind: 'unet' | 'resnet') => {
    const own = path.join(modelDir, kind);
    if ((await stat(own).catch(() => undefined))?.isDirectory()) return own;
    fromDemo.push(kind);
    return path.join(demoDir, kind);
  };
  const fusion = await readModel('xgboost', modelDir);
  const unet = await readModel('unet', await imageFolder('unet'));
  const resnet = await readModel('resnet', await imageFolder('resnet'));
  const all = [fusion, unet, resnet];
  const missing = [];
  for (const { prefix, files, model } of all)
    for (const file of files) {
      const stored = await readStored(s3, bucket, prefix + file.name);
      if (stored === undefined) missing.push({ key: prefix + file.name, body: file.body });
      else if (!stored.equals(file.body))
        throw new ModelVersionConflict(
          `${model.kind} model version ${model.version} is already in the local models bucket with another ` +
            `${file.name} (${bucket}/${prefix}${file.name}): a model version is immutable, so give the ` +
            `changed model a new "version" in ${path.join(model.folder, CARD_FILE)} (or start the local ` +
            'stack with a fresh --data-dir)',
        );
    }
  for (const { key, body } of missing)
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const models = { xgboost: fusion.model, unet: unet.model, resnet: resnet.model };
  return {
    versions: { xgboost: fusion.model.version, unet: unet.model.version, resnet: resnet.model.version },
    xgboostPrefix: fusion.prefix,
    models,
    fromDemo,
  };
}

/** A model's card (checked) and the file it names, from its folder. */
async function readModel(kind: ModelKind, folder: string): Promise<ModelFiles> {
  const cardFile = path.join(folder, CARD_FILE);
  const cardBytes = await readFile(cardFile).catch(() => {
    throw new ModelFolderInvalid(
      kind === 'xgboost'
        ? `${cardFile} is missing: a model folder holds the fusion model's ${CARD_FILE} and the file it names at the top (and optionally unet/ and resnet/)`
        : `${cardFile} is missing: ${path.basename(folder)}/ holds the ${kind} model's ${CARD_FILE} and the file it names`,
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(cardBytes.toString('utf8'));
  } catch (error) {
    throw new ModelFolderInvalid(`${cardFile} is not JSON: ${(error as Error).message}`);
  }
  const card =
    kind === 'xgboost'
      ? readModelCard(json, cardFile)
      : imageCard(kind === 'unet' ? unetCardSchema : resnetCardSchema, json, cardFile);
  const modelFile = path.join(folder, card.file);
  const body = await readFile(modelFile).catch(() => {
    throw new ModelFolderInvalid(`${modelFile} is missing: ${cardFile} names it as its "file"`);
  });
  // Checked here too (Fuse and the container check it before use), so a wrong file fails at publishing.
  if (createHash('sha256').update(body).digest('hex') !== card.sha256)
    throw new ModelFolderInvalid(`${modelFile} does not match the sha256 in ${cardFile}`);
  const synthetic = 'syntheticDemo' in card ? card.syntheticDemo : card.synthetic;
  return {
    model: { kind, name: card.name, version: card.version, synthetic, folder },
    prefix: modelPrefix(kind, card.version),
    files: [
      { name: CARD_FILE, body: cardBytes },
      { name: card.file, body },
    ],
  };
}

/** An image model's card, checked against the model contract (docs/models.md); a sentence when it fails. */
function imageCard<S extends typeof unetCardSchema | typeof resnetCardSchema>(
  schema: S,
  json: unknown,
  cardFile: string,
): z.output<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data as z.output<S>;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(the card)'}: ${issue.message}`,
  );
  throw new ModelFolderInvalid(`${cardFile} is not a valid model card: ${problems.join('; ')}`);
}

/**
 * The notice for image models taken from the demo, or undefined when the folder had its own: a fusion
 * model alone runs on the demo's synthetic U-Net and ResNet50.
 */
export function demoImageModelsNotice(published: PublishedModels, modelDir: string): string | undefined {
  if (published.fromDemo.length === 0) return undefined;
  const names = published.fromDemo.map((kind) => `${kind}/`).join(' and ');
  const models = published.fromDemo
    .map((kind) => `${published.models[kind].name} ${published.models[kind].version}`)
    .join(', ');
  return (
    `${modelDir} has no ${names}: the demo's synthetic image models (${models}, from ` +
    `${path.dirname(published.models[published.fromDemo[0]!].folder)}) are used, ` +
    'and every result they touch is marked synthetic'
  );
}

/** The object's bytes, or undefined when there is none. */
async function readStored(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}
