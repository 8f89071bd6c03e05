import { localArn } from './local-arns';
import { currentPrincipal, runAs } from './caller-context';
import { functionPrincipal } from './principals';
import { recordCall } from './recorder';

/**
 * A function runs as its role: the invoker needs lambda:InvokeFunction on it (a state machine's role, or
 * a service through the function's resource policy), and Lambda writes the function's logs and traces
 * with the function's own role.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
export function invokedAs<T>(handler: string, work: () => T): T {
  const invoker = currentPrincipal();
  if (invoker) recordCall({ action: 'lambda:InvokeFunction', resource: localArn.function(handler) }, invoker);
  const self = functionPrincipal(handler);
  const runtime = 'the Lambda runtime';
  recordCall(
    { action: 'logs:CreateLogStream', resource: localArn.logGroup(handler), impliedBy: runtime },
    self,
  );
  recordCall({ action: 'logs:PutLogEvents', resource: localArn.logGroup(handler), impliedBy: runtime }, self);
  // Active tracing: the runtime sends segments with the execution role (xray accepts no resource ARN).
  recordCall({ action: 'xray:PutTraceSegments', resource: '*', impliedBy: runtime }, self);
  return runAs(self, work);
}

/**
 * An event that failed every asynchronous delivery goes to the function's dead-letter queue, sent with
 * the function's execution role.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq
 */
export function recordDeadLetter(handler: string): void {
  recordCall(
    { action: 'sqs:SendMessage', resource: localArn.deadLetterQueue(handler), impliedBy: 'a dead letter' },
    functionPrincipal(handler),
  );
}

/**
 * A state machine's `startExecution.sync` task starts the child, then follows it with DescribeExecution
 * (and StopExecution if the parent stops) and the EventBridge managed rule, all with the parent's role.
 * https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html
 */
export function recordSyncChildExecution(stateMachineArn: string, executionArn: string): void {
  const sync = 'states:StartExecution.sync';
  recordCall({ action: 'states:StartExecution', resource: stateMachineArn });
  for (const action of ['states:DescribeExecution', 'states:StopExecution'])
    recordCall({ action, resource: executionArn, impliedBy: sync });
  for (const action of ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'])
    recordCall({ action, resource: localArn.syncExecutionRule(), impliedBy: sync });
}
