import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { generatePhantom } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { handler as radiomics } from '../../lambdas/radiomics/handler';
import { workKeys } from '../../core/study/keys';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const WORK = workKeys(run).prefix;
const phantom = generatePhantom({ dims: [128, 128, 64], seed: 5 });

function serve(mask: Uint8Array): void {
  const objects: Record<string, Uint8Array> = {
    [`${WORK}volume.nii.gz`]: encodeNiftiGz(phantom.volume),
    [`${WORK}mask.nii.gz`]: encodeNiftiGz({ ...phantom.mask, data: mask }),
  };
  for (const [key, bytes] of Object.entries(objects)) {
    s3.on(GetObjectCommand, { Key: key }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
}

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  ddb.reset().onAnyCommand().resolves({});
});

describe('Radiomics handler', () => {
  it('moves the study to EXTRACTING and writes the features with the settings that made them', async () => {
    serve(phantom.mask.data);
    const next = await radiomics(run);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':status']).toBe(
      'EXTRACTING',
    );
    expect(next.artifacts.radiomics).toBe(`${WORK}radiomics.json`);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Key).toBe(`${WORK}radiomics.json`);
    const written = JSON.parse(String(put.Body)) as {
      features: Record<string, number>;
      settings: { profile: string };
      engine: { version: string };
    };
    expect(written.settings.profile).toBe('pancreas');
    expect(written.engine.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(written.features.morph_volume).toBeGreaterThan(10_000);
    expect(Object.values(written.features).every(Number.isFinite)).toBe(true);
  });

  it('fails an empty segmentation with MASK_EMPTY and writes nothing', async () => {
    serve(new Uint8Array(phantom.mask.data.length));
    await expect(radiomics(run)).rejects.toMatchObject({ name: 'MASK_EMPTY' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
