import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeNifti, encodeNiftiGz } from '../../core/imaging/nifti';
import type { Volume } from '../../core/imaging/volume';
import { buildManifest } from '../../core/ingest/manifest';

/** A study folder in memory: relative path → bytes. */
export type StudyFiles = Record<string, Uint8Array>;

const encoder = new TextEncoder();
export const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value, null, 2));

export const VALID_CLINICAL: unknown = JSON.parse(
  readFileSync(new URL('../fixtures/ingest/clinical/valid.si.json', import.meta.url), 'utf8'),
);

/** A small CT-like volume that passes every check: air around a soft-tissue block, 1 × 1 × 2.5 mm. */
export function smallCtVolume(dims: [number, number, number] = [24, 24, 20]): Volume {
  const [ni, nj, nk] = dims;
  const data = new Int16Array(ni * nj * nk).fill(-1000);
  for (let k = 0; k < nk; k++)
    for (let j = 4; j < nj - 4; j++)
      for (let i = 4; i < ni - 4; i++) data[i + ni * (j + nj * k)] = 40 + ((i + j + k) % 7);
  return {
    dims,
    spacing: [1, 1, 2.5],
    affine: [1, 0, 0, -12, 0, 1, 0, -12, 0, 0, 2.5, -25, 0, 0, 0, 1],
    data,
  };
}

export const smallCtNifti = (gzip = true): Uint8Array =>
  gzip ? encodeNiftiGz(smallCtVolume()) : encodeNifti(smallCtVolume());

/** The manifest a careful uploader writes for these files: every file with its size and sha256. */
export const manifestFor = (files: StudyFiles, studyId = 'bad-input'): Uint8Array =>
  json(buildManifest(files, studyId));

/** clinical.json + the given image files + their manifest, unless the case replaces one of them. */
export function study(
  image: StudyFiles,
  overrides: { clinical?: Uint8Array; manifest?: Uint8Array | null; studyId?: string } = {},
): StudyFiles {
  const files: StudyFiles = { 'clinical.json': overrides.clinical ?? json(VALID_CLINICAL), ...image };
  if (overrides.manifest === null) return files;
  return { ...files, 'manifest.json': overrides.manifest ?? manifestFor(files, overrides.studyId) };
}

export async function writeStudy(root: string, files: StudyFiles): Promise<void> {
  for (const [relative, bytes] of Object.entries(files)) {
    const target = path.join(root, ...relative.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
}
