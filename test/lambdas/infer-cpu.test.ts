/**
 * The CPU tier's Infer handler in-process, its AWS calls mocked: it loads the models from the models
 * bucket once per container, writes the mask and inference.json (tier `cpu`) where the GPU container
 * does, hands on the same artifacts, and refuses a study beyond its memory or its time left with the code
 * that names the limit, before either network runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { CPU_TIER_MEMORY_LIMIT, CPU_TIER_TIME_LIMIT } from '../../core/inference/cpu-tier-limits';
import { inferenceResultSchema } from '../../core/inference/result';
import { generatePhantom } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { workKeys } from '../../core/study/keys';
import { handler } from '../../lambdas/infer-cpu/handler';
import { REPO_ROOT } from '../../local/stack/paths';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 'cpu-1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const keys = workKeys(run);
const phantom = generatePhantom({
  dims: [128, 128, 40],
  spacing: [2, 2, 5],
  seed: 11,
  variant: ['necrotising', 'pleural-effusion'],
});
const volume = encodeNiftiGz(phantom.volume);

/** An object body as the SDK gives it: a stream that can also be read whole. */
const body = (bytes: Uint8Array) =>
  Object.assign(Readable.from([Buffer.from(bytes)]), { transformToByteArray: async () => bytes });

/** The demo models as the models bucket holds them, and the run's volume. */
function serve(): void {
  for (const kind of ['unet', 'resnet']) {
    const dir = path.join(REPO_ROOT, 'models', 'demo', kind);
    const files = readdirSync(dir).filter((f) => f !== 'model.pt');
    const prefix = `models/${kind}/1/`;
    s3.on(ListObjectsV2Command, { Bucket: 'models', Prefix: prefix }).resolves({
      Contents: files.map((f) => ({ Key: prefix + f })),
    });
    for (const f of files)
      s3.on(GetObjectCommand, { Bucket: 'models', Key: prefix + f }).callsFake(() => ({
        Body: body(readFileSync(path.join(dir, f))),
      }));
  }
  s3.on(GetObjectCommand, { Bucket: 'studies', Key: keys.volume }).callsFake(() => ({ Body: body(volume) }));
}

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  ddb.reset().onAnyCommand().resolves({});
  serve();
  Object.assign(process.env, {
    MODELS_BUCKET: 'models',
    UNET_MODEL_PREFIX: 'models/unet/1/',
    RESNET_MODEL_PREFIX: 'models/resnet/1/',
  });
});
afterEach(() => {
  for (const name of [
    'MODELS_BUCKET',
    'UNET_MODEL_PREFIX',
    'RESNET_MODEL_PREFIX',
    'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  ])
    delete process.env[name];
});

describe('the CPU tier’s Infer handler', () => {
  it('moves the study to INFERRING, writes the mask and inference.json (tier cpu), hands on their keys', async () => {
    const next = await handler(run, context(900_000));
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':status']).toBe(
      'INFERRING',
    );
    expect(next).toEqual({ ...run, artifacts: { mask: keys.mask, inference: keys.inference } });
    const puts = new Map(
      s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input]),
    );
    expect([...puts.keys()].sort()).toEqual([keys.inference, keys.mask].sort());
    const result = inferenceResultSchema.parse(JSON.parse(String(puts.get(keys.inference)!.Body)));
    expect(result).toMatchObject({ tier: 'cpu', executionProvider: 'cpu', synthetic: true });
    expect(result.maskVoxels).toBeGreaterThan(0);

    // The models stay loaded: a second invocation in the same container reads no model file.
    s3.resetHistory();
    await handler(run, context(900_000));
    const reads = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key);
    expect(reads).toEqual([keys.volume]);
  }, 60_000);

  it('refuses a study the time left cannot hold with CPU_TIER_TIME_LIMIT, before running', async () => {
    await expect(handler(run, context(2_000))).rejects.toMatchObject({
      name: CPU_TIER_TIME_LIMIT,
      message: expect.stringMatching(
        /U-Net patches .* need an estimated \d+ s, and this invocation has 2 s left of the function's 900 s limit/,
      ),
    });
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
  }, 60_000);

  it('refuses a study its memory cannot hold with CPU_TIER_MEMORY_LIMIT, before running', async () => {
    process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = '512';
    await expect(handler(run, context(900_000))).rejects.toMatchObject({
      name: CPU_TIER_MEMORY_LIMIT,
      message: expect.stringMatching(/needs an estimated \d+ MB and the function has 512 MB/),
    });
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
  }, 60_000);
});
