import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  COMPLETED_METRIC,
  INFERENCE_OFF_CUDA_METRIC,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  OLDEST_IN_PROGRESS_METRIC,
  PROBABILITY_METRIC,
  STAGE_DURATION_METRIC,
  STAGE_FAILURE_METRIC,
  STUDIES_REJECTED_METRIC,
  STUDY_DURATION_METRIC,
} from '../../core/pipeline/metric-names';
import { REJECTION_CODES } from '../../core/pipeline/failure-kind';
import { FUNCTIONS, functionEnvironment } from '../../core/pipeline/functions';
import { PIPELINE_STEPS, type StageName } from '../../core/pipeline/steps';
import type { PipelineOptions } from '../config';
import { PipelineFunction } from './pipeline-function';

export interface MonitoringProps extends Readonly<Pick<PipelineOptions, 'alarmEmail' | 'logRetentionDays'>> {
  /** Encrypts the alarm topic. */
  readonly key: kms.IKey;
  /** The studies table the watchdog reads for the oldest study in progress. */
  readonly table: dynamodb.ITableV2;
  /** The dead-letter queue: alarmed on, and where the watchdog's failed events go. */
  readonly deadLetters: sqs.IQueue;
  readonly studyStateMachine: sfn.IStateMachine;
  /** The step functions, for the dashboard's durations and errors. */
  readonly steps: Readonly<Record<StageName, lambda.IFunction>>;
  /** The GPU tier's inference endpoint; the CPU tier has none (its Infer function is among `steps`). */
  readonly endpointName?: string;
  readonly api: apigateway.RestApiBase;
}

/** A study that has not progressed for longer than the slowest step may take is stuck. */
const STUCK_AFTER_SECONDS = Math.max(...PIPELINE_STEPS.map((s) => s.stepTimeoutSeconds)) + 15 * 60;
const WATCHDOG_RATE = Duration.minutes(5);

/** Alarms (to an encrypted topic, optionally e-mailed), the stuck-study watchdog and the dashboard. */
export class Monitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { key, table, studyStateMachine, endpointName, api } = props;
    this.alarmTopic = new sns.Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    allowAlarmsToPublish(this.alarmTopic);
    if (props.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const watchdog = new PipelineFunction(this, 'Watchdog', {
      sizing: FUNCTIONS.Watchdog,
      key,
      logRetentionDays: props.logRetentionDays,
      environment: functionEnvironment(FUNCTIONS.Watchdog, { studiesTable: table.tableName }),
      deadLetterQueue: props.deadLetters,
    });
    table.grantReadData(watchdog.function);
    new events.Rule(this, 'WatchdogSchedule', {
      description: 'Publish the age of the most stuck in-progress study',
      schedule: events.Schedule.rate(WATCHDOG_RATE),
      targets: [new targets.LambdaFunction(watchdog.function, { retryAttempts: 2 })],
    });

    const oldestInProgress = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: OLDEST_IN_PROGRESS_METRIC,
      dimensionsMap: { service: METRICS_SERVICE },
      statistic: 'Maximum',
      period: WATCHDOG_RATE,
    });
    const deadLetters = props.deadLetters.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
    });

    // A rejected upload fails its run too; only the other failure codes are the system's
    // (core/pipeline/failure-kind.ts). Metrics Insights sums StageFailures over every stage and code
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-alarms.html).
    this.alarm(
      'SystemFailures',
      metricsInsights(
        `SELECT SUM(${STAGE_FAILURE_METRIC}) FROM SCHEMA("${METRICS_NAMESPACE}", code, service, stage) ` +
          `WHERE ${REJECTION_CODES.map((code) => `code != '${code}'`).join(' AND ')}`,
        'system failures',
      ),
      1,
      'A study failed for a reason other than its upload (rejected uploads are only counted): the code and ' +
        'message are on the study and in rejected/{studyId}/reason.json. See docs/runbook.md.',
    );
    this.alarm(
      'ExecutionsTimedOut',
      studyStateMachine.metricTimedOut({ period: Duration.minutes(5) }),
      1,
      'A study run hit the state machine timeout.',
    );
    this.alarm(
      'DeadLetters',
      deadLetters,
      1,
      'An event or notification could not be processed: a study may not have started or finished.',
    );
    // The endpoint's alarms, on the GPU tier only: the CPU tier's Infer function fails its step instead.
    if (endpointName) {
      const endpointMetric = endpointMetricOf(endpointName);
      this.alarm(
        'EndpointInvocationFailures',
        endpointMetric('InvocationFailures'),
        1,
        'The inference endpoint failed an invocation.',
      );
      this.alarm(
        'EndpointModelErrors',
        endpointMetric('Invocation5XXErrors'),
        1,
        'The inference container answered with a server error.',
      );
      // Whatever dimensions the result store adds, the query sums every series of the metric.
      this.alarm(
        'InferenceOffCuda',
        metricsInsights(`SELECT SUM(${INFERENCE_OFF_CUDA_METRIC}) FROM "${METRICS_NAMESPACE}"`, 'off CUDA'),
        1,
        'A cloud inference ran on another execution provider than CUDA: the GPU is paid for but unused. ' +
          'See docs/runbook.md.',
      );
    }
    this.alarm(
      'StudyStuck',
      oldestInProgress,
      STUCK_AFTER_SECONDS,
      `A study has not progressed for ${STUCK_AFTER_SECONDS / 60} minutes.`,
    );

    const pipelineMetric = (metricName: string, statistic: string, extra: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE, ...extra },
        statistic,
        period: Duration.minutes(5),
        label: Object.values(extra).join(' ') || undefined,
      });
    const stages = ['Queued', ...PIPELINE_STEPS.map((s) => s.name)];

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-pipeline`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Study runs',
            left: [
              studyStateMachine.metricStarted(),
              studyStateMachine.metricSucceeded(),
              studyStateMachine.metricFailed(),
              studyStateMachine.metricTimedOut(),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Oldest in-progress study without progress (s)',
            left: [oldestInProgress],
          }),
          new cloudwatch.GraphWidget({ title: 'Dead letters', left: [deadLetters] }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Step duration (ms, p90)',
            left: PIPELINE_STEPS.map((s) =>
              props.steps[s.name].metricDuration({ statistic: 'p90', label: s.name }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Step errors',
            left: PIPELINE_STEPS.map((s) => props.steps[s.name].metricErrors({ label: s.name })),
          }),
        ],
        [
          ...(endpointName ? endpointWidgets(endpointName) : []),
          new cloudwatch.GraphWidget({
            title: 'Results API',
            left: [api.metricCount(), api.metricClientError(), api.metricServerError()],
            right: [api.metricLatency({ statistic: 'p90' })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Time in each stage (s, p90), upload to result (s, p50 and p95)',
            left: stages.map((stage) => pipelineMetric(STAGE_DURATION_METRIC, 'p90', { stage })),
            right: [
              pipelineMetric(STUDY_DURATION_METRIC, 'p50').with({ label: 'study p50' }),
              pipelineMetric(STUDY_DURATION_METRIC, 'p95').with({ label: 'study p95' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Failed studies by stage and code; completed studies and rejected uploads',
            // Failure codes are open-ended: a search finds every code that occurred.
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{${METRICS_NAMESPACE},code,service,stage} MetricName="${STAGE_FAILURE_METRIC}"', 'Sum', 300)`,
                label: 'failures',
                period: Duration.minutes(5),
              }),
            ],
            right: [
              pipelineMetric(COMPLETED_METRIC, 'Sum').with({ label: 'completed' }),
              pipelineMetric(STUDIES_REJECTED_METRIC, 'Sum').with({ label: 'rejected uploads' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Probability of SAP of completed studies (p10, p50, p90)',
            left: ['p10', 'p50', 'p90'].map((p) => pipelineMetric(PROBABILITY_METRIC, p).with({ label: p })),
            leftYAxis: { min: 0, max: 1 },
          }),
        ],
      ],
    });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}

/** A Metrics Insights query over the last 5 minutes, as an alarm's single time series. */
function metricsInsights(query: string, label: string): cloudwatch.IMetric {
  return new cloudwatch.MathExpression({ expression: query, label, period: Duration.minutes(5) });
}

/**
 * CloudWatch publishes alarm notifications as its service principal, which the topic policy must allow:
 * with enforceSSL alone it holds only a Deny
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html).
 * The conditions admit only this account's alarms in this region (confused deputy,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html). The topic's key already
 * allows CloudWatch to use it (storage.ts; https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
function allowAlarmsToPublish(topic: sns.Topic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/** A SageMaker metric of the endpoint, over 5 minutes. */
function endpointMetricOf(endpointName: string) {
  return (metricName: string, statistic = 'Sum') =>
    new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap: { EndpointName: endpointName },
      statistic,
      period: Duration.minutes(5),
    });
}

/** The GPU tier's endpoint on the dashboard: backlog, instances, GPU use and failures. */
function endpointWidgets(endpointName: string): cloudwatch.GraphWidget[] {
  const endpointMetric = endpointMetricOf(endpointName);
  return [
    new cloudwatch.GraphWidget({
      title: 'Inference endpoint backlog and instances',
      left: [
        endpointMetric('ApproximateBacklogSize', 'Average'),
        endpointMetric('HasBacklogWithoutCapacity', 'Maximum'),
      ],
      right: [
        new cloudwatch.Metric({
          namespace: '/aws/sagemaker/Endpoints',
          metricName: 'GPUUtilization',
          dimensionsMap: { EndpointName: endpointName, VariantName: 'AllTraffic' },
          statistic: 'Average',
        }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Inference failures',
      left: [endpointMetric('InvocationFailures'), endpointMetric('Invocation5XXErrors')],
    }),
  ];
}
