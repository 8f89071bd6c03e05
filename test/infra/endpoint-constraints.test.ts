/**
 * What AWS enforces on the inference endpoint and its first deploy, checked on the synthesized template:
 * one test per constraint, each citing the AWS documentation it comes from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointAsyncCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { type CfnElement, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import { hasInstanceStorage } from '../../lib/constructs/instance-storage';
import { handler as infer } from '../../lambdas/infer/handler';
import { sharedSynth, synthApp } from '../support/synth';

vi.hoisted(() => {
  Object.assign(process.env, {
    STUDIES_TABLE: 'studies-test',
    STUDIES_BUCKET: 'sap-studies-test',
    INFERENCE_ENDPOINT: 'sap-inference-test',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  delete process.env.SAP_LOCAL_S3;
});

const REPO = path.resolve(import.meta.dirname, '../..');

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
};

function synth(context?: Record<string, unknown>) {
  // The default app is read only here: the tests that share it in one process build it once.
  const { app, stacks } = context ? synthApp(context) : sharedSynth();
  const stack = stacks[0]!;
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  return { app, stack, template, resources, ofType };
}
type Synth = ReturnType<typeof synth>;

const endpointConfig = (s: Synth) => s.ofType('AWS::SageMaker::EndpointConfig')[0]![1].Properties!;

/** The rule ids acknowledged on a construct (cdk-nag reads them from this metadata). */
const acknowledgedOn = (construct: IConstruct) =>
  construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as Record<string, string>))
    .map((id) => id.replace(/^Annotation::/, ''));

let defaults: Synth;
beforeAll(() => {
  defaults = synth();
});

describe('instance storage vs KMS', () => {
  // "You can't request a KmsKeyId when using an instance type with local storage ... the call to
  // CreateEndpointConfig fails." https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html
  // Instance types with instance store volumes: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/InstanceStorage.html
  it.each([
    ...['ml.g4dn.xlarge', 'ml.g5.xlarge', 'ml.g6.xlarge', 'ml.g6e.2xlarge', 'ml.p3dn.24xlarge'],
    ...['ml.p4d.24xlarge', 'ml.p4de.24xlarge', 'ml.p5.48xlarge', 'ml.m5d.large', 'ml.c5d.xlarge'],
    ...['ml.r5d.large', 'ml.m6id.large', 'ml.trn1.2xlarge'],
  ])('%s has local NVMe storage', (instanceType) => {
    expect(hasInstanceStorage(instanceType)).toBe(true);
  });
  it.each([
    ...['ml.m5.xlarge', 'ml.c5.xlarge', 'ml.r5.large', 'ml.p3.2xlarge', 'ml.p2.xlarge', 'ml.t2.medium'],
    ...['ml.inf1.xlarge', 'ml.inf2.xlarge', 'ml.c6i.large', 'ml.m7i.large', 'ml.c5n.xlarge'],
  ])('%s has an EBS ML storage volume', (instanceType) => {
    expect(hasInstanceStorage(instanceType)).toBe(false);
  });

  it('sets no KmsKeyId for ml.g4dn.xlarge (the default), but keeps the async output key', () => {
    const config = endpointConfig(defaults);
    expect(config.KmsKeyId).toBeUndefined();
    expect(config).toMatchObject({
      AsyncInferenceConfig: { OutputConfig: { KmsKeyId: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
    });
    // The cdk-nag rule that asks for the key is acknowledged, with the reason, on the config only.
    expect(acknowledgedOn(defaults.stack.inference!.config).sort()).toEqual([
      'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured',
      'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured',
    ]);
  });

  it('keeps the KmsKeyId, and acknowledges nothing, for ml.m5.xlarge (EBS storage volume)', () => {
    const m5 = synth({ instanceType: 'ml.m5.xlarge' });
    const config = endpointConfig(m5);
    expect(config.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    expect(config.KmsKeyId).toEqual(
      (config.AsyncInferenceConfig as { OutputConfig: { KmsKeyId: unknown } }).OutputConfig.KmsKeyId,
    );
    expect(acknowledgedOn(m5.stack.inference!.config)).toEqual([]);
  });
});

describe('scale-out from zero', () => {
  // A step policy keeps acting on its alarm after each cooldown while the alarm stays in ALARM
  // ("The adjustments can continue for additional alarm breaches until the alarm state returns to OK"),
  // and HasBacklogWithoutCapacity stays 1 for the whole ~8 min cold start. ChangeInCapacity +1 would add
  // an instance per cooldown; ExactCapacity 1 cannot. https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
  // Adjustment types: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html
  const COLD_START_SECONDS = 8 * 60;

  it('starts exactly one instance, however often the alarm fires during a cold start', () => {
    const alarms = defaults
      .ofType('AWS::CloudWatch::Alarm')
      .filter(([, a]) => a.Properties!.MetricName === 'HasBacklogWithoutCapacity')
      .filter(([, a]) => (a.Properties!.AlarmActions as unknown[] | undefined)?.length);
    expect(alarms).toHaveLength(1);
    const [, alarm] = alarms[0]!;
    expect(alarm.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.Properties!.Threshold).toBeLessThanOrEqual(1);
    expect(alarm.Properties!.OKActions).toBeUndefined();

    const policyIds = (alarm.Properties!.AlarmActions as { Ref: string }[]).map((a) => a.Ref);
    expect(policyIds).toHaveLength(1);
    const policy = defaults.resources[policyIds[0]!]!.Properties!.StepScalingPolicyConfiguration as {
      AdjustmentType: string;
      Cooldown?: number;
      StepAdjustments: { ScalingAdjustment: number; MetricIntervalLowerBound?: number }[];
    };
    const exactlyOne =
      policy.AdjustmentType === 'ExactCapacity' &&
      policy.StepAdjustments.every((step) => step.ScalingAdjustment === 1);
    const waitsOutColdStart = (policy.Cooldown ?? 300) > COLD_START_SECONDS;
    expect(exactlyOne || waitsOutColdStart, JSON.stringify(policy)).toBe(true);
    // No step may act below the threshold (with ExactCapacity, a "0" step would stop a busy endpoint).
    expect(policy.StepAdjustments.every((step) => (step.MetricIntervalLowerBound ?? -1) >= 0)).toBe(true);
  });
});

describe('request TTL and invocation timeout vs the Infer step', () => {
  // RequestTTLSeconds (60–21,600 s, default 6 h) bounds the time in the queue, InvocationTimeoutSeconds
  // (1–3,600 s) the processing; a request still queued after the step gave up would otherwise still run.
  // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointAsync.html
  // Task TimeoutSeconds: https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
  it('queues no request that can live longer than the Infer step waits', async () => {
    const ddb = mockClient(DynamoDBDocumentClient).onAnyCommand().resolves({});
    const s3 = mockClient(S3Client).onAnyCommand().resolves({});
    const sagemaker = mockClient(SageMakerRuntimeClient).onAnyCommand().resolves({});
    const run = { studyId: 's1', manifestVersion: 'v1', bucket: 'sap-studies-test', artifacts: {} };
    await infer({ taskToken: 'token-1', run });
    const sent = sagemaker.commandCalls(InvokeEndpointAsyncCommand)[0]!.args[0].input;
    [ddb, s3, sagemaker].forEach((client) => client.restore());

    const machine = defaults
      .ofType('AWS::StepFunctions::StateMachine')
      .map(([, m]) => definitionOf(m.Properties!.DefinitionString))
      .find((d) => 'Infer' in d.States)!;
    const waited = machine.States.Infer!.TimeoutSeconds!;
    const lambdaSeconds = PIPELINE_STEPS.find((s) => s.name === 'Infer')!.timeoutSeconds;

    // Unset, SageMaker keeps a request queued for 6 hours.
    expect(sent.RequestTTLSeconds, 'RequestTTLSeconds').toBeTypeOf('number');
    expect(sent.RequestTTLSeconds).toBeGreaterThanOrEqual(60);
    expect(sent.InvocationTimeoutSeconds).toBeGreaterThanOrEqual(1);
    expect(sent.InvocationTimeoutSeconds).toBeLessThanOrEqual(3600);
    expect(lambdaSeconds + sent.RequestTTLSeconds! + sent.InvocationTimeoutSeconds!).toBeLessThanOrEqual(
      waited,
    );
  });
});

describe('the first deploy on an empty account', () => {
  // The endpoint is created with one instance, whose container must answer /ping within
  // ContainerStartupHealthCheckTimeoutInSeconds or the endpoint fails to create
  // (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html#your-algorithms-inference-algo-ping-requests);
  // it loads its models from the models bucket, so they must be there before CloudFormation creates it.
  // CloudFormation creates a resource after those it references or names in DependsOn:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
  const demoCards = {
    unet: 'models/demo/unet/model-card.json',
    resnet: 'models/demo/resnet/model-card.json',
    xgboost: 'models/demo/model-card.json',
  };

  it('copies the demo models to their version prefixes before the endpoint is created', () => {
    const copies = defaults.ofType('Custom::SapDemoModels');
    expect(copies).toHaveLength(1);
    const [copyId, copy] = copies[0]!;
    const props = copy.Properties as { Bucket: unknown; Copies: { prefix: string; files: string[] }[] };
    expect(props.Bucket).toEqual({
      Ref: defaults.stack.getLogicalId(defaults.stack.storage.models.node.defaultChild as CfnElement),
    });
    expect(props.Copies.map((c) => [c.prefix, c.files])).toEqual(
      Object.entries(demoCards).map(([kind, card]) => [
        `models/${kind}/1/`,
        [
          'model-card.json',
          (JSON.parse(readFileSync(path.join(REPO, card), 'utf8')) as { file: string }).file,
        ],
      ]),
    );
    // Versions outlive the stack: nothing is deleted with it.
    expect(copy.DeletionPolicy).toBe('Retain');

    const [endpointId] = defaults.ofType('AWS::SageMaker::Endpoint')[0]!;
    expect(dependenciesOf(endpointId, defaults.resources)).toContain(copyId);
  });

  it('ships exactly the demo models’ cards and files in the copy’s layer', () => {
    const layers = defaults.ofType('AWS::Lambda::LayerVersion');
    expect(layers, 'the demo models layer').toHaveLength(1);
    const [, layer] = layers[0]!;
    const key = (layer.Properties!.Content as { S3Key: string }).S3Key;
    const staged = path.join(defaults.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    expect(listFiles(staged).sort()).toEqual(
      ['unet/model-card.json', 'unet/model.onnx', 'resnet/model-card.json', 'resnet/model.onnx']
        .concat(['model-card.json', 'model.ubj'])
        .sort(),
    );
  });

  it('never touches a hospital’s own versions', () => {
    const own = synth({ unetVersion: '2027-03-01', resnetVersion: '2027-03-01', xgboostVersion: '2' });
    expect(own.ofType('Custom::SapDemoModels')).toHaveLength(0);
    expect(own.ofType('AWS::Lambda::LayerVersion')).toHaveLength(0);

    const mixed = synth({ unetVersion: '2' });
    const mixedCopies = mixed.ofType('Custom::SapDemoModels');
    expect(mixedCopies, 'the demo models copy').toHaveLength(1);
    const [, copy] = mixedCopies[0]!;
    const prefixes = (copy.Properties as { Copies: { prefix: string }[] }).Copies.map((c) => c.prefix);
    expect(prefixes).toEqual(['models/resnet/1/', 'models/xgboost/1/']);
    // The copier's role may write the demo prefixes only.
    const copierPolicy = JSON.stringify(
      mixed.ofType('AWS::IAM::Policy').find(([id]) => id.includes('DemoModelsCopier'))![1].Properties,
    );
    expect(copierPolicy).toContain('/models/resnet/1/*');
    expect(copierPolicy).not.toContain('/models/unet/');
    expect(copierPolicy).not.toMatch(/s3:DeleteObject/);
  });
});

describe('the host image', () => {
  // InferenceAmiVersion values and their NVIDIA driver / CUDA versions, as documented:
  // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html
  // https://docs.aws.amazon.com/sagemaker/latest/dg/inference-gpu-drivers.html
  const GPU_AMIS: Record<string, { driver: number; cudaMajor: number }> = {
    'al2-ami-sagemaker-inference-gpu-2': { driver: 535, cudaMajor: 12 },
    'al2-ami-sagemaker-inference-gpu-2-1': { driver: 535, cudaMajor: 12 },
    'al2-ami-sagemaker-inference-gpu-3-1': { driver: 550, cudaMajor: 12 },
  };
  // CUDA minor version compatibility: a 12.x runtime runs on any driver >= 525.60.13 (Linux).
  // https://docs.nvidia.com/deploy/cuda-compatibility/
  const MIN_DRIVER_FOR_CUDA_12 = 525;

  it('pins a GPU host image whose NVIDIA driver runs the container’s CUDA', () => {
    const dockerfile = readFileSync(path.join(REPO, 'containers/gpu-inference/Dockerfile'), 'utf8');
    const cudaMajor = Number(/^FROM nvidia\/cuda:(\d+)\.\d+/m.exec(dockerfile)?.[1]);
    expect(cudaMajor).toBe(12);
    const variants = endpointConfig(defaults).ProductionVariants as { InferenceAmiVersion?: string }[];
    for (const variant of variants) {
      const ami = GPU_AMIS[variant.InferenceAmiVersion ?? 'not pinned'];
      expect(ami, `InferenceAmiVersion ${variant.InferenceAmiVersion}`).toBeDefined();
      expect(ami!.cudaMajor).toBe(cudaMajor);
      expect(ami!.driver).toBeGreaterThanOrEqual(MIN_DRIVER_FOR_CUDA_12);
    }
  });
});

describe('asynchronous inference output', () => {
  // Lifecycle expiration of a prefix: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
  it('expires the response and failure bodies under inference-output/', () => {
    defaults.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: 'inference-output/',
            Status: 'Enabled',
            ExpirationInDays: Match.anyValue(),
            NoncurrentVersionExpiration: Match.anyValue(),
          }),
        ]),
      },
    });
  });
});

/** The logical ids a resource waits for, directly or not: DependsOn, Ref and Fn::GetAtt. */
function dependenciesOf(
  id: string,
  resources: Record<string, Resource>,
  seen = new Set<string>(),
): Set<string> {
  const resource = resources[id];
  if (!resource) return seen;
  const direct = new Set<string>(resource.DependsOn ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.Ref === 'string') direct.add(object.Ref);
      const getAtt = object['Fn::GetAtt'];
      if (Array.isArray(getAtt)) direct.add(String(getAtt[0]));
      Object.values(object).forEach(walk);
    }
  };
  walk(resource.Properties);
  for (const next of direct) {
    if (seen.has(next) || !resources[next]) continue;
    seen.add(next);
    dependenciesOf(next, resources, seen);
  }
  return seen;
}

/** A state machine's DefinitionString as JSON, with every CloudFormation reference as a placeholder. */
function definitionOf(value: unknown): { States: Record<string, { TimeoutSeconds?: number }> } {
  const join = (part: unknown): string =>
    typeof part === 'string'
      ? part
      : 'Fn::Join' in (part as object)
        ? (part as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
            .map(join)
            .join((part as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][0])
        : 'PLACEHOLDER';
  return JSON.parse(join(value)) as { States: Record<string, { TimeoutSeconds?: number }> };
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(path.join(dir, name)).isDirectory()
      ? listFiles(path.join(dir, name), `${prefix}${name}/`)
      : [`${prefix}${name}`],
  );
}
