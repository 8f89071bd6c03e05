import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../core/input/limits';
import { readOptions } from '../../lib/config';
import { main } from '../../cli/main';
import { startFakeResultsApi } from '../local/fake-results-api';
import { sharedSynth, synthApp } from '../support/synth';
import { missingPublishPermissions, topicPublishers, type Resource } from '../support/topic-publishers';
import { bodySizeBlock } from '../support/waf-body-size';

// AWS constraints that no local run meets, checked on the synthesized template: each test names the
// documentation of the behaviour it guards.

type Resources = Record<string, Resource & { DeletionPolicy?: string }>;
let resources: Resources;

const synthResources = (context: Record<string, unknown> = {}): Resources =>
  Template.fromStack(synthApp(context).stacks[0]!).toJSON().Resources as Resources;

beforeAll(() => {
  resources = Template.fromStack(sharedSynth().stacks[0]!).toJSON().Resources as Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('retained resources with fixed names', () => {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html:
  // resource names must be unique among active stacks; and
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html:
  // Retain (and RetainExceptOnCreate, after a successful create) keeps the resource when the stack goes.
  // A retained resource with a fixed name then makes every later create fail with "already exists".
  it('every retained resource is named by CloudFormation or with a part unique to the stack creation', () => {
    const nameProperties = (type: string) => {
      const short = type.split('::').pop()!;
      return ['Name', `${short}Name`, ...(type === 'AWS::DynamoDB::GlobalTable' ? ['TableName'] : [])];
    };
    const fixed = Object.entries(resources).flatMap(([id, r]) => {
      if (r.DeletionPolicy !== 'Retain' && r.DeletionPolicy !== 'RetainExceptOnCreate') return [];
      return (
        nameProperties(r.Type)
          .filter((p) => r.Properties?.[p] !== undefined)
          // AWS::StackId is the one value that differs between two creations of the same stack.
          .filter((p) => !JSON.stringify(r.Properties![p]).includes('"Ref":"AWS::StackId"'))
          .map((p) => `${id} (${r.Type}, ${r.DeletionPolicy}): ${p} ${JSON.stringify(r.Properties![p])}`)
      );
    });
    expect(fixed).toEqual([]);
  });
});

describe('WAF body size vs the largest manifest sap submit sends', () => {
  let folder: string;
  let body: Buffer;

  // The largest listing POST /studies accepts: clinical.json and LIMITS.maxFiles DICOM files named by
  // 64-character SOP instance UIDs, as PACS exports often are.
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'sap-waf-'));
    await mkdir(path.join(folder, 'image'));
    await writeFile(path.join(folder, 'clinical.json'), '{}');
    const uids = Array.from(
      { length: LIMITS.maxFiles },
      (_, n) => `1.2.826.0.1.3680043.8.498.${String(n).padStart(37, '0')}`,
    );
    await Promise.all(uids.map((uid) => writeFile(path.join(folder, 'image', `${uid}.dcm`), 'x')));
    const api = await startFakeResultsApi();
    // Refusing the plan stops sap submit before any upload: only its POST /studies body is wanted.
    api.answerCreateWith({ status: 400, body: { error: 'INVALID_BODY', message: 'recorded' } });
    try {
      const errors: string[] = [];
      await main(['submit', folder, '--endpoint', api.apiUrl], { out: () => {}, err: (t) => errors.push(t) });
      const post = api.requests.find((r) => r.method === 'POST' && r.path === '/v1/studies');
      if (!post) throw new Error(`sap submit sent no POST /studies: ${errors.join('\n')}`);
      body = post.body;
    } finally {
      await api.close();
    }
  }, 60_000);

  afterAll(() => rm(folder, { recursive: true, force: true }));

  // https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html (the core
  // rule set's SizeRestrictions_BODY blocks bodies over 8 KB) and
  // https://docs.aws.amazon.com/waf/latest/developerguide/waf-oversize-request-components.html (API Gateway
  // forwards the first 16 KB; oversize handling decides the rest).
  it('no rule blocks POST /studies with that body for its size; other routes keep the 8 KB limit', () => {
    const [[, acl]] = ofType('AWS::WAFv2::WebACL') as [[string, Resource]];
    const files = (JSON.parse(body.toString()) as { files: unknown[] }).files;
    expect(files).toHaveLength(LIMITS.maxFiles + 1);
    expect(body.byteLength).toBeGreaterThan(16 * 1024);
    for (const uriPath of ['/v1/studies', '/studies'])
      expect(bodySizeBlock(acl.Properties!, { method: 'POST', uriPath, bodyBytes: body.byteLength })).toBe(
        undefined,
      );
    expect(
      bodySizeBlock(acl.Properties!, { method: 'POST', uriPath: '/v1/studies/s1/rescore', bodyBytes: 9000 }),
    ).toBe('BodySizeOutsideUploads');
  });
});

describe('a publish allowance for the service on every alarm topic', () => {
  // https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html: a service principal such as
  // cloudwatch.amazonaws.com publishes only where the topic policy allows it (with aws:SourceAccount or
  // aws:SourceArn against the confused deputy). SageMaker publishes async inference notifications with
  // the endpoint's execution role
  // (https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-create-endpoint-prerequisites.html),
  // whose identity policy suffices in the same account
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
  it('every topic an alarm or an AWS service publishes to lets that publisher publish', () => {
    const publishers = topicPublishers(resources);
    expect(publishers.filter((p) => p.service === 'cloudwatch.amazonaws.com').length).toBeGreaterThan(0);
    expect(publishers.filter((p) => p.role).length).toBeGreaterThan(0);
    const refused = publishers.flatMap((p) =>
      missingPublishPermissions(resources, p).map((why) => `${p.source} → ${p.topic}: ${why}`),
    );
    expect([...new Set(refused)]).toEqual([]);
  });
});

describe('the Lambda memory default', () => {
  // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: new accounts have reduced
  // memory quotas; 3,008 MB is what a new account may give one function until the quota is raised.
  const NEW_ACCOUNT_MEMORY_MB = 3008;
  const memoryOf = (r: Resource) => (r.Properties?.MemorySize as number | undefined) ?? 128;
  const readsVolume = (id: string) => /^Workflow(Radiomics|Fuse)Function[0-9A-F]{8}$/.test(id);

  it('every function fits a new account by default; -c imageMemoryMb raises Radiomics and Fuse', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.filter(([id]) => readsVolume(id))).toHaveLength(2);
    const over = functions.filter(([, r]) => memoryOf(r) > NEW_ACCOUNT_MEMORY_MB);
    expect(over.map(([id, r]) => `${id}: ${memoryOf(r)} MB`)).toEqual([]);

    const raised = Object.entries(synthResources({ imageMemoryMb: '4096' })).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function',
    );
    expect(
      raised.filter(([, r]) => memoryOf(r) > NEW_ACCOUNT_MEMORY_MB).map(([id, r]) => [id, memoryOf(r)]),
    ).toEqual(functions.filter(([id]) => readsVolume(id)).map(([id]) => [id, 4096]));
  });

  it('refuses a memory size Lambda does not accept', () => {
    for (const value of ['127', '10241', '2048.5'])
      expect(() => readOptions((name) => (name === 'imageMemoryMb' ? value : undefined))).toThrow(
        /-c imageMemoryMb/,
      );
  });
});
