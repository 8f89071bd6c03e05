/**
 * The IAM coverage check (issue #17) on calls of known verdict, against the synthesized template: what
 * test/support/iam-coverage-setup.ts runs on every call a local stack records. The check is seen to work
 * both ways here: calls the template grants pass, calls it does not grant fail with the role, the action
 * and the resource named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { localArn } from '../../local/stack/iam/local-arns';
import {
  BATCH_STATE_MACHINE,
  EVENTBRIDGE,
  INFERENCE_ENDPOINT,
  STUDY_STATE_MACHINE,
  describePrincipal,
  functionPrincipal,
  snsDelivery,
  type Principal,
} from '../../local/stack/iam/principals';
import { runAs } from '../../local/stack/iam/caller-context';
import { invokedAs } from '../../local/stack/iam/implied-calls';
import {
  recordCall,
  recordedCalls,
  setIamRecording,
  type AwsCall,
  type RecordedCall,
} from '../../local/stack/iam/recorder';
import { callsOfS3Request } from '../../local/stack/iam/s3-rest-calls';
import { callsOfCommand } from '../../local/stack/iam/sdk-calls';
import { LOCAL_NAMES } from '../../local/stack/local-env';
const START_STUDY_HANDLER = 'lambdas/start-study/handler.ts';
import {
  checkIamCoverage,
  describeDenial,
  resourcePattern,
  type CoverageReport,
} from '../support/iam-evaluate';
import { iamTemplate, type IamTemplate } from '../support/iam-template';

const FUSE = functionPrincipal('lambdas/fuse/handler.ts');
const VALIDATE = functionPrincipal('lambdas/validate/handler.ts');
const CALLBACK = functionPrincipal('lambdas/inference-callback/handler.ts');
const studies = (key: string) => localArn.object(LOCAL_NAMES.studiesBucket, key);
const SUCCESS_TOPIC = 'arn:aws:sns:us-east-1:000000000000:sap-inference-success';

let template: IamTemplate;
beforeAll(async () => {
  template = await iamTemplate();
});

const check = (principal: Principal, ...calls: AwsCall[]): Promise<CoverageReport> =>
  checkIamCoverage(
    calls.map((call): RecordedCall => ({ principal, ...call })),
    template,
  );

describe('calls the template grants pass', () => {
  it('a function writing where it may, with the key S3 uses on its behalf', async () => {
    const report = await check(FUSE, {
      action: 's3:PutObject',
      resource: studies('results/s1/v-1/report.html'),
    });
    expect(report.denied.map(describeDenial)).toEqual([]);
    // SSE-KMS: the write needs kms:GenerateDataKey on the bucket's key, checked as a call of its own.
    expect(report.checked.map((c) => c.action)).toEqual(['s3:PutObject', 'kms:GenerateDataKey']);
    expect(report.checked[1]).toMatchObject({ resource: expect.stringMatching(/^arn:aws:kms:/) });
  });

  it('EventBridge and SNS invoking their functions through the functions’ resource policies', async () => {
    const invoke = (handler: string) => ({
      action: 'lambda:InvokeFunction',
      resource: localArn.function(handler),
    });
    expect((await check(EVENTBRIDGE, invoke(START_STUDY_HANDLER))).denied).toEqual([]);
    expect(
      (await check(snsDelivery(SUCCESS_TOPIC), invoke('lambdas/inference-callback/handler.ts'))).denied,
    ).toEqual([]);
    // The rule may invoke StartStudy only: the same service has no permission on the callback.
    expect((await check(EVENTBRIDGE, invoke('lambdas/inference-callback/handler.ts'))).denied).toHaveLength(
      1,
    );
  });

  it('the task token answer, and the endpoint publishing to its encrypted topic', async () => {
    const answer = { action: 'states:SendTaskSuccess', resource: LOCAL_NAMES.stateMachineArn };
    expect((await check(CALLBACK, answer)).denied).toEqual([]);
    const publish = await check(INFERENCE_ENDPOINT, { action: 'sns:Publish', resource: SUCCESS_TOPIC });
    expect(publish.denied.map(describeDenial)).toEqual([]);
    expect(publish.checked.map((c) => c.action)).toEqual([
      'sns:Publish',
      'kms:GenerateDataKey',
      'kms:Decrypt',
    ]);
  });
});

describe('model versions are settings, mapped like resource names', () => {
  it('the container reads the local demo models as the template’s configured version', async () => {
    const models = (key: string) => localArn.object(LOCAL_NAMES.modelsBucket, key);
    const list = (prefix: string) => ({
      action: 's3:ListBucket',
      resource: localArn.bucket(LOCAL_NAMES.modelsBucket),
      context: { 's3:prefix': prefix },
    });
    const allowed = await check(INFERENCE_ENDPOINT, list('models/unet/demo-1/'), {
      action: 's3:GetObject',
      resource: models('models/unet/demo-1/model.onnx'),
    });
    expect(allowed.denied.map(describeDenial)).toEqual([]);
    // The container's role may list its own models' prefixes only.
    const denied = await check(INFERENCE_ENDPOINT, list('models/xgboost/demo-1/'));
    expect(denied.denied.map((c) => c.action)).toEqual(['s3:ListBucket']);
  });
});

describe('calls the template does not grant fail, naming the role and the missing permission', () => {
  it('a function writing outside its prefixes', async () => {
    const report = await check(VALIDATE, {
      action: 's3:PutObject',
      resource: studies('results/s1/v-1/report.html'),
    });
    expect(report.denied).toHaveLength(1);
    const message = describeDenial(report.denied[0]!);
    expect(message).toMatch(
      /^function lambdas\/validate\/handler\.ts \(\w*Validate\w*Role\w*\) may not s3:PutObject on arn:aws:s3:::/,
    );
    expect(message).toContain('/results/s1/v-1/report.html');
    expect(message).toMatch(/no identity policy statement allows it/);
  });

  it('a request without TLS meets the bucket policy’s Deny (the resource policy is evaluated)', async () => {
    const insecure = { 'aws:SecureTransport': 'false' };
    const report = await check(FUSE, {
      action: 's3:PutObject',
      resource: studies('results/s1/v-1/report.html'),
      context: insecure,
    });
    expect(describeDenial(report.denied[0]!)).toMatch(/explicit Deny in the resource policy/);
  });

  it('a `.sync` child execution needs the EventBridge managed rule: the batch role has it, the study role not', async () => {
    const execution = `${LOCAL_NAMES.stateMachineArn.replace(':stateMachine:', ':execution:')}:s1-run`;
    const sync = (principal: Principal) =>
      check(
        principal,
        { action: 'states:StartExecution', resource: LOCAL_NAMES.stateMachineArn },
        ...['states:DescribeExecution', 'states:StopExecution'].map((action) => ({
          action,
          resource: execution,
        })),
        ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action) => ({
          action,
          resource: localArn.syncExecutionRule(),
        })),
      );
    expect((await sync(BATCH_STATE_MACHINE)).denied.map(describeDenial)).toEqual([]);
    const study = await sync(STUDY_STATE_MACHINE);
    expect(study.denied.map((c) => c.action)).toEqual(
      expect.arrayContaining(['events:PutRule', 'states:StartExecution']),
    );
  });

  it('a resource the template does not have', async () => {
    const report = await check(FUSE, { action: 's3:GetObject', resource: localArn.object('elsewhere', 'k') });
    expect(describeDenial(report.denied[0]!)).toMatch(/no bucket of the template is the local elsewhere/);
  });
});

describe('what the recorder makes of a call', () => {
  it('attributes a call made deep inside a function to its role, and the invocation to the caller', async () => {
    setIamRecording(true);
    try {
      await runAs(STUDY_STATE_MACHINE, () =>
        invokedAs('lambdas/fuse/handler.ts', async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          recordCall({ action: 's3:GetObject', resource: studies('work/s1/v-1/radiomics.json') });
        }),
      );
    } finally {
      setIamRecording(false);
    }
    const calls = recordedCalls().map(({ principal, action }) => [describePrincipal(principal), action]);
    expect(calls).toEqual(
      expect.arrayContaining([
        ['study state machine', 'lambda:InvokeFunction'],
        ['function lambdas/fuse/handler.ts', 's3:GetObject'],
        ['function lambdas/fuse/handler.ts', 'logs:PutLogEvents'],
      ]),
    );
  });

  it('SDK commands as IAM names them', () => {
    expect(callsOfCommand('s3', 'HeadObjectCommand', { Bucket: 'b', Key: 'k' })).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
    ]);
    expect(callsOfCommand('s3', 'ListObjectsV2Command', { Bucket: 'b', Prefix: 'work/s1/' })).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'work/s1/' } },
    ]);
    expect(callsOfCommand('dynamodb', 'QueryCommand', { TableName: 't', IndexName: 'byStatus' })).toEqual([
      {
        action: 'dynamodb:Query',
        resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/index/byStatus',
      },
    ]);
  });

  it('the container’s path-style S3 requests', () => {
    expect(callsOfS3Request('GET', '/sap-models?list-type=2&prefix=models%2Funet%2F1%2F')).toEqual([
      {
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::sap-models',
        context: { 's3:prefix': 'models/unet/1/' },
      },
    ]);
    expect(callsOfS3Request('PUT', '/sap-studies/work/s1/mask.nii.gz?x-id=PutObject')).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::sap-studies/work/s1/mask.nii.gz' },
    ]);
    expect(callsOfS3Request('HEAD', '/sap-studies/incoming/s1/manifest.json')).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::sap-studies/incoming/s1/manifest.json' },
    ]);
  });

  it('resource patterns generalize one study’s ids', () => {
    expect(resourcePattern('arn:aws:s3:::b/work/s1/v-9/mask.nii.gz')).toBe(
      'arn:aws:s3:::b/work/*/mask.nii.gz',
    );
    expect(resourcePattern('arn:aws:states:r:a:execution:m:s1-x')).toBe('arn:aws:states:r:a:execution:m:*');
  });
});
