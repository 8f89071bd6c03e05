import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Server } from 'node:http';
import { invokeAsync, type DeadLetter } from './async-invoke';
import { startDynamo } from './dynamo-server';
import { closeServer, listen, LOOPBACK } from './http-server';
import {
  containerModelPrefixes,
  inferenceContainerEnvironment,
} from '../../core/pipeline/container-settings';
import { DEFAULT_INFERENCE_TIER, type InferenceTier } from '../../core/pipeline/inference-tier';
import {
  FUNCTION_RUNTIME_ENV,
  FUNCTIONS,
  functionOfHandler,
  functionsOfTier,
  type FunctionName,
} from '../../core/pipeline/functions';
import {
  applyEnvironment,
  containerLocalOverrides,
  FUNCTION_OWNED_VARIABLES,
  functionLocalOverrides,
  LAMBDA_RUNTIME_VARIABLES,
  localFunctionScope,
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_NAMES,
  LOCAL_REGION,
} from './local-env';
import { inFunctionScope, installFunctionScopes } from './function-scope';
import { freeLoopbackPort, startInferenceContainer, type InferenceContainer } from './inference-container';
import { createDynamoFaultProxy, createS3FaultProxy } from './fault-proxy';
import { FaultSwitch, type FaultPlan } from './faults';
import { runAs } from './iam/caller-context';
import { EVENTBRIDGE, INFERENCE_ENDPOINT, STUDY_STATE_MACHINE, snsDelivery } from './iam/principals';
import { recordCall, recordStackTier, setIamRecording } from './iam/recorder';
import { createS3CallRecorder } from './iam/s3-rest-calls';
import { recordClientCalls, recordHandlerClientCalls } from './iam/sdk-recording';
import { startInferenceEdge } from './inference-edge';
import { matchesManifestRule, objectCreatedEvent, SequencerClock } from './manifest-trigger';
import { publishModels, type PublishedModels } from './models';
import { DEFAULT_DATA_DIR, REPO_ROOT } from './paths';
import { startS3 } from './s3-server';
import { createSageMakerEndpoint, type LocalSageMaker } from './sagemaker-endpoint';
import { snsEvent } from './sns-event';
import { createStepFunctionsEndpoint } from './step-functions/http-endpoint';
import { ExecutionJournal } from './step-functions/journal';
import { invokeFunction, type Invocation } from './step-functions/lambda-invoke';
import { LocalStepFunctions } from './step-functions/service';
import { delay } from './step-functions/timers';

/** Downloading and loading the models: tsx compiles the container's code first (seconds on a busy machine). */
const CONTAINER_STARTUP_SECONDS = 180;
/** Ports tried for the container before its start fails. */
const CONTAINER_PORT_ATTEMPTS = 3;
/**
 * No timeout scaled by `timeScale` is shorter than this (or than its deployed value): the functions need
 * real time on this machine however fast the clock runs, and the SDK's own retries back off for seconds
 * (DynamoDB: 4 attempts, up to 1 + 2 + 4 s after throttling).
 */
const MIN_SCALED_TIMEOUT_SECONDS = 10;

export interface LocalStackOptions {
  /** S3 objects go to `{dataDir}/s3`, the studies table to `{dataDir}/dynamodb`. Default: .sap-local/data in the repository. */
  dataDir?: string;
  /** Ports of the S3 endpoint and the results API. Default: free ones. */
  ports?: { s3?: number; api?: number };
  /**
   * Holds the fusion model card (+ file) and `unet/`, `resnet/`, published to the local models bucket at
   * their versions' prefixes; a folder without `unet/` or `resnet/` gets the demo's (`models.fromDemo`).
   * Default: models/demo.
   */
  modelDir?: string;
  /**
   * Where Infer runs (core/pipeline/inference-tier.ts): `gpu`, the inference container behind the local
   * SageMaker endpoint, or `cpu`, the CPU tier's function called in this process like the other steps,
   * with no container. Default gpu.
   */
  inference?: InferenceTier;
  /** onnxruntime threads of the inference container (SAP_THREADS). Default: every core. */
  inferenceThreads?: number;
  /** Powertools log level of the functions and the inference container (whose output then goes to stderr). Default: SILENT. */
  logLevel?: string;
  /**
   * Multiplies every timeout and retry delay of the runner, the endpoint and event delivery; no timeout
   * goes under MIN_SCALED_TIMEOUT_SECONDS. Default 1 (the deployed values).
   */
  timeScale?: number;
  /** Faults injected from the start (faults.ts); `stack.faults.set(...)` changes them. Default: none. */
  faults?: FaultPlan;
  /** An event that failed every delivery, or an inference that could not finish: ids and codes only. */
  onNotice?: (notice: StackNotice) => void;
  /** Whether a manifest written to incoming/{id}/ starts a run (the EventBridge rule). Default true; a local batch starts its own runs. */
  manifestTrigger?: boolean;
}

export type StackNotice =
  | { kind: 'dead-letter'; letter: DeadLetter }
  | { kind: 'inference-fault'; inferenceId: string; error: string };

/** A notice in words: which function or inference, and the error's name. */
export function describeNotice(notice: StackNotice): string {
  return notice.kind === 'dead-letter'
    ? `an event to ${notice.letter.handler} failed every delivery (${notice.letter.error.Error ?? 'error'})`
    : `inference ${notice.inferenceId} could not be completed (${notice.error})`;
}

export interface LocalStack {
  s3: {
    endpoint: string;
    port: number;
    studiesBucket: string;
    modelsBucket: string;
    region: string;
    credentials: typeof LOCAL_CREDENTIALS;
  };
  apiUrl: string;
  dynamoEndpoint: string;
  dataDir: string;
  /** Where Infer runs. */
  inference: InferenceTier;
  /** The models published from the model folder at start: the versions the stack runs by default. */
  models: PublishedModels;
  /** The runner: its executions and their step events. */
  stepFunctions: LocalStepFunctions;
  /** An S3 client for the local S3 endpoint. */
  s3Client: S3Client;
  deadLetters: DeadLetter[];
  /** The fault switch (faults.ts): off until set, at S3, DynamoDB, the endpoint and between steps. */
  faults: FaultSwitch;
  /** Calls a function as Lambda would, with its own environment and timeout (core/pipeline/functions.ts). */
  invoke(name: FunctionName, event: unknown, signal: AbortSignal): Promise<Invocation>;
  /** Resolves once no event, execution or inference is in flight. */
  idle(): Promise<void>;
  /** Stops every server and execution; the data stays in dataDir. */
  stop(): Promise<void>;
}

interface Ports {
  s3: number;
  dynamo: number;
  /** The fault proxies in front of S3 and DynamoDB: the functions' endpoints. */
  s3Edge: number;
  dynamoEdge: number;
  stepFunctions: number;
  sagemaker: number;
  api: number;
}

let running = false;
/**
 * The functions' SDK clients are module singletons that resolve their endpoints once: a later stack in the
 * same process must listen where the first one did.
 */
let firstPorts: Ports | undefined;

/**
 * The whole pipeline on this machine: s3rver and dynalite on the loopback interface, the inference
 * container as its own process on CPU (with the SageMaker model's environment, loading its models from the
 * local models bucket) behind a local SageMaker asynchronous endpoint, Step Functions' API over the local
 * runner, and the results API, with the deployed functions' code and real SDK clients pointed at them,
 * each function with its own environment and timeout (core/pipeline/functions.ts). A manifest written to
 * incoming/{studyId}/ starts a run as the EventBridge rule does.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (running) throw new Error('a local stack is already running in this process');
  running = true;
  // The stack runs on Node 20 by design (package.json engines); the SDK's notice about Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const closers: (() => Promise<void>)[] = [async () => setIamRecording(false)];
  setIamRecording(true);
  try {
    return await start(options, closers);
  } catch (error) {
    await closeAll(closers).catch(() => undefined);
    running = false;
    throw error;
  }
}

async function start(options: LocalStackOptions, closers: (() => Promise<void>)[]): Promise<LocalStack> {
  const dataDir = path.resolve(options.dataDir ?? path.join(REPO_ROOT, DEFAULT_DATA_DIR, 'data'));
  const timeScale = options.timeScale ?? 1;
  const want = wantedPorts(options.ports);
  const notice = options.onNotice ?? (() => undefined);
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const deadLetters: DeadLetter[] = [];
  const faults = new FaultSwitch(options.faults);
  const logLevel = options.logLevel ?? 'SILENT';
  const [s3, dynamo] = await Promise.all([
    startS3({
      directory: path.join(dataDir, 's3'),
      port: want.s3,
      buckets: [LOCAL_NAMES.studiesBucket, LOCAL_NAMES.modelsBucket],
    }),
    startDynamo({
      directory: path.join(dataDir, 'dynamodb'),
      port: want.dynamo,
      tableName: LOCAL_NAMES.studiesTable,
      credentials: LOCAL_CREDENTIALS,
      region: LOCAL_REGION,
    }),
  ]);
  closers.push(s3.close, dynamo.close);
  const s3Client = localS3Client(s3.endpoint);
  closers.push(async () => s3Client.destroy());
  const demoModelDir = path.join(REPO_ROOT, 'models', 'demo');
  const modelDir = path.resolve(options.modelDir ?? demoModelDir);
  const models = await publishModels(s3Client, LOCAL_NAMES.modelsBucket, modelDir, demoModelDir);
  // Each handler runs with its own definition's variables only, and its memory size as the Lambda
  // runtime sets it (function-scope.ts).
  // Only the functions a deployment of this tier has (functionsOfTier).
  const tier = options.inference ?? DEFAULT_INFERENCE_TIER;
  // Its calls are checked against that tier's template (test/support/iam-coverage-setup.ts).
  recordStackTier(tier);
  const modelPrefixes = { xgboost: models.xgboostPrefix, ...containerModelPrefixes(models.versions) };
  const functionEnvironments: Partial<Record<FunctionName, Record<string, string>>> = Object.fromEntries(
    functionsOfTier(tier).map((name) => [name, localFunctionScope(name, modelPrefixes)]),
  );
  const inScopeOf = <T>(name: FunctionName, work: () => T): T => {
    const environment = functionEnvironments[name];
    if (!environment) throw new Error(`a deployment of the ${tier} inference tier has no function ${name}`);
    return inFunctionScope(environment, work);
  };
  /** An event to an asynchronously invoked function, with its own environment and timeout. */
  const deliverEvent = (name: FunctionName, event: unknown) =>
    inScopeOf(name, () =>
      invokeAsync(FUNCTIONS[name].handler, event, {
        signal: stopping.signal,
        timeScale,
        minTimeoutSeconds: MIN_SCALED_TIMEOUT_SECONDS,
        timeoutSeconds: FUNCTIONS[name].timeoutSeconds,
        onDeadLetter: (letter: DeadLetter) => {
          deadLetters.push(letter);
          notice({ kind: 'dead-letter', letter });
        },
      }),
    );
  // The functions and the inference container reach S3 and DynamoDB through the fault switch.
  const url = (port: number) => `http://${LOOPBACK}:${port}`;
  const s3Edge = await listenTracked(createS3FaultProxy(s3.endpoint, faults), want.s3Edge, closers);
  const dynamoEdge = await listenTracked(
    createDynamoFaultProxy(dynamo.endpoint, faults),
    want.dynamoEdge,
    closers,
  );
  // The GPU tier's inference container; the CPU tier runs none (its Infer function runs in this process).
  const container =
    tier === 'gpu'
      ? startGpuTierContainer({ s3Edge: url(s3Edge), models, options, logLevel, closers })
      : Promise.reject(new Error('the cpu inference tier has no inference container'));
  // A failed start is reported where it is awaited; stopping must not wait on it.
  container.catch(() => undefined);
  closers.push(async () => (await container.catch(() => undefined))?.stop());

  const stepFunctions = new LocalStepFunctions({
    stateMachineArn: LOCAL_NAMES.stateMachineArn,
    timeScale,
    minTimeoutSeconds: MIN_SCALED_TIMEOUT_SECONDS,
    betweenSteps: (step) => faults.betweenSteps(step),
    tier,
    invoke: (handler, event, timeoutSeconds, signal) => {
      const name = functionOfHandler(handler);
      const runtimeFault = faults.functionFault(name)?.kind;
      return runAs(STUDY_STATE_MACHINE, () =>
        inScopeOf(name, () => invokeFunction(handler, event, timeoutSeconds, signal, runtimeFault)),
      );
    },
    journal: new ExecutionJournal(path.join(dataDir, 'executions.jsonl')),
  });
  closers.push(() => stepFunctions.stop());
  const stepFunctionsPort = await listenTracked(
    createStepFunctionsEndpoint(stepFunctions),
    want.stepFunctions,
    closers,
  );

  let containerUrl: (url: string) => void = () => undefined;
  // On the CPU tier nothing calls the endpoint (no function of that tier does); a call would fail.
  const containerAddress =
    tier === 'gpu'
      ? new Promise<string>((resolve) => (containerUrl = resolve))
      : container.then((started) => started.url);
  containerAddress.catch(() => undefined);
  const inferenceEdge = await startInferenceEdge(containerAddress, faults);
  closers.push(() => closeServer(inferenceEdge.server));
  // What SageMaker reads and writes for the endpoint, it does with the endpoint's role.
  const endpointS3Client = localS3Client(s3.endpoint);
  recordClientCalls(endpointS3Client, 's3', INFERENCE_ENDPOINT);
  closers.push(async () => endpointS3Client.destroy());
  const sagemaker: LocalSageMaker = createSageMakerEndpoint({
    endpointName: LOCAL_NAMES.inferenceEndpoint,
    region: LOCAL_REGION,
    outputBucket: LOCAL_NAMES.studiesBucket,
    s3: endpointS3Client,
    containerUrl: () => inferenceEdge.containerUrl(),
    timeScale,
    minTimeoutSeconds: MIN_SCALED_TIMEOUT_SECONDS,
    publish: async ({ topic, message }) => {
      const topicArn = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:sap-inference-${topic}`;
      recordCall({ action: 'sns:Publish', resource: topicArn }, INFERENCE_ENDPOINT);
      if (faults.losesNotification()) return;
      track(
        runAs(snsDelivery(topicArn), () => deliverEvent('InferenceCallback', snsEvent(topicArn, message))),
      );
    },
    onFault: (inferenceId, error) =>
      notice({ kind: 'inference-fault', inferenceId, error: error instanceof Error ? error.name : 'error' }),
  });
  closers.push(async () => sagemaker.stop());
  const sagemakerPort = await listenTracked(sagemaker.server, want.sagemaker, closers);

  // Outside a function's call (code that calls a handler itself) the stack's variables keep their local
  // values, as before; inside one, only that function's.
  const restoreEnv = applyEnvironment({
    ...functionLocalOverrides(
      {
        s3: url(s3Edge),
        dynamodb: url(dynamoEdge),
        stepFunctions: url(stepFunctionsPort),
        sagemakerRuntime: url(sagemakerPort),
      },
      logLevel,
    ),
    ...Object.assign({}, ...Object.values(functionEnvironments).map(withoutRuntimeSettings)),
  });
  closers.push(async () => restoreEnv());
  // Every AWS call the functions, the endpoint and the state machines make, for the IAM check (#17).
  await recordHandlerClientCalls();
  const removeScopes = installFunctionScopes(FUNCTION_OWNED_VARIABLES);
  closers.push(async () => removeScopes());

  // Imported only now: its logger and SDK clients read the environment set above. The server, made in
  // the API function's scope, answers every request in it.
  const { startApiServer } = await import('../api-server');
  const api = await inScopeOf('Api', () => startApiServer({ port: want.api }));
  closers.push(api.close);
  if (tier === 'gpu') containerUrl((await container).url);

  const sequencers = new SequencerClock();
  const unsubscribe = s3.onObjectCreated((record) => {
    const { key, sequencer } = record.s3.object;
    const event = objectCreatedEvent(record, sequencers.next(key, sequencer));
    if (options.manifestTrigger === false || !matchesManifestRule(event, LOCAL_NAMES.studiesBucket)) return;
    // At least once, in any order: the switch may repeat or hold back a delivery.
    const { deliveries, delaySeconds } = faults.manifestDelivery();
    const deliver = async () => {
      if (delaySeconds > 0) await delay(delaySeconds, stopping.signal).catch(() => undefined);
      if (!stopping.signal.aborted) await runAs(EVENTBRIDGE, () => deliverEvent('StartStudy', event));
    };
    for (let n = 0; n < deliveries; n++) track(deliver());
  });
  // Closed first: no new event, delivery or execution step starts once stopping begins.
  closers.push(async () => {
    unsubscribe();
    stopping.abort();
    sagemaker.stop();
    await stepFunctions.stop();
  });

  // Runs a previous `sap serve` was stopped in the middle of go on from their last finished step.
  stepFunctions.resumeInterrupted();

  firstPorts ??= {
    s3: s3.port,
    dynamo: dynamo.port,
    s3Edge,
    dynamoEdge,
    stepFunctions: stepFunctionsPort,
    sagemaker: sagemakerPort,
    api: Number(new URL(api.url).port),
  };

  return {
    s3: {
      endpoint: s3.endpoint,
      port: s3.port,
      studiesBucket: LOCAL_NAMES.studiesBucket,
      modelsBucket: LOCAL_NAMES.modelsBucket,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    },
    apiUrl: api.url,
    inference: tier,
    dynamoEndpoint: dynamo.endpoint,
    dataDir,
    models,
    stepFunctions,
    s3Client,
    deadLetters,
    faults,
    invoke: (name, event, signal) =>
      inScopeOf(name, () =>
        invokeFunction(FUNCTIONS[name].handler, event, FUNCTIONS[name].timeoutSeconds, signal),
      ),
    idle: async () => {
      while (inFlight.size > 0 || stepFunctions.busy) {
        await Promise.all([...inFlight, stepFunctions.idle(), sagemaker.idle()]);
      }
    },
    stop: async () => {
      await closeAll(closers);
      closers.length = 0;
      running = false;
    },
  };
}

/**
 * The stack's own variables of a function's environment, without the runtime's settings (NODE_OPTIONS,
 * ..., and the Lambda runtime's memory size, which differs from function to function).
 */
function withoutRuntimeSettings(environment: Record<string, string>): Record<string, string> {
  const runtime = (name: string) =>
    name in FUNCTION_RUNTIME_ENV || (LAMBDA_RUNTIME_VARIABLES as readonly string[]).includes(name);
  return Object.fromEntries(Object.entries(environment).filter(([name]) => !runtime(name)));
}

/** The GPU tier's container, its S3 calls recorded as the endpoint role's (its own S3 endpoint). */
async function startGpuTierContainer(settings: {
  s3Edge: string;
  models: PublishedModels;
  options: LocalStackOptions;
  logLevel: string;
  closers: (() => Promise<void>)[];
}): Promise<InferenceContainer> {
  const recorder = createS3CallRecorder(settings.s3Edge, INFERENCE_ENDPOINT);
  const containerS3 = await listenTracked(recorder, 0, settings.closers);
  return startContainer({
    modelEnvironment: inferenceContainerEnvironment({
      modelsBucket: LOCAL_NAMES.modelsBucket,
      modelVersions: settings.models.versions,
      region: LOCAL_REGION,
    }),
    s3Endpoint: `http://${LOOPBACK}:${containerS3}`,
    threads: settings.options.inferenceThreads ?? availableParallelism(),
    logLevel: settings.logLevel,
  });
}

/**
 * The inference container as its own process with the SageMaker model's environment and only the local
 * overrides (containerLocalOverrides). `s3Endpoint` is where its S3 requests go.
 */
async function startContainer(settings: {
  modelEnvironment: Record<string, string>;
  s3Endpoint: string;
  threads: number;
  logLevel: string;
}): Promise<InferenceContainer> {
  // The port was free when chosen, but another process (a parallel test file) may bind it before the
  // container does: the container then exits with EADDRINUSE, and a fresh port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startInferenceContainer({
        modelEnvironment: settings.modelEnvironment,
        localOverrides: containerLocalOverrides({
          s3Endpoint: settings.s3Endpoint,
          port: await freeLoopbackPort(),
          threads: settings.threads,
          logLevel: settings.logLevel,
        }),
        forwardOutput: settings.logLevel !== 'SILENT',
        startupTimeoutSeconds: CONTAINER_STARTUP_SECONDS,
      });
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!portTaken || attempt === CONTAINER_PORT_ATTEMPTS) throw error;
    }
  }
}

function wantedPorts(given: LocalStackOptions['ports'] = {}): Ports {
  const previous = firstPorts;
  if (!previous) {
    const free = { dynamo: 0, s3Edge: 0, dynamoEdge: 0, stepFunctions: 0, sagemaker: 0 };
    return { ...free, s3: given.s3 ?? 0, api: given.api ?? 0 };
  }
  for (const [name, port] of Object.entries(given)) {
    if (port !== undefined && port !== previous[name as keyof Ports])
      throw new Error(
        `this process's functions already talk to the local stack's first ports: ${name} must stay ${previous[name as keyof Ports]}`,
      );
  }
  return previous;
}

async function listenTracked(
  server: Server,
  port: number,
  closers: (() => Promise<void>)[],
): Promise<number> {
  const taken = await listen(server, port);
  closers.push(() => closeServer(server));
  return taken;
}

function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Closes in the reverse order of starting (event intake first); every closer runs even when one fails. */
async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'the local stack did not stop cleanly');
}
