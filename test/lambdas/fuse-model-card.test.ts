import { readFileSync } from 'node:fs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import type { StudyRun } from '../../core/pipeline/run';
import { handler as fuse } from '../../lambdas/fuse/handler';

vi.hoisted(() => {
  Object.assign(process.env, { MODELS_BUCKET: 'models', XGBOOST_MODEL_PREFIX: 'models/xgboost/site-1/' });
});

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const demo = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../../models/demo/${file}`, import.meta.url)));
const serve = (key: string, bytes: Uint8Array) =>
  s3.on(GetObjectCommand, { Bucket: 'models', Key: key }).resolves({
    Body: { transformToByteArray: async () => bytes } as never,
  });

describe('Fuse with a card whose path names nothing', () => {
  it('fails the study with MODEL_CARD_INVALID, naming the card and the path, and scores nothing', async () => {
    const card = JSON.parse(new TextDecoder().decode(demo('model-card.json'))) as {
      features: { path: string }[];
    };
    card.features[3]!.path = 'admission.triglyceride';
    serve('models/xgboost/site-1/model-card.json', new TextEncoder().encode(JSON.stringify(card)));
    serve('models/xgboost/site-1/model.ubj', demo('model.ubj'));
    ddb.onAnyCommand().resolves({});
    const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };

    await expect(fuse(run)).rejects.toMatchObject({
      name: 'MODEL_CARD_INVALID',
      message: expect.stringMatching(
        /^s3:\/\/models\/models\/xgboost\/site-1\/model-card\.json is not a usable fusion model card: .*"admission\.triglyceride".*did you mean "admission\.triglycerides"\?/,
      ) as string,
    });
    const statuses = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':status']);
    expect(statuses).not.toContain('COMPLETED');
  });
});
