/**
 * A study too large for the CPU inference tier fails before either network runs, with the code that
 * names the limit, and its originals stay as uploaded. The deployment here runs a U-Net trained at
 * 0.5 mm (the demo U-Net's file under a card that says so): on a 51 × 51 × 40 cm field of view its grid
 * holds some 840 million voxels, which 10,240 MB (Lambda's most) cannot hold (core/inference/cpu-tier-limits.ts).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CPU_TIER_MEMORY_LIMIT } from '../../core/inference/cpu-tier-limits';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { REPO_ROOT } from '../../local/stack/paths';
import { expectFailedWith, expectOriginalsKept } from '../reliability/support';
import { startE2eStack, type E2eStack } from './local-stack';

let e2e: E2eStack;
let modelDir: string;

beforeAll(async () => {
  const demo = path.join(REPO_ROOT, 'models', 'demo');
  modelDir = await mkdtemp(path.join(tmpdir(), 'sap-fine-unet-'));
  // The demo fusion model and ResNet; a U-Net card at 0.5 mm over the demo U-Net's file.
  for (const file of ['model-card.json', 'model.ubj'])
    await cp(path.join(demo, file), path.join(modelDir, file));
  await cp(path.join(demo, 'unet'), path.join(modelDir, 'unet'), { recursive: true });
  const cardPath = path.join(modelDir, 'unet', 'model-card.json');
  const card = JSON.parse(await readFile(cardPath, 'utf8')) as Record<string, unknown>;
  await writeFile(cardPath, JSON.stringify({ ...card, version: 'fine-0.5mm', spacingMm: [0.5, 0.5, 0.5] }));
  e2e = await startE2eStack({ inference: 'cpu', modelDir });
});
afterAll(async () => {
  await e2e?.close();
  await rm(modelDir, { recursive: true, force: true });
});

/** 256 × 256 × 80 voxels of 2 × 2 × 5 mm: an ordinary abdominal field of view. */
const phantom = generatePhantom({
  dims: [256, 256, 80],
  spacing: [2, 2, 5],
  seed: 21,
  variant: 'oedematous',
});

describe('the CPU tier refuses a study beyond its limits', () => {
  it('fails a study too large for its memory with CPU_TIER_MEMORY_LIMIT, originals kept', async () => {
    const studyId = 'e2e-cpu-too-large';
    const files = phantomStudyFiles(phantom, 'nifti', studyId);
    const record = await e2e.run(studyId, files);
    expect(record).toMatchObject({ status: 'FAILED', error: CPU_TIER_MEMORY_LIMIT });
    await expectFailedWith(e2e, studyId, {
      stage: 'Infer',
      code: CPU_TIER_MEMORY_LIMIT,
      message: /needs an estimated \d+ MB and the function has 10240 MB .*-c inference=gpu/,
    });
    await expectOriginalsKept(e2e, studyId, files);
    // Nothing of the networks was written: no mask, no inference.json.
    const work = [...(await e2e.objects(`work/${studyId}/`)).keys()];
    expect(work.filter((key) => /mask\.nii\.gz|inference\.json$/.test(key))).toEqual([]);
  });
});
