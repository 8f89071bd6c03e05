import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { generatePhantom, phantomStudyFiles, type PhantomOptions } from '../../core/phantom';

/**
 * The bundled sample: a synthetic CT phantom of necrotising pancreatitis with a pleural effusion and its
 * admission record, generated the same way every time (the seed fixes every voxel and value). The grid is
 * a typical abdominal CT's field of view at 1.5625 mm × 1.5625 mm × 5 mm, which validation accepts.
 */
export const SAMPLE_PHANTOM: PhantomOptions & { seed: number; dims: [number, number, number] } = {
  seed: 42,
  dims: [256, 256, 56],
  variant: ['necrotising', 'pleural-effusion'],
};

export interface SampleStudy {
  folder: string;
  files: number;
  bytes: number;
  description: string;
}

/** Writes the sample study folder (clinical.json, image/ct.nii.gz, manifest.json) into `folder`. */
export async function writeSampleStudy(folder: string): Promise<SampleStudy> {
  const phantom = generatePhantom(SAMPLE_PHANTOM);
  const files = phantomStudyFiles(phantom, 'nifti');
  await writeStudyFolder(folder, files);
  const [i, j, k] = SAMPLE_PHANTOM.dims;
  return {
    folder,
    files: Object.keys(files).length,
    bytes: Object.values(files).reduce((sum, b) => sum + b.byteLength, 0),
    description: `synthetic phantom, seed ${SAMPLE_PHANTOM.seed}, ${i}×${j}×${k} NIfTI`,
  };
}

/** A fresh folder: what an earlier run left there is replaced. */
async function writeStudyFolder(folder: string, files: Record<string, Uint8Array>): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  for (const [relative, bytes] of Object.entries(files)) {
    const target = path.join(folder, ...relative.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
}
