import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Duration, Size, Validations } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { FUNCTION_RUNTIME_ENV } from '../../core/pipeline/functions';
import type { LambdaSizing } from '../../core/pipeline/steps';
import { encryptedLogGroup } from './secure-defaults';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PipelineFunctionProps {
  sizing: LambdaSizing;
  key: kms.IKey;
  logRetentionDays: number;
  /** Its variables: functionEnvironment (core/pipeline/functions.ts) for the pipeline's functions. */
  environment: Record<string, string>;
  /** Where events go that failed every retry. Only for functions invoked asynchronously. */
  deadLetterQueue?: sqs.IQueue;
  /** Default arm64; a function with a native module runs where its binary was built for. */
  architecture?: lambda.Architecture;
  /** /tmp in MB. Default Lambda's 512. */
  ephemeralStorageMb?: number;
  /** Packages left out of the bundle and how they get into the zip (a native module). */
  bundling?: Pick<nodejs.BundlingOptions, 'externalModules' | 'commandHooks'>;
}

/**
 * A handler of `lambdas/` as a Lambda function: Node.js 22 on arm64 (unless told otherwise), bundled by the local esbuild (no
 * Docker), an encrypted log group with retention, and X-Ray tracing.
 */
export class PipelineFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  /** Handler, memory and timeout the function was built with. */
  readonly sizing: LambdaSizing;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { sizing } = props;
    this.sizing = sizing;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, sizing.handler),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      ephemeralStorageSize: props.ephemeralStorageMb ? Size.mebibytes(props.ephemeralStorageMb) : undefined,
      memorySize: sizing.memoryMb,
      timeout: Duration.seconds(sizing.timeoutSeconds),
      environment: { ...FUNCTION_RUNTIME_ENV, ...props.environment },
      environmentEncryption: props.key,
      logGroup: encryptedLogGroup(this, 'Logs', props.key, props.logRetentionDays),
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.deadLetterQueue ? 2 : undefined,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        forceDockerBundling: false,
        logLevel: nodejs.LogLevel.WARNING,
        // Bundle the pinned AWS SDK rather than use the runtime's: the deployed code is the tested code.
        externalModules: props.bundling?.externalModules ?? [],
        commandHooks: props.bundling?.commandHooks,
        // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
    // Lambda's own DLQ wiring allows sqs:SendMessage but not the queue's KMS key.
    props.deadLetterQueue?.grantSendMessages(this.function);
    this.acknowledgeFindings(props.deadLetterQueue !== undefined);
  }

  /** Rule-pack findings that hold for every function of this design, with the reason each is accepted. */
  private acknowledgeFindings(invokedAsynchronously: boolean): void {
    const findings: Record<string, string> = {
      'AwsSolutions-L1':
        'Deployed on nodejs22.x as the project requires; the same code must also run on Node 20 locally.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'AWS managed basic execution role: lets the function write its own CloudWatch log streams only.',
      'AwsSolutions-IAM5[Resource::*]': 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource ARN.',
      'HIPAA.Security-IAMNoInlinePolicy':
        'CDK grants write one inline policy per role, scoped to this function and its resources.',
      'NIST.800.53.R5-IAMNoInlinePolicy':
        'CDK grants write one inline policy per role, scoped to this function and its resources.',
      'HIPAA.Security-LambdaInsideVPC':
        'The function reaches only S3, DynamoDB, Step Functions and SageMaker APIs, over TLS and with IAM; it has no VPC resources to reach.',
      'NIST.800.53.R5-LambdaInsideVPC':
        'The function reaches only S3, DynamoDB, Step Functions and SageMaker APIs, over TLS and with IAM; it has no VPC resources to reach.',
      'HIPAA.Security-LambdaConcurrency':
        'Concurrency is bounded by the state machine and the endpoint; reserving it would take capacity from the account pool.',
      'NIST.800.53.R5-LambdaConcurrency':
        'Concurrency is bounded by the state machine and the endpoint; reserving it would take capacity from the account pool.',
    };
    if (!invokedAsynchronously) {
      const reason =
        'Invoked synchronously (Step Functions or API Gateway), which sees and handles every error: a DLQ would never receive anything.';
      findings['HIPAA.Security-LambdaDLQ'] = reason;
      findings['NIST.800.53.R5-LambdaDLQ'] = reason;
    }
    for (const [id, reason] of Object.entries(findings)) Validations.of(this).acknowledge({ id, reason });
  }
}
