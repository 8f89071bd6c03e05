import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import type { ExecutionProvider } from '../../core/inference/execution-provider';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom } from '../../core/phantom';
import { INFERENCE_OFF_CUDA_METRIC } from '../../core/pipeline/metric-names';
import type { StudyRun } from '../../core/pipeline/run';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { workKeys } from '../../core/study/keys';
import { handler as api } from '../../lambdas/api/handler';
import { handler as fuse } from '../../lambdas/fuse/handler';
import { syntheticInference } from '../report/phantom-study';
import { validateAgainstOpenApi } from '../support/openapi';

/**
 * A GPU endpoint that quietly ran a study on the CPU costs GPU prices for CPU speed: the provider goes
 * into the study's result, and Fuse (the Lambda that reads inference.json) counts every run off CUDA as
 * the InferenceOffCuda metric, which the stack alarms on. Metrics are on here (EMF lines on the console,
 * POWERTOOLS_DEV), unlike in the other handler tests.
 */
vi.hoisted(() => {
  Object.assign(process.env, {
    MODELS_BUCKET: 'models',
    XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/',
    STUDIES_BUCKET: 'studies',
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_DEV: 'true',
  });
});

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const work = workKeys(run);
const phantom = generatePhantom({ dims: [64, 64, 40], seed: 78, variant: ['pleural-effusion'] });
const clinical = normaliseClinical(phantom.clinical);
if (!clinical.ok) throw new Error('phantom clinical record must normalise');
const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
const demo = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../../models/demo/${file}`, import.meta.url)));
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function serve(inference: unknown): void {
  const objects: Record<string, Uint8Array> = {
    [work.clinical]: text({ clinical: clinical.clinical }),
    [work.radiomics]: text(radiomics),
    [work.inference]: text(inference),
    [work.volume]: encodeNiftiGz(phantom.volume),
    [work.mask]: encodeNiftiGz(phantom.mask),
  };
  for (const [key, bytes] of Object.entries(objects)) {
    s3.on(GetObjectCommand, { Bucket: 'studies', Key: key }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
  for (const file of ['model-card.json', 'model.ubj']) {
    s3.on(GetObjectCommand, { Bucket: 'models', Key: `models/xgboost/demo-1/${file}` }).resolves({
      Body: { transformToByteArray: async () => demo(file) } as never,
    });
  }
}

const inferenceOn = (executionProvider: ExecutionProvider) => ({
  ...syntheticInference(phantom),
  executionProvider,
});

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
  [key: string]: unknown;
}

let log: MockInstance<typeof console.log>;
/** The EMF documents Powertools printed that carry `metric`. */
const emitted = (metric: string): EmfLine[] =>
  log.mock.calls
    .map(([line]) =>
      typeof line === 'string' && line.startsWith('{') ? (JSON.parse(line) as EmfLine) : null,
    )
    .filter((doc): doc is EmfLine => doc !== null && metric in doc);

beforeEach(() => {
  log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  s3.reset().on(PutObjectCommand).resolves({});
  ddb.reset().onAnyCommand().resolves({});
});
afterEach(() => log.mockRestore());

const storedResult = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input.ExpressionAttributeValues?.[':result'] as Record<string, unknown>)
    .find((result) => result !== undefined);

describe('Fuse: where the inference ran', () => {
  it('stores the CPU provider in the result, shows it in GET /studies/{id}, and counts InferenceOffCuda', async () => {
    serve(inferenceOn('cpu'));
    await fuse(run);
    const result = storedResult();
    expect(result?.executionProvider).toBe('cpu');

    const [metric, ...more] = emitted(INFERENCE_OFF_CUDA_METRIC);
    expect(more).toHaveLength(0);
    expect(metric).toMatchObject({ service: 'sap-pipeline', executionProvider: 'cpu' });
    expect(metric![INFERENCE_OFF_CUDA_METRIC]).toBe(1);
    expect(metric!._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'sap-pipeline',
      Dimensions: [expect.arrayContaining(['service', 'executionProvider'])],
    });

    ddb.on(GetCommand).resolves({
      Item: {
        studyId: 's1',
        status: 'COMPLETED',
        manifestVersion: 'v1',
        updatedAt: '2026-01-01T10:05:00.000Z',
        stages: { RECEIVED: '2026-01-01T10:00:00.000Z', COMPLETED: '2026-01-01T10:05:00.000Z' },
        result,
      },
    });
    const request = {
      httpMethod: 'GET',
      resource: '/studies/{studyId}',
      pathParameters: { studyId: 's1' },
    } as unknown as APIGatewayProxyEvent;
    const response = await api(request);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ result: { executionProvider: 'cpu' } });
    expect(validateAgainstOpenApi('GET', '/studies/{studyId}', 200, response.body)).toEqual([]);
  });

  it('stores CUDA in the result and counts nothing', async () => {
    serve(inferenceOn('cuda'));
    await fuse(run);
    expect(storedResult()?.executionProvider).toBe('cuda');
    expect(emitted(INFERENCE_OFF_CUDA_METRIC)).toEqual([]);
  });

  it('counts a batch run off CUDA, but not a rescore of kept artifacts (its inference was counted before)', async () => {
    serve(inferenceOn('cpu'));
    await fuse({ ...run, mode: 'features', batchId: 'b1' });
    expect(emitted(INFERENCE_OFF_CUDA_METRIC)).toHaveLength(1);
    log.mockClear();
    await fuse({ ...run, mode: 'rescore', batchId: 'b1' });
    expect(emitted(INFERENCE_OFF_CUDA_METRIC)).toEqual([]);
  });

  it('counts an inference.json that does not say where it ran as executionProvider "unknown"', async () => {
    const older: Partial<ReturnType<typeof inferenceOn>> = inferenceOn('cuda');
    delete older.executionProvider;
    serve(older);
    await fuse(run);
    expect(storedResult()?.executionProvider).toBeUndefined();
    expect(emitted(INFERENCE_OFF_CUDA_METRIC)).toMatchObject([{ executionProvider: 'unknown' }]);
  });
});
