import { readFileSync } from 'node:fs';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FusionResult } from '../../core/fusion/fuse';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { workKeys } from '../../core/study/keys';
import { handler as fuse } from '../../lambdas/fuse/handler';
import { syntheticInference } from '../report/phantom-study';

vi.hoisted(() => {
  Object.assign(process.env, { MODELS_BUCKET: 'models', XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/' });
});

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = {
  studyId: 's1',
  manifestVersion: 'v1',
  bucket: 'studies',
  artifacts: {},
  fusionModelVersion: 'site-1',
};
const work = workKeys(run);
const phantom = generatePhantom({ dims: [64, 64, 40], seed: 77, variant: ['pleural-effusion'] });
const normalised = normaliseClinical(phantom.clinical);
if (!normalised.ok) throw new Error('phantom clinical record must normalise');
// work/clinical.json as Validate writes it when the upload spelt pleuralEffusion `effusion`.
const admission = { ...normalised.clinical.admission };
delete admission.pleuralEffusion;
const clinical = { ...normalised.clinical, admission, extra: { 'admission.effusion': true } };
// radiomics.json where the extraction could not compute stat_mean for the region.
const extracted = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
const features = { ...extracted.features };
delete features.stat_mean;
const radiomics = { ...extracted, features, undefinedFeatures: ['stat_mean'] };

const demo = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../../models/demo/${file}`, import.meta.url)));
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
/** A hospital's own fusion model: not synthetic (the demo model's file under a site card). */
const siteCard = text({
  ...(JSON.parse(new TextDecoder().decode(demo('model-card.json'))) as object),
  version: 'site-1',
  syntheticDemo: false,
});

function serve(objects: Record<string, Uint8Array>): void {
  for (const [path, bytes] of Object.entries(objects)) {
    const [bucket, ...key] = path.split('/');
    s3.on(GetObjectCommand, { Bucket: bucket, Key: key.join('/') }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
}
const storedResult = () => {
  const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
  return updates.at(-1)!.ExpressionAttributeValues?.[':result'] as FusionResult;
};

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
  ddb.reset().onAnyCommand().resolves({});
  serve({
    [`studies/${work.clinical}`]: text({ clinical }),
    [`studies/${work.radiomics}`]: text(radiomics),
    [`studies/${work.inference}`]: text(syntheticInference(phantom)),
    [`studies/${work.volume}`]: encodeNiftiGz(phantom.volume),
    [`studies/${work.mask}`]: encodeNiftiGz(phantom.mask),
    'models/models/xgboost/demo-1/model-card.json': demo('model-card.json'),
    'models/models/xgboost/demo-1/model.ubj': demo('model.ubj'),
    'models/models/xgboost/site-1/model-card.json': siteCard,
    'models/models/xgboost/site-1/model.ubj': demo('model.ubj'),
  });
});

const expectedMissing = [
  {
    feature: 'pleural_effusion',
    source: 'clinical',
    path: 'admission.pleuralEffusion',
    reason:
      'not provided in clinical.json; clinical.json has `admission.effusion`, not a field this service reads',
  },
  {
    feature: 'pancreas_mean_hu',
    source: 'radiomics',
    path: 'stat_mean',
    reason: expect.stringMatching(/^radiomics could not compute it for this region/),
  },
];

describe('Fuse: what the result says of missing inputs and synthetic models', () => {
  it('a site fusion model on the demo image models: synthetic, naming them; each missing input with why', async () => {
    await fuse(run);
    const result = storedResult();
    expect(result).toMatchObject({
      model: { version: 'site-1' },
      synthetic: true,
      syntheticModels: ['unet', 'resnet'],
      notice:
        'Synthetic demo models, not for clinical use: U-Net unet-demo demo-1, ResNet50 resnet50-demo demo-1.',
      missingFeatures: ['pleural_effusion', 'pancreas_mean_hu'],
      missingInputs: expectedMissing,
    });
    expect(result).not.toHaveProperty('label');
    const report = s3
      .commandCalls(PutObjectCommand)
      .map((c) => c.args[0].input)
      .find((p) => p.Key?.endsWith('report.html'));
    expect(String(report?.Body).match(/class="banner"/g)).toHaveLength(1);
    expect(String(report?.Body)).toContain('<li data-feature="pancreas_mean_hu">');
  });

  it('a rescore with the demo fusion model says the same, the fusion model named too', async () => {
    ddb.on(GetCommand).resolves({
      Item: {
        studyId: 's1',
        status: 'COMPLETED',
        manifestVersion: 'v1',
        result: { model: { version: 'site-1' } },
      },
    });
    await fuse({ ...run, mode: 'rescore', fusionModelVersion: 'demo-1' });
    expect(storedResult()).toMatchObject({
      rescoredFrom: 'site-1',
      synthetic: true,
      syntheticModels: ['unet', 'resnet', 'xgboost'],
      notice: expect.stringMatching(/ResNet50 resnet50-demo demo-1, fusion model sap-fusion-demo demo-1\.$/),
      missingInputs: expectedMissing,
    });
  });
});
