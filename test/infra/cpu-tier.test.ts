/**
 * The CPU inference tier's template (`cdk synth -c inference=cpu`, issue #20): the Infer step is a plain
 * Lambda invoke of the InferCpu function, sized from its one definition (core/pipeline/steps.ts), on
 * x86_64 with onnxruntime-node's Linux build in its zip; no SageMaker endpoint, model, autoscaling or
 * callback exists; the function's role reads and writes only the keys it uses; cdk-nag finds nothing
 * unacknowledged.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../core/pipeline/functions';
import {
  CPU_INFERENCE,
  CPU_INFERENCE_EPHEMERAL_STORAGE_MB,
  EXECUTION_TIMEOUT_SECONDS,
  pipelineSteps,
} from '../../core/pipeline/steps';
import { ONNXRUNTIME_BINDING_DIR } from '../../lib/constructs/onnxruntime-bundle';
import type { SapPipelineStack } from '../../lib/stacks/sap-pipeline-stack';
import { unacknowledgedFindings } from '../support/nag-findings';
import { stateMachineDefinitions } from '../support/state-machine-definitions';
import { synthApp } from '../support/synth';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Lambda's largest deployment package, unzipped (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

let synth: ReturnType<typeof synthApp>;
let stack: SapPipelineStack;
let template: Record<string, unknown>;
let resources: Resources;
let inferId: string;

beforeAll(() => {
  // Bundled, as `cdk synth` does: the zip's contents are checked below.
  synth = synthApp({ inference: 'cpu' }, { bundle: true });
  stack = synth.stacks[0]!;
  template = Template.fromStack(stack).toJSON() as Record<string, unknown>;
  resources = template.Resources as Resources;
  inferId = stack.getLogicalId(stack.workflow.functions.Infer.function.node.defaultChild as CfnElement);
}, 300_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actions = (s: Statement) => [s.Action].flat();

describe('the CPU tier (-c inference=cpu)', () => {
  it('builds InferCpu from its definition: memory, timeout, x86_64, /tmp for the models', () => {
    const fn = resources[inferId]!.Properties;
    expect(stack.workflow.functions.Infer.sizing.handler).toBe(FUNCTIONS.InferCpu.handler);
    expect(fn.MemorySize).toBe(CPU_INFERENCE.memoryMb);
    expect(fn.MemorySize).toBe(10_240);
    expect(fn.Timeout).toBe(CPU_INFERENCE.timeoutSeconds);
    expect(fn.Timeout).toBe(900);
    expect(fn.Architectures).toEqual(['x86_64']);
    expect(fn.EphemeralStorage).toEqual({ Size: CPU_INFERENCE_EPHEMERAL_STORAGE_MB });
  });

  it('has no SageMaker endpoint, model, autoscaling or inference callback', () => {
    expect(Object.values(resources).filter((r) => r.Type.startsWith('AWS::SageMaker::'))).toEqual([]);
    expect(ofType('AWS::ApplicationAutoScaling::ScalableTarget')).toEqual([]);
    expect(ofType('AWS::SNS::Subscription')).toEqual([]);
    expect(stack.inference).toBeUndefined();
    expect(stack.workflow.functions.InferenceCallback).toBeUndefined();
    expect(template.Outputs).not.toHaveProperty('InferenceEndpointName');
    // No alarm or dashboard graph on an endpoint, and no off-CUDA alarm: the CPU tier runs on the CPU by design.
    const monitoring = JSON.stringify([
      ...ofType('AWS::CloudWatch::Alarm'),
      ...ofType('AWS::CloudWatch::Dashboard'),
    ]);
    expect(monitoring).not.toContain('AWS/SageMaker');
    expect(monitoring).not.toContain('InferenceOffCuda');
    // The demo models are still copied on a first deploy, before the function that loads them exists.
    const [copyId] = ofType('Custom::SapDemoModels')[0]!;
    expect(resources[inferId]).toMatchObject({ DependsOn: expect.arrayContaining([copyId]) });
  });

  it("runs Infer as a plain Lambda invoke with the CPU step's timeout", () => {
    const machineId = stack.getLogicalId(stack.workflow.stateMachine.node.defaultChild as CfnElement);
    const { definition } = stateMachineDefinitions(template, stack.region).find(
      ({ logicalId }) => logicalId === machineId,
    )!;
    const infer = definition.States.Infer as {
      Resource: string;
      TimeoutSeconds: number;
      Parameters?: unknown;
    };
    const step = pipelineSteps('cpu').find((s) => s.name === 'Infer')!;
    expect(step).toMatchObject({ completion: 'invoke', handler: CPU_INFERENCE.handler });
    expect(infer.Resource).toMatch(/:function:/);
    expect(infer.Resource).not.toContain('waitForTaskToken');
    expect(infer.Parameters).toBeUndefined();
    expect(infer.TimeoutSeconds).toBe(step.stepTimeoutSeconds);
    const machine =
      resources[stack.getLogicalId(stack.workflow.stateMachine.node.defaultChild as CfnElement)]!;
    expect(machine.Properties.DefinitionString).toBeDefined();
    expect(JSON.stringify(definition)).toContain(`"TimeoutSeconds":${EXECUTION_TIMEOUT_SECONDS}`);
  });

  it("gives InferCpu's role only the keys it reads and writes", () => {
    const roleId = (resources[inferId]!.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const s3 = statements.filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    const byAction = Object.fromEntries(
      s3.map((s) => [actions(s).join(','), [s.Resource].flat().map(render)]),
    );
    expect(Object.keys(byAction).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(byAction['s3:GetObject']!.sort()).toEqual(
      ['<Studies>/work/*/v-*/volume.nii.gz', '<Models>/models/resnet/1/*', '<Models>/models/unet/1/*'].sort(),
    );
    expect(byAction['s3:PutObject']!.sort()).toEqual(
      ['<Studies>/work/*/v-*/inference.json', '<Studies>/work/*/v-*/mask.nii.gz'].sort(),
    );
    const list = s3.find((s) => actions(s).includes('s3:ListBucket'))!;
    expect(list.Condition).toEqual({
      StringLike: { 's3:prefix': ['models/unet/1/*', 'models/resnet/1/*'] },
    });
    // Nothing else of S3, and no SageMaker, SNS or task-token calls.
    const all = statements.flatMap(actions);
    expect(all.filter((a) => /^(sagemaker|sns|states):/.test(a))).toEqual([]);
    expect(all.filter((a) => a.startsWith('s3:')).sort()).toEqual([
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
  });

  it('finds nothing unacknowledged with cdk-nag', () => {
    expect(unacknowledgedFindings(synth.app)).toEqual([]);
  });

  it("carries onnxruntime-node's Linux x64 binding only, under Lambda's 250 MB unzipped", () => {
    const key = (resources[inferId]!.Properties.Code as { S3Key: string }).S3Key;
    const staged = path.join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const files = listFiles(staged);
    const runtime = 'node_modules/onnxruntime-node';
    expect(files).toContain(`${runtime}/${ONNXRUNTIME_BINDING_DIR}/onnxruntime_binding.node`);
    expect(files).toContain(`${runtime}/dist/index.js`);
    expect(files).toContain('node_modules/onnxruntime-common/dist/cjs/index.js');
    expect(
      files.filter((f) => f.startsWith(`${runtime}/bin/`) && !f.includes(ONNXRUNTIME_BINDING_DIR)),
    ).toEqual([]);
    const bytes = files.reduce((sum, f) => sum + statSync(path.join(staged, f)).size, 0);
    console.info(`InferCpu bundle: ${(bytes / 1024 / 1024).toFixed(1)} MB unzipped`);
    expect(bytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
  });
});

/** A resource ARN as text, the buckets by name: `<Studies>/work/...`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  if ('Fn::GetAtt' in object) {
    const [id] = object['Fn::GetAtt'] as [string];
    return /StudiesBucket/.test(id) ? '<Studies>' : /ModelsBucket/.test(id) ? '<Models>' : `<${id}>`;
  }
  return JSON.stringify(value);
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}
