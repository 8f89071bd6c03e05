import { Duration, Lazy } from 'aws-cdk-lib';
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
import {
  FUNCTIONS,
  functionEnvironment,
  type FunctionEnvValues,
  type FunctionName,
} from '../../core/pipeline/functions';
import {
  EXECUTION_TIMEOUT_SECONDS,
  PIPELINE_STEPS,
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
} from '../../core/study/keys';
import { modelPrefix } from '../../core/study/model-keys';
import type { PipelineOptions } from '../config';
import { PipelineFunction } from './pipeline-function';
import { buildPipelineDefinition } from './pipeline-definition';
import { deadLetterQueue, encryptedLogGroup } from './secure-defaults';

/** Every version of the fusion model (models/xgboost/{version}/...). */
export const FUSION_MODELS = 'models/xgboost/*';
/** batches/{batchId}/studies/{studyId}.json, for any batch. */
export const BATCH_OUTCOMES = batchKeys.outcomesPrefix('*');

export interface StudyWorkflowProps extends Readonly<
  Pick<PipelineOptions, 'logRetentionDays' | 'imageMemoryMb'>
> {
  readonly key: kms.IKey;
  readonly studies: s3.IBucket;
  readonly models: s3.IBucket;
  readonly table: dynamodb.ITableV2;
  /** The asynchronous endpoint Infer queues requests on, and the topics its outcomes arrive on. */
  readonly endpoint: {
    readonly name: string;
    readonly arn: string;
    readonly successTopic: sns.ITopic;
    readonly errorTopic: sns.ITopic;
  };
  /** The fusion model version Fuse scores with, unless a run names another. */
  readonly xgboostVersion: string;
}

/**
 * From a manifest upload to a stored result: the step functions, the Standard state machine built from
 * core's step definition, the EventBridge rule that starts it, and the callback that completes Infer.
 */
export class StudyWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Events and notifications that could not be delivered or processed. */
  readonly deadLetters: sqs.Queue;
  readonly functions: Record<
    StageName | 'RecordFailure' | 'StartStudy' | 'InferenceCallback',
    PipelineFunction
  >;

  constructor(scope: Construct, id: string, props: StudyWorkflowProps) {
    super(scope, id);
    const { key, studies, table, endpoint, logRetentionDays } = props;
    this.deadLetters = deadLetterQueue(this, 'DeadLetters', key);
    const values: FunctionEnvValues = {
      studiesBucket: studies.bucketName,
      modelsBucket: props.models.bucketName,
      studiesTable: table.tableName,
      inferenceEndpoint: endpoint.name,
      xgboostModelPrefix: modelPrefix('xgboost', props.xgboostVersion),
      // The state machine is built from the step functions; StartStudy gets its ARN once it exists.
      stateMachineArn: Lazy.string({ produce: () => this.stateMachine.stateMachineArn }),
    };
    // Each function gets the variables its definition names (core/pipeline/functions.ts), no others.
    const make = (name: FunctionName, sizing: LambdaSizing, onFailure?: sqs.IQueue) =>
      new PipelineFunction(this, name, {
        sizing,
        key,
        logRetentionDays,
        environment: functionEnvironment(FUNCTIONS[name], values),
        deadLetterQueue: onFailure,
      });

    const stepFunctions = Object.fromEntries(
      PIPELINE_STEPS.map((step) => [
        step.name,
        make(step.name, VOLUME_STEPS.includes(step.name) ? { ...step, memoryMb: props.imageMemoryMb } : step),
      ]),
    ) as Record<StageName, PipelineFunction>;
    const recordFailure = make('RecordFailure', RECORD_FAILURE);
    const startStudy = make('StartStudy', FUNCTIONS.StartStudy, this.deadLetters);
    const inferenceCallback = make('InferenceCallback', FUNCTIONS.InferenceCallback, this.deadLetters);
    this.functions = {
      ...stepFunctions,
      RecordFailure: recordFailure,
      StartStudy: startStudy,
      InferenceCallback: inferenceCallback,
    };

    this.grantStepAccess(props, stepFunctions, recordFailure);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildPipelineDefinition(this, {
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

    // Endpoint notification → the waiting Infer task token.
    for (const topic of [endpoint.successTopic, endpoint.errorTopic]) {
      inferenceCallback.function.addEventSource(
        new SnsEventSource(topic, { deadLetterQueue: this.deadLetters }),
      );
    }
    this.stateMachine.grantTaskResponse(inferenceCallback.function);
    table.grantReadWriteData(inferenceCallback.function);
  }

  /** Each step reads and writes only the prefixes it owns. */
  private grantStepAccess(
    { studies, models, table, endpoint }: StudyWorkflowProps,
    steps: Record<StageName, PipelineFunction>,
    recordFailure: PipelineFunction,
  ): void {
    for (const step of [...Object.values(steps), recordFailure]) table.grantWriteData(step.function);

    studies.grantRead(steps.Validate.function, `${INCOMING_PREFIX}*`);
    studies.grantPut(steps.Validate.function, `${WORK_PREFIX}*`);
    studies.grantPut(steps.Validate.function, `${REJECTED_PREFIX}*`);

    studies.grantPut(steps.Infer.function, `${WORK_PREFIX}*`);
    steps.Infer.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sagemaker:InvokeEndpointAsync'],
        resources: [endpoint.arn],
      }),
    );

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
