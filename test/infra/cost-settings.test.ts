/**
 * `sap cost` prices the template a plain deploy makes: the instance type, the idle tail, the function
 * memory and the studies bucket's lifecycle it uses are read off the synthesized template here and
 * compared with what the cost model priced (`sap cost --json` settings). Also the lifecycle and
 * autoscaling rules themselves, and the options that change them.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { studyUsage } from '../../core/cost/usage';
import { DEPLOY_TIME_FUNCTIONS, functionOfHandler, type FunctionName } from '../../core/pipeline/functions';
import type { InferenceTier } from '../../core/pipeline/inference-tier';
import { PipelineFunction } from '../../lib/constructs/pipeline-function';
import { sharedSynth, synthApp } from '../support/synth';

type Resource = { Type: string; Properties: Record<string, unknown> };

const DEPLOY_TIME_HANDLERS: string[] = Object.values(DEPLOY_TIME_FUNCTIONS).map((f) => f.handler);
/** The function definition each line of the cost model's study usage is priced as. */
const FUNCTION_OF_USE: Record<InferenceTier, (use: string) => FunctionName> = {
  gpu: (use) => (use === 'ResultsApi' ? 'Api' : (use as FunctionName)),
  cpu: (use) => (use === 'Infer' ? 'InferCpu' : FUNCTION_OF_USE.gpu(use)),
};
interface Rule {
  Id?: string;
  Prefix?: string;
  Status: string;
  ExpirationInDays?: number;
  Transitions?: { StorageClass: string; TransitionInDays: number }[];
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
}

function resourcesOf(context?: Record<string, unknown>): Record<string, Resource> {
  const { stacks } = context ? synthApp(context) : sharedSynth();
  return Template.fromStack(stacks[0]!).toJSON().Resources as Record<string, Resource>;
}
const ofType = (resources: Record<string, Resource>, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

function studiesRules(resources: Record<string, Resource>): Rule[] {
  const [, bucket] = ofType(resources, 'AWS::S3::Bucket').find(([id]) => id.includes('StudiesBucket'))!;
  return (bucket.Properties.LifecycleConfiguration as { Rules: Rule[] }).Rules;
}

function idleAlarm(resources: Record<string, Resource>) {
  return ofType(resources, 'AWS::CloudWatch::Alarm')
    .map(([, a]) => a.Properties)
    .filter((p) => p.MetricName === 'ApproximateBacklogSize');
}

let resources: Record<string, Resource>;
let priced: {
  instanceType: string;
  idleTailSeconds: number;
  storage: {
    workRetentionDays: number;
    logRetentionDays: number;
    originalsTransitionDays: number;
    originalsExpiryDays: number;
  };
};

beforeAll(async () => {
  resources = resourcesOf();
  const out: string[] = [];
  expect(await main(['cost', '--json'], { out: (t) => out.push(t), err: () => undefined })).toBe(0);
  priced = JSON.parse(out.join('\n')).settings;
});

describe('the cost model prices the synthesized template', () => {
  it('the endpoint’s instance type', () => {
    const [, config] = ofType(resources, 'AWS::SageMaker::EndpointConfig')[0]!;
    const variants = config.Properties.ProductionVariants as { InstanceType: string }[];
    expect(variants.map((v) => v.InstanceType)).toEqual([priced.instanceType]);
  });

  it('the idle tail: the idle alarm’s periods, one more for the last data point, a minute to stop', () => {
    const [alarm] = idleAlarm(resources);
    const periods = alarm!.EvaluationPeriods as number;
    const period = alarm!.Period as number;
    expect(priced.idleTailSeconds).toBe((periods + 1) * period + 60);
  });

  it('the studies bucket’s lifecycle', () => {
    const rules = studiesRules(resources);
    const originals = rules.find((r) => r.Prefix === 'incoming/')!;
    expect(originals.Transitions).toEqual([
      { StorageClass: 'GLACIER_IR', TransitionInDays: priced.storage.originalsTransitionDays },
    ]);
    expect(originals.ExpirationInDays).toBe(priced.storage.originalsExpiryDays);
    expect(rules.find((r) => r.Prefix === 'work/')!.ExpirationInDays).toBe(priced.storage.workRetentionDays);
  });

  it('the log groups’ retention', () => {
    const retention = ofType(resources, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties.RetentionInDays);
    expect(retention.length).toBeGreaterThan(0);
    expect(new Set(retention)).toEqual(new Set([priced.storage.logRetentionDays]));
  });

  it.each(['gpu', 'cpu'] as const)('the memory of every function a study runs on the %s tier', (tier) => {
    const { stacks } = sharedSynth({ inference: tier });
    const stack = stacks[0]!;
    const template = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
    const memoryOf = new Map<FunctionName, unknown>();
    for (const construct of stack.node.findAll())
      if (construct instanceof PipelineFunction && !DEPLOY_TIME_HANDLERS.includes(construct.sizing.handler)) {
        const logicalId = stack.getLogicalId(construct.function.node.defaultChild as CfnElement);
        memoryOf.set(functionOfHandler(construct.sizing.handler), template[logicalId]!.Properties.MemorySize);
      }
    for (const use of studyUsage({ tier, gpuSeconds: 1, cpuSeconds: 1, polls: 0 }).lambdas)
      expect(use.memoryMb, use.name).toBe(memoryOf.get(FUNCTION_OF_USE[tier](use.name)));
  });
});

describe('studies bucket lifecycle', () => {
  it('keeps overwritten or deleted originals 30 days, and expires SageMaker’s output after 7', () => {
    const rules = studiesRules(resources);
    expect(rules.find((r) => r.Prefix === 'incoming/')!.NoncurrentVersionExpiration).toEqual({
      NoncurrentDays: 30,
    });
    expect(rules.find((r) => r.Prefix === 'inference-output/')!.ExpirationInDays).toBe(7);
    expect(rules.every((r) => r.Status === 'Enabled')).toBe(true);
  });

  it('takes other days, or never, from -c options', () => {
    const custom = studiesRules(resourcesOf({ originalsTransitionDays: '0', originalsExpiryDays: '2555' }));
    expect(custom.find((r) => r.Prefix === 'incoming/')).toMatchObject({
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 0 }],
      ExpirationInDays: 2555,
    });
    const kept = studiesRules(
      resourcesOf({ originalsTransitionDays: 'never', originalsExpiryDays: 'never' }),
    );
    const originals = kept.find((r) => r.Prefix === 'incoming/')!;
    expect(originals.Transitions).toBeUndefined();
    expect(originals.ExpirationInDays).toBeUndefined();
    expect(originals.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 30 });
  });

  it('refuses an expiry that Glacier Instant Retrieval’s 90-day minimum would bill past', () => {
    expect(() => synthApp({ originalsTransitionDays: '30', originalsExpiryDays: '100' })).toThrow(
      /-c originalsExpiryDays: 100 days is less than originalsTransitionDays \(30\) \+ the 90-day minimum/,
    );
    expect(() => synthApp({ originalsExpiryDays: 'soon' })).toThrow(/-c originalsExpiryDays/);
  });
});

describe('scale in after the idle tail', () => {
  it('stops every instance once the backlog has been empty for three one-minute periods', () => {
    const alarms = idleAlarm(resources);
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SageMaker',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 0.5,
      // Missing data is not taken for an idle endpoint.
      TreatMissingData: 'notBreaching',
    });
    const [policy] = (alarm.AlarmActions as { Ref: string }[]).map((a) => resources[a.Ref]!.Properties);
    expect(policy!.StepScalingPolicyConfiguration).toMatchObject({
      AdjustmentType: 'ExactCapacity',
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: 0 }],
    });
  });

  it('has no idle alarm on an always-on endpoint', () => {
    expect(idleAlarm(resourcesOf({ scaleToZero: 'false' }))).toHaveLength(0);
  });
});
