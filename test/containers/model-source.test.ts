import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModelDir, SAGEMAKER_MODEL_DIR } from '../../containers/gpu-inference/model-source';
import { loadModels } from '../../core/inference/models';
import {
  putObject,
  removeTemporaryDirs,
  startS3Fixture,
  tinyModelDir,
  BUCKET,
  type S3Fixture,
} from './fixtures';

let fixture: S3Fixture;
let source: string;

/** The models bucket layout the stack reads: models/{unet|resnet}/{version}/... */
const PREFIXES = { unet: 'models/unet/v7/', resnet: 'models/resnet/v3/' };

beforeAll(async () => {
  fixture = await startS3Fixture();
  source = await tinyModelDir();
  for (const [kind, prefix] of Object.entries(PREFIXES)) {
    for (const file of ['model-card.json', 'model.onnx']) {
      await putObject(fixture.s3, prefix + file, await readFile(join(source, kind, file)));
    }
  }
  // Another version beside them must not be fetched.
  await putObject(fixture.s3, 'models/unet/v8/model.onnx', new Uint8Array([1]));
});
afterAll(async () => {
  await fixture.close();
  await removeTemporaryDirs();
});

describe('inference container: where the models come from', () => {
  it('uses /opt/ml/model (SageMaker ModelDataUrl), or SAP_MODEL_DIR, when the stack names no models bucket', async () => {
    expect(await resolveModelDir({}, fixture.s3)).toBe(SAGEMAKER_MODEL_DIR);
    expect(await resolveModelDir({ SAP_MODEL_DIR: 'models/demo' }, fixture.s3)).toBe('models/demo');
  });

  it('downloads the versions the stack names from the models bucket into unet/ and resnet/', async () => {
    const dir = await resolveModelDir(
      { MODELS_BUCKET: BUCKET, UNET_MODEL_PREFIX: PREFIXES.unet, RESNET_MODEL_PREFIX: PREFIXES.resnet },
      fixture.s3,
    );
    for (const kind of ['unet', 'resnet']) {
      const [got, want] = await Promise.all([dir, source].map((d) => readFile(join(d, kind, 'model.onnx'))));
      expect(got!.equals(want!)).toBe(true);
    }
    const models = await loadModels(dir, { threads: 1, device: 'cpu' });
    expect(models.unet.card.name).toBe('threshold-unet');
    await Promise.all([models.unet.session.release(), models.resnet.session.release()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails naming the prefix when it holds no model', async () => {
    await expect(
      resolveModelDir(
        {
          MODELS_BUCKET: BUCKET,
          UNET_MODEL_PREFIX: 'models/unet/v99/',
          RESNET_MODEL_PREFIX: PREFIXES.resnet,
        },
        fixture.s3,
      ),
    ).rejects.toThrow(`no model files under s3://${BUCKET}/models/unet/v99/`);
  });

  it('fails when the bucket is named without both prefixes', async () => {
    await expect(
      resolveModelDir({ MODELS_BUCKET: BUCKET, UNET_MODEL_PREFIX: PREFIXES.unet }, fixture.s3),
    ).rejects.toThrow(/RESNET_MODEL_PREFIX/);
  });
});
