import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { PipelineOptions } from '../config';
import { acknowledgeFindings } from '../nag-acknowledgements';
import { BatchWorkflow } from '../constructs/batch-workflow';
import { DemoModels, demoModelCopies } from '../constructs/demo-models';
import { InferenceEndpoint } from '../constructs/inference-endpoint';
import { Monitoring } from '../constructs/monitoring';
import { ResultsApi } from '../constructs/results-api';
import { Storage } from '../constructs/storage';
import { StudyWorkflow } from '../constructs/study-workflow';
import { pipelineSteps, type StageName } from '../../core/pipeline/steps';

export interface SapPipelineStackProps extends StackProps {
  options: PipelineOptions;
}

/**
 * The whole pipeline in one region: self-contained, with its own key, buckets, table and, on the GPU
 * tier, its endpoint.
 */
export class SapPipelineStack extends Stack {
  readonly storage: Storage;
  /** The GPU tier's endpoint; absent on the CPU tier (`-c inference=cpu`). */
  readonly inference?: InferenceEndpoint;
  /** The demo models' copy on a first deploy, where the model versions are the demo's. */
  readonly demoModels?: DemoModels;
  readonly workflow: StudyWorkflow;
  readonly api: ResultsApi;
  readonly monitoring: Monitoring;
  readonly batch: BatchWorkflow;
  readonly options: PipelineOptions;

  constructor(scope: Construct, id: string, props: SapPipelineStackProps) {
    super(scope, id, props);
    const { options } = props;
    this.options = options;
    const storage = (this.storage = new Storage(this, 'Storage', {
      workRetentionDays: options.workRetentionDays,
      originalsTransitionDays: options.originalsTransitionDays,
      originalsExpiryDays: options.originalsExpiryDays,
    }));
    const { key, studies, models, table } = storage;
    const { logRetentionDays } = options;
    // GPU tier: the SageMaker endpoint (which copies the demo models on a first deploy). CPU tier: no
    // endpoint; the demo models are copied for the Infer function instead.
    const gpu = options.inference === 'gpu';
    const inference = (this.inference = gpu
      ? new InferenceEndpoint(this, 'Inference', {
          key,
          studies,
          models,
          modelVersions: options.modelVersions,
          instanceType: options.instanceType,
          maxInstances: options.maxInstances,
          scaleToZero: options.scaleToZero,
          maxConcurrentInvocationsPerInstance: options.maxConcurrentInvocationsPerInstance,
          logRetentionDays,
        })
      : undefined);
    const demoCopies = demoModelCopies(options.modelVersions);
    this.demoModels =
      inference?.demoModels ??
      (!gpu && demoCopies.length > 0
        ? new DemoModels(this, 'DemoModels', { bucket: models, key, copies: demoCopies, logRetentionDays })
        : undefined);
    this.workflow = new StudyWorkflow(this, 'Workflow', {
      key,
      studies,
      models,
      table,
      inference: options.inference,
      endpoint: inference && {
        name: inference.endpointName,
        arn: inference.endpointArn,
        successTopic: inference.successTopic,
        errorTopic: inference.errorTopic,
      },
      imageModelVersions: { unet: options.modelVersions.unet, resnet: options.modelVersions.resnet },
      modelsReady: gpu ? undefined : this.demoModels?.resource,
      xgboostVersion: options.modelVersions.xgboost,
      imageMemoryMb: options.imageMemoryMb,
      logRetentionDays,
    });
    const studyStateMachine = this.workflow.stateMachine;
    this.api = new ResultsApi(this, 'Results', {
      key,
      studies,
      models,
      table,
      studyStateMachine,
      apiPrincipals: options.apiPrincipals,
      logRetentionDays,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      key,
      table,
      deadLetters: this.workflow.deadLetters,
      studyStateMachine,
      steps: stepFunctionsOf(this.workflow),
      endpointName: inference?.endpointName,
      api: this.api.api,
      alarmEmail: options.alarmEmail,
      logRetentionDays,
    });
    this.batch = new BatchWorkflow(this, 'Batch', {
      key,
      studies,
      xgboostVersion: options.modelVersions.xgboost,
      maxInstances: options.maxInstances,
      maxConcurrentInvocationsPerInstance: options.maxConcurrentInvocationsPerInstance,
      studyStateMachine,
      alarmTopic: this.monitoring.alarmTopic,
      logRetentionDays,
      workRetentionDays: options.workRetentionDays,
    });
    acknowledgeFindings(this);

    new CfnOutput(this, 'StudiesBucket', {
      value: this.storage.studies.bucketName,
      description: 'Upload studies to incoming/{studyId}/',
    });
    new CfnOutput(this, 'ModelsBucket', {
      value: this.storage.models.bucketName,
      description: 'models/{unet|resnet|xgboost}/{version}/',
    });
    new CfnOutput(this, 'ResultsApiUrl', {
      value: this.api.api.url,
      description: 'GET studies/{studyId} (SigV4)',
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'BatchStateMachineArn', {
      value: this.batch.stateMachine.stateMachineArn,
      description: 'sap batch submit --state-machine (one execution per batch)',
    });
    if (inference) new CfnOutput(this, 'InferenceEndpointName', { value: inference.endpointName });
  }
}

/** The Lambda function of each pipeline step. */
function stepFunctionsOf(workflow: StudyWorkflow): Record<StageName, lambda.IFunction> {
  const steps = {} as Record<StageName, lambda.IFunction>;
  for (const { name } of pipelineSteps('gpu')) steps[name] = workflow.functions[name].function;
  return steps;
}
