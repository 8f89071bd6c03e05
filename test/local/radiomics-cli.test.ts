import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { generatePhantom } from '../../core/phantom';
import { sap } from '../support/sap-cli';

let root: string;
const phantom = generatePhantom({ dims: [128, 128, 64], seed: 9 });
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-radiomics-cli-'));
  await writeFile(path.join(root, 'ct.nii.gz'), encodeNiftiGz(phantom.volume));
  await writeFile(path.join(root, 'mask.nii.gz'), encodeNiftiGz(phantom.mask));
  await writeFile(
    path.join(root, 'empty.nii.gz'),
    encodeNiftiGz({ ...phantom.mask, data: new Uint8Array(phantom.mask.data.length) }),
  );
  await writeFile(
    path.join(root, 'settings.json'),
    JSON.stringify({ profile: 'mine', discretisation: { method: 'FBN', bins: 16 } }),
  );
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('sap radiomics', () => {
  it('prints every feature of the pancreas profile as JSON', async () => {
    const result = await sap(
      'radiomics',
      '--image',
      path.join(root, 'ct.nii.gz'),
      '--mask',
      path.join(root, 'mask.nii.gz'),
      '--json',
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out) as {
      features: Record<string, number>;
      settings: { profile: string };
    };
    expect(parsed.settings.profile).toBe('pancreas');
    expect(parsed.features.stat_mean).toBeGreaterThan(0);
  });

  it("prints PyRadiomics' 107 features under its names with --profile pyradiomics", async () => {
    const result = await sap(
      'radiomics',
      ...['--image', path.join(root, 'ct.nii.gz'), '--mask', path.join(root, 'mask.nii.gz')],
      ...['--profile', 'pyradiomics', '--json'],
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out) as {
      features: Record<string, number>;
      undefinedFeatures: string[];
    };
    expect(Object.keys(parsed.features)).toHaveLength(107);
    expect(parsed.undefinedFeatures).toEqual([]);
    expect(parsed.features.original_glcm_MCC).toBeGreaterThan(0);
  });

  it('takes a settings file', async () => {
    const result = await sap(
      'radiomics',
      ...['--image', path.join(root, 'ct.nii.gz'), '--mask', path.join(root, 'mask.nii.gz')],
      ...['--settings', path.join(root, 'settings.json'), '--json'],
    );
    expect(result.code).toBe(0);
    expect((JSON.parse(result.out) as { roi: { levelCount: number } }).roi.levelCount).toBe(16);
  });

  it('refuses an empty mask with exit code 1 and the reason', async () => {
    const result = await sap(
      'radiomics',
      '--image',
      path.join(root, 'ct.nii.gz'),
      '--mask',
      path.join(root, 'empty.nii.gz'),
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('empty');
  });

  it('needs both files', async () => {
    expect((await sap('radiomics', '--image', path.join(root, 'ct.nii.gz'))).code).toBe(2);
  });
});
