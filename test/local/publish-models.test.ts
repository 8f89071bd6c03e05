import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack/local-env';
import {
  demoImageModelsNotice,
  ModelFolderInvalid,
  ModelVersionConflict,
  publishModels,
} from '../../local/stack/models';
import { REPO_ROOT } from '../../local/stack/paths';
import { startS3, type LocalS3 } from '../../local/stack/s3-server';

/** Publishing a model folder to the local models bucket (issue #19, items 7 and 11). */
const BUCKET = 'models-under-test';
const DEMO = path.join(REPO_ROOT, 'models', 'demo');

let root: string;
let s3: LocalS3;
let client: S3Client;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-publish-models-'));
  s3 = await startS3({ directory: path.join(root, 's3'), buckets: [BUCKET] });
  client = new S3Client({
    endpoint: s3.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
  });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fusion-only folder: the demo's model file under a card with this version. */
async function fusionOnly(name: string, version: string, change: Record<string, unknown> = {}) {
  const folder = path.join(root, name);
  await cp(path.join(DEMO, 'model.ubj'), path.join(folder, 'model.ubj'));
  const card = JSON.parse(await readFile(path.join(DEMO, 'model-card.json'), 'utf8')) as object;
  await writeFile(path.join(folder, 'model-card.json'), JSON.stringify({ ...card, version, ...change }));
  return folder;
}

const keysUnder = async (prefix: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(
    (o) => o.Key,
  );

describe('publishModels', () => {
  it('publishes a fusion model alone with the demo image models, and the same bytes again', async () => {
    const folder = await fusionOnly('site', 'v1');
    const first = await publishModels(client, BUCKET, folder, DEMO);
    expect(first.fromDemo).toEqual(['unet', 'resnet']);
    expect(first.models.xgboost).toMatchObject({ kind: 'xgboost', version: 'v1', folder });
    expect(first.models.unet).toMatchObject({ synthetic: true, folder: path.join(DEMO, 'unet') });
    expect(demoImageModelsNotice(first, folder)).toMatch(
      new RegExp(`^${folder} has no unet/ and resnet/: the demo's synthetic image models \\(`),
    );
    expect(await keysUnder('models/xgboost/v1/')).toEqual([
      'models/xgboost/v1/model-card.json',
      'models/xgboost/v1/model.ubj',
    ]);
    const card = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'models/xgboost/v1/model-card.json' }),
    );
    expect(await card.Body!.transformToString()).toBe(
      await readFile(path.join(folder, 'model-card.json'), 'utf8'),
    );
    await expect(publishModels(client, BUCKET, folder, DEMO)).resolves.toMatchObject({
      fromDemo: ['unet', 'resnet'],
    });
    expect(demoImageModelsNotice(await publishModels(client, BUCKET, DEMO, DEMO), DEMO)).toBeUndefined();
  });

  it('refuses other bytes under an existing version, naming it and the file, and writes nothing', async () => {
    await publishModels(client, BUCKET, await fusionOnly('first', 'v2'), DEMO);
    const changed = await fusionOnly('changed', 'v2', { riskThresholds: { moderate: 0.1, high: 0.5 } });
    const refusal = await publishModels(client, BUCKET, changed, DEMO).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ModelVersionConflict);
    expect((refusal as Error).message).toBe(
      `xgboost model version v2 is already in the local models bucket with another model-card.json ` +
        `(${BUCKET}/models/xgboost/v2/model-card.json): a model version is immutable, so give the changed ` +
        `model a new "version" in ${path.join(changed, 'model-card.json')} (or start the local stack with a fresh --data-dir)`,
    );
    // A new version beside a conflicting one: nothing of it is written when any file conflicts.
    const mixed = await fusionOnly('mixed', 'v3');
    await cp(path.join(DEMO, 'unet'), path.join(mixed, 'unet'), { recursive: true });
    const unetCard = JSON.parse(
      await readFile(path.join(mixed, 'unet', 'model-card.json'), 'utf8'),
    ) as object;
    await writeFile(
      path.join(mixed, 'unet', 'model-card.json'),
      JSON.stringify({ ...unetCard, description: 'retrained, same version' }),
    );
    await expect(publishModels(client, BUCKET, mixed, DEMO)).rejects.toThrow(
      /unet model version \S+ is already/,
    );
    expect(await keysUnder('models/xgboost/v3/')).toEqual([]);
  });

  it('refuses a folder without a fusion card, or a file that does not match its card', async () => {
    await expect(publishModels(client, BUCKET, root, DEMO)).rejects.toThrow(
      new ModelFolderInvalid(
        `${path.join(root, 'model-card.json')} is missing: a model folder holds the fusion model's model-card.json and the file it names at the top (and optionally unet/ and resnet/)`,
      ),
    );
    const swapped = await fusionOnly('swapped', 'v4');
    await writeFile(path.join(swapped, 'model.ubj'), 'not the model');
    await expect(publishModels(client, BUCKET, swapped, DEMO)).rejects.toThrow(
      `${path.join(swapped, 'model.ubj')} does not match the sha256 in ${path.join(swapped, 'model-card.json')}`,
    );
  });
});
