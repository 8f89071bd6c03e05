import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import { sharedSynth, synthApp } from '../support/synth';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let template: Template;
let resources: Resources;

beforeAll(() => {
  const { stacks } = sharedSynth();
  template = Template.fromStack(stacks[0]!);
  resources = template.toJSON().Resources as Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const keyRef = () => Object.keys(template.findResources('AWS::KMS::Key'))[0]!;

describe('encryption with the customer-managed key', () => {
  it('has one key, with rotation, kept on delete', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it('encrypts the studies and models buckets with the key, versions them, blocks public access and logs access', () => {
    const dataBuckets = ofType('AWS::S3::Bucket').filter(([id]) => /StudiesBucket|ModelsBucket/.test(id));
    expect(dataBuckets).toHaveLength(2);
    for (const [, bucket] of dataBuckets) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyRef(), 'Arn'] },
            },
          },
        ],
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.LoggingConfiguration).toMatchObject({
        DestinationBucketName: expect.anything(),
      });
    }
  });

  it('expires work/ artifacts and inference-output/ bodies by lifecycle, and moves incoming/ originals before they expire', () => {
    const [, studies] = ofType('AWS::S3::Bucket').find(([id]) => id.includes('StudiesBucket'))!;
    const rules = (
      studies.Properties.LifecycleConfiguration as {
        Rules: { Prefix?: string; ExpirationInDays?: number; Transitions?: { TransitionInDays: number }[] }[];
      }
    ).Rules;
    expect(rules.find((r) => r.Prefix === 'work/')?.ExpirationInDays).toBe(30);
    expect(rules.find((r) => r.Prefix === 'inference-output/')?.ExpirationInDays).toBe(7);
    const originals = rules.find((r) => r.Prefix === 'incoming/')!;
    expect(originals.Transitions![0]!.TransitionInDays).toBeLessThan(originals.ExpirationInDays!);
  });

  it('denies every request to every bucket that does not use TLS', () => {
    const policies = ofType('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(3);
    for (const [, policy] of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('encrypts the studies table with the key, with PITR, on demand, with the status index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyRef(), 'Arn'] } },
        }),
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byStatus' })],
    });
  });

  it('lets EventBridge, SNS and CloudWatch use the key for the dead-letter queue and topics, in this account only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: ['events.amazonaws.com', 'sns.amazonaws.com', 'cloudwatch.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('lets every function with a dead-letter queue encrypt what it sends there', () => {
    const withQueue = ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.DeadLetterConfig);
    expect(withQueue.length).toBe(3);
    for (const [id] of withQueue) {
      const policy = ofType('AWS::IAM::Policy').find(([pid]) =>
        pid.startsWith(id.replace(/[0-9A-F]{8}$/, '')),
      );
      const actions = JSON.stringify(policy?.[1].Properties.PolicyDocument);
      expect(actions, id).toContain('sqs:SendMessage');
      expect(actions, id).toContain('kms:GenerateDataKey*');
    }
  });

  it('encrypts topics, queues and log groups with the key', () => {
    for (const [, topic] of ofType('AWS::SNS::Topic'))
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyRef(), 'Arn'] });
    for (const [, queue] of ofType('AWS::SQS::Queue'))
      expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyRef(), 'Arn'] });
    for (const [, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyRef(), 'Arn'] });
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });
});

describe('access', () => {
  it('requires IAM authorisation on every API method and never logs request data', () => {
    const methods = ofType('AWS::ApiGateway::Method');
    // GET /studies, /studies/{studyId} and /studies/{studyId}/fhir; POST /studies and .../rescore.
    expect(methods.map(([, m]) => m.Properties.HttpMethod).sort()).toEqual([
      'GET',
      'GET',
      'GET',
      'POST',
      'POST',
    ]);
    for (const [, method] of methods) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ DataTraceEnabled: false })],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: Match.anyValue() });
  });

  it('grants no wildcard action, and no data action on every resource', () => {
    const dataService = /^(s3|dynamodb|kms|sagemaker|states|sqs|sns):/;
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      const statements = (
        policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
      ).Statement;
      for (const statement of statements) {
        const actions = [statement.Action].flat();
        for (const action of actions) expect(action, `${id}: ${action}`).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
        if ([statement.Resource].flat().includes('*')) {
          expect(
            actions.filter((a) => dataService.test(a)),
            `${id} acts on data resources with Resource "*"`,
          ).toEqual([]);
        }
      }
    }
  });

  it('lets the Infer function invoke only this stack’s endpoint', () => {
    const invoking = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
      (
        p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
      ).Statement.filter((s) => [s.Action].flat().includes('sagemaker:InvokeEndpointAsync')),
    );
    expect(invoking).toHaveLength(1);
    expect(JSON.stringify(invoking[0]!.Resource)).toContain(':endpoint/sappipeline-eu-west-1-inference');
  });
});

describe('the asynchronous GPU endpoint', () => {
  it('is configured for asynchronous inference with encrypted output and both topics', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      // ml.g4dn has local NVMe storage: no KmsKeyId of its own (test/infra/endpoint-constraints.test.ts).
      KmsKeyId: Match.absent(),
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.g4dn.xlarge', InitialInstanceCount: 1 })],
      AsyncInferenceConfig: {
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 2 },
        OutputConfig: {
          KmsKeyId: { 'Fn::GetAtt': [keyRef(), 'Arn'] },
          S3OutputPath: Match.anyValue(),
          S3FailurePath: Match.anyValue(),
          NotificationConfig: { SuccessTopic: Match.anyValue(), ErrorTopic: Match.anyValue() },
        },
      },
    });
  });

  it('scales between 0 and N, with a step policy on HasBacklogWithoutCapacity to leave zero', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 2,
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    });
    const [stepPolicyId] = Object.keys(
      template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
        Properties: {
          PolicyType: 'StepScaling',
          StepScalingPolicyConfiguration: {
            AdjustmentType: 'ExactCapacity',
            StepAdjustments: [Match.objectLike({ ScalingAdjustment: 1 })],
          },
        },
      }),
    );
    expect(stepPolicyId).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HasBacklogWithoutCapacity',
      Namespace: 'AWS/SageMaker',
      AlarmActions: [{ Ref: stepPolicyId }],
    });
  });
});

describe('the workflow', () => {
  it('starts a Standard state machine from manifest uploads, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ wildcard: 'incoming/*/manifest.json' }] } },
      },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: Match.anyValue(),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('runs the steps of core’s definition in order, each retried and caught into a failure record', () => {
    // The single-study machine (the batch machine runs it as a child).
    const definitions = ofType('AWS::StepFunctions::StateMachine').map(([, machine]) =>
      resolveJoin(machine.Properties.DefinitionString),
    );
    const study = definitions.find((d) => d.includes('"StudyCompleted"'))!;
    const definition = JSON.parse(study) as {
      StartAt: string;
      States: Record<
        string,
        {
          Type: string;
          Default?: string;
          Next?: string;
          Resource?: string;
          Retry?: { ErrorEquals: string[] }[];
          Catch?: { Next: string }[];
          TimeoutSeconds?: number;
        }
      >;
    };
    // A run without a mode (a score run) takes each mode gate's Default.
    const order: string[] = [];
    for (let name: string | undefined = definition.StartAt; name;) {
      const state: (typeof definition.States)[string] = definition.States[name]!;
      if (state.Type === 'Choice') name = state.Default;
      else if (state.Resource) {
        order.push(name);
        name = state.Next;
      } else name = undefined;
    }
    expect(order).toEqual(PIPELINE_STEPS.map((s) => s.name));
    for (const step of PIPELINE_STEPS) {
      const state = definition.States[step.name]!;
      expect(state.Retry?.[0]?.ErrorEquals).toContain('TRANSIENT');
      expect(state.Catch?.map((c) => c.Next)).toEqual(['RunSuperseded', `Record${step.name}Failure`]);
      expect(state.TimeoutSeconds).toBe(step.stepTimeoutSeconds);
      expect(state.Resource?.endsWith('.waitForTaskToken')).toBe(step.completion === 'callback');
    }
  });

  it('runs every function on nodejs22.x arm64 with its own log group and tracing', () => {
    const functions = ofType('AWS::Lambda::Function').filter(
      ([id]) => !id.startsWith('BucketNotificationsHandler'),
    );
    expect(functions.length).toBeGreaterThanOrEqual(PIPELINE_STEPS.length + 4);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogGroup: expect.anything() }),
      });
    }
  });

  it('alarms on system failures, dead letters, endpoint errors, off-CUDA inference and the oldest study in progress', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.map((a) => a.MetricName)).toEqual(
      expect.arrayContaining([
        'ApproximateNumberOfMessagesVisible',
        'InvocationFailures',
        'OldestInProgressAgeSeconds',
      ]),
    );
    const queries = alarms.flatMap((a) =>
      ((a.Metrics as { Expression?: string }[]) ?? []).map((m) => m.Expression),
    );
    // A rejected upload fails its run but is no system failure: it is counted, not alarmed on.
    expect(queries).toContain(
      `SELECT SUM(StageFailures) FROM SCHEMA("sap-pipeline", code, service, stage) WHERE code != 'INPUT_REJECTED'`,
    );
    expect(queries).toContain('SELECT SUM(InferenceOffCuda) FROM "sap-pipeline"');
    const studyRunsFailed = alarms.filter(
      (a) =>
        a.MetricName === 'ExecutionsFailed' && JSON.stringify(a.Dimensions).includes('WorkflowStateMachine'),
    );
    expect(studyRunsFailed).toEqual([]);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('the dashboard shows stage durations, failures by code and the score distribution the functions publish', () => {
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as unknown as [
      [string, { Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } } }],
    ];
    // The body is JSON with resource references spliced in: put a placeholder in their place to read it.
    const body = JSON.parse(
      dashboard.Properties.DashboardBody['Fn::Join'][1]
        .map((part) => (typeof part === 'string' ? part : 'REF'))
        .join(''),
    ) as { widgets: { properties: { metrics?: unknown[][] } }[] };
    const series = body.widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => JSON.stringify(m));
    for (const stage of ['Queued', ...PIPELINE_STEPS.map((s) => s.name)])
      expect(series).toContainEqual(
        expect.stringContaining(`"StageDurationSeconds","service","sap-pipeline","stage","${stage}"`),
      );
    expect(series).toContainEqual(expect.stringContaining('MetricName=\\"StageFailures\\"'));
    expect(series).toContainEqual(expect.stringContaining('"StudiesRejected","service","sap-pipeline"'));
    for (const p of ['p10', 'p50', 'p90'])
      expect(series).toContainEqual(expect.stringMatching(new RegExp(`SapProbability.*"stat":"${p}"`)));
  });
});

describe('model versions from context', () => {
  it('each model version is an immutable prefix the endpoint and Fuse read, and only that prefix', () => {
    const { stacks } = synthApp({ unetVersion: '7', resnetVersion: '3', xgboostVersion: '2025-11' });
    const json = JSON.stringify(Template.fromStack(stacks[0]!).toJSON());
    expect(json).toContain('models/unet/7/');
    expect(json).toContain('models/resnet/3/');
    expect(json).toContain('models/xgboost/2025-11/');
    expect(json).not.toContain('models/unet/1/');
  });
});

describe('options from context', () => {
  it('takes the instance type, the instance limit and always-on from -c options', () => {
    const { stacks } = synthApp({ instanceType: 'ml.g5.xlarge', maxInstances: '4', scaleToZero: 'false' });
    const custom = Template.fromStack(stacks[0]!);
    custom.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.g5.xlarge' })],
    });
    custom.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    custom.resourcePropertiesCountIs(
      'AWS::ApplicationAutoScaling::ScalingPolicy',
      { PolicyType: 'StepScaling' },
      0,
    );
  });

  it('refuses a wrong option with a message that names it', () => {
    expect(() => synthApp({ maxInstances: 'lots' })).toThrow(/-c maxInstances/);
    expect(() => synthApp({ logRetentionDays: '10' })).toThrow(/-c logRetentionDays: one of 1, 3, 5/);
    expect(() => synthApp({ regions: 'mars-north-1x' })).toThrow(/not AWS region names: mars-north-1x/);
  });
});

/** The state machine definition is an Fn::Join of literal strings and tokens; tokens are irrelevant here. */
function resolveJoin(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(join[0]);
}
