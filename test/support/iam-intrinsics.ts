/**
 * CloudFormation intrinsics resolved to concrete values for a fixed fake account, region and partition:
 * Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split, with each resource's physical name (its
 * name property, or its logical id) and ARN as the resource type documents its return values.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
 */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export type Resources = Record<string, TemplateResource>;

export const FAKE_ACCOUNT = '123456789012';

export class IntrinsicResolver {
  constructor(
    private readonly resources: Resources,
    readonly region: string,
    readonly account = FAKE_ACCOUNT,
    readonly partition = 'aws',
  ) {}

  /** Any template value with every intrinsic replaced by its concrete value. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [name, argument] = entries[0] ?? [];
    if (entries.length === 1 && name !== undefined && (name === 'Ref' || name.startsWith('Fn::')))
      return this.intrinsic(name, argument);
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return this.attribute(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, items] = argument as [string, unknown[]];
        return (this.resolve(items) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, items] = argument as [unknown, unknown];
        return (this.resolve(items) as unknown[])[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return this.resolveString(text).split(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = (Array.isArray(argument) ? argument : [argument, {}]) as [
          string,
          Record<string, unknown>,
        ];
        return text.replace(/\$\{([^}!][^}]*)\}/g, (_, variable: string) => {
          if (variable in variables) return this.resolveString(variables[variable]);
          const [logicalId, attribute] = variable.split('.');
          return String(attribute ? this.attribute(logicalId!, attribute) : this.ref(logicalId!));
        });
      }
      default:
        throw new Error(`the IAM check cannot resolve ${name}`);
    }
  }

  private ref(logicalId: string): string {
    switch (logicalId) {
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Region':
        return this.region;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'SapPipeline';
    }
    const type = this.resource(logicalId).Type;
    // Types whose Ref is the ARN (or URL) rather than the name.
    if (['AWS::SNS::Topic', 'AWS::StepFunctions::StateMachine', 'AWS::SageMaker::Endpoint'].includes(type))
      return this.arn(logicalId);
    if (type === 'AWS::SQS::Queue')
      return `https://sqs.${this.region}.amazonaws.com/${this.account}/${this.physicalName(logicalId)}`;
    return this.physicalName(logicalId);
  }

  private attribute(logicalId: string, attribute: string): string {
    if (attribute === 'Arn' || attribute === 'TopicArn' || attribute === 'QueueArn')
      return this.arn(logicalId);
    return this.physicalName(logicalId);
  }

  private resource(logicalId: string): TemplateResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    return resource;
  }

  /** The name a resource is created with: its name property where the template sets one. */
  physicalName(logicalId: string): string {
    const { Type, Properties = {} } = this.resource(logicalId);
    const property = NAME_PROPERTIES[Type];
    const given = property ? Properties[property] : undefined;
    if (given !== undefined) return this.resolveString(given);
    // Generated names: S3 allows lower case only.
    return Type === 'AWS::S3::Bucket' ? logicalId.toLowerCase() : logicalId;
  }

  arn(logicalId: string): string {
    const { Type } = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    const { partition: p, region: r, account: a } = this;
    switch (Type) {
      case 'AWS::S3::Bucket':
        return `arn:${p}:s3:::${name}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:${p}:dynamodb:${r}:${a}:table/${name}`;
      case 'AWS::KMS::Key':
        return `arn:${p}:kms:${r}:${a}:key/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:${p}:sns:${r}:${a}:${name}`;
      case 'AWS::SQS::Queue':
        return `arn:${p}:sqs:${r}:${a}:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${p}:states:${r}:${a}:stateMachine:${name}`;
      case 'AWS::Lambda::Function':
        return `arn:${p}:lambda:${r}:${a}:function:${name}`;
      case 'AWS::IAM::Role':
        return `arn:${p}:iam::${a}:role/${name}`;
      case 'AWS::Events::Rule':
        return `arn:${p}:events:${r}:${a}:rule/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${p}:logs:${r}:${a}:log-group:${name}:*`;
      case 'AWS::SageMaker::Endpoint':
        // SageMaker lower-cases the names in its ARNs.
        return `arn:${p}:sagemaker:${r}:${a}:endpoint/${name.toLowerCase()}`;
      default:
        return `arn:${p}:${Type.split('::')[1]!.toLowerCase()}:${r}:${a}:${name}`;
    }
  }
}

const NAME_PROPERTIES: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Events::Rule': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SageMaker::Endpoint': 'EndpointName',
  'AWS::ApiGateway::Stage': 'StageName',
};
