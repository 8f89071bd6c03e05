import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleFeatures } from '../../core/fusion/feature-vector';
import { modelCardSchema } from '../../core/fusion/model-card';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { main } from '../../cli/main';
import { writeStudy } from '../bad-inputs/study-builder';

const phantom = generatePhantom({ dims: [256, 256, 64], seed: 31, variant: 'oedematous' });
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-features-cli-'));
  await writeStudy(path.join(root, 'study'), phantomStudyFiles(phantom, 'nifti'));
  await writeFile(path.join(root, 'mask.nii.gz'), encodeNiftiGz(phantom.mask));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('sap features', () => {
  it('prints the vector production computes for a study folder, input for input', async () => {
    const out: string[] = [];
    const argv = [
      'features',
      path.join(root, 'study'),
      '--model-card',
      'models/demo/model-card.json',
      '--mask',
      path.join(root, 'mask.nii.gz'),
      '--json',
    ];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code).toBe(0);
    const printed = JSON.parse(out.join('\n')) as {
      features: Record<string, number | null>;
      missing: string[];
    };

    const card = modelCardSchema.parse(JSON.parse(readFileSync('models/demo/model-card.json', 'utf8')));
    const clinical = normaliseClinical(phantom.clinical);
    if (!clinical.ok) throw new Error('phantom clinical record must normalise');
    const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas')).features;
    const direct = assembleFeatures(card, { clinical: clinical.clinical, radiomics, inference: {} });
    expect(Object.keys(printed.features)).toEqual(direct.names);
    direct.names.forEach((name, n) =>
      expect(printed.features[name], name).toBe(Number.isNaN(direct.values[n]!) ? null : direct.values[n]),
    );
    // With the mask given, no inference runs: the model's inference inputs are passed as missing.
    expect(direct.missing).toEqual(['dl_probability']);
    expect(printed.missing).toEqual(direct.missing);
  });

  it('writes a training table for a folder of studies, one row each, and resumes where it stopped', async () => {
    const cohort = path.join(root, 'cohort');
    const masks = path.join(root, 'masks');
    for (const [studyId, seed] of [
      ['s1', 41],
      ['s2', 42],
    ] as const) {
      const p = generatePhantom({ dims: [256, 256, 48], seed });
      await writeStudy(path.join(cohort, studyId), phantomStudyFiles(p, 'nifti'));
      await writeStudy(masks, { [`${studyId}.nii.gz`]: encodeNiftiGz(p.mask) });
    }
    await writeStudy(path.join(cohort, 's3'), { 'clinical.json': new TextEncoder().encode('{}') });
    const table = path.join(root, 'table.csv');
    const run = async () => {
      const out: string[] = [];
      const err: string[] = [];
      const argv = [
        'features',
        cohort,
        '--model-card',
        'models/demo/model-card.json',
        '--masks',
        masks,
        '--out',
        table,
      ];
      const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const first = await run();
    expect(first.code).toBe(1);
    expect(first.err).toContain('s3: rejected');
    expect(first.out).toContain('2 studies written, 0 already');
    const lines = readFileSync(table, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['studyId', 's1', 's2']);
    const second = await run();
    expect(second.out).toContain('0 studies written, 2 already');
    expect(readFileSync(table, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('needs the model card and the mask', async () => {
    const code = await main(['features', path.join(root, 'study')], {
      out: () => undefined,
      err: () => undefined,
    });
    expect(code).toBe(2);
  });
});
