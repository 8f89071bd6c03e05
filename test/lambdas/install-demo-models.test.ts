import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_MODELS_DIR_ENV, type DemoModelsProperties } from '../../core/models/demo-copy';
import { handler } from '../../lambdas/install-demo-models/handler';

vi.hoisted(() => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  delete process.env.SAP_LOCAL_S3;
});

const s3 = mockClient(S3Client);
const BUCKET = 'sap-models-test';
const PREFIX = 'models/unet/1/';
const CARD = Buffer.from('{"file":"model.onnx"}');
const ONNX = Buffer.from('onnx bytes');
const properties: DemoModelsProperties = {
  Bucket: BUCKET,
  Copies: [{ kind: 'unet', source: 'unet/', prefix: PREFIX, files: ['model-card.json', 'model.onnx'] }],
  Digest: 'd',
};

let dir: string;
let server: Server;
let responses: { contentType: string | undefined; body: Record<string, unknown> }[];
let responseUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sap-demo-models-'));
  await mkdir(path.join(dir, 'unet'));
  await writeFile(path.join(dir, 'unet/model-card.json'), CARD);
  await writeFile(path.join(dir, 'unet/model.onnx'), ONNX);
  process.env[DEMO_MODELS_DIR_ENV] = dir;
  // Stands in for CloudFormation's presigned response URL: records what the function PUTs there.
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      responses.push({
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      response.end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=x`;
});
afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

/** What the bucket holds under the prefix: name → bytes. */
function bucketHolds(objects: Record<string, Buffer>): void {
  s3.on(ListObjectsV2Command).resolves({
    Contents: Object.keys(objects).map((name) => ({ Key: PREFIX + name })),
  });
  for (const [name, bytes] of Object.entries(objects)) {
    s3.on(GetObjectCommand, { Key: PREFIX + name }).resolves({
      Body: { transformToByteArray: () => Promise.resolve(new Uint8Array(bytes)) } as never,
    });
  }
}

const event = (requestType: 'Create' | 'Update' | 'Delete') =>
  ({
    RequestType: requestType,
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/SapPipeline-eu-west-1/1',
    RequestId: 'request-1',
    LogicalResourceId: 'DemoModelsCopy',
    ResourceType: 'Custom::SapDemoModels',
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:copier',
    ResourceProperties: { ServiceToken: 'arn', ...properties },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: `demo-models:${BUCKET}` }),
  }) as unknown as CloudFormationCustomResourceEvent;

const puts = () =>
  s3.commandCalls(PutObjectCommand).map((call) => ({
    key: call.args[0].input.Key,
    ifNoneMatch: call.args[0].input.IfNoneMatch,
    sha: createHash('sha256')
      .update(call.args[0].input.Body as Buffer)
      .digest('hex'),
  }));
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  responses = [];
});

describe('demo-models custom resource', () => {
  it('creates each file of an empty prefix, create-only, and answers CloudFormation', async () => {
    bucketHolds({});
    await handler(event('Create'));
    expect(puts()).toEqual([
      { key: `${PREFIX}model-card.json`, ifNoneMatch: '*', sha: sha(CARD) },
      { key: `${PREFIX}model.onnx`, ifNoneMatch: '*', sha: sha(ONNX) },
    ]);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.contentType).toBe('');
    expect(responses[0]!.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `demo-models:${BUCKET}`,
      RequestId: 'request-1',
      LogicalResourceId: 'DemoModelsCopy',
    });
  });

  it('adds only the missing file after an interrupted copy, and nothing once complete', async () => {
    bucketHolds({ 'model-card.json': CARD });
    await handler(event('Update'));
    expect(puts().map((p) => p.key)).toEqual([`${PREFIX}model.onnx`]);

    s3.reset();
    bucketHolds({ 'model-card.json': CARD, 'model.onnx': ONNX });
    await handler(event('Update'));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(responses.map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
  });

  it('leaves a prefix that holds another model version exactly as it is', async () => {
    bucketHolds({ 'model-card.json': Buffer.from('{"file":"hospital.onnx"}') });
    await handler(event('Create'));
    bucketHolds({ 'hospital.onnx': Buffer.from('theirs') });
    await handler(event('Create'));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(responses.map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(String((responses[0]!.body.Data as Record<string, string>).unet)).toMatch(/^kept .*differs/);
  });

  it('fails the deploy, overwriting nothing, when a file appears during the copy', async () => {
    bucketHolds({});
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    await handler(event('Create'));
    expect(puts()).toHaveLength(1);
    expect(responses[0]!.body).toMatchObject({ Status: 'FAILED' });
    expect(String(responses[0]!.body.Reason)).toMatch(/written by someone else during the copy/);
  });

  it('deletes nothing when the resource is deleted', async () => {
    await handler(event('Delete'));
    expect(s3.calls()).toHaveLength(0);
    expect(responses[0]!.body).toMatchObject({ Status: 'SUCCESS' });
  });
});
