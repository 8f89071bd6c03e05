import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { STALE_RUN, TRANSIENT } from '../../core/pipeline/step-error';
import { RUN_MODES } from '../../core/pipeline/run';
import { RECORD_FAILURE, runsIn, type StageName, type StepDefinition } from '../../core/pipeline/steps';
import type { PipelineFunction } from './pipeline-function';

/** Lambda invocation faults that say nothing about the study and are worth retrying. */
const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];
const CAUGHT = '$.caught';
const MODE = '$.mode';

export interface PipelineDefinitionProps {
  /** The deployment's tier's steps (pipelineSteps, core/pipeline/steps.ts). */
  definitions: readonly StepDefinition[];
  steps: Record<StageName, PipelineFunction>;
  recordFailure: lambda.IFunction;
}

/**
 * Validate → Infer (on the GPU tier it waits for its task token; on the CPU tier it is a plain invoke) →
 * Radiomics → Fuse, in the order and with the retries and timeouts of the tier's step definitions; a step is passed by in the run modes it does not run in (a rescore
 * goes straight to Fuse). A run overtaken by a newer manifest version (STALE_RUN) ends as superseded; any
 * other error is caught and recorded as FAILED with stage, code and message.
 */
export function buildPipelineDefinition(parent: Construct, props: PipelineDefinitionProps): sfn.IChainable {
  const scope = new Construct(parent, 'Definition');
  const failed = new sfn.Fail(scope, 'StudyFailed', {
    errorPath: sfn.JsonPath.stringAt('$.code'),
    causePath: sfn.JsonPath.stringAt('$.message'),
  });
  // A run a newer manifest version overtook ends here: the study belongs to the newer run, nothing failed.
  const superseded = new sfn.Succeed(scope, 'RunSuperseded');
  const { definitions } = props;
  const tasks = definitions.map((step) => {
    const task = stepTask(scope, step, props.steps[step.name].function);
    task.addRetry({
      errors: [TRANSIENT, ...LAMBDA_TRANSIENT_ERRORS],
      maxAttempts: step.retry.maxAttempts,
      interval: Duration.seconds(step.retry.intervalSeconds),
      backoffRate: step.retry.backoffRate,
      maxDelay: Duration.seconds(step.retry.maxDelaySeconds),
      jitterStrategy: sfn.JitterType.FULL,
    });
    task.addCatch(superseded, { errors: [STALE_RUN], resultPath: CAUGHT });
    task.addCatch(recordFailureTask(scope, step.name, props.recordFailure).next(failed), {
      errors: [sfn.Errors.ALL],
      resultPath: CAUGHT,
    });
    return task;
  });
  // Built from the end: each step leads to the next one's entry, which may first pass it by.
  let next: sfn.IChainable = new sfn.Succeed(scope, 'StudyCompleted');
  for (let n = definitions.length - 1; n >= 0; n--) {
    const step = definitions[n]!;
    const task = tasks[n]!.next(next);
    next = modeGate(scope, step, task, next) ?? task;
  }
  return next;
}

/**
 * `Run{Step}?`: a Choice that passes the step by in the run modes it does not run in. Steps that run in
 * every mode have none. A run without `mode` is a `score` run.
 */
function modeGate(
  scope: Construct,
  step: StepDefinition,
  task: sfn.IChainable,
  skipTo: sfn.IChainable,
): sfn.Choice | undefined {
  const skipped = RUN_MODES.filter((mode) => !runsIn(step, mode));
  if (skipped.length === 0) return undefined;
  const isMode = skipped.map((mode) => sfn.Condition.stringEquals(MODE, mode));
  const inSkippedMode = sfn.Condition.and(
    sfn.Condition.isPresent(MODE),
    isMode.length === 1 ? isMode[0]! : sfn.Condition.or(...isMode),
  );
  return new sfn.Choice(scope, `Run${step.name}?`).when(inSkippedMode, skipTo).otherwise(task);
}

function stepTask(scope: Construct, step: StepDefinition, fn: lambda.IFunction): tasks.LambdaInvoke {
  const common = {
    lambdaFunction: fn,
    taskTimeout: sfn.Timeout.duration(Duration.seconds(step.stepTimeoutSeconds)),
    // Retries come from the step definition below, not from the task's own defaults.
    retryOnServiceExceptions: false,
  };
  if (step.completion === 'callback') {
    return new tasks.LambdaInvoke(scope, step.name, {
      ...common,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        taskToken: sfn.JsonPath.taskToken,
        run: sfn.JsonPath.entirePayload,
      }),
    });
  }
  return new tasks.LambdaInvoke(scope, step.name, { ...common, payloadResponseOnly: true });
}

function recordFailureTask(scope: Construct, stage: StageName, fn: lambda.IFunction): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, `Record${stage}Failure`, {
    lambdaFunction: fn,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    payload: sfn.TaskInput.fromObject({
      stage,
      error: sfn.JsonPath.objectAt(CAUGHT),
      // The whole run: its optional mode, batchId and fusionModelVersion decide where the failure goes.
      run: sfn.JsonPath.entirePayload,
    }),
  });
  task.addRetry({
    errors: [sfn.Errors.ALL],
    maxAttempts: RECORD_FAILURE.retry.maxAttempts,
    interval: Duration.seconds(RECORD_FAILURE.retry.intervalSeconds),
    backoffRate: RECORD_FAILURE.retry.backoffRate,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}
