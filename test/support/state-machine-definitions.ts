/**
 * The state machine definitions of a synthesized template as JSON documents, the way Step Functions sees
 * them after CloudFormation has resolved the references: DefinitionString's Fn::Join joined,
 * DefinitionSubstitutions substituted, and each Ref / Fn::GetAtt replaced by a placeholder of the shape
 * CloudFormation returns (an ARN where the attribute is an ARN, a name otherwise).
 * Ref return values per type: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html
 */

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export interface StateMachineDefinition {
  logicalId: string;
  definition: { StartAt: string; States: Record<string, unknown> } & Record<string, unknown>;
}

export const PLACEHOLDER_ACCOUNT = '123456789012';

/** Resource types whose Ref is an ARN (the others used in definitions return a name). */
const REF_IS_ARN = new Set([
  'AWS::StepFunctions::StateMachine',
  'AWS::SNS::Topic',
  'AWS::StepFunctions::Activity',
  'AWS::IAM::ManagedPolicy',
]);

export function stateMachineDefinitions(
  template: Record<string, unknown>,
  region: string,
): StateMachineDefinition[] {
  const resources = template.Resources as Resources;
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, machine]) => {
      const properties = machine.Properties ?? {};
      let text = resolve(properties.DefinitionString, resources, region);
      const substitutions = (properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(substitutions))
        text = text.split(`\${${name}}`).join(resolve(value, resources, region));
      return { logicalId, definition: JSON.parse(text) as StateMachineDefinition['definition'] };
    });
}

/** A CloudFormation value made of strings, Fn::Join, Ref and Fn::GetAtt, as a string. */
function resolve(value: unknown, resources: Resources, region: string): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(part, resources, region)).join(separator);
  }
  if ('Ref' in object) return ref(String(object.Ref), resources, region);
  if ('Fn::GetAtt' in object) {
    const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
    if (attribute === 'Arn') return arn(logicalId, resources, region);
    return `${logicalId}-${attribute}`;
  }
  // Anything else would need CloudFormation's semantics: fail rather than guess.
  throw new Error(`unresolved CloudFormation value in a state machine definition: ${JSON.stringify(value)}`);
}

function ref(name: string, resources: Resources, region: string): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': region,
    'AWS::AccountId': PLACEHOLDER_ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'SapPipeline',
  };
  if (name in pseudo) return pseudo[name]!;
  const resource = resources[name];
  if (!resource) throw new Error(`Ref to a resource not in the template: ${name}`);
  return REF_IS_ARN.has(resource.Type) ? arn(name, resources, region) : name.toLowerCase();
}

/** ARN service and resource prefix per type, as AWS writes them; other types get a generic shape. */
const ARN_SHAPES: Record<string, [service: string, prefix: string]> = {
  'AWS::Lambda::Function': ['lambda', 'function:'],
  'AWS::StepFunctions::StateMachine': ['states', 'stateMachine:'],
  'AWS::SNS::Topic': ['sns', ''],
  'AWS::SQS::Queue': ['sqs', ''],
  'AWS::DynamoDB::Table': ['dynamodb', 'table/'],
  'AWS::DynamoDB::GlobalTable': ['dynamodb', 'table/'],
};

/** A well-formed ARN for the resource, e.g. arn:aws:lambda:eu-west-1:123456789012:function:LogicalId. */
function arn(logicalId: string, resources: Resources, region: string): string {
  const type = resources[logicalId]?.Type;
  if (!type) throw new Error(`Fn::GetAtt of a resource not in the template: ${logicalId}`);
  // Bucket ARNs carry neither region nor account.
  if (type === 'AWS::S3::Bucket') return `arn:aws:s3:::${logicalId.toLowerCase()}`;
  const [, service, kind] = type.split('::') as [string, string, string];
  const [arnService, prefix] = ARN_SHAPES[type] ?? [service.toLowerCase(), `${kind.toLowerCase()}/`];
  return `arn:aws:${arnService}:${region}:${PLACEHOLDER_ACCOUNT}:${prefix}${logicalId}`;
}
