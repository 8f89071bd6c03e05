import type { SimulationIdentityPolicy } from '@cloud-copilot/iam-simulate';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { LOCAL_ACCOUNT, LOCAL_NAMES, LOCAL_REGION } from '../../local/stack/local-env';
import { functionName } from '../../local/stack/iam/local-arns';
import type { Principal } from '../../local/stack/iam/principals';
import { IntrinsicResolver, type TemplateResource } from './iam-intrinsics';
import type { IamTemplate } from './iam-template';

/** A resource of the template a local ARN stands for: its concrete ARN and, where it has one, logical id. */
export interface MappedResource {
  arn: string;
  logicalId?: string;
}

export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

/** A principal of the template: a role with its identity policies, or a service principal. */
export interface TemplatePrincipal {
  arn: string;
  /** The role's logical id, for messages; absent for a service principal. */
  role?: string;
  identityPolicies: SimulationIdentityPolicy[];
}

/**
 * AWS managed policies the template attaches, as AWS publishes them.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html
 */
const MANAGED_POLICIES: Record<string, PolicyDocument> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  },
};

/** The local stack's name for each variable of FUNCTION_ENV that names a resource. */
const LOCAL_VALUES: Record<string, string> = {
  [FUNCTION_ENV.studiesBucket]: LOCAL_NAMES.studiesBucket,
  [FUNCTION_ENV.modelsBucket]: LOCAL_NAMES.modelsBucket,
  [FUNCTION_ENV.studiesTable]: LOCAL_NAMES.studiesTable,
  [FUNCTION_ENV.stateMachineArn]: LOCAL_NAMES.stateMachineArn,
  [FUNCTION_ENV.inferenceEndpoint]: LOCAL_NAMES.inferenceEndpoint,
};

/**
 * The synthesized template seen from the local stack: which role each local principal is, which resource
 * each local ARN names (through the variables the template gives its functions and containers, so a
 * local bucket `sap-studies` is the resource the functions' STUDIES_BUCKET refers to), the policies on
 * both sides and the key that encrypts each resource.
 */
export class TemplateIam {
  readonly resolver: IntrinsicResolver;
  private readonly byLocalName = new Map<string, string>();
  /** `unet` → `models/unet/1/`: the model versions the template gives its functions and container. */
  private readonly modelPrefixes = new Map<string, string>();

  constructor(private readonly template: IamTemplate) {
    this.resolver = new IntrinsicResolver(template.resources, template.region);
    for (const resource of Object.values(template.resources)) {
      const variables =
        resource.Type === 'AWS::Lambda::Function'
          ? (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
              ?.Variables
          : resource.Type === 'AWS::SageMaker::Model'
            ? (resource.Properties?.PrimaryContainer as { Environment?: Record<string, unknown> } | undefined)
                ?.Environment
            : undefined;
      for (const [name, value] of Object.entries(variables ?? {})) {
        const prefix = typeof value === 'string' ? /^models\/([^/]+)\/[^/]+\/$/.exec(value) : null;
        if (name.endsWith('_MODEL_PREFIX') && prefix) this.modelPrefixes.set(prefix[1]!, value as string);
        const local = LOCAL_VALUES[name];
        const logicalId = this.referencedLogicalId(value) ?? this.resourceNamed(value);
        if (local !== undefined && logicalId) this.byLocalName.set(`${name}=${local}`, logicalId);
      }
    }
  }

  get account(): string {
    return this.resolver.account;
  }
  get region(): string {
    return this.resolver.region;
  }

  resource(logicalId: string): TemplateResource {
    return this.template.resources[logicalId]!;
  }

  private ofType(type: string): [string, TemplateResource][] {
    return Object.entries(this.template.resources).filter(([, r]) => r.Type === type);
  }

  /** `{Ref: X}` or `{Fn::GetAtt: [X, ...]}` → X. */
  referencedLogicalId(value: unknown): string | undefined {
    if (value && typeof value === 'object') {
      const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
      if (typeof v.Ref === 'string' && v.Ref in this.template.resources) return v.Ref;
      if (Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
    }
    return undefined;
  }

  /** A resource whose name property is the literal `value` (the endpoint the functions are told of). */
  private resourceNamed(value: unknown): string | undefined {
    if (typeof value !== 'string') return undefined;
    return Object.keys(this.template.resources).find((id) => {
      try {
        return this.resolver.physicalName(id) === value && this.resource(id).Type !== 'AWS::Lambda::Function';
      } catch {
        return false;
      }
    });
  }

  private local(variable: string): string {
    const logicalId = this.byLocalName.get(`${variable}=${LOCAL_VALUES[variable]}`);
    if (!logicalId) throw new Error(`no function or container of the template is given ${variable}`);
    return logicalId;
  }

  functionOf(handler: string): string {
    const logicalId = this.template.functionsByHandler[handler];
    if (!logicalId) throw new Error(`the template has no function for ${handler}`);
    return logicalId;
  }

  private functionOfName(name: string): string {
    const handler = Object.keys(this.template.functionsByHandler).find((h) => functionName(h) === name);
    if (!handler) throw new Error(`the template has no function for lambdas/${name}/`);
    return this.functionOf(handler);
  }

  private studyStateMachine(): string {
    return this.local(FUNCTION_ENV.stateMachineArn);
  }

  /** The role (or service) a local principal is in the template, with its identity policies. */
  principal(principal: Principal): TemplatePrincipal {
    if (principal.kind === 'service') return { arn: principal.service, identityPolicies: [] };
    const role = this.roleOf(principal);
    return { arn: this.resolver.arn(role), role, identityPolicies: this.identityPolicies(role) };
  }

  private roleOf(principal: Exclude<Principal, { kind: 'service' }>): string {
    const roleProperty = (logicalId: string, property: string) => {
      const role = this.referencedLogicalId(this.resource(logicalId).Properties?.[property]);
      if (!role) throw new Error(`${logicalId} has no role of this template`);
      return role;
    };
    switch (principal.kind) {
      case 'function':
        return roleProperty(this.functionOf(principal.handler), 'Role');
      case 'state-machine': {
        const study = this.studyStateMachine();
        const machines = this.ofType('AWS::StepFunctions::StateMachine').map(([id]) => id);
        const others = machines.filter((id) => id !== study);
        if (principal.machine === 'study') return roleProperty(study, 'RoleArn');
        if (others.length !== 1)
          throw new Error(`expected one batch state machine, found ${others.join(', ')}`);
        return roleProperty(others[0]!, 'RoleArn');
      }
      case 'inference-endpoint': {
        const models = this.ofType('AWS::SageMaker::Model');
        if (models.length !== 1) throw new Error(`expected one SageMaker model, found ${models.length}`);
        return roleProperty(models[0]![0], 'ExecutionRoleArn');
      }
    }
  }

  /** Policies attached to the role: AWS::IAM::Policy resources, inline policies and managed policies. */
  private identityPolicies(role: string): SimulationIdentityPolicy[] {
    const policies: SimulationIdentityPolicy[] = [];
    for (const [id, resource] of Object.entries(this.template.resources)) {
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const roles = (resource.Properties?.Roles as unknown[] | undefined) ?? [];
      if (roles.some((r) => this.referencedLogicalId(r) === role))
        policies.push({ name: id, policy: this.resolver.resolve(resource.Properties!.PolicyDocument) });
    }
    const properties = this.resource(role).Properties ?? {};
    for (const inline of (properties.Policies as { PolicyName: string; PolicyDocument: unknown }[]) ?? [])
      policies.push({ name: inline.PolicyName, policy: this.resolver.resolve(inline.PolicyDocument) });
    for (const arn of (properties.ManagedPolicyArns as unknown[]) ?? []) {
      const name = this.resolver.resolveString(arn).replace(/^arn:[^:]+:iam::aws:policy\//, '');
      const document = MANAGED_POLICIES[name];
      if (document) policies.push({ name, policy: document });
    }
    return policies;
  }

  /** The template resource (and ARN) a local ARN stands for. */
  mapResource(localArn: string): MappedResource {
    const arn = this.resolver;
    const local = (pattern: RegExp) => pattern.exec(localArn);
    let match: RegExpExecArray | null;
    if (localArn === '*') return { arn: '*' };
    if ((match = local(/^arn:aws:s3:::([^/]+)(?:\/(.*))?$/))) {
      const bucket = this.bucketOf(match[1]!);
      const key = match[2] === undefined ? '' : `/${this.modelKey(match[1]!, match[2])}`;
      return { arn: `${arn.arn(bucket)}${key}`, logicalId: bucket };
    }
    if ((match = local(/^arn:aws:dynamodb:[^:]+:[^:]+:table\/([^/]+)(\/index\/.+)?$/))) {
      if (match[1] !== LOCAL_NAMES.studiesTable) throw new Error(`no table of the template is ${match[1]}`);
      const table = this.local(FUNCTION_ENV.studiesTable);
      return { arn: `${arn.arn(table)}${match[2] ?? ''}`, logicalId: table };
    }
    if (localArn === LOCAL_NAMES.stateMachineArn) {
      const machine = this.studyStateMachine();
      return { arn: arn.arn(machine), logicalId: machine };
    }
    if ((match = local(/^arn:aws:states:[^:]+:[^:]+:execution:([^:]+):(.+)$/))) {
      if (`${LOCAL_NAMES.stateMachineArn.replace(':stateMachine:', ':execution:')}:${match[2]}` !== localArn)
        throw new Error(`no state machine of the template runs ${localArn}`);
      const machine = this.studyStateMachine();
      return { arn: `${arn.arn(machine).replace(':stateMachine:', ':execution:')}:${match[2]}` };
    }
    if ((match = local(/^arn:aws:sagemaker:[^:]+:[^:]+:endpoint\/(.+)$/))) {
      if (match[1] !== LOCAL_NAMES.inferenceEndpoint.toLowerCase())
        throw new Error(`no endpoint ${match[1]}`);
      const endpoint = this.local(FUNCTION_ENV.inferenceEndpoint);
      return { arn: arn.arn(endpoint), logicalId: endpoint };
    }
    if ((match = local(/^arn:aws:sns:[^:]+:[^:]+:sap-inference-(success|error)$/))) {
      const topic = this.notificationTopic(match[1] === 'success' ? 'SuccessTopic' : 'ErrorTopic');
      return { arn: arn.arn(topic), logicalId: topic };
    }
    if ((match = local(/^arn:aws:lambda:[^:]+:[^:]+:function:(.+)$/))) {
      const fn = this.functionOfName(match[1]!);
      return { arn: arn.arn(fn), logicalId: fn };
    }
    if ((match = local(/^arn:aws:logs:[^:]+:[^:]+:log-group:\/aws\/lambda\/([^:]+):\*$/))) {
      const fn = this.functionOfName(match[1]!);
      const logging = this.resource(fn).Properties?.LoggingConfig as { LogGroup?: unknown } | undefined;
      const group = this.referencedLogicalId(logging?.LogGroup);
      if (group) return { arn: arn.arn(group), logicalId: group };
      const name = arn.physicalName(fn);
      return {
        arn: `arn:${arn.partition}:logs:${arn.region}:${arn.account}:log-group:/aws/lambda/${name}:*`,
      };
    }
    if ((match = local(/^arn:aws:sqs:[^:]+:[^:]+:(.+)-dlq$/))) {
      const fn = this.functionOfName(match[1]!);
      const target = (this.resource(fn).Properties?.DeadLetterConfig as { TargetArn?: unknown } | undefined)
        ?.TargetArn;
      const queue = this.referencedLogicalId(target);
      if (!queue) throw new Error(`the template gives lambdas/${match[1]}/ no dead-letter queue`);
      return { arn: arn.arn(queue), logicalId: queue };
    }
    // Account-wide ARNs (the `.sync` managed rule): the template's account and region.
    return {
      arn: localArn.replace(`:${LOCAL_REGION}:${LOCAL_ACCOUNT}:`, `:${arn.region}:${arn.account}:`),
    };
  }

  /**
   * A key (or listing prefix) of the local models bucket at the template's model version: the local stack
   * publishes the demo models at their cards' versions, the template reads the versions it is configured
   * with (UNET_MODEL_PREFIX, ...); like a bucket name, the version is a setting, mapped here.
   */
  modelKey(localBucket: string, key: string): string {
    const model = /^models\/([^/]+)\/[^/]+\/(.*)$/.exec(key);
    const prefix = model && this.modelPrefixes.get(model[1]!);
    return localBucket === LOCAL_NAMES.modelsBucket && prefix ? `${prefix}${model[2]}` : key;
  }

  private bucketOf(localBucket: string): string {
    if (localBucket === LOCAL_NAMES.studiesBucket) return this.local(FUNCTION_ENV.studiesBucket);
    if (localBucket === LOCAL_NAMES.modelsBucket) return this.local(FUNCTION_ENV.modelsBucket);
    throw new Error(`no bucket of the template is the local ${localBucket}`);
  }

  private notificationTopic(which: 'SuccessTopic' | 'ErrorTopic'): string {
    for (const [, config] of this.ofType('AWS::SageMaker::EndpointConfig')) {
      const notification = (
        config.Properties?.AsyncInferenceConfig as
          { OutputConfig?: { NotificationConfig?: Record<string, unknown> } } | undefined
      )?.OutputConfig?.NotificationConfig;
      const topic = this.referencedLogicalId(notification?.[which]);
      if (topic) return topic;
    }
    throw new Error(`the endpoint config names no ${which}`);
  }

  /** The rule whose target is the function: the source of EventBridge's invocations. */
  rulesTargeting(functionLogicalId: string): string[] {
    return this.ofType('AWS::Events::Rule')
      .filter(([, rule]) =>
        ((rule.Properties?.Targets as { Arn?: unknown }[]) ?? []).some(
          (t) => this.referencedLogicalId(t.Arn) === functionLogicalId,
        ),
      )
      .map(([id]) => id);
  }

  /** `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}{path}` of the template's REST API. */
  apiSourceArn(method: string, path: string): string {
    const [api] = this.ofType('AWS::ApiGateway::RestApi');
    const [stage] = this.ofType('AWS::ApiGateway::Stage');
    if (!api || !stage) throw new Error('the template has no REST API stage');
    const { partition, region, account } = this.resolver;
    const stageName = this.resolver.physicalName(stage[0]);
    return `arn:${partition}:execute-api:${region}:${account}:${this.resolver.physicalName(api[0])}/${stageName}/${method}${path}`;
  }

  /** The customer managed key that encrypts a bucket, table, topic or queue; undefined for none. */
  encryptionKey(logicalId: string): string | undefined {
    const { Type, Properties = {} } = this.resource(logicalId);
    const candidates: unknown[] = [];
    if (Type === 'AWS::S3::Bucket') {
      const rules =
        (Properties.BucketEncryption as { ServerSideEncryptionConfiguration?: unknown[] } | undefined)
          ?.ServerSideEncryptionConfiguration ?? [];
      for (const rule of rules as { ServerSideEncryptionByDefault?: { KMSMasterKeyID?: unknown } }[])
        candidates.push(rule.ServerSideEncryptionByDefault?.KMSMasterKeyID);
    } else if (Type === 'AWS::DynamoDB::Table') {
      candidates.push(
        (Properties.SSESpecification as { KMSMasterKeyId?: unknown } | undefined)?.KMSMasterKeyId,
      );
    } else if (Type === 'AWS::DynamoDB::GlobalTable') {
      const replica = (
        (Properties.Replicas as { Region?: string; SSESpecification?: { KMSMasterKeyId?: unknown } }[]) ?? []
      ).find((r) => r.Region === this.region);
      candidates.push(replica?.SSESpecification?.KMSMasterKeyId);
    } else if (Type === 'AWS::SNS::Topic' || Type === 'AWS::SQS::Queue') {
      candidates.push(Properties.KmsMasterKeyId);
    }
    return candidates.map((c) => this.referencedLogicalId(c)).find((id) => id !== undefined);
  }

  /** The resource policy AWS evaluates for a call on the resource, if the template gives it one. */
  resourcePolicy(logicalId: string): PolicyDocument | undefined {
    const { Type, Properties = {} } = this.resource(logicalId);
    const statements: Record<string, unknown>[] = [];
    const refersTo = (value: unknown) => this.referencedLogicalId(value) === logicalId;
    const add = (document: unknown) =>
      statements.push(...((this.resolver.resolve(document) as PolicyDocument).Statement ?? []));
    if (Type === 'AWS::KMS::Key') add(Properties.KeyPolicy);
    for (const [, policy] of Object.entries(this.template.resources)) {
      const p = policy.Properties ?? {};
      if (policy.Type === 'AWS::S3::BucketPolicy' && refersTo(p.Bucket)) add(p.PolicyDocument);
      if (policy.Type === 'AWS::SNS::TopicPolicy' && (p.Topics as unknown[]).some(refersTo))
        add(p.PolicyDocument);
      if (policy.Type === 'AWS::SQS::QueuePolicy' && (p.Queues as unknown[]).some(refersTo))
        add(p.PolicyDocument);
      if (policy.Type === 'AWS::Lambda::Permission' && refersTo(p.FunctionName))
        statements.push(this.permissionStatement(logicalId, p));
    }
    return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
  }

  /** A Lambda permission as the statement it adds to the function's resource policy. */
  private permissionStatement(functionLogicalId: string, permission: Record<string, unknown>) {
    const principal = this.resolver.resolveString(permission.Principal);
    const condition: Record<string, Record<string, string>> = {};
    if (permission.SourceArn !== undefined)
      condition.ArnLike = { 'aws:SourceArn': this.resolver.resolveString(permission.SourceArn) };
    if (permission.SourceAccount !== undefined)
      condition.StringEquals = { 'aws:SourceAccount': this.resolver.resolveString(permission.SourceAccount) };
    return {
      Effect: 'Allow',
      Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
      Action: this.resolver.resolveString(permission.Action),
      Resource: this.resolver.arn(functionLogicalId),
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
  }
}
