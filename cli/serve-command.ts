import * as path from 'node:path';
import {
  demoImageModelsNotice,
  ModelFolderInvalid,
  ModelVersionConflict,
  type PublishedModel,
} from '../local/stack/models';
import { DEFAULT_DATA_DIR, REPO_ROOT } from '../local/stack/paths';
import { stopSignal } from '../local/stack/signals';
import { describeNotice, startLocalStack, type LocalStack } from '../local/stack/stack';
import type { RunnerEvent } from '../local/stack/step-functions/service';
import { DEFAULT_INFERENCE_TIER, type InferenceTier } from '../core/pipeline/inference-tier';
import { EXIT, reportError, type CommandContext } from './io';

export interface ServeInput {
  portS3?: number;
  portApi?: number;
  dataDir?: string;
  /** The old name of dataDir. */
  data?: string;
  models?: string;
  inference?: InferenceTier;
}

/**
 * `sap serve`: the local stack until Ctrl-C. Prints where to upload and where to poll, the models in use
 * and the local models bucket; then one line per stage of each study (with --json: the endpoints as one
 * JSON document, then events as JSON lines on stderr).
 */
export async function serveCommand(input: ServeInput, ctx: CommandContext): Promise<number> {
  const options = {
    s3Port: input.portS3,
    apiPort: input.portApi,
    dataDir: path.resolve(input.dataDir ?? input.data ?? path.join(REPO_ROOT, DEFAULT_DATA_DIR, 'data')),
    modelDir: input.models && path.resolve(input.models),
    inference: input.inference ?? DEFAULT_INFERENCE_TIER,
  };
  const signals = stopSignal();
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({
      dataDir: options.dataDir,
      modelDir: options.modelDir,
      inference: options.inference,
      ports: { s3: options.s3Port, api: options.apiPort },
      logLevel: 'WARN',
      onNotice: (notice) =>
        ctx.io.err(ctx.json ? JSON.stringify({ notice }) : `warning: ${describeNotice(notice)}`),
    });
    const demoNotice = options.modelDir && demoImageModelsNotice(stack.models, options.modelDir);
    if (demoNotice)
      ctx.io.err(
        ctx.json
          ? JSON.stringify({ notice: { kind: 'demo-image-models', message: demoNotice } })
          : `notice: ${demoNotice}`,
      );
    const description = describeStack(stack);
    if (ctx.json) ctx.io.out(JSON.stringify(description, null, 2));
    else for (const line of instructions(description)) ctx.io.out(line);
    const describeEvent = eventDescriber();
    stack.stepFunctions.onEvent((event) => {
      const line = ctx.json ? JSON.stringify(event) : describeEvent(event);
      if (line) (ctx.json ? ctx.io.err : ctx.io.out)(line);
    });
    const signal = await signals.received;
    if (!ctx.json) ctx.io.out(`\n${signal}: stopping the local stack`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ModelFolderInvalid || error instanceof ModelVersionConflict) {
      reportError(ctx, error.name, error.message);
      return EXIT.usage;
    }
    throw error;
  } finally {
    await stack?.stop();
    signals.dispose();
  }
}

interface StackDescription {
  s3Endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  apiUrl: string;
  dataDir: string;
  /** The bucket `sap rescore` and the Fuse step read fusion model versions from, on the same S3 endpoint. */
  modelsBucket: string;
  /** The model versions a study runs with, unless a rescore names another fusion version. */
  models: PublishedModel[];
  /** Where the U-Net and ResNet50 run (core/pipeline/inference-tier.ts). */
  inference: InferenceTier;
}

function describeStack(stack: LocalStack): StackDescription {
  return {
    s3Endpoint: stack.s3.endpoint,
    bucket: stack.s3.studiesBucket,
    region: stack.s3.region,
    credentials: stack.s3.credentials,
    apiUrl: stack.apiUrl,
    dataDir: stack.dataDir,
    modelsBucket: stack.s3.modelsBucket,
    models: [stack.models.models.xgboost, stack.models.models.unet, stack.models.models.resnet],
    inference: stack.inference,
  };
}

const INFERENCE_WHERE: Record<InferenceTier, string> = {
  gpu: 'gpu tier: the inference container behind a local SageMaker asynchronous endpoint',
  cpu: 'cpu tier: the InferCpu Lambda handler, in process',
};

const MODEL_KIND_NAMES = { xgboost: 'fusion (XGBoost)', unet: 'U-Net', resnet: 'ResNet50' } as const;

function describeModel(model: PublishedModel): string {
  const what = `${MODEL_KIND_NAMES[model.kind]} ${model.name} version ${model.version}`;
  return `${what}${model.synthetic ? ' (synthetic, not for clinical use)' : ''}   ${model.folder}`;
}

function instructions(d: StackDescription): string[] {
  const creds = `AWS_ACCESS_KEY_ID=${d.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${d.credentials.secretAccessKey} AWS_REGION=${d.region}`;
  const target = `s3://${d.bucket}/incoming/my-study-1`;
  return [
    'sap serve: the local stack is up (Ctrl-C stops it)',
    `  S3 endpoint   ${d.s3Endpoint}   bucket ${d.bucket}   credentials ${d.credentials.accessKeyId} / ${d.credentials.secretAccessKey}   region ${d.region}`,
    `  Results API   ${d.apiUrl}`,
    `  Data          ${d.dataDir}`,
    ...d.models.map(
      (model, index) => `  ${index === 0 ? 'Models' : ''.padEnd(6)}        ${describeModel(model)}`,
    ),
    `  Models bucket ${d.modelsBucket} on ${d.s3Endpoint}   (models/{xgboost,unet,resnet}/{version}/)`,
    `  Inference     ${INFERENCE_WHERE[d.inference]}   (--inference gpu|cpu)`,
    '',
    'Submit a study folder (clinical.json + the image) and follow it:',
    `  npx sap submit ./my-study --endpoint ${d.apiUrl}`,
    `  npx sap status <studyId> --wait --endpoint ${d.apiUrl}`,
    '',
    'Or upload with any S3 client, manifest.json last (it starts the run), and poll with curl:',
    `  ${creds} aws s3 cp ./my-study ${target}/ --recursive --exclude manifest.json --endpoint-url ${d.s3Endpoint}`,
    `  ${creds} aws s3 cp ./my-study/manifest.json ${target}/manifest.json --endpoint-url ${d.s3Endpoint}`,
    `  curl ${d.apiUrl}/studies/my-study-1`,
    '',
    `Rescore a completed study with another fusion model version: put its folder (model-card.json + the`,
    `file it names) under models/xgboost/{version}/ in ${d.modelsBucket} (a version is never overwritten), then`,
    `  ${creds} aws s3 cp ./my-model s3://${d.modelsBucket}/models/xgboost/2/ --recursive --endpoint-url ${d.s3Endpoint}`,
    `  npx sap rescore <studyId> --model-version 2 --wait --endpoint ${d.apiUrl}`,
    '(or restart with --models ./my-model to publish it and make it the default)',
    '',
  ];
}

/** One line per stage of each run, with its wall time; retries and failures as they happen. */
function eventDescriber(): (event: RunnerEvent) => string | undefined {
  const stageStarts = new Map<string, number>();
  const since = (event: RunnerEvent & { stage: string }) => {
    const key = `${event.execution}/${event.stage}`;
    const start = stageStarts.get(key) ?? event.at.getTime();
    stageStarts.delete(key);
    return `${((event.at.getTime() - start) / 1000).toFixed(1)} s`;
  };
  return (event) => {
    switch (event.type) {
      case 'ExecutionStarted':
        return event.resumedAfter
          ? `${event.studyId}: run resumed after ${event.resumedAfter}`
          : `${event.studyId}: run started`;
      case 'ExecutionInterrupted':
        return `${event.studyId}: run interrupted; it resumes when the stack starts again`;
      case 'StepStarted':
        if (event.attempt === 1) stageStarts.set(`${event.execution}/${event.stage}`, event.at.getTime());
        return event.attempt > 1 ? `${event.studyId}: ${event.stage} attempt ${event.attempt}` : undefined;
      case 'StepSucceeded':
        return `${event.studyId}: ${event.stage} ${since(event)}`;
      case 'StepFailed':
        return event.retryInSeconds !== undefined
          ? `${event.studyId}: ${event.stage} failed (${event.error.Error ?? 'error'}), retry in ${event.retryInSeconds.toFixed(1)} s`
          : `${event.studyId}: ${event.stage} failed (${event.error.Error ?? 'error'}) after ${since(event)}`;
      case 'FailureRecorded':
        return undefined;
      case 'ExecutionEnded': {
        const { record } = event;
        const seconds = ((record.stopDate ?? event.at).getTime() - record.startDate.getTime()) / 1000;
        const how =
          record.status === 'SUCCEEDED' ? 'COMPLETED' : `${record.status} ${record.error ?? ''}`.trim();
        return `${event.studyId}: ${how} after ${seconds.toFixed(1)} s`;
      }
    }
  };
}
