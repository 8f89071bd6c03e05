/**
 * Builds a pancreas DICOM SEG the way the pipeline does (source series read and normalised as Validate
 * does, SEG built as Fuse does) and lays out what scripts/dicom-seg/check-seg.py needs to check it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildPancreasSegmentation } from '../../core/dicom-seg';
import {
  inCanonicalSliceOrder,
  isDicomSourceRecord,
  readDicomSeries,
  type DicomFile,
  type DicomSourceRecord,
} from '../../core/imaging/dicom';
import { toCanonicalOrientation, type VoxelGrid } from '../../core/imaging/orientation';
import type { Volume } from '../../core/imaging/volume';

export const SYSTEM_PYTHON = '/usr/bin/python3';
export const CHECK_SEG = new URL('../../scripts/dicom-seg/check-seg.py', import.meta.url).pathname;

/** Why the pydicom checks cannot run here, or undefined when they can. */
export function pydicomMissing(): string | undefined {
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import pydicom, numpy'], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : `${SYSTEM_PYTHON} cannot import pydicom and numpy (apt-get install python3-pydicom): SEG checks skipped`;
}

export const UNET = { name: 'pancreas-unet', version: '1.2.0', sha256: 'ab'.repeat(32) };

/** The normalised volume and the source record of a series, as Validate makes them. */
export function normalisedSeries(files: DicomFile[]): { volume: Volume; source: DicomSourceRecord } {
  const read = readDicomSeries(files);
  const volume = toCanonicalOrientation(read.volume);
  if (!isDicomSourceRecord(read.source)) throw new Error(read.source.reason);
  const source = inCanonicalSliceOrder(read.source, read.volume.affine, volume.affine);
  if (!isDicomSourceRecord(source)) throw new Error(source.reason);
  return { volume, source };
}

/** A mask on the volume's grid from a voxel predicate. */
export function maskOf(volume: Volume, inside: (i: number, j: number, k: number) => boolean) {
  const [nx, ny, nz] = volume.dims;
  const data = new Uint8Array(nx * ny * nz);
  for (let k = 0, n = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, n++) data[n] = inside(i, j, k) ? 1 : 0;
  return { dims: volume.dims, affine: volume.affine, data };
}

export interface CheckedSeg {
  status: number | null;
  stdout: string;
  stderr: string;
  summary?: { frames: number; maskVoxels: number; segPixels: number; identification: Record<string, string> };
}

/** Writes the source files, the mask and the SEG under `folder` and runs check-seg.py on them. */
export function checkWithPydicom(
  folder: string,
  files: DicomFile[],
  mask: VoxelGrid<Uint8Array>,
  seg: Uint8Array,
): CheckedSeg {
  const sourceDir = path.join(folder, 'source');
  mkdirSync(sourceDir, { recursive: true });
  files.forEach((f, n) => writeFileSync(path.join(sourceDir, `${n}.dcm`), f.bytes));
  writeFileSync(path.join(folder, 'mask.raw'), mask.data);
  writeFileSync(path.join(folder, 'mask.json'), JSON.stringify({ dims: mask.dims, affine: mask.affine }));
  writeFileSync(path.join(folder, 'seg.dcm'), seg);
  const run = spawnSync(
    SYSTEM_PYTHON,
    [
      CHECK_SEG,
      path.join(folder, 'seg.dcm'),
      sourceDir,
      path.join(folder, 'mask.raw'),
      path.join(folder, 'mask.json'),
    ],
    { encoding: 'utf8' },
  );
  const summary = run.status === 0 ? (JSON.parse(run.stdout) as CheckedSeg['summary']) : undefined;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, summary };
}

export function segOf(mask: VoxelGrid<Uint8Array>, source: DicomSourceRecord): Uint8Array {
  return buildPancreasSegmentation({
    mask,
    source,
    model: UNET,
    instanceName: 'study-1/manifest-v1',
    createdAt: new Date('2026-12-06T21:00:00Z'),
  });
}
