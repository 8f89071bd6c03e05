import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMaskNifti } from '../../core/imaging/mask';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { inferenceResultSchema } from '../../core/inference/result';
import { generatePhantom } from '../../core/phantom';
import { sap } from '../support/sap-cli';
import { unetCard, writeModelDir } from '../inference/model-dir';

let root: string;
let models: string;
const phantom = generatePhantom({ dims: [64, 64, 40], seed: 33 });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-infer-cli-'));
  models = await writeModelDir(
    unetCard({ spacingMm: phantom.volume.spacing }),
    undefined,
    path.join(root, 'models'),
  );
  await writeFile(path.join(root, 'ct.nii.gz'), encodeNiftiGz(phantom.volume));
  const tiny = generatePhantom({ dims: [16, 16, 8], spacing: phantom.volume.spacing, seed: 33 });
  await writeFile(path.join(root, 'tiny.nii.gz'), encodeNiftiGz(tiny.volume));
  await writeFile(path.join(root, 'notes.txt'), 'not an image');
});
afterAll(() => rm(root, { recursive: true, force: true }));

const file = (name: string) => path.join(root, name);

describe('sap infer', () => {
  it('writes the mask and prints the inference result as JSON', async () => {
    const result = await sap(
      ...['infer', '--image', file('ct.nii.gz'), '--models', models],
      ...['--out', file('mask.nii.gz'), '--threads', '1', '--json'],
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const inference = inferenceResultSchema.parse(JSON.parse(result.out));
    const mask = readMaskNifti(await readFile(file('mask.nii.gz')), 'mask.nii.gz');
    expect(mask.dims).toEqual(phantom.volume.dims);
    expect(mask.data.reduce((n, v) => n + v, 0)).toBe(inference.maskVoxels);
    expect(inference.maskVoxels).toBeGreaterThan(0);
    expect(inference.executionProvider).toBe('cpu');
  });

  it('prints a summary for people', async () => {
    const result = await sap(
      ...['infer', '--image', file('ct.nii.gz'), '--models', models, '--out', file('mask2.nii.gz')],
      ...['--threads', '1'],
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^SAP probability \(ResNet50\): 0\.\d{3}\n/);
    expect(result.out).toContain(`mL → ${file('mask2.nii.gz')}`);
    expect(result.out).toContain('NOTE: Synthetic demo models: not for clinical use');
  });

  it('rejects (exit 1) an image too small for the U-Net, and a file that is no image', async () => {
    const tiny = await sap(
      'infer',
      '--image',
      file('tiny.nii.gz'),
      '--models',
      models,
      '--out',
      file('t.nii.gz'),
      '--json',
    );
    expect(tiny.code).toBe(1);
    expect(JSON.parse(tiny.err)).toMatchObject({ error: { code: 'VOLUME_TOO_SMALL' } });
    const notes = await sap(
      'infer',
      '--image',
      file('notes.txt'),
      '--models',
      models,
      '--out',
      file('n.nii.gz'),
    );
    expect(notes.code).toBe(1);
    expect(notes.err).toMatch(/^sap: \[/);
  });

  it('answers usage errors and unusable models with exit 2', async () => {
    expect((await sap('infer')).err).toContain("required option '--image <path>' not specified");
    expect((await sap('infer', '--image', file('ct.nii.gz'), '--threads', '0')).code).toBe(2);
    const missing = await sap('infer', '--image', file('absent.nii.gz'), '--models', models);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('absent.nii.gz: no such file or folder');
    const noModels = await sap('infer', '--image', file('ct.nii.gz'), '--models', file('nowhere'), '--json');
    expect(noModels.code).toBe(2);
    expect(JSON.parse(noModels.err)).toMatchObject({
      error: { code: 'MODEL_LOAD_FAILED', message: expect.stringContaining('model card not found') },
    });
  });
});
