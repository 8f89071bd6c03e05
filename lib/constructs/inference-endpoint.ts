import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { inferenceContainerEnvironment } from '../../core/pipeline/container-settings';
import { SCALE_IN } from '../../core/pipeline/deployment-defaults';
import { WORK_PREFIX, workKeys } from '../../core/study/keys';
import type { PipelineOptions } from '../config';
import { DemoModels, demoModelCopies } from './demo-models';
import { hasInstanceStorage } from './instance-storage';
import { REPO_ROOT } from './pipeline-function';
import { INFERENCE_OUTPUT_PREFIX } from './storage';

export interface InferenceEndpointProps extends Readonly<
  Pick<
    PipelineOptions,
    | 'instanceType'
    | 'maxInstances'
    | 'scaleToZero'
    | 'maxConcurrentInvocationsPerInstance'
    | 'modelVersions'
    | 'logRetentionDays'
  >
> {
  /** Encrypts the endpoint's outputs (and its storage volume, where it has no instance storage). */
  readonly key: kms.IKey;
  /** The container reads each run's volume here and writes its mask; SageMaker writes its output here. */
  readonly studies: s3.IBucket;
  /** The container loads the U-Net and ResNet versions from here; the demo models are copied here. */
  readonly models: s3.IBucket;
}

/** What autoscaling reads of the props. */
type ScalingSettings = Pick<
  InferenceEndpointProps,
  'scaleToZero' | 'maxInstances' | 'maxConcurrentInvocationsPerInstance'
>;

const VARIANT = 'AllTraffic';

/** One artifact of every run, work/{id}/v-{digest}/{file} with wildcards, as workKeys (core/study/keys.ts) names it. */
function everyRun(artifact: Exclude<keyof ReturnType<typeof workKeys>, 'prefix'>): string {
  const sample = workKeys({ studyId: 'study', manifestVersion: 'version' });
  return `${WORK_PREFIX}*/v-*/${sample[artifact].slice(sample.prefix.length)}`;
}

/**
 * The studies-bucket objects the endpoint's role may touch. SageMaker reads the request (the invocation's
 * input) with it, the container reads the volume and writes the mask and inference.json; SageMaker writes
 * the response and failure bodies under inference-output/.
 */
export const INFERENCE_STUDY_OBJECTS = {
  reads: [everyRun('inferenceRequest'), everyRun('volume')],
  writes: [everyRun('mask'), everyRun('inference'), `${INFERENCE_OUTPUT_PREFIX}*`],
} as const;

/** Model load and a CUDA warm-up on a fresh instance take minutes, not the default 60 s. */
const CONTAINER_STARTUP_SECONDS = 600;

/**
 * The host image the endpoint runs on. The container is built on CUDA 12.8
 * (containers/gpu-inference/Dockerfile); without a pin SageMaker chooses the host's driver itself and
 * may change it. The GPU images and their drivers (ProductionVariant.InferenceAmiVersion):
 * al2-ami-sagemaker-inference-gpu-2 and -2-1, driver 535 (CUDA 12.2); -3-1, driver 550 (CUDA 12.4):
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html,
 * https://docs.aws.amazon.com/sagemaker/latest/dg/inference-gpu-drivers.html
 * None has a 12.8 driver (570+): the newest, gpu-3-1, runs
 * the container's CUDA 12.8 runtime under CUDA minor version compatibility, which lets any 12.x runtime
 * run on a driver >= 525, as long as no kernel needs PTX JIT-compiled by a newer driver:
 * https://docs.nvidia.com/deploy/cuda-compatibility/ ("Minor Version Compatibility"). Its NVIDIA
 * Container Toolkit does not mount the image's CUDA forward-compatibility libraries, so the host's
 * driver is the one in use. The container's self-check (SAP_DEVICE=cuda) fails loudly if not.
 */
export const INFERENCE_AMI_VERSION = 'al2-ami-sagemaker-inference-gpu-3-1';

/**
 * Instances a scale-out from zero may ask for while the first one starts: exactly one. A GPU cold start
 * (instance, image pull, model download, CUDA warm-up) takes ~8 minutes, during which
 * HasBacklogWithoutCapacity stays 1; an "add one" step would fire again after each cooldown, up to
 * maxInstances. ExactCapacity sets the desired count instead of adding to it, so repeats change nothing:
 * https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html
 */
export const SCALE_OUT_FROM_ZERO_CAPACITY = 1;

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
  readonly config: sagemaker.CfnEndpointConfig;
  /**
   * Whether the instance type has local NVMe storage, so the endpoint configuration carries no KmsKeyId
   * of its own (the instance's hardware encrypts that storage; see instance-storage.ts).
   */
  readonly onInstanceStorage: boolean;
  /** Copies the bundled demo models at the demo version before the model is created; none for own versions. */
  readonly demoModels?: DemoModels;

  constructor(scope: Construct, id: string, props: InferenceEndpointProps) {
    super(scope, id);
    const { key, studies, models, modelVersions } = props;
    const stack = Stack.of(this);

    const image = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: REPO_ROOT,
      file: 'containers/gpu-inference/Dockerfile',
      platform: ecrAssets.Platform.LINUX_AMD64,
    });

    this.successTopic = new sns.Topic(this, 'Succeeded', { masterKey: key, enforceSSL: true });
    this.errorTopic = new sns.Topic(this, 'Failed', { masterKey: key, enforceSSL: true });

    const role = (this.role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description:
        'sap-pipeline inference endpoint: pull its image, read its models and the study volume, write mask and results',
    }));
    image.repository.grantPull(role);
    const modelPrefixes = {
      unet: `models/unet/${modelVersions.unet}/`,
      resnet: `models/resnet/${modelVersions.resnet}/`,
    };
    this.grantStudyAndModelAccess(props, Object.values(modelPrefixes));
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
        // One definition with the local stack's container process: bucket, model prefixes, region, device.
        environment: inferenceContainerEnvironment({
          modelsBucket: models.bucketName,
          modelVersions,
          region: stack.region,
        }),
      },
    });
    model.node.addDependency(role);

    // A first deploy on an empty account: the one instance the endpoint starts with must find its models.
    const demoCopies = demoModelCopies(modelVersions);
    if (demoCopies.length > 0) {
      this.demoModels = new DemoModels(this, 'DemoModels', {
        bucket: models,
        key,
        copies: demoCopies,
        logRetentionDays: props.logRetentionDays,
      });
      model.node.addDependency(this.demoModels.resource);
    }

    this.onInstanceStorage = hasInstanceStorage(props.instanceType);
    const config = (this.config = new sagemaker.CfnEndpointConfig(this, 'Config', {
      // CreateEndpointConfig refuses a KmsKeyId for instance types with local storage (instance-storage.ts).
      kmsKeyId: this.onInstanceStorage ? undefined : key.keyArn,
      productionVariants: [
        {
          variantName: VARIANT,
          modelName: model.attrModelName,
          instanceType: props.instanceType,
          // Asynchronous endpoints are created with one instance; autoscaling may then take it to zero.
          initialInstanceCount: 1,
          containerStartupHealthCheckTimeoutInSeconds: CONTAINER_STARTUP_SECONDS,
          inferenceAmiVersion: INFERENCE_AMI_VERSION,
        },
      ],
      asyncInferenceConfig: {
        outputConfig: {
          s3OutputPath: studies.s3UrlForObject(INFERENCE_OUTPUT_PREFIX + 'responses'),
          s3FailurePath: studies.s3UrlForObject(INFERENCE_OUTPUT_PREFIX + 'failures'),
          kmsKeyId: key.keyArn,
          notificationConfig: {
            successTopic: this.successTopic.topicArn,
            errorTopic: this.errorTopic.topicArn,
          },
        },
        clientConfig: { maxConcurrentInvocationsPerInstance: props.maxConcurrentInvocationsPerInstance },
      },
    }));

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

    this.addAutoscaling(props, endpoint);
  }

  /**
   * Object-level grants only, no bucket-wide ones (CDK's grantRead would add s3:List* on the whole
   * bucket): the endpoint reads each run's request and volume and the two model versions' files, and
   * writes each run's mask and inference.json and its own output. It lists only the model prefixes.
   */
  private grantStudyAndModelAccess(
    { key, studies, models }: Pick<InferenceEndpointProps, 'key' | 'studies' | 'models'>,
    modelPrefixes: string[],
  ): void {
    const objects = (bucket: s3.IBucket, patterns: readonly string[]) =>
      patterns.map((pattern) => bucket.arnForObjects(pattern));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          ...objects(studies, INFERENCE_STUDY_OBJECTS.reads),
          ...objects(
            models,
            modelPrefixes.map((prefix) => `${prefix}*`),
          ),
        ],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: objects(studies, INFERENCE_STUDY_OBJECTS.writes),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [models.bucketArn],
        conditions: { StringLike: { 's3:prefix': modelPrefixes.map((prefix) => `${prefix}*`) } },
      }),
    );
    // Both buckets use the region's key: decrypt what it reads, make data keys for what it writes.
    key.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
  }

  /**
   * Backlog-driven scaling: target tracking on the backlog per instance scales between 1 and N (and in
   * while some requests are still queued); target tracking cannot leave zero instances, so a step policy on
   * HasBacklogWithoutCapacity sets exactly one instance when requests wait and none is running. Scaling to
   * zero after the idle tail is a step policy of its own (SCALE_IN, core/pipeline/deployment-defaults.ts): target tracking's
   * scale-in alarm waits 15 minutes and may not be changed.
   */
  private addAutoscaling(scaling: ScalingSettings, endpoint: sagemaker.CfnEndpoint): void {
    const target = new autoscaling.ScalableTarget(this, 'Scaling', {
      serviceNamespace: autoscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${this.endpointName}/variant/${VARIANT}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: scaling.scaleToZero ? 0 : 1,
      maxCapacity: scaling.maxInstances,
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
      targetValue: scaling.maxConcurrentInvocationsPerInstance,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.minutes(2),
    });
    if (scaling.scaleToZero) {
      // One step, one alarm (scaleOnMetric would add a second, lower step, and with exact capacity its
      // "change 0" would set zero instances whenever the backlog is served).
      const leaveZero = new autoscaling.StepScalingAction(this, 'LeaveZero', {
        scalingTarget: target,
        adjustmentType: autoscaling.AdjustmentType.EXACT_CAPACITY,
        cooldown: Duration.minutes(2),
      });
      leaveZero.addAdjustment({ lowerBound: 0, adjustment: SCALE_OUT_FROM_ZERO_CAPACITY });
      new cloudwatch.Alarm(this, 'BacklogWithoutCapacity', {
        alarmDescription: 'Requests wait and no endpoint instance runs: start one (scale out from zero).',
        metric: endpointMetric('HasBacklogWithoutCapacity', 'Average'),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: 0.5,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new cloudwatchActions.ApplicationScalingAction(leaveZero));
      this.addIdleScaleIn(target, endpointMetric);
    }
  }

  /**
   * Scale to zero: stops every instance once the backlog (queued and in-process requests, so a running request is
   * never cut off) has been zero for SCALE_IN.idlePeriods one-minute periods. Missing data counts as not
   * idle. A step policy beside target tracking, whose own scale-in waits 15 minutes: where two policies
   * act at once the one that leaves more capacity wins, and on an empty backlog both ask for zero:
   * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
   * (disabling or replacing target tracking's own scale-in),
   * https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-monitor.html (ApproximateBacklogSize).
   */
  private addIdleScaleIn(
    target: autoscaling.ScalableTarget,
    endpointMetric: (name: string, statistic: string) => cloudwatch.Metric,
  ): void {
    const scaleIn = new autoscaling.StepScalingAction(this, 'ScaleInWhenIdle', {
      scalingTarget: target,
      adjustmentType: autoscaling.AdjustmentType.EXACT_CAPACITY,
    });
    // The alarm is "backlog < 0.5": the step covers every value below the threshold.
    scaleIn.addAdjustment({ upperBound: 0, adjustment: 0 });
    new cloudwatch.Alarm(this, 'Idle', {
      alarmDescription: `No request queued or in process for ${SCALE_IN.idlePeriods} minutes: stop the idle endpoint instances.`,
      metric: endpointMetric('ApproximateBacklogSize', 'Maximum').with({
        period: Duration.seconds(SCALE_IN.periodSeconds),
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 0.5,
      evaluationPeriods: SCALE_IN.idlePeriods,
      datapointsToAlarm: SCALE_IN.idlePeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new cloudwatchActions.ApplicationScalingAction(scaleIn));
  }
}
