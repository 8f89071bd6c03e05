import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { workKeys } from '../../core/study/keys';
import { INFERENCE_STUDY_OBJECTS } from '../../lib/constructs/inference-endpoint';
import { synthApp } from '../support/synth';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const UPLOADER = 'arn:aws:iam::123456789012:role/hospital/ris-uploader';
const PARTNER_ACCOUNT = 'arn:aws:iam::210987654321:root';

let resources: Resources;
/** Logical id → a readable name: `<studies>`, `<models>`, `<key>`, else the id in brackets. */
let names: Map<string, string>;

beforeAll(() => {
  // One synth for the file: a stack with callers configured (a role with a path, and a partner account).
  const { stacks } = synthApp({ apiPrincipals: `${UPLOADER},${PARTNER_ACCOUNT}` });
  resources = Template.fromStack(stacks[0]!).toJSON().Resources as Resources;
  names = new Map(
    Object.entries(resources).flatMap(([id, r]) => {
      if (r.Type === 'AWS::S3::Bucket' && id.includes('StudiesBucket')) return [[id, '<studies>']];
      if (r.Type === 'AWS::S3::Bucket' && id.includes('ModelsBucket')) return [[id, '<models>']];
      if (r.Type === 'AWS::KMS::Key') return [[id, '<key>']];
      return [];
    }),
  );
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actions = (s: Statement) => [s.Action].flat();

/** A CloudFormation value as text: references to buckets and the key by their readable names. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(render).join('');
  const object = value as Record<string, unknown>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  if ('Fn::GetAtt' in object) {
    const [id] = object['Fn::GetAtt'] as [string];
    return names.get(id) ?? `<${id}>`;
  }
  if ('Ref' in object) return names.get(object.Ref as string) ?? `<${String(object.Ref)}>`;
  return JSON.stringify(value);
}
const resourcesOf = (s: Statement) => [s.Resource].flat().map(render);

/** An IAM ARN pattern (`*` spans anything, `/` included) as a regular expression. */
const iamPattern = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

describe('the results API admits only IAM-signed requests from the configured principals', () => {
  it('requires AWS_IAM on every method, with no authorizer, API key or unauthenticated OPTIONS', () => {
    const methods = ofType('AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThanOrEqual(3);
    for (const [id, method] of methods) {
      expect(method.Properties.AuthorizationType, id).toBe('AWS_IAM');
      expect(method.Properties.ApiKeyRequired ?? false, id).toBe(false);
      expect(method.Properties.HttpMethod, id).not.toMatch(/^(OPTIONS|ANY)$/);
    }
    expect(ofType('AWS::ApiGateway::Authorizer')).toEqual([]);
    expect(ofType('AWS::ApiGateway::ApiKey')).toEqual([]);
  });

  it('allows execute-api:Invoke only to the configured principals', () => {
    const [[, api]] = ofType('AWS::ApiGateway::RestApi') as [[string, Resources[string]]];
    const statements = (api.Properties.Policy as { Statement: Statement[] }).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(actions(allows[0]!)).toEqual(['execute-api:Invoke']);
    expect([(allows[0]!.Principal as { AWS: string | string[] }).AWS].flat().sort()).toEqual(
      [UPLOADER, PARTNER_ACCOUNT].sort(),
    );
  });

  it('denies every other caller, including identities of the same account that an IAM policy admits', () => {
    const [[, api]] = ofType('AWS::ApiGateway::RestApi') as [[string, Resources[string]]];
    const statements = (api.Properties.Policy as { Statement: Statement[] }).Statement;
    const denies = statements.filter((s) => s.Effect === 'Deny');
    expect(denies).toHaveLength(1);
    const deny = denies[0]!;
    expect(deny.Principal).toEqual({ AWS: '*' });
    expect(actions(deny)).toEqual(['execute-api:Invoke']);
    expect(resourcesOf(deny)).toEqual(resourcesOf(statements.find((s) => s.Effect === 'Allow')!));
    // Both conditions must hold for the deny: not the listed role (by ARN) and not the listed account.
    expect(deny.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': [UPLOADER] },
      StringNotEquals: { 'aws:PrincipalAccount': ['210987654321'] },
    });
  });
});

describe("the inference endpoint's role reads only each run's inputs and writes only its outputs", () => {
  let statements: Statement[];
  beforeAll(() => {
    const [[roleId]] = ofType('AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('sagemaker.amazonaws.com'),
    ) as [[string, unknown]];
    statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements.length).toBeGreaterThan(0);
  });

  const s3Statements = (action: string) => statements.filter((s) => actions(s).includes(action));
  const s3Resources = (action: string) => s3Statements(action).flatMap(resourcesOf).sort();

  it('uses no S3 action but GetObject, PutObject and ListBucket, and never deletes', () => {
    const s3Actions = new Set(statements.flatMap(actions).filter((a) => a.startsWith('s3:')));
    expect([...s3Actions].sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it("reads each run's inference request and volume, and the two model versions' files", () => {
    expect(s3Resources('s3:GetObject')).toEqual(
      [
        '<studies>/work/*/v-*/inference-request.json',
        '<studies>/work/*/v-*/volume.nii.gz',
        '<models>/models/unet/1/*',
        '<models>/models/resnet/1/*',
      ].sort(),
    );
  });

  it("writes each run's mask and inference.json, and the endpoint's own output", () => {
    expect(s3Resources('s3:PutObject')).toEqual(
      [
        '<studies>/work/*/v-*/mask.nii.gz',
        '<studies>/work/*/v-*/inference.json',
        '<studies>/inference-output/*',
      ].sort(),
    );
  });

  it('lists only the model prefixes of the models bucket', () => {
    const [list, ...more] = s3Statements('s3:ListBucket');
    expect(more).toEqual([]);
    expect(resourcesOf(list!)).toEqual(['<models>']);
    expect(list!.Condition).toEqual({
      StringLike: { 's3:prefix': ['models/unet/1/*', 'models/resnet/1/*'] },
    });
  });

  it('touches no upload, result or rejection, and no other run artifact', () => {
    const granted = statements.flatMap(resourcesOf).filter((r) => r.startsWith('<studies>'));
    for (const area of ['incoming/', 'results/', 'rejected/'])
      expect(
        granted.filter((r) => r.includes(area)),
        area,
      ).toEqual([]);
    const run = workKeys({ studyId: 'study-1', manifestVersion: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' });
    const matches = (key: string) =>
      [...INFERENCE_STUDY_OBJECTS.reads, ...INFERENCE_STUDY_OBJECTS.writes].some((p) =>
        iamPattern(p).test(key),
      );
    // The patterns name exactly the run's four endpoint artifacts, as workKeys lays them out.
    for (const key of [run.inferenceRequest, run.volume, run.mask, run.inference])
      expect(matches(key), key).toBe(true);
    for (const key of [run.clinical, run.radiomics, run.validation, 'incoming/study-1/clinical.json'])
      expect(matches(key), key).toBe(false);
  });

  it('uses the key only to decrypt and to make data keys', () => {
    const kms = statements.filter((s) => actions(s).some((a) => a.startsWith('kms:')));
    for (const statement of kms) {
      expect(resourcesOf(statement)).toEqual(['<key>']);
      for (const action of actions(statement)) expect(action).toMatch(/^kms:(Decrypt|GenerateDataKey\*?)$/);
    }
  });
});

describe("StartStudy's role allows what the function calls, and no more on the table", () => {
  let statements: Statement[];
  beforeAll(() => {
    const [, fn] = ofType('AWS::Lambda::Function').find(([id]) => id.includes('StartStudy'))!;
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  });
  const allows = (action: string) =>
    statements.filter((s) => s.Effect === 'Allow' && actions(s).includes(action)).flatMap(resourcesOf);

  it('reads the study record after a failed conditional put (GetItem), besides PutItem', () => {
    const [[table]] = ofType('AWS::DynamoDB::GlobalTable') as [[string, unknown]];
    expect(allows('dynamodb:PutItem')).toContain(`<${table}>`);
    expect(allows('dynamodb:GetItem')).toContain(`<${table}>`);
    expect(statements.flatMap(actions).filter((a) => a.startsWith('dynamodb:') && a.includes('*'))).toEqual(
      [],
    );
  });

  it('heads the manifest (s3:GetObject on incoming/*/manifest.json) to start only its current version', () => {
    const keys = allows('s3:GetObject*').filter((r) => r.startsWith('<studies>/'));
    expect(keys).toEqual(['<studies>/incoming/*/manifest.json']);
    expect(iamPattern(keys[0]!).test('<studies>/incoming/study-1/manifest.json')).toBe(true);
    expect(iamPattern(keys[0]!).test('<studies>/incoming/study-1/clinical.json')).toBe(false);
  });
});
