import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  containerModelPrefixes,
  inferenceContainerEnvironment,
} from '../../core/pipeline/container-settings';
import { INFERENCE_TIERS, type InferenceTier } from '../../core/pipeline/inference-tier';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import {
  DEPLOY_TIME_FUNCTIONS,
  FUNCTIONS,
  functionEnvironment,
  functionOfHandler,
  functionsOfTier,
  type FunctionEnvName,
  type FunctionEnvValues,
  type FunctionName,
} from '../../core/pipeline/functions';
import { modelPrefix } from '../../core/study/model-keys';
import { PipelineFunction } from '../../lib/constructs/pipeline-function';
import type { SapPipelineStack } from '../../lib/stacks/sap-pipeline-stack';
import { sharedSynth } from '../support/synth';

/**
 * The synthesized template's functions and inference container are built from the one definition the
 * local stack also runs with (core/pipeline/functions.ts, core/pipeline/container-settings.ts): every
 * function's Environment, MemorySize and Timeout, and the SageMaker model's Environment, equal it.
 */
type Resource = { Type: string; Properties: Record<string, unknown> };

/**
 * Lambda functions outside the pipeline, by logical id: they run at deploy time, inside CloudFormation,
 * and the local stack never runs them.
 */
const DEPLOY_TIME_LOGICAL_IDS = [
  // CDK's handler that writes the studies bucket's notification configuration.
  'BucketNotificationsHandler',
  // Copies the demo models into the models bucket on the first deploy (lib/constructs/demo-models.ts):
  // the endpoint's on the GPU tier, the stack's own on the CPU tier.
  'InferenceDemoModelsCopier',
  'DemoModelsCopier',
];
const DEPLOY_TIME_HANDLERS: string[] = Object.values(DEPLOY_TIME_FUNCTIONS).map((f) => f.handler);

let stack: SapPipelineStack;
let resources: Record<string, Resource>;
/** The stack and template of each inference tier (`-c inference=gpu|cpu`). */
const tiers = {} as Record<InferenceTier, { stack: SapPipelineStack; resources: Record<string, Resource> }>;

beforeAll(() => {
  for (const inference of INFERENCE_TIERS) {
    const tierStack = sharedSynth(inference === 'gpu' ? {} : { inference }).stacks[0]!;
    const template = Template.fromStack(tierStack).toJSON().Resources as Record<string, Resource>;
    tiers[inference] = { stack: tierStack, resources: template };
  }
  ({ stack, resources } = tiers.gpu);
});

/** The values a stack gives the FUNCTION_ENV variables, as the constructs wire them. */
function stackValues(of: SapPipelineStack = stack): FunctionEnvValues {
  const prefixes = containerModelPrefixes(of.options.modelVersions);
  return {
    studiesBucket: of.storage.studies.bucketName,
    modelsBucket: of.storage.models.bucketName,
    studiesTable: of.storage.table.tableName,
    stateMachineArn: of.workflow.stateMachine.stateMachineArn,
    inferenceEndpoint: of.inference?.endpointName,
    xgboostModelPrefix: modelPrefix('xgboost', of.options.modelVersions.xgboost),
    unetModelPrefix: prefixes.unet,
    resnetModelPrefix: prefixes.resnet,
  };
}

/** Each pipeline function of a stack, by its definition's name, with its template resource. */
function pipelineFunctions(
  of: SapPipelineStack = stack,
  template: Record<string, Resource> = resources,
): Map<FunctionName, { logicalId: string; resource: Resource }> {
  const found = new Map<FunctionName, { logicalId: string; resource: Resource }>();
  for (const construct of of.node.findAll()) {
    if (!(construct instanceof PipelineFunction)) continue;
    if (DEPLOY_TIME_HANDLERS.includes(construct.sizing.handler)) continue;
    const name = functionOfHandler(construct.sizing.handler);
    expect(found.has(name), `${name} is built once`).toBe(false);
    const logicalId = of.getLogicalId(construct.function.node.defaultChild as CfnElement);
    found.set(name, { logicalId, resource: template[logicalId]! });
  }
  return found;
}

describe('the functions of the template are their shared definitions', () => {
  it.each(INFERENCE_TIERS)(
    '%s tier: builds every function of its tier, and every Lambda function of the template is one of them',
    (tier) => {
      const built = pipelineFunctions(tiers[tier].stack, tiers[tier].resources);
      expect([...built.keys()].sort()).toEqual(functionsOfTier(tier).sort());
      const ours = new Set([...built.values()].map((f) => f.logicalId));
      const lambdas = Object.entries(tiers[tier].resources).filter(
        ([, r]) => r.Type === 'AWS::Lambda::Function',
      );
      const others = lambdas.filter(([id]) => !ours.has(id)).map(([id]) => id);
      for (const id of others) {
        expect(
          DEPLOY_TIME_LOGICAL_IDS.some((prefix) => id.startsWith(prefix)),
          `${id} has no definition in core/pipeline/functions.ts`,
        ).toBe(true);
      }
    },
  );

  it.each(Object.keys(FUNCTIONS) as FunctionName[])(
    '%s: Environment, MemorySize and Timeout equal its definition',
    (name) => {
      const definition = FUNCTIONS[name];
      // The first tier that builds it (InferCpu: the CPU tier's stack).
      const tier = INFERENCE_TIERS.find((t) => functionsOfTier(t).includes(name))!;
      const { stack: built, resources: template } = tiers[tier];
      const { resource } = pipelineFunctions(built, template).get(name)!;
      expect(resource.Properties.Environment).toEqual({
        Variables: built.resolve(functionEnvironment(definition, stackValues(built))),
      });
      expect(resource.Properties.MemorySize).toBe(definition.memoryMb);
      expect(resource.Properties.Timeout).toBe(definition.timeoutSeconds);
    },
  );
});

describe('the functions that run at deploy time are their shared definitions', () => {
  it.each(Object.entries(DEPLOY_TIME_FUNCTIONS))('%s: MemorySize and Timeout', (_, definition) => {
    const built = stack.node
      .findAll()
      .filter((c): c is PipelineFunction => c instanceof PipelineFunction)
      .filter((c) => c.sizing.handler === definition.handler);
    expect(built).toHaveLength(1);
    const logicalId = stack.getLogicalId(built[0]!.function.node.defaultChild as CfnElement);
    expect(resources[logicalId]!.Properties.MemorySize).toBe(definition.memoryMb);
    expect(resources[logicalId]!.Properties.Timeout).toBe(definition.timeoutSeconds);
  });
});

describe('the inference container', () => {
  const model = () => Object.values(resources).find((r) => r.Type === 'AWS::SageMaker::Model')!;
  const environment = () =>
    (model().Properties.PrimaryContainer as { Environment: Record<string, unknown> }).Environment;

  it('has exactly the shared container environment', () => {
    expect(environment()).toEqual(
      stack.resolve(
        inferenceContainerEnvironment({
          modelsBucket: stack.storage.models.bucketName,
          modelVersions: stack.options.modelVersions,
          region: stack.region,
        }),
      ),
    );
  });

  // The SDK for JavaScript selects no region by default; it reads AWS_REGION
  // (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-region.html), and the
  // container's variables are those of ContainerDefinition.Environment
  // (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html).
  it("names the stack's region, and runs on CUDA only", () => {
    expect(environment().AWS_REGION).toBe(stack.region);
    expect(environment().AWS_REGION).toBe('eu-west-1');
    expect(environment().SAP_DEVICE).toBe('cuda');
  });
});

describe('each definition names the variables its handler reads', () => {
  // A handler reads the stack's variables through requiredEnv(FUNCTION_ENV.x) anywhere in the code it
  // imports; it must get each of those, and gets no others.
  it.each(Object.keys(FUNCTIONS) as FunctionName[])('%s', async (name) => {
    const { handler, env } = FUNCTIONS[name];
    const result = await build({
      entryPoints: [handler],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const read = new Set<string>();
    for (const input of Object.keys(result.metafile.inputs)) {
      const source = readFileSync(input, 'utf8');
      for (const match of source.matchAll(/FUNCTION_ENV\.(\w+)/g)) read.add(match[1]!);
      for (const match of source.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) {
        const owned = Object.entries(FUNCTION_ENV).find(([, variable]) => variable === match[1]);
        if (owned) read.add(owned[0]);
      }
    }
    expect([...read].sort()).toEqual([...env].sort() as FunctionEnvName[]);
  });
});
