import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PipelineOptions } from '../config';
import { acknowledgeFindings } from '../nag-acknowledgements';
import { BatchWorkflow } from '../constructs/batch-workflow';
import { InferenceEndpoint } from '../constructs/inference-endpoint';
import { Monitoring } from '../constructs/monitoring';
import { ResultsApi } from '../constructs/results-api';
import { Storage } from '../constructs/storage';
import { StudyWorkflow } from '../constructs/study-workflow';

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
    this.storage = new Storage(this, 'Storage', { workRetentionDays: options.workRetentionDays });
    this.inference = new InferenceEndpoint(this, 'Inference', { storage: this.storage, options });
    this.workflow = new StudyWorkflow(this, 'Workflow', {
      storage: this.storage,
      inference: this.inference,
      options,
    });
    this.api = new ResultsApi(this, 'Results', {
      storage: this.storage,
      options,
      studyStateMachine: this.workflow.stateMachine,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      storage: this.storage,
      workflow: this.workflow,
      inference: this.inference,
      api: this.api,
      options,
    });
    this.batch = new BatchWorkflow(this, 'Batch', {
      storage: this.storage,
      options,
      studyStateMachine: this.workflow.stateMachine,
      alarmTopic: this.monitoring.alarmTopic,
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
