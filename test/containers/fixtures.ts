/**
 * What the inference container tests need: a real S3 protocol server, a model folder (the trained demo
 * models where they exist, else the tiny ONNX stand-ins of test/inference), and volumes written to S3 as the
 * Validate step writes them, or deliberately not.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NIFTI_DATATYPE_CODES, encodeNifti, encodeNiftiGz } from '../../core/imaging/nifti';
import { NIFTI1, NIFTI1_MIN_DATA_OFFSET } from '../../core/imaging/nifti/layout';
import type { Volume } from '../../core/imaging/volume';
import type { InferenceRequest } from '../../core/inference/request';
import { workKeys } from '../../core/study/keys';
import { startS3, type LocalS3 } from '../../local/stack/s3-server';
import { unetCard, writeModelDir } from '../inference/model-dir';

export const BUCKET = 'studies';
export const DEMO_MODEL_DIR = 'models/demo';
export const demoModelsPresent = ['unet', 'resnet'].every((m) =>
  existsSync(join(DEMO_MODEL_DIR, m, 'model-card.json')),
);

export interface S3Fixture {
  s3: S3Client;
  server: LocalS3;
  close(): Promise<void>;
}

/** s3rver on 127.0.0.1 with a fresh directory, and a client set up as ENVIRONMENT.md says it must be. */
export async function startS3Fixture(): Promise<S3Fixture> {
  const directory = await mkdtemp(join(tmpdir(), 'sap-s3-'));
  const server = await startS3({ directory, buckets: [BUCKET] });
  const s3 = s3ClientFor(server.endpoint);
  return {
    s3,
    server,
    close: async () => {
      s3.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export function s3ClientFor(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The artifact keys of a study's one run in these tests. */
export const keysOf = (studyId: string) => workKeys({ studyId, manifestVersion: 'test-upload' });

export function requestFor(studyId: string): InferenceRequest {
  const keys = keysOf(studyId);
  return {
    studyId,
    bucket: BUCKET,
    volumeKey: keys.volume,
    maskKey: keys.mask,
    inferenceKey: keys.inference,
  };
}

export async function putObject(s3: S3Client, key: string, body: Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** The volume as Validate writes it: int16 HU NIfTI-1, gzip. */
export async function putVolume(s3: S3Client, studyId: string, volume: Volume): Promise<void> {
  await putObject(s3, keysOf(studyId).volume, encodeNiftiGz(volume));
}

/** The same grid stored as float32 (what a careless export writes), gzip. */
export function float32NiftiGz(volume: Volume): Uint8Array {
  const header = encodeNifti(volume).subarray(0, NIFTI1_MIN_DATA_OFFSET);
  const file = new Uint8Array(NIFTI1_MIN_DATA_OFFSET + volume.data.length * 4);
  file.set(header);
  const view = new DataView(file.buffer);
  view.setInt16(NIFTI1.datatype, NIFTI_DATATYPE_CODES.float32, true);
  view.setInt16(NIFTI1.bitpix, 32, true);
  const values = Float32Array.from(volume.data);
  file.set(new Uint8Array(values.buffer), NIFTI1_MIN_DATA_OFFSET);
  return gzipSync(file);
}

/** Temporary folders made here, for `removeTemporaryDirs` to delete. */
const temporaryDirs: string[] = [];

function remember(dir: string): string {
  temporaryDirs.push(dir);
  return dir;
}

export async function removeTemporaryDirs(): Promise<void> {
  const dirs = temporaryDirs.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Tiny stand-in models with valid cards (test/inference/model-dir.ts): quick, and not a pancreas model. */
export async function tinyModelDir(): Promise<string> {
  return remember(await writeModelDir());
}

/** A model folder whose U-Net "ONNX" file is text, with a card that matches its sha256. */
export async function brokenModelDir(): Promise<string> {
  return remember(await writeModelDir(unetCard({}, new TextEncoder().encode('this is not an ONNX model\n'))));
}
