/**
 * Who publishes to each SNS topic of a synthesized template, and whether the template lets them: AWS
 * services that publish as their service principal (CloudWatch alarms, EventBridge, S3) need the topic
 * policy's allowance, a role in the same account needs its identity policy; an encrypted topic also needs
 * the publisher to be allowed to use the key
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */

type Json = Record<string, unknown>;
export interface Resource {
  Type: string;
  Properties?: Json;
}
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Publisher {
  topic: string;
  /** What publishes, for the message: `alarm X`, `SageMaker endpoint config Y`. */
  source: string;
  service?: string;
  role?: string;
}

const refTo = (value: unknown): string | undefined =>
  value && typeof value === 'object' && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined;
const getAttOf = (value: unknown): string | undefined =>
  value && typeof value === 'object' && 'Fn::GetAtt' in value
    ? String((value as { 'Fn::GetAtt': unknown[] })['Fn::GetAtt'][0])
    : undefined;

/** Every publisher of every topic the template names as an alarm action, a rule target, a bucket or endpoint notification. */
export function topicPublishers(resources: Record<string, Resource>): Publisher[] {
  const isTopic = (id: string | undefined): id is string => !!id && resources[id]?.Type === 'AWS::SNS::Topic';
  const publishers: Publisher[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::CloudWatch::Alarm') {
      const actions = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap(
        (key) => (props[key] as unknown[] | undefined) ?? [],
      );
      for (const topic of actions.map(refTo).filter(isTopic))
        publishers.push({ topic, source: `alarm ${id}`, service: 'cloudwatch.amazonaws.com' });
    }
    if (resource.Type === 'AWS::Events::Rule') {
      for (const target of (props.Targets as { Arn: unknown }[] | undefined) ?? []) {
        const topic = refTo(target.Arn);
        if (isTopic(topic)) publishers.push({ topic, source: `rule ${id}`, service: 'events.amazonaws.com' });
      }
    }
    if (resource.Type === 'AWS::S3::Bucket') {
      const configs = (props.NotificationConfiguration as Json | undefined)?.TopicConfigurations as
        { Topic: unknown }[] | undefined;
      for (const topic of (configs ?? []).map((c) => refTo(c.Topic)).filter(isTopic))
        publishers.push({ topic, source: `bucket ${id}`, service: 's3.amazonaws.com' });
    }
    if (resource.Type === 'AWS::SageMaker::EndpointConfig') {
      // SageMaker publishes async inference notifications with the model's execution role.
      const output = (props.AsyncInferenceConfig as Json | undefined)?.OutputConfig as Json | undefined;
      const notification = (output?.NotificationConfig ?? {}) as Json;
      const roles = ((props.ProductionVariants as { ModelName: unknown }[] | undefined) ?? []).map((v) => {
        const model = getAttOf(v.ModelName) ?? '';
        return getAttOf(resources[model]?.Properties?.ExecutionRoleArn);
      });
      for (const topic of [notification.SuccessTopic, notification.ErrorTopic].map(refTo).filter(isTopic))
        for (const role of roles)
          publishers.push({ topic, source: `SageMaker endpoint config ${id}`, role: role ?? 'unknown role' });
    }
  }
  return publishers;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const allowsAction = (statement: Statement, action: string): boolean =>
  asArray(statement.Action).some((pattern) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action),
  );

const coversResource = (statement: Statement, resource: unknown): boolean =>
  asArray(statement.Resource).some((r) => r === '*' || JSON.stringify(r) === JSON.stringify(resource));

const namesService = (statement: Statement, service: string): boolean => {
  const principal = statement.Principal as { Service?: string | string[] } | undefined;
  return asArray(principal?.Service).includes(service);
};

/** Conditions that tie a service principal's access to this account or its resources (confused deputy). */
const SOURCE_KEYS = ['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceowner'];
const hasSourceCondition = (statement: Statement): boolean =>
  Object.values(statement.Condition ?? {}).some((byKey) =>
    Object.keys(byKey).some((key) => SOURCE_KEYS.includes(key.toLowerCase())),
  );

/** A Deny that only refuses requests without TLS (enforceSSL) refuses no AWS service. */
const deniesOnlyInsecure = (statement: Statement): boolean =>
  JSON.stringify(statement.Condition ?? {}) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } });

function topicPolicyStatements(resources: Record<string, Resource>, topic: string): Statement[] {
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::SNS::TopicPolicy' &&
        asArray(r.Properties?.Topics as unknown[]).some((t) => refTo(t) === topic),
    )
    .flatMap((r) => (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

function identityStatements(resources: Record<string, Resource>, role: string): Statement[] {
  const inline = (
    (resources[role]?.Properties?.Policies as { PolicyDocument: Json }[] | undefined) ?? []
  ).map((p) => p.PolicyDocument);
  const attached = Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        asArray(r.Properties?.Roles as unknown[]).some((x) => refTo(x) === role),
    )
    .map((r) => r.Properties!.PolicyDocument as Json);
  return [...inline, ...attached].flatMap((doc) => doc.Statement as Statement[]);
}

/** What the publisher lacks to publish to the topic (empty when it may). */
export function missingPublishPermissions(
  resources: Record<string, Resource>,
  publisher: Publisher,
): string[] {
  const topicRef = { Ref: publisher.topic };
  const topicStatements = topicPolicyStatements(resources, publisher.topic);
  const keyId = getAttOf(resources[publisher.topic]?.Properties?.KmsMasterKeyId);
  const keyArn = keyId ? { 'Fn::GetAtt': [keyId, 'Arn'] } : undefined;
  const keyStatements = keyId
    ? ((resources[keyId]?.Properties?.KeyPolicy as { Statement: Statement[] }).Statement ?? [])
    : [];
  const missing: string[] = [];
  const blockingDeny = topicStatements.find(
    (s) => s.Effect === 'Deny' && allowsAction(s, 'sns:Publish') && !deniesOnlyInsecure(s),
  );
  if (blockingDeny) missing.push(`the topic policy denies sns:Publish: ${JSON.stringify(blockingDeny)}`);

  if (publisher.service) {
    const service = publisher.service;
    const allowed = topicStatements.some(
      (s) =>
        s.Effect === 'Allow' &&
        namesService(s, service) &&
        allowsAction(s, 'sns:Publish') &&
        coversResource(s, topicRef) &&
        hasSourceCondition(s),
    );
    if (!allowed)
      missing.push(
        `no topic policy statement allows ${service} sns:Publish with a source account or ARN condition`,
      );
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      if (
        keyId &&
        !keyStatements.some(
          (s) => s.Effect === 'Allow' && namesService(s, service) && allowsAction(s, action),
        )
      )
        missing.push(`the key policy of ${keyId} does not allow ${service} ${action}`);
    }
  } else {
    const role = publisher.role!;
    const statements = identityStatements(resources, role);
    const allows = (action: string, resource: unknown) =>
      statements.some((s) => s.Effect === 'Allow' && allowsAction(s, action) && coversResource(s, resource));
    if (!allows('sns:Publish', topicRef)) missing.push(`role ${role} may not sns:Publish to it`);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
      if (keyArn && !allows(action, keyArn)) missing.push(`role ${role} may not ${action} with ${keyId}`);
  }
  return missing;
}
