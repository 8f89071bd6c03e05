import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { WORK_PREFIX } from '../../core/study/keys';
import type { PipelineOptions } from '../config';
import { REPO_ROOT } from './pipeline-function';
import type { Storage } from './storage';

export interface InferenceEndpointProps {
  storage: Storage;
  options: PipelineOptions;
}

const VARIANT = 'AllTraffic';
/** Where SageMaker writes each invocation's response and failure bodies. */
const ASYNC_OUTPUT_PREFIX = 'inference-output/';
/** Model load and a CUDA warm-up on a fresh instance take minutes, not the default 60 s. */
const CONTAINER_STARTUP_SECONDS = 600;

/**
 * The GPU inference endpoint: a SageMaker asynchronous endpoint over the container image built from
 * containers/gpu-inference (at deploy time only), with success and error topics and autoscaling that can
 * leave zero instances. CDK has no L2 for SageMaker endpoints, hence the L1 resources.
 */
export class InferenceEndpoint extends Construct {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly successTopic: sns.Topic;
  readonly errorTopic: sns.Topic;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: InferenceEndpointProps) {
    super(scope, id);
    const { storage, options } = props;
    const stack = Stack.of(this);

    const image = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: REPO_ROOT,
      file: 'containers/gpu-inference/Dockerfile',
      platform: ecrAssets.Platform.LINUX_AMD64,
    });

    this.successTopic = new sns.Topic(this, 'Succeeded', { masterKey: storage.key, enforceSSL: true });
    this.errorTopic = new sns.Topic(this, 'Failed', { masterKey: storage.key, enforceSSL: true });

    const role = (this.role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description:
        'sap-pipeline inference endpoint: pull its image, read its models and the study volume, write mask and results',
    }));
    image.repository.grantPull(role);
    const modelPrefixes = {
      unet: `models/unet/${options.modelVersions.unet}/`,
      resnet: `models/resnet/${options.modelVersions.resnet}/`,
    };
    for (const prefix of Object.values(modelPrefixes)) storage.models.grantRead(role, `${prefix}*`);
    storage.studies.grantRead(role, `${WORK_PREFIX}*`);
    storage.studies.grantPut(role, `${WORK_PREFIX}*`);
    storage.studies.grantPut(role, `${ASYNC_OUTPUT_PREFIX}*`);
    this.successTopic.grantPublish(role);
    this.errorTopic.grantPublish(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogStreams',
        ],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '/aws/sagemaker/Endpoints/*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'sap-pipeline'] },
        },
      }),
    );

    const model = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: role.roleArn,
      primaryContainer: {
        image: image.imageUri,
        environment: {
          MODELS_BUCKET: storage.models.bucketName,
          UNET_MODEL_PREFIX: modelPrefixes.unet,
          RESNET_MODEL_PREFIX: modelPrefixes.resnet,
        },
      },
    });
    model.node.addDependency(role);

    const config = new sagemaker.CfnEndpointConfig(this, 'Config', {
      kmsKeyId: storage.key.keyArn,
      productionVariants: [
        {
          variantName: VARIANT,
          modelName: model.attrModelName,
          instanceType: options.instanceType,
          // Asynchronous endpoints are created with one instance; autoscaling may then take it to zero.
          initialInstanceCount: 1,
          containerStartupHealthCheckTimeoutInSeconds: CONTAINER_STARTUP_SECONDS,
        },
      ],
      asyncInferenceConfig: {
        outputConfig: {
          s3OutputPath: storage.studies.s3UrlForObject(ASYNC_OUTPUT_PREFIX + 'responses'),
          s3FailurePath: storage.studies.s3UrlForObject(ASYNC_OUTPUT_PREFIX + 'failures'),
          kmsKeyId: storage.key.keyArn,
          notificationConfig: {
            successTopic: this.successTopic.topicArn,
            errorTopic: this.errorTopic.topicArn,
          },
        },
        clientConfig: { maxConcurrentInvocationsPerInstance: options.maxConcurrentInvocationsPerInstance },
      },
    });

    // A known, lower-case name: SageMaker lower-cases endpoint names in ARNs, and IAM compares them exactly.
    this.endpointName = `${stack.stackName.toLowerCase()}-inference`;
    const endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: this.endpointName,
      endpointConfigName: config.attrEndpointConfigName,
    });
    this.endpointArn = stack.formatArn({
      service: 'sagemaker',
      resource: 'endpoint',
      resourceName: this.endpointName,
    });

    this.addAutoscaling(options, endpoint);
  }

  /**
   * Backlog-driven scaling: target tracking on the backlog per instance scales between 1 and N and in to
   * the minimum; target tracking cannot leave zero instances, so a step policy on HasBacklogWithoutCapacity
   * adds the first instance when requests wait and none is running.
   */
  private addAutoscaling(options: PipelineOptions, endpoint: sagemaker.CfnEndpoint): void {
    const target = new autoscaling.ScalableTarget(this, 'Scaling', {
      serviceNamespace: autoscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${this.endpointName}/variant/${VARIANT}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: options.scaleToZero ? 0 : 1,
      maxCapacity: options.maxInstances,
    });
    target.node.addDependency(endpoint);

    const endpointMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SageMaker',
        metricName,
        dimensionsMap: { EndpointName: this.endpointName },
        statistic,
        period: Duration.minutes(1),
      });

    target.scaleToTrackMetric('BacklogPerInstance', {
      customMetric: endpointMetric('ApproximateBacklogSizePerInstance', 'Average'),
      targetValue: options.maxConcurrentInvocationsPerInstance,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.minutes(2),
    });
    if (options.scaleToZero) {
      target.scaleOnMetric('LeaveZero', {
        metric: endpointMetric('HasBacklogWithoutCapacity', 'Average'),
        scalingSteps: [
          { upper: 0, change: 0 },
          { lower: 0.5, change: 1 },
        ],
        adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: Duration.minutes(2),
        evaluationPeriods: 1,
      });
    }
  }
}
