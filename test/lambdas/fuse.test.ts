import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { gzipSync } from 'node:zlib';
import { encodeNifti, encodeNiftiGz } from '../../core/imaging/nifti';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { handler as fuse } from '../../lambdas/fuse/handler';
import { resultKeys, workKeys } from '../../core/study/keys';
import { syntheticInference } from '../report/phantom-study';

vi.hoisted(() => {
  Object.assign(process.env, { MODELS_BUCKET: 'models', XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/' });
});

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const WORK = workKeys(run).prefix;
const phantom = generatePhantom({
  dims: [128, 128, 64],
  seed: 77,
  variant: ['necrotising', 'pleural-effusion'],
});
const clinical = normaliseClinical(phantom.clinical);
if (!clinical.ok) throw new Error('phantom clinical record must normalise');
const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
const demo = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../../models/demo/${file}`, import.meta.url)));
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function serve(objects: Record<string, Uint8Array>): void {
  for (const [path, bytes] of Object.entries(objects)) {
    const [bucket, ...key] = path.split('/');
    s3.on(GetObjectCommand, { Bucket: bucket, Key: key.join('/') }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
}

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  ddb.reset().onAnyCommand().resolves({});
  serve({
    [`studies/${WORK}clinical.json`]: text({ clinical: clinical.clinical }),
    [`studies/${WORK}radiomics.json`]: text(radiomics),
    [`studies/${WORK}inference.json`]: text(syntheticInference(phantom)),
    [`studies/${WORK}volume.nii.gz`]: encodeNiftiGz(phantom.volume),
    [`studies/${WORK}mask.nii.gz`]: encodeNiftiGz(phantom.mask),
    'models/models/xgboost/demo-1/model-card.json': demo('model-card.json'),
    'models/models/xgboost/demo-1/model.ubj': demo('model.ubj'),
  });
});

describe('Fuse handler', () => {
  it('stores the probability, its factors and the classic scores as COMPLETED, and writes the chart', async () => {
    const next = await fuse(run);
    expect(next.artifacts.explanation).toBe(resultKeys(run).explanation);
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.ExpressionAttributeValues?.[':status'])).toEqual(['SCORING', 'COMPLETED']);
    const completed = updates[1]!;
    expect(completed.ConditionExpression).toMatch(/^manifestVersion = :version AND #status IN/);
    const result = completed.ExpressionAttributeValues?.[':result'] as {
      probability: number;
      riskLevel: string;
      topFactors: unknown[];
      scores: { bisap: { value: number } };
      model: { version: string };
      label: string;
    };
    expect(result.probability).toBeGreaterThan(0.5);
    expect(result.riskLevel).toBe('high');
    expect(result.topFactors).toHaveLength(5);
    expect(result.scores.bisap.value).toBeGreaterThanOrEqual(1);
    expect(result.model.version).toBe('demo-1');
    expect(result.label).toContain('not for clinical use');
    const chart = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(chart).toMatchObject({ Key: resultKeys(run).explanation, ContentType: 'image/svg+xml' });
  });

  // Lambda gives every function its memory size as AWS_LAMBDA_FUNCTION_MEMORY_SIZE
  // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
  it('refuses a volume too large for its memory by name before it decodes it, and stores nothing', async () => {
    const bytes = encodeNifti(phantom.volume);
    // NIfTI-1 dim[1..3] say 1024×1024×500; the file still holds only the phantom's voxels.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    [1024, 1024, 500].forEach((size, axis) => view.setInt16(42 + 2 * axis, size, true));
    serve({ [`studies/${WORK}volume.nii.gz`]: gzipSync(bytes) });
    process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = '3008';
    try {
      await expect(fuse(run)).rejects.toMatchObject({
        name: 'STUDY_TOO_LARGE',
        message: expect.stringMatching(/1024×1024×500 .*Fuse needs an estimated 7160 MB .* has 3008 MB/),
      });
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
    }
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    const statuses = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':status']);
    expect(statuses).not.toContain('COMPLETED');
  });

  it('never writes its result over a newer manifest version', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    await expect(fuse(run)).rejects.toMatchObject({ name: 'STALE_RUN' });
    // Only this run's own files: the study's results/{id}/ copies belong to the newer run.
    const written = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    const own = resultKeys(run);
    expect(written.sort()).toEqual([own.explanation, own.report, own.riskAssessment].sort());
  });

  it('refuses a model whose file does not match its card', async () => {
    const damaged = demo('model.ubj');
    damaged[100] = damaged[100]! ^ 1;
    serve({ 'models/models/xgboost/demo-1/model.ubj': damaged });
    // A fresh container: the loaded model is cached per container, keyed by the card's checksum.
    vi.resetModules();
    const { handler: coldFuse } = await import('../../lambdas/fuse/handler');
    await expect(coldFuse(run)).rejects.toMatchObject({ name: 'MODEL_CHECKSUM_MISMATCH' });
  });
});
