import { readFileSync } from 'node:fs';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { batchOutcomeSchema } from '../../core/batch/outcome';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { classicScores, comparedScoreValues } from '../../core/scores';
import { resultKeys, workKeys } from '../../core/study/keys';
import { handler as fuse } from '../../lambdas/fuse/handler';
import { handler as recordFailure } from '../../lambdas/record-failure/handler';

vi.hoisted(() => {
  Object.assign(process.env, { MODELS_BUCKET: 'models', XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/' });
});

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const work = workKeys(run);
const phantom = generatePhantom({ dims: [64, 64, 40], seed: 77, variant: ['pleural-effusion'] });
const clinical = normaliseClinical(phantom.clinical);
if (!clinical.ok) throw new Error('phantom clinical record must normalise');
const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
const demo = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../../models/demo/${file}`, import.meta.url)));
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
/** The demo model again under another version: what a hospital uploads as version 2. */
const secondCard = text({
  ...(JSON.parse(new TextDecoder().decode(demo('model-card.json'))) as object),
  version: 'v2',
});
const inference = { probability: 0.8, timingsMs: { total: 1500 } };

function serve(objects: Record<string, Uint8Array>): void {
  for (const [path, bytes] of Object.entries(objects)) {
    const [bucket, ...key] = path.split('/');
    s3.on(GetObjectCommand, { Bucket: bucket, Key: key.join('/') }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
}
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
const missing = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  s3.on(GetObjectCommand).rejects(missing());
  ddb.reset().onAnyCommand().resolves({});
  serve({
    [`studies/${work.clinical}`]: text({ clinical: clinical.clinical }),
    [`studies/${work.radiomics}`]: text(radiomics),
    [`studies/${work.inference}`]: text(inference),
    [`studies/${work.volume}`]: encodeNiftiGz(phantom.volume),
    [`studies/${work.mask}`]: encodeNiftiGz(phantom.mask),
    'models/models/xgboost/demo-1/model-card.json': demo('model-card.json'),
    'models/models/xgboost/demo-1/model.ubj': demo('model.ubj'),
    'models/models/xgboost/v2/model-card.json': secondCard,
    'models/models/xgboost/v2/model.ubj': demo('model.ubj'),
  });
});

describe('Fuse in a batch', () => {
  it('writes the feature vector as the study outcome and leaves the studies table and results/ alone', async () => {
    const next = await fuse({ ...run, mode: 'features', batchId: 'b1' });
    expect(ddb.calls()).toHaveLength(0);
    const [put, ...more] = puts();
    expect(more).toHaveLength(0);
    expect(put!.Key).toBe('batches/b1/studies/s1.json');
    expect(next.artifacts.outcome).toBe('batches/b1/studies/s1.json');
    const outcome = batchOutcomeSchema.parse(JSON.parse(String(put!.Body)));
    expect(outcome).toMatchObject({
      status: 'COMPLETED',
      studyId: 's1',
      manifestVersion: 'v1',
      mode: 'features',
    });
    if (outcome.status !== 'COMPLETED') throw new Error('unreachable');
    expect(outcome.probability).toBeUndefined();
    expect(outcome.inferenceSeconds).toBe(1.5);
    // The card's inputs, in its order, with the study's radiomics values where the card reads them.
    const card = JSON.parse(new TextDecoder().decode(demo('model-card.json'))) as {
      features: { name: string; source: string; path: string }[];
    };
    expect(Object.keys(outcome.features)).toEqual(card.features.map((f) => f.name));
    const fromRadiomics = card.features.find((f) => f.source === 'radiomics')!;
    expect(outcome.features[fromRadiomics.name]).toBeCloseTo(radiomics.features[fromRadiomics.path]!, 12);
    // The classic scores of the study's clinical record, for the training table's score columns.
    const scores = classicScores(clinical.clinical);
    expect(outcome.classicScores).toEqual(comparedScoreValues(scores));
    expect(outcome.classicScores?.bisap).toBe(scores.bisap.partial ? null : scores.bisap.value);
  });

  it('adds the probability of the version asked for in a score or rescore batch, without GPU time for a rescore', async () => {
    await fuse({ ...run, mode: 'rescore', batchId: 'b2', fusionModelVersion: 'v2' });
    const outcome = batchOutcomeSchema.parse(JSON.parse(String(puts()[0]!.Body)));
    expect(outcome).toMatchObject({ status: 'COMPLETED', mode: 'rescore', model: { version: 'v2' } });
    if (outcome.status !== 'COMPLETED') throw new Error('unreachable');
    expect(outcome.probability).toBeGreaterThan(0);
    expect(outcome.inferenceSeconds).toBeUndefined();
  });

  it('records a failed run as the study outcome, not on the study', async () => {
    const failure = await recordFailure({
      run: { ...run, batchId: 'b3' },
      stage: 'Validate',
      error: { Error: 'INPUT_REJECTED', Cause: JSON.stringify({ errorMessage: 'no image' }) },
    });
    expect(failure).toEqual({ stage: 'Validate', code: 'INPUT_REJECTED', message: 'no image' });
    expect(ddb.calls()).toHaveLength(0);
    expect(puts().map((p) => p.Key)).toEqual(['batches/b3/studies/s1.json']);
    expect(batchOutcomeSchema.parse(JSON.parse(String(puts()[0]!.Body)))).toMatchObject({
      status: 'FAILED',
      code: 'INPUT_REJECTED',
      stage: 'Validate',
    });
  });

  it('refuses a features run outside a batch', async () => {
    await expect(fuse({ ...run, mode: 'features' })).rejects.toMatchObject({ name: 'INVALID_RUN' });
  });
});

describe('Fuse rescoring one study', () => {
  const rescoreRun: StudyRun = { ...run, mode: 'rescore', fusionModelVersion: 'v2' };
  const completed = {
    studyId: 's1',
    status: 'COMPLETED',
    manifestVersion: 'v1',
    result: { model: { version: 'demo-1' } },
  };

  it('replaces the result of a COMPLETED study, keeping its status and naming the model it replaced', async () => {
    ddb.on(GetCommand).resolves({ Item: completed });
    const next = await fuse(rescoreRun);
    expect(next.artifacts.report).toBe(resultKeys(run).report);
    const [update, ...more] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(more).toHaveLength(0);
    expect(update!.ConditionExpression).toBe('manifestVersion = :version AND #status = :completed');
    expect(update!.ExpressionAttributeValues).toMatchObject({
      ':completed': 'COMPLETED',
      ':version': 'v1',
      ':result': { model: { version: 'v2' }, rescoredFrom: 'demo-1' },
      ':rescore': { modelVersion: 'v2', status: 'COMPLETED' },
    });
    expect(
      puts()
        .map((p) => p.Key)
        .sort(),
    ).toEqual(
      [
        resultKeys(run).explanation,
        resultKeys(run).report,
        resultKeys(run).riskAssessment,
        'results/s1/explanation.svg',
        'results/s1/report.html',
        'results/s1/risk-assessment.json',
      ].sort(),
    );
  });

  it.each([
    ['a study still in progress', { ...completed, status: 'EXTRACTING' }],
    ['a study at another manifest version', { ...completed, manifestVersion: 'v0' }],
  ])('refuses %s with STUDY_NOT_COMPLETED', async (_, item) => {
    ddb.on(GetCommand).resolves({ Item: item });
    await expect(fuse(rescoreRun)).rejects.toMatchObject({ name: 'STUDY_NOT_COMPLETED' });
    expect(puts()).toHaveLength(0);
  });

  it('fails with MODEL_NOT_FOUND for a version not in the models bucket', async () => {
    ddb.on(GetCommand).resolves({ Item: completed });
    await expect(fuse({ ...rescoreRun, fusionModelVersion: 'v9' })).rejects.toMatchObject({
      name: 'MODEL_NOT_FOUND',
      message: expect.stringContaining('models/xgboost/v9/model-card.json'),
    });
  });

  it('fails with ARTIFACTS_MISSING when the work artifacts have expired', async () => {
    ddb.on(GetCommand).resolves({ Item: completed });
    s3.on(GetObjectCommand, { Bucket: 'studies', Key: work.radiomics }).rejects(missing());
    await expect(fuse(rescoreRun)).rejects.toMatchObject({
      name: 'ARTIFACTS_MISSING',
      message: expect.stringContaining(work.radiomics),
    });
  });

  it('records a failed rescore beside the result, which stays', async () => {
    const failure = await recordFailure({
      run: rescoreRun,
      stage: 'Fuse',
      error: { Error: 'MODEL_NOT_FOUND', Cause: JSON.stringify({ errorMessage: 'no card' }) },
    });
    expect(failure.code).toBe('MODEL_NOT_FOUND');
    const [update, ...more] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(more).toHaveLength(0);
    expect(update!.UpdateExpression).not.toContain('#result');
    expect(update!.ExpressionAttributeValues).toMatchObject({
      ':rescore': { status: 'FAILED', error: { code: 'MODEL_NOT_FOUND' } },
    });
    expect(puts()).toHaveLength(0);
  });
});
