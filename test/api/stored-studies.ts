import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import { executionNameFor } from '../../core/study/study-id';
import { handler as fuse } from '../../lambdas/fuse/handler';
import { handler as recordFailure } from '../../lambdas/record-failure/handler';
import { moveStatus, recordReceived, type StudyItem } from '../../lambdas/shared/studies-table';
import { workKeys } from '../../core/study/keys';

type S3Stub = AwsClientStub<S3Client>;
type DdbStub = AwsClientStub<DynamoDBDocumentClient>;

/** Needs MODELS_BUCKET and XGBOOST_MODEL_PREFIX set to these before the Fuse handler is imported. */
export const FUSION_ENV = {
  MODELS_BUCKET: 'sap-models-test',
  XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/',
};

const ADMISSION = {
  schemaVersion: 1,
  admission: {
    age: 54,
    sex: 'F',
    etiology: 'hypertriglyceridaemic',
    heartRate: 112,
    respiratoryRate: 24,
    temperature: 38.4,
    pleuralEffusion: true,
    wbc: 14.2,
    crp: { value: 96, unit: 'mg/L' },
    triglycerides: { value: 23.4, unit: 'mmol/L' },
    calcium: 2.05,
    urea: { value: 6.8, unit: 'mmol/L' },
    glucose: { value: 12.6, unit: 'mmol/L' },
    ldh: 412,
    ast: 48,
  },
  h48: { calcium: 1.86 },
  ct: { balthazarGrade: 'D', necrosis: 'up-to-30' },
};
const RADIOMICS = {
  features: {
    morph_volume: 81234.5,
    morph_sphericity: 0.41,
    stat_mean: 31.2,
    stat_p10: -4,
    ih_entropy: 3.9,
    cm_contrast_3D_avg: 12.7,
  },
};

/**
 * Studies as the pipeline stores them, written by the real code with DynamoDB and S3 mocked: RECEIVED by
 * start-study's write, the stage moves, the Fuse handler's result on the demo model, record-failure's error.
 * Each item is round-tripped through DynamoDB's marshalling, as a GetItem would return it.
 */
export async function storedStudies(ddb: DdbStub, s3: S3Stub) {
  const received = await receive('rx-0001');
  const inferring = await advance(received, 'INFERRING');

  const completed = await advance(await receive('done-0002'), 'SCORING');
  serveFuseInputs(s3, runOf(completed));
  ddb.resetHistory();
  await fuse(runOf(completed));
  apply(completed, ddb);

  const failed = await advance(await receive('bad-0003'), 'VALIDATING');
  const message = '[MANIFEST_SIZE_MISMATCH] image/ct.nii.gz files[1].size: the manifest lists 41820388 bytes';
  ddb.resetHistory();
  await recordFailure({
    run: runOf(failed),
    stage: 'Validate',
    error: {
      Error: 'INPUT_REJECTED',
      Cause: JSON.stringify({ errorType: 'INPUT_REJECTED', errorMessage: message, trace: ['at x'] }),
    },
  });
  apply(failed, ddb);

  const asRead = (item: StudyItem) =>
    unmarshall(marshall(item, { removeUndefinedValues: true })) as StudyItem;
  return {
    received: asRead(received),
    inferring: asRead(inferring),
    completed: asRead(completed),
    failed: asRead(failed),
  };

  async function receive(studyId: string): Promise<StudyItem> {
    const version = `3HL4kqtJlcpXroDTDmJ.${studyId}`;
    ddb.resetHistory();
    await recordReceived(
      runOf({ studyId, manifestVersion: version }),
      executionNameFor(studyId, version),
      '0066A1B2C3D4E5F600',
    );
    return ddb.commandCalls(PutCommand)[0]!.args[0].input.Item as StudyItem;
  }

  async function advance(item: StudyItem, until: StudyItem['status']): Promise<StudyItem> {
    for (const step of PIPELINE_STEPS) {
      ddb.resetHistory();
      await moveStatus(runOf(item), step.status);
      apply(item, ddb);
      if (step.status === until) break;
    }
    return item;
  }
}

function runOf(item: Pick<StudyItem, 'studyId' | 'manifestVersion'>): StudyRun {
  return {
    studyId: item.studyId,
    manifestVersion: item.manifestVersion,
    bucket: 'studies-test',
    artifacts: {},
  };
}

/** Applies the status moves just sent (moveStatus's SET of status, updatedAt, the stage time and extras). */
function apply(item: StudyItem, ddb: DdbStub): void {
  for (const call of ddb.commandCalls(UpdateCommand)) {
    const values = call.args[0].input.ExpressionAttributeValues ?? {};
    const names = Object.values(call.args[0].input.ExpressionAttributeNames ?? {}) as string[];
    const status = values[':status'] as StudyItem['status'];
    const at = values[':now'] as string;
    Object.assign(item, {
      status,
      updatedAt: at,
      stages: { ...item.stages, [status]: item.stages[status] ?? at },
    });
    for (const name of names.filter((n) => n !== 'status'))
      Object.assign(item, { [name]: values[`:${name}`] });
  }
}

function serveFuseInputs(s3: S3Stub, run: StudyRun): void {
  const { bucket } = run;
  const work = workKeys(run);
  const clinical = normaliseClinical(ADMISSION);
  if (!clinical.ok)
    throw new Error(`fixture clinical record must normalise: ${JSON.stringify(clinical.issues)}`);
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  const demo = (file: string) =>
    new Uint8Array(readFileSync(new URL(`../../models/demo/${file}`, import.meta.url)));
  // The CT and its mask, for the report the Fuse step writes beside the result.
  const phantom = generatePhantom({ dims: [48, 48, 24], seed: 5 });
  const objects: [string, string, Uint8Array][] = [
    [bucket, work.volume, encodeNiftiGz(phantom.volume)],
    [bucket, work.mask, encodeNiftiGz(phantom.mask)],
    [bucket, work.clinical, json({ clinical: clinical.clinical })],
    [bucket, work.radiomics, json(RADIOMICS)],
    [bucket, work.inference, json({})],
    [FUSION_ENV.MODELS_BUCKET, `${FUSION_ENV.XGBOOST_MODEL_PREFIX}model-card.json`, demo('model-card.json')],
    [FUSION_ENV.MODELS_BUCKET, `${FUSION_ENV.XGBOOST_MODEL_PREFIX}model.ubj`, demo('model.ubj')],
  ];
  for (const [Bucket, Key, bytes] of objects) {
    s3.on(GetObjectCommand, { Bucket, Key }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
  s3.on(PutObjectCommand).resolves({});
}
