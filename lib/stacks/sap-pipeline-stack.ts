import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { PipelineOptions } from '../config';
import { acknowledgeFindings } from '../nag-acknowledgements';
import { BatchWorkflow } from '../constructs/batch-workflow';
import { InferenceEndpoint } from '../constructs/inference-endpoint';
import { Monitoring } from '../constructs/monitoring';
import { ResultsApi } from '../constructs/results-api';
import { Storage } from '../constructs/storage';
import { StudyWorkflow } from '../constructs/study-workflow';
import { PIPELINE_STEPS, type StageName } from '../../core/pipeline/steps';

export interface SapPipelineStackProps extends StackProps {
  options: PipelineOptions;
}

/** The whole pipeline in one region: self-contained, with its own key, buckets, table and endpoint. */
export class SapPipelineStack extends Stack {
  readonly storage: Storage;
  readonly inference: InferenceEndpoint;
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
    }));
    const { key, studies, models, table } = storage;
    const { logRetentionDays } = options;
    this.inference = new InferenceEndpoint(this, 'Inference', {
      key,
      studies,
      models,
      modelVersions: options.modelVersions,
      instanceType: options.instanceType,
      maxInstances: options.maxInstances,
      scaleToZero: options.scaleToZero,
      maxConcurrentInvocationsPerInstance: options.maxConcurrentInvocationsPerInstance,
      logRetentionDays,
    });
    this.workflow = new StudyWorkflow(this, 'Workflow', {
      key,
      studies,
      models,
      table,
      endpoint: {
        name: this.inference.endpointName,
        arn: this.inference.endpointArn,
        successTopic: this.inference.successTopic,
        errorTopic: this.inference.errorTopic,
      },
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
      endpointName: this.inference.endpointName,
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
    new CfnOutput(this, 'InferenceEndpointName', { value: this.inference.endpointName });
  }
}

/** The Lambda function of each pipeline step. */
function stepFunctionsOf(workflow: StudyWorkflow): Record<StageName, lambda.IFunction> {
  const steps = {} as Record<StageName, lambda.IFunction>;
  for (const { name } of PIPELINE_STEPS) steps[name] = workflow.functions[name].function;
  return steps;
}
