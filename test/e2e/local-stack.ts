/**
 * The end-to-end tests' harness: one local stack per test file (real handlers, real SDK clients, s3rver,
 * dynalite, the inference server on CPU), uploads as any S3 client makes them, and waiting for a run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { MANIFEST_FILE } from '../../core/ingest/manifest';
import { studyKeys } from '../../core/study/keys';
import { recordRunnerEvents } from '../../local/stack/progress';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack/stack';
import type { ExecutionRecord } from '../../local/stack/step-functions/service';

export interface E2eStack {
  stack: LocalStack;
  /** Uploads every file under incoming/{studyId}/, manifest.json last, and waits for the run it starts. */
  run(studyId: string, files: Record<string, Uint8Array>): Promise<ExecutionRecord>;
  /** The study's objects under `prefix` (e.g. incoming/{id}/): key → bytes. */
  objects(prefix: string): Promise<Map<string, Uint8Array>>;
  /** The studies table, read directly (not through the functions' clients). */
  studies: DynamoDBDocumentClient;
  close(): Promise<void>;
}

export async function startE2eStack(options: Omit<LocalStackOptions, 'dataDir'> = {}): Promise<E2eStack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sap-e2e-'));
  // The demo models (the default); one inference thread: test files run side by side on 2 cores.
  const stack = await startLocalStack({ dataDir, inferenceThreads: 1, ...options });
  const recorder = recordRunnerEvents(stack.stepFunctions);
  const studies = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: stack.s3.region,
      credentials: stack.s3.credentials,
    }),
  );
  const put = (key: string, body: Uint8Array) =>
    stack.s3Client.send(new PutObjectCommand({ Bucket: stack.s3.studiesBucket, Key: key, Body: body }));
  return {
    stack,
    async run(studyId, files) {
      const entries = Object.entries(files).filter(([name]) => name !== MANIFEST_FILE);
      for (const [name, body] of entries) await put(studyKeys.incomingPrefix(studyId) + name, body);
      await put(studyKeys.manifest(studyId), files[MANIFEST_FILE]!);
      const record = await recorder.ended(studyId);
      await stack.idle();
      return record;
    },
    async objects(prefix) {
      const listed = await stack.s3Client.send(
        new ListObjectsV2Command({ Bucket: stack.s3.studiesBucket, Prefix: prefix }),
      );
      const found = new Map<string, Uint8Array>();
      for (const { Key } of listed.Contents ?? []) {
        const object = await stack.s3Client.send(
          new GetObjectCommand({ Bucket: stack.s3.studiesBucket, Key }),
        );
        found.set(Key!, await object.Body!.transformToByteArray());
      }
      return found;
    },
    studies,
    async close() {
      recorder.dispose();
      studies.destroy();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
