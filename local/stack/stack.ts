import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Server } from 'node:http';
import { invokeAsync, type DeadLetter } from './async-invoke';
import { startDynamo } from './dynamo-server';
import { closeServer, listen, LOOPBACK } from './http-server';
import {
  applyEnvironment,
  handlerEnvironment,
  LOCAL_ACCOUNT,
  LOCAL_CREDENTIALS,
  LOCAL_NAMES,
  LOCAL_REGION,
} from './local-env';
import { createDynamoFaultProxy, createS3FaultProxy } from './fault-proxy';
import { FaultSwitch, type FaultPlan } from './faults';
import { startInferenceEdge } from './inference-edge';
import { matchesManifestRule, objectCreatedEvent, SequencerClock } from './manifest-trigger';
import { publishFusionModel } from './models';
import { DEFAULT_DATA_DIR, INFERENCE_CALLBACK_HANDLER, REPO_ROOT, START_STUDY_HANDLER } from './paths';
import { startS3 } from './s3-server';
import { createSageMakerEndpoint, type LocalSageMaker } from './sagemaker-endpoint';
import { snsEvent } from './sns-event';
import { createStepFunctionsEndpoint } from './step-functions/http-endpoint';
import { ExecutionJournal } from './step-functions/journal';
import { invokeFunction } from './step-functions/lambda-invoke';
import { LocalStepFunctions } from './step-functions/service';
import { delay } from './step-functions/timers';

/** The timeout lib/constructs/study-workflow.ts gives the start and callback functions. */
const EVENT_FUNCTION_TIMEOUT_SECONDS = 30;
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
  /** Holds the fusion model card (+ file) and `unet/`, `resnet/`. Default: models/demo. */
  modelDir?: string;
  /** onnxruntime threads of the inference server. Default: every core. */
  inferenceThreads?: number;
  /** Powertools log level of the functions and the inference server. Default: SILENT. */
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
  /** The runner: its executions and their step events. */
  stepFunctions: LocalStepFunctions;
  /** An S3 client for the local S3 endpoint. */
  s3Client: S3Client;
  deadLetters: DeadLetter[];
  /** The fault switch (faults.ts): off until set, at S3, DynamoDB, the endpoint and between steps. */
  faults: FaultSwitch;
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
 * container's server on CPU behind a local SageMaker asynchronous endpoint, Step Functions' API over the
 * local runner, and the results API, with the deployed functions' code and real SDK clients pointed at
 * them. A manifest written to incoming/{studyId}/ starts a run as the EventBridge rule does.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (running) throw new Error('a local stack is already running in this process');
  running = true;
  // The stack runs on Node 20 by design (package.json engines); the SDK's notice about Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const closers: (() => Promise<void>)[] = [];
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
  const asyncOptions = {
    signal: stopping.signal,
    timeScale,
    minTimeoutSeconds: MIN_SCALED_TIMEOUT_SECONDS,
    timeoutSeconds: EVENT_FUNCTION_TIMEOUT_SECONDS,
    onDeadLetter: (letter: DeadLetter) => {
      deadLetters.push(letter);
      notice({ kind: 'dead-letter', letter });
    },
  };

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
  // The functions and the inference container reach S3 and DynamoDB through the fault switch.
  const url = (port: number) => `http://${LOOPBACK}:${port}`;
  const s3Edge = await listenTracked(createS3FaultProxy(s3.endpoint, faults), want.s3Edge, closers);
  const dynamoEdge = await listenTracked(
    createDynamoFaultProxy(dynamo.endpoint, faults),
    want.dynamoEdge,
    closers,
  );
  const containerS3Client = localS3Client(url(s3Edge));
  closers.push(async () => containerS3Client.destroy());

  const stepFunctions = new LocalStepFunctions({
    stateMachineArn: LOCAL_NAMES.stateMachineArn,
    timeScale,
    minTimeoutSeconds: MIN_SCALED_TIMEOUT_SECONDS,
    betweenSteps: (step) => faults.betweenSteps(step),
    invoke: invokeFunction,
    journal: new ExecutionJournal(path.join(dataDir, 'executions.jsonl')),
  });
  closers.push(() => stepFunctions.stop());
  const stepFunctionsPort = await listenTracked(
    createStepFunctionsEndpoint(stepFunctions),
    want.stepFunctions,
    closers,
  );

  let containerUrl: (url: string) => void = () => undefined;
  const inferenceEdge = await startInferenceEdge(
    new Promise<string>((resolve) => (containerUrl = resolve)),
    faults,
  );
  closers.push(() => closeServer(inferenceEdge.server));
  const sagemaker: LocalSageMaker = createSageMakerEndpoint({
    endpointName: LOCAL_NAMES.inferenceEndpoint,
    region: LOCAL_REGION,
    outputBucket: LOCAL_NAMES.studiesBucket,
    s3: s3Client,
    containerUrl: () => inferenceEdge.containerUrl(),
    timeScale,
    minTimeoutSeconds: MIN_SCALED_TIMEOUT_SECONDS,
    publish: async ({ topic, message }) => {
      if (faults.losesNotification()) return;
      const topicArn = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:sap-inference-${topic}`;
      track(invokeAsync(INFERENCE_CALLBACK_HANDLER, snsEvent(topicArn, message), asyncOptions));
    },
    onFault: (inferenceId, error) =>
      notice({ kind: 'inference-fault', inferenceId, error: error instanceof Error ? error.name : 'error' }),
  });
  closers.push(async () => sagemaker.stop());
  const sagemakerPort = await listenTracked(sagemaker.server, want.sagemaker, closers);

  const modelDir = path.resolve(options.modelDir ?? path.join(REPO_ROOT, 'models', 'demo'));
  const xgboostPrefix = await publishFusionModel(s3Client, LOCAL_NAMES.modelsBucket, modelDir);
  const restoreEnv = applyEnvironment(
    handlerEnvironment(
      {
        s3: url(s3Edge),
        dynamodb: url(dynamoEdge),
        stepFunctions: url(stepFunctionsPort),
        sagemakerRuntime: url(sagemakerPort),
      },
      xgboostPrefix,
      options.logLevel ?? 'SILENT',
    ),
  );
  closers.push(async () => restoreEnv());

  // Imported only now: their loggers and SDK clients read the environment set above.
  const [{ createInferenceServer }, { startApiServer }] = await Promise.all([
    import('../../containers/gpu-inference/server'),
    import('../api-server'),
  ]);
  const inference = createInferenceServer({
    modelDir,
    s3: containerS3Client,
    threads: options.inferenceThreads ?? availableParallelism(),
    device: 'cpu',
  });
  containerUrl(url(await listenTracked(inference.server, 0, closers)));
  const api = await startApiServer({ port: want.api });
  closers.push(api.close);
  await inference.ready;

  const sequencers = new SequencerClock();
  const unsubscribe = s3.onObjectCreated((record) => {
    const { key, sequencer } = record.s3.object;
    const event = objectCreatedEvent(record, sequencers.next(key, sequencer));
    if (options.manifestTrigger === false || !matchesManifestRule(event, LOCAL_NAMES.studiesBucket)) return;
    // At least once, in any order: the switch may repeat or hold back a delivery.
    const { deliveries, delaySeconds } = faults.manifestDelivery();
    const deliver = async () => {
      if (delaySeconds > 0) await delay(delaySeconds, stopping.signal).catch(() => undefined);
      if (!stopping.signal.aborted) await invokeAsync(START_STUDY_HANDLER, event, asyncOptions);
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
    dynamoEndpoint: dynamo.endpoint,
    dataDir,
    stepFunctions,
    s3Client,
    deadLetters,
    faults,
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
