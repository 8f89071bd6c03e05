import * as path from 'node:path';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local-env';

/**
 * ARNs of the local stack's resources, as the recorder writes them; test/support/iam-resources.ts maps
 * each to the template's resource. Functions are named by their handler's folder (`start-study`).
 */
const region = LOCAL_REGION;
const account = LOCAL_ACCOUNT;

export const localArn = {
  bucket: (bucket: string) => `arn:aws:s3:::${bucket}`,
  object: (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`,
  table: (table: string, index?: string) =>
    `arn:aws:dynamodb:${region}:${account}:table/${table}${index ? `/index/${index}` : ''}`,
  endpoint: (name: string) => `arn:aws:sagemaker:${region}:${account}:endpoint/${name.toLowerCase()}`,
  function: (handler: string) => `arn:aws:lambda:${region}:${account}:function:${functionName(handler)}`,
  logGroup: (handler: string) =>
    `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${functionName(handler)}:*`,
  deadLetterQueue: (handler: string) => `arn:aws:sqs:${region}:${account}:${functionName(handler)}-dlq`,
  /** The managed rule Step Functions keeps for `.sync` child executions (stepfunctions-iam.html). */
  syncExecutionRule: () =>
    `arn:aws:events:${region}:${account}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`,
};

/** `lambdas/start-study/handler.ts` → `start-study`. */
export function functionName(handler: string): string {
  return path.basename(path.dirname(handler));
}
