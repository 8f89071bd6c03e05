import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERATED_FAILURE_PERCENTAGE } from '../../core/pipeline/batch-execution';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import type { SapPipelineStack } from '../../lib/stacks/sap-pipeline-stack';
import { synthApp } from '../support/synth';

type Resource = { Type: string; Properties: Record<string, unknown> };
interface State {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Result?: Record<string, unknown>;
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Choices?: { Next: string }[];
  ItemReader?: {
    Resource: string;
    ReaderConfig: Record<string, unknown>;
    Parameters: Record<string, unknown>;
  };
  ItemProcessor?: {
    ProcessorConfig: Record<string, unknown>;
    StartAt: string;
    States: Record<string, State>;
  };
  ItemSelector?: Record<string, unknown>;
  ResultWriter?: { Resource: string; Parameters: Record<string, unknown> };
  MaxConcurrencyPath?: string;
  ToleratedFailurePercentagePath?: string;
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
}
interface Statement {
  Action: string | string[];
  Resource: unknown;
}

// One synth for the file, with options that differ from the defaults so the wiring shows through.
const CONTEXT = {
  maxInstances: '3',
  maxConcurrentInvocationsPerInstance: '4',
  xgboostVersion: '2025-11',
  logRetentionDays: '90',
  workRetentionDays: '45',
};
let stack: SapPipelineStack;
let resources: Record<string, Resource>;
let batch: Definition;
let ids: { batch: string; study: string; studies: string; models: string; item: string; summary: string };

beforeAll(() => {
  const { stacks } = synthApp(CONTEXT);
  stack = stacks[0]!;
  resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  ids = {
    batch: logicalId(stack.batch.stateMachine),
    study: logicalId(stack.workflow.stateMachine),
    studies: logicalId(stack.storage.studies),
    models: logicalId(stack.storage.models),
    item: logicalId(stack.batch.functions.BatchItem.function),
    summary: logicalId(stack.batch.functions.BatchSummary.function),
  };
  batch = JSON.parse(showTokens(resources[ids.batch]!.Properties.DefinitionString)) as Definition;
});

/** CloudFormation with references written as <LogicalId> and <LogicalId.Attribute>, Fn::Joins joined. */
function showTokens(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(showTokens).join(',');
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return `<${String(object.Ref)}>`;
  if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(showTokens).join(separator);
  }
  return JSON.stringify(object);
}
const maps = () => Object.entries(batch.States).filter(([, s]) => s.Type === 'Map');
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** Every statement of the policies attached to `roleFor` (a resource whose role is looked up). */
function statementsOfRole(roleId: string): { actions: string[]; resources: string[] }[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .map((s) => ({
      actions: [s.Action].flat(),
      resources: [s.Resource].flat().map(showTokens),
    }));
}
const roleOf = (functionOrMachineId: string) =>
  ((resources[functionOrMachineId]!.Properties.Role as { 'Fn::GetAtt': string[] }) ??
    (resources[functionOrMachineId]!.Properties.RoleArn as { 'Fn::GetAtt': string[] }))['Fn::GetAtt'][0]!;
const grantedOn = (roleId: string, action: string) =>
  statementsOfRole(roleId)
    .filter((s) => s.actions.includes(action))
    .flatMap((s) => s.resources);

describe('the batch state machine', () => {
  it('is a Standard machine with logging of every execution, X-Ray and a timeout', () => {
    const machine = resources[ids.batch]!.Properties;
    expect(machine).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
    const logGroup = showTokens(
      (
        machine.LoggingConfiguration as {
          Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[];
        }
      ).Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn,
    );
    const groupId = /<([A-Za-z0-9]+)\.Arn>/.exec(logGroup)![1]!;
    expect(resources[groupId]!.Properties).toMatchObject({
      RetentionInDays: 90,
      KmsKeyId: expect.anything(),
    });
    expect(batch.TimeoutSeconds).toBe(7 * 24 * 3600);
  });

  it('takes the settings from the input over defaults that protect the GPU endpoint', () => {
    expect(batch.StartAt).toBe('Defaults');
    expect(batch.States.Defaults!.Result).toEqual({
      mode: 'score',
      fusionModelVersion: '2025-11',
      // maxInstances 3 × 4 concurrent invocations each × 2
      maxConcurrency: 24,
      toleratedFailurePercentage: DEFAULT_TOLERATED_FAILURE_PERCENTAGE,
    });
    expect(batch.States.Settings!.Parameters).toEqual({
      'batchId.$': '$$.Execution.Name',
      bucket: `<${ids.studies}>`,
      'startedAt.$': '$$.Execution.StartTime',
      'settings.$': 'States.JsonMerge($, $$.Execution.Input, false)',
      'mapResultsPrefix.$': "States.Format('batches/{}/map', $$.Execution.Name)",
    });
  });

  it('reads a CSV or a JSON item list from S3 in a Distributed Map with the concurrency and failure limits', () => {
    const choice = batch.States[batch.States.Settings!.Next!]!;
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices!.map((c) => c.Next)).toEqual(['StudiesCsv', 'StudiesJson']);
    expect(batch.States[choice.Default!]).toMatchObject({ Type: 'Fail', Error: 'INVALID_ITEM_LIST' });
    expect(maps().map(([name]) => name)).toEqual(['StudiesCsv', 'StudiesJson']);
    for (const [name, map] of maps()) {
      expect(map.ItemProcessor!.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(map.MaxConcurrencyPath).toBe('$.settings.maxConcurrency');
      expect(map.ToleratedFailurePercentagePath).toBe('$.settings.toleratedFailurePercentage');
      expect(map.ItemReader).toEqual({
        Resource: expect.stringMatching(/:states:::s3:getObject$/),
        ReaderConfig:
          name === 'StudiesCsv'
            ? { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }
            : { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.settings.itemList.bucket', 'Key.$': '$.settings.itemList.key' },
      });
      expect(map.ResultWriter).toEqual({
        Resource: expect.stringMatching(/:states:::s3:putObject$/),
        Parameters: { Bucket: `<${ids.studies}>`, 'Prefix.$': '$.mapResultsPrefix' },
      });
      expect(map.ItemSelector).toEqual({
        'batchId.$': '$.batchId',
        'bucket.$': '$.bucket',
        'mode.$': '$.settings.mode',
        'fusionModelVersion.$': '$.settings.fusionModelVersion',
        'item.$': '$$.Map.Item.Value',
      });
    }
  });

  it('runs each item as a child execution of the single-study state machine, not a copy of its steps', () => {
    for (const [, map] of maps()) {
      const processor = map.ItemProcessor!;
      const prepare = processor.States[processor.StartAt]!;
      expect(prepare.Resource).toBe(`<${ids.item}.Arn>`);
      const run = processor.States[prepare.Next!]!;
      expect(run).toMatchObject({
        Type: 'Task',
        End: true,
        Resource: expect.stringMatching(/:states:::states:startExecution\.sync:2$/),
        Parameters: { StateMachineArn: `<${ids.study}>`, 'Input.$': '$' },
      });
      expect(Object.keys(processor.States)).toHaveLength(2);
    }
    const everyState = JSON.stringify(batch);
    for (const step of PIPELINE_STEPS) {
      const fn = stack.getLogicalId(stack.workflow.functions[step.name].function.node.defaultChild as never);
      expect(everyState).not.toContain(fn);
    }
    expect(Object.keys(batch.States).filter((s) => PIPELINE_STEPS.some((p) => s.includes(p.name)))).toEqual(
      [],
    );
  });

  it('summarises after the Map, also when it failed, and then fails the batch', () => {
    for (const [, map] of maps()) {
      expect(map.Next).toBe('Summarise');
      expect(map.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: 'Summarise' },
      ]);
    }
    const summarise = batch.States.Summarise!;
    expect(summarise.Resource).toBe(`<${ids.summary}.Arn>`);
    expect(summarise.Parameters).toEqual({
      'batchId.$': '$.batchId',
      'bucket.$': '$.bucket',
      'startedAt.$': '$.startedAt',
    });
    const ended = batch.States[summarise.Next!]!;
    expect(ended.Choices).toEqual([{ Variable: '$.mapError', IsPresent: true, Next: 'BatchFailed' }]);
    expect(batch.States.BatchFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.mapError.Error' });
    expect(batch.States[ended.Default!]!.Type).toBe('Succeed');
  });
});

describe('least privilege', () => {
  it('lets the batch machine start, describe and stop runs of the study machine only', () => {
    const role = roleOf(ids.batch);
    // The study machine's runs, and the Map's own child executions (the Distributed Map policy CDK adds).
    expect(grantedOn(role, 'states:StartExecution').sort()).toEqual(
      [`<${ids.batch}>`, `<${ids.study}>`].sort(),
    );
    const executions = grantedOn(role, 'states:DescribeExecution');
    expect(executions).toHaveLength(2);
    expect(executions.filter((arn) => arn.includes(`"Ref":"${ids.study}"`))).toHaveLength(1);
    expect(executions.filter((arn) => arn.includes(`"Ref":"${ids.batch}"`))).toHaveLength(1);
    expect(grantedOn(role, 'states:StopExecution')).toEqual(executions);
    // RUN_JOB waits on the managed rule that reports child executions' ends.
    expect(grantedOn(role, 'events:PutRule')).toEqual([
      expect.stringMatching(/:rule\/StepFunctionsGetEventsForStepFunctionsExecutionRule$/),
    ]);
    expect(grantedOn(role, 'lambda:InvokeFunction').sort()).toEqual(
      [`<${ids.item}.Arn>`, `<${ids.item}.Arn>:*`, `<${ids.summary}.Arn>`, `<${ids.summary}.Arn>:*`].sort(),
    );
  });

  it('lets the batch machine read item lists and write Map results under batches/ only', () => {
    const role = roleOf(ids.batch);
    const bucket = `<${ids.studies}.Arn>`;
    const s3 = statementsOfRole(role).filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    const objects = s3.flatMap((s) => s.resources).filter((r) => r !== bucket);
    expect([...new Set(objects)].sort()).toEqual([
      `${bucket}/batches/*/items.*`,
      `${bucket}/batches/*/map/*`,
    ]);
    expect(grantedOn(role, 's3:PutObject')).toEqual([`${bucket}/batches/*/map/*`]);
    // The Distributed Map policy CDK adds: its own child executions, nothing else.
    const ownMap = statementsOfRole(role).filter((s) => s.actions.includes('states:RedriveExecution'));
    expect(ownMap.flatMap((s) => s.resources).every((r) => r.includes(`"Ref":"${ids.batch}"`))).toBe(true);
  });

  it('gives the batch functions their prefixes: manifests and outcomes, and the batch folder', () => {
    const bucket = `<${ids.studies}.Arn>`;
    const item = roleOf(ids.item);
    expect(grantedOn(item, 's3:GetObject*')).toEqual([bucket, `${bucket}/incoming/*/manifest.json`]);
    expect(grantedOn(item, 's3:PutObject')).toEqual([`${bucket}/batches/*/studies/*`]);
    const summary = roleOf(ids.summary);
    expect(grantedOn(summary, 's3:GetObject*')).toEqual([bucket, `${bucket}/batches/*/*`]);
    expect(grantedOn(summary, 's3:PutObject')).toEqual([`${bucket}/batches/*/*`]);
    // Study runs of a batch write their outcome there too.
    for (const name of ['Fuse', 'RecordFailure'] as const) {
      const fn = stack.getLogicalId(stack.workflow.functions[name].function.node.defaultChild as never);
      expect(grantedOn(roleOf(fn), 's3:PutObject')).toContain(`${bucket}/batches/*/studies/*`);
    }
  });
});

describe('operations', () => {
  it('alarms on failed or timed-out batches to the alarm topic', () => {
    const alarm = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => JSON.stringify(a.Metrics ?? []).includes(ids.batch));
    expect(alarm).toBeDefined();
    const metrics = (alarm!.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]).flatMap((m) =>
      m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
    );
    expect(metrics.sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    const topic = stack.getLogicalId(stack.monitoring.alarmTopic.node.defaultChild as never);
    expect(alarm!.AlarmActions).toEqual([{ Ref: topic }]);
  });

  it('expires replaced versions of batch files, keeps the current ones, and outputs the machine ARN', () => {
    const rules = (
      resources[ids.studies]!.Properties.LifecycleConfiguration as {
        Rules: {
          Id: string;
          Prefix?: string;
          ExpirationInDays?: number;
          NoncurrentVersionExpiration?: object;
        }[];
      }
    ).Rules;
    const rule = rules.find((r) => r.Prefix === 'batches/');
    expect(rule).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 45 } });
    expect(rule!.ExpirationInDays).toBeUndefined();
    expect(Template.fromStack(stack).findOutputs('BatchStateMachineArn')).toEqual({
      BatchStateMachineArn: expect.objectContaining({ Value: { Ref: ids.batch } }),
    });
  });
});

describe('rescore', () => {
  it('adds POST /studies/{studyId}/rescore to the API, IAM-authorised and body-checked', () => {
    const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties);
    const rescore = methods.find((m) => {
      const resource = resources[(m.ResourceId as { Ref: string }).Ref]!;
      return resource.Properties.PathPart === 'rescore';
    });
    expect(rescore).toMatchObject({
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      RequestModels: { 'application/json': expect.anything() },
    });
  });

  it('lets the API function start the study machine only and read only the fusion model cards', () => {
    const api = stack.getLogicalId(stack.api.handler.function.node.defaultChild as never);
    const role = roleOf(api);
    expect(grantedOn(role, 'states:StartExecution')).toEqual([`<${ids.study}>`]);
    expect(statementsOfRole(role).filter((s) => s.actions.some((a) => a.startsWith('states:')))).toHaveLength(
      1,
    );
    expect(grantedOn(role, 's3:GetObject*')).toContain(
      `<${ids.models}.Arn>/models/xgboost/*/model-card.json`,
    );
    expect(grantedOn(role, 's3:GetObject*').filter((r) => r.startsWith(`<${ids.models}`))).toHaveLength(2);
    expect(resources[api]!.Properties.Environment).toMatchObject({
      Variables: { STATE_MACHINE_ARN: { Ref: ids.study }, MODELS_BUCKET: { Ref: ids.models } },
    });
  });

  it('lets Fuse read every fusion model version, and the studies table', () => {
    const fuse = stack.getLogicalId(stack.workflow.functions.Fuse.function.node.defaultChild as never);
    const role = roleOf(fuse);
    expect(grantedOn(role, 's3:GetObject*')).toContain(`<${ids.models}.Arn>/models/xgboost/*`);
    expect(grantedOn(role, 'dynamodb:GetItem').length).toBeGreaterThan(0);
  });
});
