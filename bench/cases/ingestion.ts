import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { writeStudy } from '../../test/bad-inputs/study-builder';
import type { BenchCase, Measurement } from '../harness';

const DIMS: [number, number, number] = [512, 512, 300];
const CHILD = fileURLToPath(new URL('./validate-child.ts', import.meta.url));
const MB = 1024 * 1024;

type ChildMode = 'load' | 'load+encode';

/** Validates the study folder in a fresh process, so that its peak memory is the validation's alone. */
function runChild(folder: string, mode: ChildMode): Record<string, number> {
  const output = execFileSync(process.execPath, ['--import', 'tsx', CHILD, folder, mode], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop()!) as Record<string, number>;
}

/**
 * The Validate step on a 512×512×300 phantom: generation; reading a DICOM series and a NIfTI file from
 * disk (S3 aside) with peak memory relative to the volume's size (target ≤ 2.5×); and, as the Validate
 * function does in the same process, encoding the canonical volume as .nii.gz.
 */
export const ingestion: BenchCase = {
  name: 'ingestion',
  async run() {
    const start = performance.now();
    const phantom = generatePhantom({ dims: DIMS, seed: 1, variant: 'necrotising' });
    const rows: Measurement[] = [
      { case: 'phantom 512×512×300', metric: 'generate', value: performance.now() - start, unit: 'ms' },
    ];
    const root = await mkdtemp(path.join(tmpdir(), 'sap-bench-ingest-'));
    try {
      for (const format of ['dicom', 'nifti'] as const) {
        const files = phantomStudyFiles(phantom, format);
        const imageBytes = Object.entries(files)
          .filter(([p]) => p.startsWith('image/'))
          .reduce((sum, [, b]) => sum + b.byteLength, 0);
        const folder = path.join(root, format);
        await writeStudy(folder, files);
        const load = runChild(folder, 'load');
        const label = `validate ${format} 512×512×300`;
        rows.push(
          { case: label, metric: 'wall', value: load.validateMs!, unit: 'ms' },
          {
            case: label,
            metric: 'throughput',
            value: imageBytes / MB / (load.validateMs! / 1000),
            unit: 'MB/s',
          },
          {
            case: label,
            metric: 'peak memory / volume',
            value: load.peakAboveBaseline! / load.volumeBytes!,
            unit: '×',
          },
        );
        if (format !== 'dicom') continue;
        const whole = runChild(folder, 'load+encode');
        rows.push(
          { case: 'write volume.nii.gz', metric: 'wall', value: whole.encodeMs!, unit: 'ms' },
          {
            case: 'write volume.nii.gz',
            metric: 'size / raw',
            value: whole.gzBytes! / whole.volumeBytes!,
            unit: '×',
          },
          {
            case: 'validate dicom + write',
            metric: 'peak memory / volume',
            value: whole.peakAboveBaseline! / whole.volumeBytes!,
            unit: '×',
          },
        );
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    return rows;
  },
};
