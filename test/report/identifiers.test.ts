import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { generatePhantom, phantomStudyFiles, type PhantomClinical } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { StepError } from '../../core/pipeline/step-error';
import { handler as fuse } from '../../lambdas/fuse/handler';
import { handler as recordFailure } from '../../lambdas/record-failure/handler';
import { handler as validate } from '../../lambdas/validate/handler';
import { demoModelFile, syntheticInference } from './phantom-study';
import { workKeys } from '../../core/study/keys';

vi.hoisted(() => {
  Object.assign(process.env, { MODELS_BUCKET: 'models', XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/' });
  delete process.env.SAP_LOCAL_S3;
});

// A study whose clinical.json carries the patient's name, through the steps production runs: Validate,
// then Fuse (accepted) or the failure recorder (rejected). The name must never reach the report.
const NAMES = ['Zhang Wei', 'Wang Fang', '张伟'];

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const WORK = workKeys(run).prefix;
const phantom = generatePhantom({
  // 2 mm in-plane: the coarsest spacing Validate accepts.
  dims: [200, 200, 48],
  seed: 77,
  variant: ['necrotising', 'pleural-effusion'],
});
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const stored: Record<string, Uint8Array> = {};

function serve(key: string, bytes: Uint8Array): void {
  stored[key] = bytes;
  const [bucket, ...rest] = key.split('/');
  s3.on(GetObjectCommand, { Bucket: bucket, Key: rest.join('/') }).resolves({
    Body: { transformToByteArray: async () => bytes } as never,
  });
}

/** The phantom study as uploaded to incoming/s1/, with this clinical.json. */
function upload(clinical: unknown): void {
  const files = phantomStudyFiles({ ...phantom, clinical: clinical as PhantomClinical }, 'nifti', 's1');
  s3.on(ListObjectsV2Command).resolves({
    Contents: Object.entries(files).map(([path, bytes]) => ({
      Key: `incoming/s1/${path}`,
      Size: bytes.length,
    })),
    IsTruncated: false,
  });
  for (const [path, bytes] of Object.entries(files)) serve(`studies/incoming/s1/${path}`, bytes);
}

beforeEach(() => {
  s3.reset();
  ddb.reset().onAnyCommand().resolves({});
  // What a step writes, the next one reads.
  s3.on(PutObjectCommand).callsFake((put: PutObjectCommandInput) => {
    const body = put.Body;
    serve(
      `${put.Bucket}/${put.Key}`,
      typeof body === 'string' ? new TextEncoder().encode(body) : (body as Uint8Array),
    );
    return {};
  });
  serve('models/models/xgboost/demo-1/model-card.json', demoModelFile('model-card.json'));
  serve('models/models/xgboost/demo-1/model.ubj', demoModelFile('model.ubj'));
});

const text = (key: string) => new TextDecoder().decode(stored[key]);

describe('a clinical.json carrying patient names', () => {
  it('is scored, and the report leaves out the free text the names came in', async () => {
    upload({
      ...phantom.clinical,
      referringNote: `Seen by Dr ${NAMES[1]} for ${NAMES[0]}`,
      admission: { ...phantom.clinical.admission, bedLabel: NAMES[2] },
    });
    await validate(run);
    // Validate keeps fields it does not know (clinical.extra): the names reach the Fuse step.
    expect(text(`studies/${WORK}clinical.json`)).toContain(NAMES[0]);
    // Infer and Radiomics, as their handlers would have written them.
    serve(`studies/${WORK}mask.nii.gz`, encodeNiftiGz(phantom.mask));
    serve(`studies/${WORK}inference.json`, json(syntheticInference(phantom)));
    // Radiomics features are beside the point here: the model scores them as missing.
    serve(`studies/${WORK}radiomics.json`, json({ features: {} }));
    await fuse(run);
    const report = text('studies/results/s1/report.html');
    expect(report).toContain('id="probability"');
    for (const name of NAMES) expect(report).not.toContain(name);
  });

  it('is rejected without quoting the names, in its message or its failure report', async () => {
    upload({
      ...phantom.clinical,
      patientName: NAMES[0],
      姓名: NAMES[2],
      admission: { ...phantom.clinical.admission, wbc: NAMES[1] },
    });
    const error = await validate(run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    const { name, message } = error as StepError;
    // The rejection says what was sent in place of a number without quoting it: text may be a name.
    expect(message).toContain('admission.wbc');
    expect(message).toMatch(/got a string of \d+ characters/);
    for (const name of NAMES) expect(message).not.toContain(name);
    // Step Functions hands the Lambda error to the failure recorder as {Error, Cause}.
    const Cause = JSON.stringify({ errorType: name, errorMessage: message, trace: [] });
    await recordFailure({ run, stage: 'Validate', error: { Error: name, Cause } });
    const report = text('studies/results/s1/report.html');
    expect(report).toContain('INPUT_REJECTED');
    expect(report).toContain('patientName');
    for (const name of NAMES) expect(report).not.toContain(name);
  });
});
