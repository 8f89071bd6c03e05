import { FUNCTION_ENV } from './function-env';
import type { InferenceTier } from './inference-tier';
import { CPU_INFERENCE, PIPELINE_STEPS, RECORD_FAILURE, type LambdaSizing, type StageName } from './steps';

/**
 * The one definition of every function: its handler, memory and timeout, and which of the stack's
 * variables (FUNCTION_ENV) it gets. The CDK constructs build each Lambda function from it, and the local
 * stack gives each locally invoked handler the same variables and timeout, so the two cannot drift
 * (test/infra/function-settings.test.ts compares it with the synthesized template).
 */
export type FunctionName =
  | StageName
  /** The CPU tier's Infer step (core/pipeline/inference-tier.ts); the GPU tier's is `Infer`. */
  | 'InferCpu'
  | 'RecordFailure'
  | 'StartStudy'
  | 'InferenceCallback'
  | 'Api'
  | 'Watchdog'
  | 'BatchItem'
  | 'BatchSummary';

export type FunctionEnvName = keyof typeof FUNCTION_ENV;
/** The stack's values (resource names, or CDK tokens) for the variables of FUNCTION_ENV. */
export type FunctionEnvValues = Partial<Record<FunctionEnvName, string>>;

export interface FunctionDefinition extends LambdaSizing {
  /** The stack's variables the handler reads (requiredEnv of a FUNCTION_ENV name); it gets no others. */
  env: readonly FunctionEnvName[];
}

/** What the Node.js runtime and Powertools read in every function: source-mapped stacks, one service name. */
export const FUNCTION_RUNTIME_ENV: Readonly<Record<string, string>> = {
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'sap-pipeline',
};

/** Handler, memory and timeout only, of a definition that holds more (a step's retry policy, ...). */
const sizing = ({ handler, memoryMb, timeoutSeconds }: LambdaSizing): LambdaSizing => ({
  handler,
  memoryMb,
  timeoutSeconds,
});
const step = (name: StageName): LambdaSizing => sizing(PIPELINE_STEPS.find((s) => s.name === name)!);

export const FUNCTIONS: Readonly<Record<FunctionName, FunctionDefinition>> = {
  Validate: { ...step('Validate'), env: ['studiesTable'] },
  Infer: { ...step('Infer'), env: ['studiesTable', 'inferenceEndpoint'] },
  InferCpu: {
    ...sizing(CPU_INFERENCE),
    env: ['studiesTable', 'modelsBucket', 'unetModelPrefix', 'resnetModelPrefix'],
  },
  Radiomics: { ...step('Radiomics'), env: ['studiesTable'] },
  Fuse: { ...step('Fuse'), env: ['studiesTable', 'modelsBucket', 'xgboostModelPrefix'] },
  RecordFailure: { ...sizing(RECORD_FAILURE), env: ['studiesTable'] },
  StartStudy: {
    handler: 'lambdas/start-study/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    env: ['studiesTable', 'stateMachineArn'],
  },
  InferenceCallback: {
    handler: 'lambdas/inference-callback/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    env: ['studiesTable'],
  },
  Api: {
    handler: 'lambdas/api/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    env: ['studiesBucket', 'studiesTable', 'modelsBucket', 'stateMachineArn'],
  },
  Watchdog: {
    handler: 'lambdas/watchdog/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    env: ['studiesTable'],
  },
  // Batch items and summaries are told their bucket in each event.
  BatchItem: { handler: 'lambdas/batch-item/handler.ts', memoryMb: 256, timeoutSeconds: 30, env: [] },
  /** Reads thousands of small outcomes and writes the training table. */
  BatchSummary: { handler: 'lambdas/batch-summary/handler.ts', memoryMb: 1024, timeoutSeconds: 600, env: [] },
};

/** The functions only one inference tier builds: the GPU tier's queue-and-callback pair, the CPU tier's own. */
const TIER_ONLY: Record<InferenceTier, readonly FunctionName[]> = {
  gpu: ['Infer', 'InferenceCallback'],
  cpu: ['InferCpu'],
};

/** The functions a deployment of `tier` builds (and the local stack runs). */
export function functionsOfTier(tier: InferenceTier): FunctionName[] {
  const otherTiers = Object.entries(TIER_ONLY).filter(([t]) => t !== tier);
  const excluded = new Set(otherTiers.flatMap(([, names]) => names));
  return (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) => !excluded.has(name));
}

/**
 * Functions that run at deploy time, inside CloudFormation, as custom resources; the local stack never
 * runs them.
 */
export const DEPLOY_TIME_FUNCTIONS = {
  /** Copies the demo models into the models bucket (lib/constructs/demo-models.ts). */
  DemoModelCopier: {
    handler: 'lambdas/install-demo-models/handler.ts',
    // Holds at most one demo model (~3 MB) in memory at a time.
    memoryMb: 256,
    timeoutSeconds: 120,
  },
} as const satisfies Record<string, LambdaSizing>;

/** The definition whose handler module is `handlerPath` (each handler belongs to one function). */
export function functionOfHandler(handlerPath: string): FunctionName {
  const found = Object.entries(FUNCTIONS).find(([, d]) => d.handler === handlerPath);
  if (!found) throw new Error(`no function is defined with the handler ${handlerPath}`);
  return found[0] as FunctionName;
}

/**
 * A function's whole environment: the values (resource names, or CDK tokens) of the variables it reads,
 * under their FUNCTION_ENV names, and the runtime settings. A value it needs and was not given is a
 * wiring error.
 */
export function functionEnvironment(
  definition: FunctionDefinition,
  values: FunctionEnvValues,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of definition.env) {
    const value = values[name];
    if (value === undefined) throw new Error(`${definition.handler} needs ${FUNCTION_ENV[name]}`);
    environment[FUNCTION_ENV[name]] = value;
  }
  return { ...environment, ...FUNCTION_RUNTIME_ENV };
}
