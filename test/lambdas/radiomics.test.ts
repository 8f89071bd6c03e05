import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeNifti, encodeNiftiGz } from '../../core/imaging/nifti';
import { isRejection } from '../../core/pipeline/failure-kind';
import { FUNCTIONS } from '../../core/pipeline/functions';
import { generatePhantom } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { handler as radiomics } from '../../lambdas/radiomics/handler';
import { workKeys } from '../../core/study/keys';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const WORK = workKeys(run).prefix;
const phantom = generatePhantom({ dims: [128, 128, 64], seed: 5 });

function serve(mask: Uint8Array, volume = encodeNiftiGz(phantom.volume)): void {
  const objects: Record<string, Uint8Array> = {
    [`${WORK}volume.nii.gz`]: volume,
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
afterEach(() => {
  delete process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
});

/**
 * A .nii.gz whose header declares `dims` but that holds only the phantom's voxels: decoding it fails
 * (NIFTI_TRUNCATED), so a check that answers first has read the header only.
 */
function headerDeclaring(dims: [number, number, number]): Uint8Array {
  const bytes = encodeNifti(phantom.volume);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  dims.forEach((size, axis) => view.setInt16(42 + 2 * axis, size, true)); // NIfTI-1 dim[1..3]
  return gzipSync(bytes);
}

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

  // Lambda sets AWS_LAMBDA_FUNCTION_MEMORY_SIZE in every function
  // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
  it("refuses a volume too large for the function's memory with STUDY_TOO_LARGE, from its header alone", async () => {
    process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = String(FUNCTIONS.Radiomics.memoryMb);
    serve(phantom.mask.data, headerDeclaring([1024, 1024, 500]));
    const refused = radiomics(run);
    await expect(refused).rejects.toMatchObject({ name: 'STUDY_TOO_LARGE' });
    const { message } = (await refused.catch((e: unknown) => e)) as Error;
    expect(message).toContain('1024×1024×500 (524,288,000 voxels)');
    expect(message).toMatch(/needs an estimated 7160 MB and this function has 3008 MB/);
    expect(message).toContain('imageMemoryMb=7168');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    // The deployment's limit, for an operator to raise: a system failure (alarmed), not a rejection.
    expect(isRejection({ code: 'STUDY_TOO_LARGE' })).toBe(false);
  });

  it('checks against the memory Lambda reports, and not at all when called outside Lambda', async () => {
    process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = '128';
    serve(phantom.mask.data);
    await expect(radiomics(run)).rejects.toThrow(
      /128×128×64 \(1,048,576 voxels\): Radiomics needs an estimated 174 MB and this function has 128 MB/,
    );
    process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = String(FUNCTIONS.Radiomics.memoryMb);
    await expect(radiomics(run)).resolves.toMatchObject({
      artifacts: { radiomics: `${WORK}radiomics.json` },
    });
    delete process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
    serve(phantom.mask.data, headerDeclaring([1024, 1024, 500]));
    await expect(radiomics(run)).rejects.toMatchObject({ name: 'ARTIFACT_CORRUPT' });
  });

  it('fails an empty segmentation with MASK_EMPTY and writes nothing', async () => {
    serve(new Uint8Array(phantom.mask.data.length));
    await expect(radiomics(run)).rejects.toMatchObject({ name: 'MASK_EMPTY' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
