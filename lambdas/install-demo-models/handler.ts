import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GetObjectCommand, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import {
  DEMO_MODELS_DIR_ENV,
  planDemoCopy,
  type DemoModelCopy,
  type DemoModelsProperties,
} from '../../core/models/demo-copy';
import { s3 } from '../shared/aws-clients';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { perInvocation } from '../shared/per-invocation';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export const handler = perInvocation(installDemoModels);

/**
 * The demo-models custom resource (lib/constructs/demo-models.ts): on create and update, copies each demo
 * model from this function's layer into the models bucket at its version prefix, before CloudFormation
 * creates the SageMaker model. Delete does nothing: model versions are kept. CloudFormation invokes the
 * function asynchronously and waits for the answer at the event's presigned ResponseURL, so every path,
 * failures included, ends by sending one:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
async function installDemoModels(event: CloudFormationCustomResourceEvent): Promise<void> {
  const properties = event.ResourceProperties as unknown as DemoModelsProperties & { ServiceToken: string };
  const physicalResourceId =
    event.RequestType === 'Create' ? `demo-models:${properties.Bucket}` : event.PhysicalResourceId;
  let outcome: Pick<CloudFormationCustomResourceResponse, 'Status' | 'Reason' | 'Data'>;
  try {
    const outcomes =
      event.RequestType === 'Delete'
        ? []
        : await copyDemoModels(s3, properties, requiredEnv(DEMO_MODELS_DIR_ENV));
    outcome = { Status: 'SUCCESS', Data: Object.fromEntries(outcomes.map((o) => [o.kind, o.result])) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error('demo models not copied', { reason });
    outcome = { Status: 'FAILED', Reason: reason };
  }
  await respond(event, { ...outcome, PhysicalResourceId: physicalResourceId });
}

/** Copies every demo model of `properties` that its prefix lacks, from `dir`; says what it did for each. */
export async function copyDemoModels(
  client: S3Client,
  properties: DemoModelsProperties,
  dir: string,
): Promise<{ kind: string; result: string }[]> {
  const outcomes = [];
  for (const copy of properties.Copies) {
    const result = await copyDemoModel(client, properties.Bucket, copy, dir);
    logger.info('demo model', { kind: copy.kind, prefix: copy.prefix, result });
    outcomes.push({ kind: copy.kind, result });
  }
  return outcomes;
}

async function copyDemoModel(
  client: S3Client,
  bucket: string,
  copy: DemoModelCopy,
  dir: string,
): Promise<string> {
  const bodies = new Map<string, Buffer>();
  for (const name of copy.files) bodies.set(name, await readFile(path.join(dir, copy.source, name)));
  const demoFiles = new Map([...bodies].map(([name, body]) => [name, sha256(body)]));

  const existing = new Map<string, string | undefined>();
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: copy.prefix })) {
    for (const object of page.Contents ?? []) {
      const name = object.Key!.slice(copy.prefix.length);
      existing.set(
        name,
        demoFiles.has(name) ? sha256(await readObject(client, bucket, object.Key!)) : undefined,
      );
    }
  }

  const plan = planDemoCopy(demoFiles, existing);
  if (plan.action === 'keep') return `kept s3://${bucket}/${copy.prefix} as it is: ${plan.reason}`;
  for (const name of plan.files) {
    const key = copy.prefix + name;
    try {
      // Create only: S3 refuses the write if the key exists by now (412), so nothing is ever overwritten.
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bodies.get(name), IfNoneMatch: '*' }),
      );
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412)
        throw new Error(
          `s3://${bucket}/${key} was written by someone else during the copy; it was left as it is. Deploy again.`,
        );
      throw error;
    }
  }
  return plan.files.length === 0
    ? `s3://${bucket}/${copy.prefix} already holds the demo model`
    : `copied ${plan.files.join(', ')} to s3://${bucket}/${copy.prefix}`;
}

async function readObject(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return response.Body.transformToByteArray();
}

async function respond(
  event: CloudFormationCustomResourceEvent,
  outcome: Pick<CloudFormationCustomResourceResponse, 'Status' | 'Reason' | 'Data' | 'PhysicalResourceId'>,
): Promise<void> {
  const body: CloudFormationCustomResourceResponse = {
    ...outcome,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  } as CloudFormationCustomResourceResponse;
  // The presigned URL is signed without a content type: send none.
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'content-type': '' },
  });
  if (!response.ok) throw new Error(`CloudFormation refused the response: HTTP ${response.status}`);
}
