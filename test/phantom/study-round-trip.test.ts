import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSource } from '../../core/ingest/folder-source';
import { validateStudy } from '../../core/ingest/validate-study';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { writeStudy } from '../bad-inputs/study-builder';

const bytesOf = (data: Int16Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-phantom-study-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('phantom studies through validation', () => {
  const phantom = generatePhantom({
    dims: [256, 256, 48],
    seed: 7,
    variant: ['necrotising', 'pleural-effusion'],
  });

  const validated = async (format: 'nifti' | 'dicom') => {
    const folder = path.join(root, format);
    await writeStudy(folder, phantomStudyFiles(phantom, format, 'phantom-7'));
    return validateStudy(folderSource(folder), 'phantom-7');
  };

  it('gives the same canonical volume whether written as NIfTI or as a DICOM series', async () => {
    const nifti = await validated('nifti');
    const dicom = await validated('dicom');
    expect(nifti.report.errors).toEqual([]);
    expect(dicom.report.errors).toEqual([]);
    expect(dicom.report.volume?.series?.sliceCount).toBe(48);
    expect(dicom.volume!.dims).toEqual(phantom.volume.dims);
    expect(nifti.volume!.dims).toEqual(phantom.volume.dims);
    expect(bytesOf(dicom.volume!.data).equals(bytesOf(phantom.volume.data))).toBe(true);
    expect(bytesOf(nifti.volume!.data).equals(bytesOf(phantom.volume.data))).toBe(true);
    for (let n = 0; n < 16; n++) {
      expect(dicom.volume!.affine[n]).toBeCloseTo(phantom.volume.affine[n]!, 4);
      expect(nifti.volume!.affine[n]).toBeCloseTo(phantom.volume.affine[n]!, 4);
    }
  });

  it('carries its clinical record through normalisation without issues', async () => {
    const { clinical, report } = await validated('nifti');
    expect(report.warnings).toEqual([]);
    expect(clinical?.admission.pleuralEffusion).toBe(true);
  });
});
