import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { generatePhantom } from '../../core/phantom';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import type { BenchCase, Measurement } from '../harness';

const DIMS: [number, number, number] = [512, 512, 300];
const CHILD = fileURLToPath(new URL('./radiomics-lambda-child.ts', import.meta.url));
const MB = 2 ** 20;

/**
 * The Radiomics function's memory on a 512×512×300 study with the phantom's pancreas mask (the
 * necrotising variant, as the ingestion bench uses): the handler, its SDK clients mocked, in a fresh
 * process. Its peak resident memory, runtime included, is what Lambda's "Max Memory Used" reports (here
 * it also holds the tsx loader) and must stay well below the function's memory size
 * (core/pipeline/steps.ts).
 */
export const radiomicsLambda: BenchCase = {
  name: 'radiomics-lambda',
  async run() {
    const phantom = generatePhantom({ dims: DIMS, seed: 1, variant: 'necrotising' });
    const roiVoxels = phantom.mask.data.reduce((n, v) => n + v, 0);
    const folder = await mkdtemp(path.join(tmpdir(), 'sap-bench-radiomics-'));
    try {
      await writeFile(path.join(folder, 'volume.nii.gz'), encodeNiftiGz(phantom.volume));
      await writeFile(path.join(folder, 'mask.nii.gz'), encodeNiftiGz(phantom.mask));
      const output = execFileSync(process.execPath, ['--import', 'tsx', CHILD, folder], { encoding: 'utf8' });
      const result = JSON.parse(output.trim().split('\n').pop()!) as Record<string, number>;
      const memoryMb = PIPELINE_STEPS.find((s) => s.name === 'Radiomics')!.memoryMb;
      const label = `Radiomics handler 512×512×300, ${roiVoxels} ROI voxels`;
      const rows: Measurement[] = [
        { case: label, metric: 'wall', value: result.wallMs!, unit: 'ms' },
        { case: label, metric: 'RSS before the invocation', value: result.baselineRss! / MB, unit: 'MiB' },
        { case: label, metric: 'peak RSS', value: result.peakRss! / MB, unit: 'MiB' },
        { case: label, metric: 'peak RSS / memory size', value: result.peakRss! / MB / memoryMb, unit: '×' },
      ];
      return rows;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  },
};
