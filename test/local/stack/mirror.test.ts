import { App, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { modeOf, RUN_MODES } from '../../../core/pipeline/run';
import { INFERENCE_TIERS, type InferenceTier } from '../../../core/pipeline/inference-tier';
import { pipelineSteps, runsIn, type StageName } from '../../../core/pipeline/steps';
import { buildPipelineDefinition } from '../../../lib/constructs/pipeline-definition';
import type { PipelineFunction } from '../../../lib/constructs/pipeline-function';
import { Storage } from '../../../lib/constructs/storage';
import { RECORD_FAILURE_RETRIER, stepRetrier, type Retrier } from '../../../local/stack/step-functions/retry';
import { studiesTableDefinition } from '../../../local/stack/studies-table-definition';

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: unknown;
  Parameters?: Record<string, unknown>;
  TimeoutSeconds?: number;
  Retry?: Record<string, unknown>[];
  Catch?: { ErrorEquals: string[]; ResultPath: string; Next: string }[];
  ErrorPath?: string;
  CausePath?: string;
  Choices?: (AslCondition & { Next: string })[];
  Default?: string;
}

interface AslCondition {
  And?: AslCondition[];
  Or?: AslCondition[];
  Variable?: string;
  IsPresent?: boolean;
  StringEquals?: string;
}

/** The Choice operators the definition uses, evaluated on a run input. */
function holds(condition: AslCondition, input: Record<string, unknown>): boolean {
  if (condition.And) return condition.And.every((c) => holds(c, input));
  if (condition.Or) return condition.Or.some((c) => holds(c, input));
  const value = input[condition.Variable!.replace(/^\$\./, '')];
  if (condition.IsPresent !== undefined) return (value !== undefined) === condition.IsPresent;
  if (condition.StringEquals !== undefined) return value === condition.StringEquals;
  throw new Error(`operator not modelled: ${JSON.stringify(condition)}`);
}

/** The deployed state machine's definition (ASL), built by the same construct code as the stack's. */
function deployedDefinition(tier: InferenceTier): { StartAt: string; States: Record<string, AslState> } {
  const stack = new Stack(new App(), 'Mirror', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = (name: string) =>
    lambda.Function.fromFunctionArn(stack, name, `arn:aws:lambda:eu-west-1:123456789012:function:${name}`);
  const definitions = pipelineSteps(tier);
  const steps = Object.fromEntries(
    definitions.map((s) => [s.name, { function: fn(s.name) } as unknown as PipelineFunction]),
  ) as Record<StageName, PipelineFunction>;
  const chain = buildPipelineDefinition(stack, { definitions, steps, recordFailure: fn('RecordFailure') });
  const graph = new sfn.StateGraph(sfn.Chain.start(chain).startState, 'mirror');
  return stack.resolve(graph.toGraphJson()) as { StartAt: string; States: Record<string, AslState> };
}

/** The SDK's PascalCase field names as the L1 construct's camelCase properties. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
  );
}

const asl = (retrier: Retrier, deployedErrors: string[]) => ({
  ErrorEquals: deployedErrors,
  IntervalSeconds: retrier.intervalSeconds,
  MaxAttempts: retrier.maxAttempts,
  BackoffRate: retrier.backoffRate,
  ...(retrier.maxDelaySeconds !== undefined ? { MaxDelaySeconds: retrier.maxDelaySeconds } : {}),
  JitterStrategy: 'FULL',
});

describe.each(INFERENCE_TIERS)('the local runner mirrors the deployed state machine (%s tier)', (tier) => {
  const { StartAt, States } = deployedDefinition(tier);
  const PIPELINE_STEPS = pipelineSteps(tier);

  it.each([undefined, ...RUN_MODES])(
    'runs the same steps in the same order in mode %s, then succeeds',
    (mode) => {
      const input = mode ? { mode } : {};
      const order: string[] = [];
      for (let name: string | undefined = StartAt; name;) {
        const state: AslState = States[name]!;
        if (state.Type === 'Choice')
          name = state.Choices!.find((choice) => holds(choice, input))?.Next ?? state.Default;
        else {
          order.push(name);
          name = state.Next;
        }
      }
      const runs = PIPELINE_STEPS.filter((s) => runsIn(s, modeOf(input)));
      expect(order).toEqual([...runs.map((s) => s.name), 'StudyCompleted']);
    },
  );

  it.each(PIPELINE_STEPS.map((s) => [s.name, s] as const))(
    '%s: same timeout, retry, catch and payload',
    (_, step) => {
      const state = States[step.name]!;
      expect(state.TimeoutSeconds).toBe(step.stepTimeoutSeconds);
      const [retry, ...moreRetries] = state.Retry ?? [];
      expect(moreRetries).toEqual([]);
      const local = stepRetrier(step.retry);
      const deployedErrors = retry!.ErrorEquals as string[];
      // What the runner does not match are Lambda service faults, which an in-process call cannot raise.
      expect(
        deployedErrors.filter((e) => !local.errors.includes(e)).every((e) => e.startsWith('Lambda.')),
      ).toBe(true);
      expect(local.errors.every((e) => deployedErrors.includes(e))).toBe(true);
      expect(retry).toEqual(asl(local, deployedErrors));
      expect(state.Catch).toEqual([
        { ErrorEquals: ['STALE_RUN'], ResultPath: '$.caught', Next: 'RunSuperseded' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: `Record${step.name}Failure` },
      ]);
      expect(States.RunSuperseded).toMatchObject({ Type: 'Succeed' });
      if (step.completion === 'callback') {
        expect(JSON.stringify(state.Resource)).toContain(':::lambda:invoke.waitForTaskToken');
        expect(state.Parameters?.Payload).toEqual({ 'taskToken.$': '$$.Task.Token', 'run.$': '$' });
      } else {
        // payloadResponseOnly: the function's result is the state's output, its input the state's input.
        expect(JSON.stringify(state.Resource)).toContain(`function:${step.name}`);
        expect(state.Parameters).toBeUndefined();
      }
    },
  );

  it.each(PIPELINE_STEPS.map((s) => s.name))(
    'Record%sFailure: same payload and retry, then Fail(code, message)',
    (stage) => {
      const state = States[`Record${stage}Failure`]!;
      expect(state.Parameters).toEqual({
        stage,
        'error.$': '$.caught',
        'run.$': '$',
      });
      expect(state.Retry).toEqual([asl(RECORD_FAILURE_RETRIER, ['States.ALL'])]);
      expect(States[state.Next!]).toMatchObject({
        Type: 'Fail',
        ErrorPath: '$.code',
        CausePath: '$.message',
      });
    },
  );
});

describe('the local studies table', () => {
  it('creates the studies table with the key schema and index the stack declares', () => {
    const stack = new Stack(new App(), 'Tables', { env: { account: '123456789012', region: 'eu-west-1' } });
    const { table } = new Storage(stack, 'Storage', { workRetentionDays: 30 });
    // The table's own properties, without synthesising the whole stack.
    const cfn = table.node.defaultChild as dynamodb.CfnGlobalTable;
    const local = studiesTableDefinition('local');
    const [index] = local.GlobalSecondaryIndexes!;
    expect(stack.resolve(cfn.keySchema)).toEqual(camelKeys(local.KeySchema));
    expect(stack.resolve(cfn.attributeDefinitions)).toEqual(camelKeys(local.AttributeDefinitions));
    expect(stack.resolve(cfn.globalSecondaryIndexes)).toEqual(camelKeys([index]));
  });
});
