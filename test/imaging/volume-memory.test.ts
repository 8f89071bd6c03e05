import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../core/input/limits';
import { VOLUME_STEP_MEMORY_MB } from '../../core/pipeline/steps';
import { volumePeakMemoryMiB, VOLUME_MEMORY_MODEL } from '../../core/imaging/volume-memory';

const imageMemoryMb = VOLUME_STEP_MEMORY_MB;
/** The largest peak measured: 512×512×300 at 951 MiB resident (`npm run bench -- radiomics-lambda`). */
const MEASURED = { dims: [512, 512, 300] as [number, number, number], peakMiB: 951 };

describe('the peak memory estimate of the steps that read the volume', () => {
  it('is base plus bytes per voxel', () => {
    const { baseMiB, bytesPerVoxel } = VOLUME_MEMORY_MODEL;
    expect(volumePeakMemoryMiB([1, 1, 1])).toBeCloseTo(baseMiB + bytesPerVoxel / 2 ** 20, 9);
    expect(volumePeakMemoryMiB([512, 512, 300])).toBeCloseTo(baseMiB + 300 * 3.5, 6);
  });

  it('stays at least 20 % above the measured peak', () => {
    expect(volumePeakMemoryMiB(MEASURED.dims)).toBeGreaterThan(MEASURED.peakMiB * 1.2);
  });

  it('lets the default memory hold a 512×512×800 study, not the largest one Validate accepts', () => {
    expect(volumePeakMemoryMiB([512, 512, 800])).toBeLessThanOrEqual(imageMemoryMb);
    const largest = volumePeakMemoryMiB([512, 512, LIMITS.maxVoxels / (512 * 512)]);
    expect(largest).toBeGreaterThan(imageMemoryMb);
    // ... which Lambda's largest memory size (10,240 MB) holds: imageMemoryMb can always help.
    expect(largest).toBeLessThanOrEqual(10_240);
  });
});
