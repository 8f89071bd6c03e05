import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2 } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { batchKeys } from '../../core/batch/outcome';
import {
  BATCHES_PREFIX,
  batchRunKeys,
  DEFAULT_TOLERATED_FAILURE_PERCENTAGE,
  defaultBatchConcurrency,
  type BatchExecutionInput,
} from '../../core/pipeline/batch-execution';
import { FUNCTIONS, functionEnvironment } from '../../core/pipeline/functions';
import { TRANSIENT } from '../../core/pipeline/step-error';
import { INCOMING_PREFIX, MANIFEST_FILE } from '../../core/study/keys';
import type { PipelineOptions } from '../config';
import { PipelineFunction } from './pipeline-function';
import { encryptedLogGroup } from './secure-defaults';

/** 5,000 studies at the default concurrency of 8 and about 5 minutes each take about 2 days. */
const BATCH_TIMEOUT = Duration.days(7);
const LAMBDA_TRANSIENT_ERRORS = [
  TRANSIENT,
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const MAP_ERROR = '$.mapError';

export interface BatchWorkflowProps extends Readonly<
  Pick<
    PipelineOptions,
    'logRetentionDays' | 'workRetentionDays' | 'maxInstances' | 'maxConcurrentInvocationsPerInstance'
  >
> {
  readonly key: kms.IKey;
  /** Item lists, Map results, outcomes and summaries live under batches/; its lifecycle gets a rule for them. */
  readonly studies: s3.Bucket;
  /** The fusion model version a batch scores with unless its input names another. */
  readonly xgboostVersion: string;
  /** The single-study state machine: every item of a batch is one run of it, as a child workflow. */
  readonly studyStateMachine: sfn.IStateMachine;
  /** Where the alarm on failed batches goes. */
  readonly alarmTopic: sns.ITopic;
}

/**
 * Cohort batches (issue #12): a Standard state machine whose Distributed Map reads a list of studies from S3
 * and runs each as an execution of the single-study state machine, with a concurrency limit that protects
 * the GPU endpoint, a tolerated share of failed studies, the Map's own results written to S3, then a
 * summary (training table and counts) beside the studies' outcomes. The execution name is the batch id.
 */
export class BatchWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: { BatchItem: PipelineFunction; BatchSummary: PipelineFunction };
  readonly failedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BatchWorkflowProps) {
    super(scope, id);
    // Without the flag CDK renders the deprecated ResultWriter; set here, before any child, it holds below.
    this.node.setContext(STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2, true);
    const { key, studies, logRetentionDays } = props;
    const make = (name: 'BatchItem' | 'BatchSummary') =>
      new PipelineFunction(this, name, {
        sizing: FUNCTIONS[name],
        key,
        logRetentionDays,
        environment: functionEnvironment(FUNCTIONS[name], {}),
      });
    this.functions = { BatchItem: make('BatchItem'), BatchSummary: make('BatchSummary') };
    const { BatchItem: batchItem, BatchSummary: batchSummary } = this.functions;
    // An item's manifest gives the version its run is keyed by; a bad item is the study's FAILED outcome.
    studies.grantRead(batchItem.function, `${INCOMING_PREFIX}*/${MANIFEST_FILE}`);
    studies.grantPut(batchItem.function, `${batchKeys.outcomesPrefix('*')}*`);
    studies.grantRead(batchSummary.function, `${batchKeys.prefix('*')}*`);
    studies.grantPut(batchSummary.function, `${batchKeys.prefix('*')}*`);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(props)),
      timeout: BATCH_TIMEOUT,
      tracingEnabled: true,
      logs: {
        destination: encryptedLogGroup(this, 'ExecutionLogs', key, logRetentionDays),
        level: sfn.LogLevel.ALL,
        // State carries batch and study ids, S3 keys and settings only.
        includeExecutionData: true,
      },
    });
    // The Map reads the item list and writes its results itself, with the batch machine's role.
    studies.grantRead(this.stateMachine, `${batchKeys.prefix('*')}items.*`);
    studies.grantRead(this.stateMachine, `${batchRunKeys.mapResults('*')}/*`);
    studies.grantPut(this.stateMachine, `${batchRunKeys.mapResults('*')}/*`);

    // Outcomes of batches are their product (training tables, summaries): current versions are kept. An
    // outcome or summary rewritten by a redriven batch leaves its old version, expired like work/.
    studies.addLifecycleRule({
      id: 'expire-replaced-batch-files',
      prefix: BATCHES_PREFIX,
      noncurrentVersionExpiration: Duration.days(props.workRetentionDays),
    });

    this.failedAlarm = new cloudwatch.Alarm(this, 'BatchesFailed', {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: {
          failed: this.stateMachine.metricFailed(),
          timedOut: this.stateMachine.metricTimedOut(),
        },
        label: 'failed or timed-out batches',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A batch failed (more studies failed than it tolerates, or a bad item list) or timed out: see docs/runbook.md.',
    });
    this.failedAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }

  /**
   * Settings → (CSV | JSON item list) Distributed Map of PrepareRun → RunStudy → Summarise → succeeded, or
   * failed when the Map exceeded its tolerated failures (the summary is written either way).
   */
  private definition(props: BatchWorkflowProps): sfn.IChainable {
    const defaults: Required<Omit<BatchExecutionInput, 'itemList'>> = {
      mode: 'score',
      fusionModelVersion: props.xgboostVersion,
      maxConcurrency: defaultBatchConcurrency(props),
      toleratedFailurePercentage: DEFAULT_TOLERATED_FAILURE_PERCENTAGE,
    };
    const withDefaults = new sfn.Pass(this, 'Defaults', { result: sfn.Result.fromObject(defaults) });
    // The input wins over the defaults; the batch id is the execution name; the runs use the studies bucket.
    const settings = new sfn.Pass(this, 'Settings', {
      parameters: {
        batchId: sfn.JsonPath.executionName,
        bucket: props.studies.bucketName,
        startedAt: sfn.JsonPath.executionStartTime,
        settings: sfn.JsonPath.jsonMerge(
          sfn.JsonPath.objectAt('$'),
          sfn.JsonPath.objectAt('$$.Execution.Input'),
        ),
        // batchRunKeys.mapResults with the batch id left for States.Format to fill in.
        mapResultsPrefix: sfn.JsonPath.format(batchRunKeys.mapResults('{}'), sfn.JsonPath.executionName),
      },
    });

    const summarise = new tasks.LambdaInvoke(this, 'Summarise', {
      lambdaFunction: this.functions.BatchSummary.function,
      payload: sfn.TaskInput.fromObject({
        batchId: sfn.JsonPath.stringAt('$.batchId'),
        bucket: sfn.JsonPath.stringAt('$.bucket'),
        startedAt: sfn.JsonPath.stringAt('$.startedAt'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.summary',
    });
    summarise.addRetry({
      errors: LAMBDA_TRANSIENT_ERRORS,
      maxAttempts: 4,
      interval: Duration.seconds(5),
      backoffRate: 2,
    });
    const ended = new sfn.Choice(this, 'MapFailed?')
      .when(
        sfn.Condition.isPresent(MAP_ERROR),
        new sfn.Fail(this, 'BatchFailed', {
          errorPath: sfn.JsonPath.stringAt(`${MAP_ERROR}.Error`),
          causePath: sfn.JsonPath.stringAt(`${MAP_ERROR}.Cause`),
        }),
      )
      .otherwise(new sfn.Succeed(this, 'BatchCompleted'));
    summarise.next(ended);

    const maps = (['csv', 'json'] as const).map((format) => {
      const map = this.studiesMap(format, props);
      map.addCatch(summarise, { errors: [sfn.Errors.ALL], resultPath: MAP_ERROR });
      return map.next(summarise);
    });
    const listKey = '$.settings.itemList.key';
    const byFormat = new sfn.Choice(this, 'ItemListFormat?')
      .when(
        sfn.Condition.and(sfn.Condition.isPresent(listKey), sfn.Condition.stringMatches(listKey, '*.csv')),
        maps[0]!,
      )
      .when(
        sfn.Condition.and(sfn.Condition.isPresent(listKey), sfn.Condition.stringMatches(listKey, '*.json')),
        maps[1]!,
      )
      .otherwise(
        new sfn.Fail(this, 'InvalidItemList', {
          error: 'INVALID_ITEM_LIST',
          cause: 'itemList.key must name a .csv (header studyId) or .json (array of {studyId}) object',
        }),
      );
    return withDefaults.next(settings).next(byFormat);
  }

  /**
   * One Distributed Map over the item list in `format`: each item is turned into a study run by the
   * batch-item function and run as a child execution of the single-study state machine (RUN_JOB: the item
   * ends when the study's run ends, and fails when it fails).
   */
  private studiesMap(
    format: 'csv' | 'json',
    { studies, studyStateMachine }: BatchWorkflowProps,
  ): sfn.DistributedMap {
    const id = format === 'csv' ? 'Csv' : 'Json';
    const readerProps = {
      bucketNamePath: sfn.JsonPath.stringAt('$.settings.itemList.bucket'),
      key: sfn.JsonPath.stringAt('$.settings.itemList.key'),
    };
    const map = new sfn.DistributedMap(this, `Studies${id}`, {
      label: `Studies${id}`,
      itemReader:
        format === 'csv'
          ? new PrefixScopedCsvReader({ ...readerProps, csvHeaders: sfn.CsvHeaders.useFirstRow() })
          : new PrefixScopedJsonReader(readerProps),
      itemSelector: {
        batchId: sfn.JsonPath.stringAt('$.batchId'),
        bucket: sfn.JsonPath.stringAt('$.bucket'),
        mode: sfn.JsonPath.stringAt('$.settings.mode'),
        fusionModelVersion: sfn.JsonPath.stringAt('$.settings.fusionModelVersion'),
        item: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      },
      maxConcurrencyPath: '$.settings.maxConcurrency',
      toleratedFailurePercentagePath: '$.settings.toleratedFailurePercentage',
      resultWriterV2: new PrefixScopedResultWriter({
        bucket: studies,
        prefix: sfn.JsonPath.stringAt('$.mapResultsPrefix'),
      }),
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultPath: sfn.JsonPath.DISCARD,
    });

    const prepare = new tasks.LambdaInvoke(this, `PrepareRun${id}`, {
      lambdaFunction: this.functions.BatchItem.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    prepare.addRetry({
      errors: LAMBDA_TRANSIENT_ERRORS,
      maxAttempts: 3,
      interval: Duration.seconds(2),
      backoffRate: 2,
    });
    // The same state machine a manifest upload starts: the batch has no copy of the steps.
    const runStudy = new tasks.StepFunctionsStartExecution(this, `RunStudy${id}`, {
      stateMachine: studyStateMachine,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      input: sfn.TaskInput.fromJsonPathAt('$'),
      resultSelector: {
        executionArn: sfn.JsonPath.stringAt('$.ExecutionArn'),
        status: sfn.JsonPath.stringAt('$.Status'),
      },
      resultPath: '$.child',
    });
    return map.itemProcessor(prepare.next(runStudy));
  }
}

// CDK's readers and writer grant the state machine the whole bucket (or every bucket, with a bucket path);
// the batch role gets the batches/ prefixes it needs instead (BatchWorkflow's grants).
class PrefixScopedCsvReader extends sfn.S3CsvItemReader {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [];
  }
}
class PrefixScopedJsonReader extends sfn.S3JsonItemReader {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [];
  }
}
class PrefixScopedResultWriter extends sfn.ResultWriterV2 {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [];
  }
}
