import {
  getDenialReasons,
  runSimulation,
  runUnsafeSimulation,
  type Simulation,
} from '@cloud-copilot/iam-simulate';
import { describePrincipal, type Principal } from '../../local/stack/iam/principals';
import type { RecordedCall } from '../../local/stack/iam/recorder';
import { iamTemplate, type IamTemplate } from './iam-template';
import { TemplateIam, type MappedResource, type TemplatePrincipal } from './iam-resources';

/** One call as the template's policies judge it. */
export interface CheckedCall {
  principal: Principal;
  /** The role's logical id, or the service principal. */
  role: string;
  action: string;
  /** The template's ARN of the resource. */
  resource: string;
  impliedBy?: string;
  allowed: boolean;
  /** Why it is denied, or why it could not be checked. */
  reason?: string;
}

export interface CoverageReport {
  checked: CheckedCall[];
  denied: CheckedCall[];
  /** Distinct (role, action, resource pattern) triples: the coverage figure. */
  distinct: string[];
}

/**
 * Calls AWS makes with the caller's credentials when the resource is encrypted under a customer managed
 * key: the caller needs them on that key.
 * - S3 SSE-KMS: kms:GenerateDataKey to write, kms:Decrypt to read (bucket keys included).
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys
 * - DynamoDB tables under a customer managed key: kms:Decrypt of the table key when the table is used.
 *   https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html
 * - SNS topics with SSE: a publisher needs kms:GenerateDataKey* and kms:Decrypt.
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 * - SQS queues with SSE: a producer needs kms:GenerateDataKey and kms:Decrypt.
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 */
function keyActionsFor(action: string): string[] {
  if (action === 's3:GetObject' || action === 's3:GetObjectVersion') return ['kms:Decrypt'];
  if (action === 's3:PutObject') return ['kms:GenerateDataKey'];
  if (action === 'sns:Publish' || action === 'sqs:SendMessage') return ['kms:GenerateDataKey', 'kms:Decrypt'];
  if (DYNAMODB_DATA_ACTIONS.has(action)) return ['kms:Decrypt'];
  return [];
}
const DYNAMODB_DATA_ACTIONS = new Set(
  ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem']
    .concat(['ConditionCheckItem', 'TransactGetItems', 'TransactWriteItems'])
    .map((operation) => `dynamodb:${operation}`),
);

/**
 * The task-token calls name no resource in the Service Authorization Reference (so a policy simulator
 * insists on `*`), yet Step Functions authorizes them against the state machine that issued the token,
 * which is what CDK's grantTaskResponse grants (aws/aws-cdk#8486): they are evaluated on that ARN.
 */
const TASK_TOKEN_ACTIONS = new Set([
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
]);

/** Evaluates every recorded call, and the calls AWS makes on its behalf, against the template's policies. */
export async function checkIamCoverage(
  calls: RecordedCall[],
  template?: IamTemplate,
): Promise<CoverageReport> {
  const iam = new TemplateIam(template ?? (await iamTemplate()));
  const checked: CheckedCall[] = [];
  const seen = new Set<string>();
  for (const call of calls) {
    for (const result of await checkCall(iam, call)) {
      // Condition keys count: a listing allowed under one prefix may be denied under another.
      const key = JSON.stringify([result.role, result.action, result.resource, call.context]);
      if (seen.has(key)) continue;
      seen.add(key);
      checked.push(result);
    }
  }
  const distinct = [
    ...new Set(checked.map((c) => `${c.role} ${c.action} ${resourcePattern(c.resource)}`)),
  ].sort();
  return { checked, denied: checked.filter((c) => !c.allowed), distinct };
}

async function checkCall(iam: TemplateIam, call: RecordedCall): Promise<CheckedCall[]> {
  const base = { principal: call.principal, action: call.action, impliedBy: call.impliedBy };
  let principal: TemplatePrincipal;
  let mapped: MappedResource;
  try {
    principal = iam.principal(call.principal);
    mapped = iam.mapResource(call.resource);
  } catch (error) {
    const role = describePrincipal(call.principal);
    return [{ ...base, role, resource: call.resource, allowed: false, reason: (error as Error).message }];
  }
  const role = principal.role ?? principal.arn;
  const context: Record<string, string> = { 'aws:SecureTransport': 'true', ...call.context };
  const listedBucket = /^arn:aws:s3:::([^/]+)$/.exec(call.resource)?.[1];
  if (listedBucket && context['s3:prefix'] !== undefined)
    context['s3:prefix'] = iam.modelKey(listedBucket, context['s3:prefix']);
  if (call.principal.kind === 'service') Object.assign(context, serviceSource(iam, call.principal, mapped));
  const results: CheckedCall[] = [
    {
      ...base,
      role,
      resource: mapped.arn,
      ...(await simulate(iam, principal, call.action, mapped, context)),
    },
  ];
  const key = mapped.logicalId && iam.encryptionKey(mapped.logicalId);
  if (key) {
    const keyResource = { arn: iam.resolver.arn(key), logicalId: key };
    const service = call.action.split(':')[0]!;
    const keyContext = {
      'aws:SecureTransport': 'true',
      'kms:ViaService': `${service}.${iam.region}.amazonaws.com`,
      'kms:CallerAccount': iam.account,
    };
    for (const action of keyActionsFor(call.action)) {
      const verdict = await simulate(iam, principal, action, keyResource, keyContext);
      const impliedBy = `${call.action} on ${mapped.arn}`;
      results.push({
        principal: call.principal,
        role,
        action,
        resource: keyResource.arn,
        impliedBy,
        ...verdict,
      });
    }
  }
  return results;
}

/** aws:SourceArn and aws:SourceAccount of a service invoking a function: the rule, topic or API route. */
function serviceSource(
  iam: TemplateIam,
  principal: Extract<Principal, { kind: 'service' }>,
  invoked: MappedResource,
): Record<string, string> {
  const source =
    principal.service === 'events.amazonaws.com'
      ? iam.rulesTargeting(invoked.logicalId ?? '').map((rule) => iam.resolver.arn(rule))[0]
      : principal.service === 'sns.amazonaws.com'
        ? iam.mapResource(principal.topicArn).arn
        : iam.apiSourceArn(principal.method, principal.path);
  return { 'aws:SourceAccount': iam.account, ...(source ? { 'aws:SourceArn': source } : {}) };
}

async function simulate(
  iam: TemplateIam,
  principal: TemplatePrincipal,
  action: string,
  resource: MappedResource,
  context: Record<string, string>,
): Promise<{ allowed: boolean; reason?: string }> {
  const resourcePolicy = resource.logicalId ? iam.resourcePolicy(resource.logicalId) : undefined;
  const simulation: Simulation = {
    request: {
      principal: principal.arn,
      action,
      resource: { resource: resource.arn, accountId: iam.account },
      contextVariables: context,
    },
    identityPolicies: principal.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
  };
  if (TASK_TOKEN_ACTIONS.has(action)) {
    const result = runUnsafeSimulation(simulation, {});
    return result === 'Allowed'
      ? { allowed: true }
      : { allowed: false, reason: `${result}: no statement allows it` };
  }
  const result = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (result.resultType === 'error')
    return { allowed: false, reason: `not simulated: ${result.errors.message}` };
  if (result.overallResult === 'Allowed') return { allowed: true };
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  const reasons = analysis ? getDenialReasons(analysis) : [];
  const words = reasons.map((r) =>
    r.denialType === 'Explicit'
      ? `explicit Deny in the ${r.policyType} policy${r.statementId ? ` (${r.statementId})` : ''}`
      : `no ${r.policyType} policy statement allows it`,
  );
  return { allowed: false, reason: `${result.overallResult}: ${[...new Set(words)].join('; ') || 'denied'}` };
}

/**
 * A resource with the ids of one study generalized: object keys keep their first folder and file name
 * (`work/*\/mask.nii.gz`), executions their machine.
 */
export function resourcePattern(arn: string): string {
  const object = /^(arn:[^:]+:s3:::[^/]+\/)(.*)$/.exec(arn);
  if (object) {
    const parts = object[2]!.split('/');
    return parts.length <= 2 ? arn : `${object[1]}${parts[0]}/*/${parts[parts.length - 1]}`;
  }
  return arn.replace(/(:execution:[^:]+:).+$/, '$1*');
}

/** A denied call in words: the call, the role and the missing permission (action on resource). */
export function describeDenial(call: CheckedCall): string {
  const who = `${describePrincipal(call.principal)} (${call.role})`;
  const why = call.impliedBy ? `, which ${call.impliedBy} needs,` : '';
  return `${who} may not ${call.action} on ${call.resource}${why} — ${call.reason ?? 'denied'}`;
}
