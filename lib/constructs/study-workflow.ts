import { Duration, Lazy } from 'aws-cdk-lib';
import type { IDependable } from 'constructs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SnsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { containerModelPrefixes, type ContainerModelVersions } from '../../core/pipeline/container-settings';
import {
  FUNCTIONS,
  functionEnvironment,
  functionOfHandler,
  type FunctionEnvValues,
  type FunctionName,
} from '../../core/pipeline/functions';
import {
  CPU_INFERENCE_EPHEMERAL_STORAGE_MB,
  EXECUTION_TIMEOUT_SECONDS,
  pipelineSteps,
  RECORD_FAILURE,
  VOLUME_STEPS,
  type LambdaSizing,
  type StageName,
} from '../../core/pipeline/steps';
import { batchKeys } from '../../core/batch/outcome';
import {
  INCOMING_PREFIX,
  MANIFEST_FILE,
  REJECTED_PREFIX,
  RESULTS_PREFIX,
  WORK_PREFIX,
  workKeys,
} from '../../core/study/keys';
import { modelPrefix } from '../../core/study/model-keys';
import type { PipelineOptions } from '../config';
import { ONNXRUNTIME_ARCHITECTURE, ONNXRUNTIME_BUNDLING } from './onnxruntime-bundle';
import { PipelineFunction, type PipelineFunctionProps } from './pipeline-function';
import { buildPipelineDefinition } from './pipeline-definition';
import { deadLetterQueue, encryptedLogGroup } from './secure-defaults';

/**
 * The CPU tier's Infer function (core/pipeline/steps.ts, CPU_INFERENCE): on x86_64, where
 * onnxruntime-node's Linux build that the bundle carries runs (onnxruntime-bundle.ts), with room in /tmp
 * for the models it downloads.
 */
const CPU_INFERENCE_FUNCTION: Partial<PipelineFunctionProps> = {
  architecture: ONNXRUNTIME_ARCHITECTURE,
  ephemeralStorageMb: CPU_INFERENCE_EPHEMERAL_STORAGE_MB,
  bundling: ONNXRUNTIME_BUNDLING,
};

/** Every version of the fusion model (models/xgboost/{version}/...). */
export const FUSION_MODELS = 'models/xgboost/*';
/** batches/{batchId}/studies/{studyId}.json, for any batch. */
export const BATCH_OUTCOMES = batchKeys.outcomesPrefix('*');

/** One artifact of every run, work/{id}/v-{digest}/{file} with wildcards, as workKeys names it. */
export function everyRunArtifact(artifact: Exclude<keyof ReturnType<typeof workKeys>, 'prefix'>): string {
  const sample = workKeys({ studyId: 'study', manifestVersion: 'version' });
  return `${WORK_PREFIX}*/v-*/${sample[artifact].slice(sample.prefix.length)}`;
}

/** The studies-bucket objects the CPU tier's Infer function reads and writes: the volume in, mask and result out. */
export const CPU_INFERENCE_STUDY_OBJECTS = {
  reads: [everyRunArtifact('volume')],
  writes: [everyRunArtifact('mask'), everyRunArtifact('inference')],
} as const;

export interface StudyWorkflowProps extends Readonly<
  Pick<PipelineOptions, 'logRetentionDays' | 'imageMemoryMb' | 'inference'>
> {
  readonly key: kms.IKey;
  readonly studies: s3.IBucket;
  readonly models: s3.IBucket;
  readonly table: dynamodb.ITableV2;
  /**
   * The asynchronous endpoint Infer queues requests on, and the topics its outcomes arrive on: the GPU
   * tier's, absent on the CPU tier.
   */
  readonly endpoint?: {
    readonly name: string;
    readonly arn: string;
    readonly successTopic: sns.ITopic;
    readonly errorTopic: sns.ITopic;
  };
  /** The fusion model version Fuse scores with, unless a run names another. */
  readonly xgboostVersion: string;
  /** The U-Net and ResNet50 versions the CPU tier's Infer function loads. */
  readonly imageModelVersions: ContainerModelVersions;
  /** Awaited before the CPU tier's Infer function exists: the demo models' copy on a first deploy. */
  readonly modelsReady?: IDependable;
}

/**
 * From a manifest upload to a stored result: the step functions, the Standard state machine built from
 * core's step definition, the EventBridge rule that starts it, and the callback that completes Infer.
 */
export class StudyWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Events and notifications that could not be delivered or processed. */
  readonly deadLetters: sqs.Queue;
  /** Each step's function (on the CPU tier, Infer's is InferCpu); InferenceCallback on the GPU tier only. */
  readonly functions: Record<StageName | 'RecordFailure' | 'StartStudy', PipelineFunction> & {
    InferenceCallback?: PipelineFunction;
  };

  constructor(scope: Construct, id: string, props: StudyWorkflowProps) {
    super(scope, id);
    const { key, studies, table, endpoint, logRetentionDays } = props;
    if ((props.inference === 'gpu') !== (endpoint !== undefined))
      throw new Error('the gpu inference tier needs its endpoint, and only that tier has one');
    this.deadLetters = deadLetterQueue(this, 'DeadLetters', key);
    const imagePrefixes = containerModelPrefixes(props.imageModelVersions);
    const values: FunctionEnvValues = {
      studiesBucket: studies.bucketName,
      modelsBucket: props.models.bucketName,
      studiesTable: table.tableName,
      inferenceEndpoint: endpoint?.name,
      xgboostModelPrefix: modelPrefix('xgboost', props.xgboostVersion),
      unetModelPrefix: imagePrefixes.unet,
      resnetModelPrefix: imagePrefixes.resnet,
      // The state machine is built from the step functions; StartStudy gets its ARN once it exists.
      stateMachineArn: Lazy.string({ produce: () => this.stateMachine.stateMachineArn }),
    };
    // Each function gets the variables its definition names (core/pipeline/functions.ts), no others.
    const make = (name: FunctionName, sizing: LambdaSizing, extra: Partial<PipelineFunctionProps> = {}) =>
      new PipelineFunction(this, name, {
        sizing,
        key,
        logRetentionDays,
        environment: functionEnvironment(FUNCTIONS[name], values),
        ...extra,
      });

    // The tier's steps; each step's function is the one whose handler it names (InferCpu on the CPU tier).
    const steps = pipelineSteps(props.inference);
    const stepFunctions = Object.fromEntries(
      steps.map((step) => {
        const name = functionOfHandler(step.handler);
        const sizing = VOLUME_STEPS.includes(step.name) ? { ...step, memoryMb: props.imageMemoryMb } : step;
        return [step.name, make(name, sizing, name === 'InferCpu' ? CPU_INFERENCE_FUNCTION : {})];
      }),
    ) as Record<StageName, PipelineFunction>;
    if (props.inference === 'cpu' && props.modelsReady)
      stepFunctions.Infer.function.node.addDependency(props.modelsReady);
    const recordFailure = make('RecordFailure', RECORD_FAILURE);
    const startStudy = make('StartStudy', FUNCTIONS.StartStudy, { deadLetterQueue: this.deadLetters });
    this.functions = { ...stepFunctions, RecordFailure: recordFailure, StartStudy: startStudy };

    this.grantStepAccess(props, stepFunctions, recordFailure);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildPipelineDefinition(this, {
          definitions: steps,
          steps: stepFunctions,
          recordFailure: recordFailure.function,
        }),
      ),
      timeout: Duration.seconds(EXECUTION_TIMEOUT_SECONDS),
      tracingEnabled: true,
      logs: {
        destination: encryptedLogGroup(this, 'ExecutionLogs', key, logRetentionDays),
        level: sfn.LogLevel.ALL,
        // State carries study ids and S3 keys only, never clinical values or image data.
        includeExecutionData: true,
      },
    });

    // Manifest arrival → one execution per manifest version.
    this.stateMachine.grantStartExecution(startStudy.function);
    // The conditional put, then GetItem when it fails (a repeated or late event).
    table.grantReadWriteData(startStudy.function);
    // HeadObject of the manifest: only its current version starts a run.
    studies.grantRead(startStudy.function, `${INCOMING_PREFIX}*/${MANIFEST_FILE}`);
    new events.Rule(this, 'ManifestUploaded', {
      description: `Start the pipeline when ${INCOMING_PREFIX}{studyId}/${MANIFEST_FILE} is written`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [studies.bucketName] },
          object: { key: events.Match.wildcard(`${INCOMING_PREFIX}*/${MANIFEST_FILE}`) },
        },
      },
      targets: [
        new targets.LambdaFunction(startStudy.function, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    if (endpoint) this.functions.InferenceCallback = this.addInferenceCallback(props, endpoint);
  }

  /**
   * CPU tier's Infer function: GetObject of each run's volume and of the two image models' files, a
   * listing of those model prefixes only, PutObject of each run's mask and inference.json, and the key
   * for those objects, as narrow as the GPU endpoint's role (inference-endpoint.ts).
   */
  private grantCpuInferenceAccess(
    infer: PipelineFunction,
    { key, studies, models, imageModelVersions }: StudyWorkflowProps,
  ): void {
    const modelPrefixes = Object.values(containerModelPrefixes(imageModelVersions));
    const objects = (bucket: s3.IBucket, patterns: readonly string[]) =>
      patterns.map((pattern) => bucket.arnForObjects(pattern));
    const fn = infer.function;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          ...objects(studies, CPU_INFERENCE_STUDY_OBJECTS.reads),
          ...objects(
            models,
            modelPrefixes.map((prefix) => `${prefix}*`),
          ),
        ],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: objects(studies, CPU_INFERENCE_STUDY_OBJECTS.writes),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [models.bucketArn],
        conditions: { StringLike: { 's3:prefix': modelPrefixes.map((prefix) => `${prefix}*`) } },
      }),
    );
    // Both buckets use the region's key: decrypt what it reads, make data keys for what it writes.
    key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
  }

  /** GPU tier: the endpoint's notification → the waiting Infer task token. */
  private addInferenceCallback(
    props: StudyWorkflowProps,
    endpoint: NonNullable<StudyWorkflowProps['endpoint']>,
  ): PipelineFunction {
    const callback = new PipelineFunction(this, 'InferenceCallback', {
      sizing: FUNCTIONS.InferenceCallback,
      key: props.key,
      logRetentionDays: props.logRetentionDays,
      environment: functionEnvironment(FUNCTIONS.InferenceCallback, { studiesTable: props.table.tableName }),
      deadLetterQueue: this.deadLetters,
    });
    for (const topic of [endpoint.successTopic, endpoint.errorTopic]) {
      callback.function.addEventSource(new SnsEventSource(topic, { deadLetterQueue: this.deadLetters }));
    }
    this.stateMachine.grantTaskResponse(callback.function);
    props.table.grantReadWriteData(callback.function);
    return callback;
  }

  /** Each step reads and writes only the prefixes it owns. */
  private grantStepAccess(
    props: StudyWorkflowProps,
    steps: Record<StageName, PipelineFunction>,
    recordFailure: PipelineFunction,
  ): void {
    const { studies, models, table, endpoint } = props;
    for (const step of [...Object.values(steps), recordFailure]) table.grantWriteData(step.function);

    studies.grantRead(steps.Validate.function, `${INCOMING_PREFIX}*`);
    studies.grantPut(steps.Validate.function, `${WORK_PREFIX}*`);
    studies.grantPut(steps.Validate.function, `${REJECTED_PREFIX}*`);

    if (endpoint) {
      studies.grantPut(steps.Infer.function, `${WORK_PREFIX}*`);
      steps.Infer.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sagemaker:InvokeEndpointAsync'],
          resources: [endpoint.arn],
        }),
      );
    } else {
      this.grantCpuInferenceAccess(steps.Infer, props);
    }

    studies.grantRead(steps.Radiomics.function, `${WORK_PREFIX}*`);
    studies.grantPut(steps.Radiomics.function, `${WORK_PREFIX}*`);

    studies.grantRead(steps.Fuse.function, `${WORK_PREFIX}*`);
    studies.grantPut(steps.Fuse.function, `${RESULTS_PREFIX}*`);
    // A rescore or a batch may name any fusion model version, not only the deployment's.
    models.grantRead(steps.Fuse.function, FUSION_MODELS);
    // A rescore checks that the study is still COMPLETED at its manifest version before it replaces the result.
    table.grantReadData(steps.Fuse.function);

    studies.grantPut(recordFailure.function, `${REJECTED_PREFIX}*`);
    // A failed study's report (results/{id}/report.html) says why it has no result.
    studies.grantPut(recordFailure.function, `${RESULTS_PREFIX}*`);

    // Runs of a batch write their outcome (COMPLETED or FAILED) under batches/{batchId}/studies/.
    for (const writer of [steps.Fuse, recordFailure]) studies.grantPut(writer.function, `${BATCH_OUTCOMES}*`);
  }
}
