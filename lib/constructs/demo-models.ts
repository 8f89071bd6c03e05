import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CustomResource, Duration, IgnoreMode, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  DEMO_MODEL_VERSION,
  DEMO_MODELS_DIR_ENV,
  type DemoModelCopy,
  type DemoModelsProperties,
} from '../../core/models/demo-copy';
import type { ModelKind } from '../../core/study/model-keys';
import { DEPLOY_TIME_FUNCTIONS } from '../../core/pipeline/functions';
import type { PipelineOptions } from '../config';
import { PipelineFunction, REPO_ROOT } from './pipeline-function';

/** The bundled demo models: each kind's card (and the file it names) in this folder of the repository. */
const DEMO_DIR = path.join(REPO_ROOT, 'models/demo');
const DEMO_SOURCES: Record<ModelKind, string> = { unet: 'unet/', resnet: 'resnet/', xgboost: '' };
const CARD = 'model-card.json';
/** Every card names its file and that file's digest (core/inference/model-card.ts, core/fusion/model-card.ts). */
const cardFiles = z.object({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/** Where a layer's content appears inside a Lambda function. */
const LAYER_ROOT = '/opt';

/**
 * The demo models to copy for these versions: each model whose version is the demo version (the default),
 * with the card and the file it names. A hospital's own versions (-c unetVersion=2 ...) get nothing.
 */
export function demoModelCopies(versions: PipelineOptions['modelVersions']): DemoModelCopy[] {
  return (Object.keys(DEMO_SOURCES) as ModelKind[])
    .filter((kind) => versions[kind] === DEMO_MODEL_VERSION)
    .map((kind) => {
      const source = DEMO_SOURCES[kind];
      const card = cardFiles.parse(JSON.parse(readFileSync(path.join(DEMO_DIR, source, CARD), 'utf8')));
      return { kind, source, prefix: `models/${kind}/${DEMO_MODEL_VERSION}/`, files: [CARD, card.file] };
    });
}

export interface DemoModelsProps {
  bucket: s3.IBucket;
  key: kms.IKey;
  copies: DemoModelCopy[];
  logRetentionDays: number;
}

/**
 * Puts the demo models into the models bucket during the deploy, so that the endpoint created after it
 * (it depends on `resource`) finds models to load on an empty account. The files travel in a Lambda layer
 * built from models/demo; a custom resource runs the copy on create and update. Versions are immutable:
 * the copy only adds missing demo files to a prefix that holds nothing else (core/models/demo-copy.ts),
 * never overwrites (S3 If-None-Match), never prunes, and nothing is deleted with the stack.
 */
export class DemoModels extends Construct {
  readonly resource: CustomResource;
  readonly copier: PipelineFunction;
  readonly copies: readonly DemoModelCopy[];

  constructor(scope: Construct, id: string, props: DemoModelsProps) {
    super(scope, id);
    const { bucket, key, copies } = props;
    this.copies = copies;
    const included = copies.flatMap((c) => [
      ...(c.source ? [`!${c.source.slice(0, -1)}`] : []),
      ...c.files.map((file) => `!${c.source}${file}`),
    ]);
    const files = new lambda.LayerVersion(this, 'Files', {
      description: 'sap-pipeline demo models (synthetic; not for clinical use)',
      code: lambda.Code.fromAsset(DEMO_DIR, { exclude: ['*', ...included], ignoreMode: IgnoreMode.GLOB }),
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
    });

    this.copier = new PipelineFunction(this, 'Copier', {
      sizing: DEPLOY_TIME_FUNCTIONS.DemoModelCopier,
      key,
      logRetentionDays: props.logRetentionDays,
      environment: { [DEMO_MODELS_DIR_ENV]: LAYER_ROOT },
    });
    const copier = this.copier.function;
    copier.addLayers(files);
    const prefixes = copies.map((c) => `${c.prefix}*`);
    copier.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes } },
      }),
    );
    copier.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: prefixes.map((prefix) => bucket.arnForObjects(prefix)),
      }),
    );
    key.grant(copier, 'kms:Decrypt', 'kms:GenerateDataKey');
    Validations.of(copier).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked by CloudFormation for the demo-model copy, which waits for its answer and fails the deploy without one: a DLQ would hold nothing anyone reads.',
    });
    Validations.of(copier).acknowledge({
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason:
        'Invoked by CloudFormation for the demo-model copy, which waits for its answer and fails the deploy without one: a DLQ would hold nothing anyone reads.',
    });

    const digest = createHash('sha256')
      .update(JSON.stringify(copies.map((c) => [c.prefix, c.files])))
      .update(copies.map((c) => readFileSync(path.join(DEMO_DIR, c.source, CARD))).join('\n'))
      .digest('hex');
    const properties: DemoModelsProperties = { Bucket: bucket.bucketName, Copies: copies, Digest: digest };
    this.resource = new CustomResource(this, 'Copy', {
      serviceToken: copier.functionArn,
      resourceType: 'Custom::SapDemoModels',
      properties,
      // The copy takes seconds; a function that never answers fails the deploy after this, not after 1 hour.
      serviceTimeout: Duration.minutes(5),
      // Model versions outlive the stack: CloudFormation does not even ask the function on delete.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Its permissions must exist before CloudFormation invokes it (the function itself is referenced).
    this.resource.node.addDependency(copier.role!.node.findChild('DefaultPolicy'));
  }
}
