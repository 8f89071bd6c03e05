import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ORIGINALS_STORAGE_CLASS, STORAGE_DEFAULTS } from '../../core/pipeline/deployment-defaults';
import { WORK_PREFIX } from '../../core/study/keys';
import { STUDIES_TABLE } from '../../core/study/table-layout';
import type { PipelineOptions } from '../config';
import { secureBucketProps } from './secure-defaults';

/** Where SageMaker writes each asynchronous invocation's response and failure bodies in the studies bucket. */
export const INFERENCE_OUTPUT_PREFIX = 'inference-output/';
/**
 * Days those bodies are kept. Nothing in the pipeline reads them (the container writes its results under
 * work/, and the SNS notification carries the outcome and the failure reason); they are kept one week so
 * that an operator can open the body of a failure an alarm pointed at, then expire like other by-products.
 */
export const INFERENCE_OUTPUT_RETENTION_DAYS = STORAGE_DEFAULTS.inferenceOutputRetentionDays;
/** Where hospitals upload studies: the originals, never changed by the pipeline. */
export const ORIGINALS_PREFIX = 'incoming/';

/** work/ retention, and the originals' lifecycle (the deployment defaults where not given). */
export type StorageProps = Pick<PipelineOptions, 'workRetentionDays'> &
  Partial<Pick<PipelineOptions, 'originalsTransitionDays' | 'originalsExpiryDays'>>;

/**
 * The originals' rule: a cheaper class after some days, deletion after more (deployment-defaults.ts says
 * why and what a hospital gives up). Overwritten or deleted versions are kept `noncurrentDays` to undo a
 * mistake; they are not moved, since they would be billed Glacier's 90-day minimum for fewer days.
 */
export function originalsLifecycleRule(props: StorageProps): s3.LifecycleRule {
  const {
    originalsTransitionDays: transition = STORAGE_DEFAULTS.originalsTransitionDays,
    originalsExpiryDays: expiry = STORAGE_DEFAULTS.originalsExpiryDays,
  } = props;
  return {
    id: 'originals',
    prefix: ORIGINALS_PREFIX,
    transitions:
      transition === 'never'
        ? undefined
        : [
            {
              storageClass: new s3.StorageClass(ORIGINALS_STORAGE_CLASS),
              transitionAfter: Duration.days(transition),
            },
          ],
    expiration: expiry === 'never' ? undefined : Duration.days(expiry),
    noncurrentVersionExpiration: Duration.days(STORAGE_DEFAULTS.noncurrentDays),
  };
}

/** The region's customer-managed key, the studies and models buckets, their access-log bucket and the studies table. */
export class Storage extends Construct {
  readonly key: kms.Key;
  readonly accessLogs: s3.Bucket;
  readonly studies: s3.Bucket;
  readonly models: s3.Bucket;
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'sap-pipeline: studies, models, results and logs of this region',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts the stack's log groups with this key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${Stack.of(this).region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Stack.of(this).partition}:logs:${Stack.of(this).region}:${Stack.of(this).account}:*`,
          },
        },
      }),
    );

    // Services that write to the stack's encrypted queues and topics on their own behalf: EventBridge and
    // SNS deliver undeliverable events to the dead-letter queue, CloudWatch alarms publish to the alarm topic.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: ['events', 'sns', 'cloudwatch'].map(
          (service) => new iam.ServicePrincipal(`${service}.amazonaws.com`),
        ),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    // S3 server access logs can only be delivered to a bucket encrypted with S3-managed keys.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.studies = new s3.Bucket(this, 'StudiesBucket', {
      ...secureBucketProps(this.key, this.accessLogs, 'studies/'),
      eventBridgeEnabled: true,
      lifecycleRules: [
        {
          id: 'expire-work',
          prefix: WORK_PREFIX,
          expiration: Duration.days(props.workRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'expire-inference-output',
          prefix: INFERENCE_OUTPUT_PREFIX,
          expiration: Duration.days(INFERENCE_OUTPUT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
        originalsLifecycleRule(props),
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    this.models = new s3.Bucket(
      this,
      'ModelsBucket',
      secureBucketProps(this.key, this.accessLogs, 'models/'),
    );

    this.table = new dynamodb.TableV2(this, 'StudiesTable', {
      partitionKey: { name: STUDIES_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: STUDIES_TABLE.expiryAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: STUDIES_TABLE.statusIndex,
          partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
          sortKey: { name: STUDIES_TABLE.statusIndexSortKey, type: dynamodb.AttributeType.STRING },
        },
      ],
    });
  }
}
