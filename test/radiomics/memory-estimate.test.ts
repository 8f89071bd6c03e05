import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../core/ingest/limits';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import { radiomicsPeakMemoryMiB, RADIOMICS_MEMORY_MODEL } from '../../core/radiomics/memory-estimate';

const radiomicsMemoryMb = PIPELINE_STEPS.find((s) => s.name === 'Radiomics')!.memoryMb;
/** The largest peak measured: 512×512×300 at 951 MiB resident (`npm run bench -- radiomics-lambda`). */
const MEASURED = { dims: [512, 512, 300] as [number, number, number], peakMiB: 951 };

describe('the Radiomics peak memory estimate', () => {
  it('is base plus bytes per voxel', () => {
    const { baseMiB, bytesPerVoxel } = RADIOMICS_MEMORY_MODEL;
    expect(radiomicsPeakMemoryMiB([1, 1, 1])).toBeCloseTo(baseMiB + bytesPerVoxel / 2 ** 20, 9);
    expect(radiomicsPeakMemoryMiB([512, 512, 300])).toBeCloseTo(baseMiB + 300 * 3.5, 6);
  });

  it('stays at least 20 % above the measured peak', () => {
    expect(radiomicsPeakMemoryMiB(MEASURED.dims)).toBeGreaterThan(MEASURED.peakMiB * 1.2);
  });

  it('lets the default memory hold a 512×512×800 study, not the largest one Validate accepts', () => {
    expect(radiomicsPeakMemoryMiB([512, 512, 800])).toBeLessThanOrEqual(radiomicsMemoryMb);
    const largest = radiomicsPeakMemoryMiB([512, 512, LIMITS.maxVoxels / (512 * 512)]);
    expect(largest).toBeGreaterThan(radiomicsMemoryMb);
    // ... which Lambda's largest memory size (10,240 MB) holds: radiomicsMemoryMb can always help.
    expect(largest).toBeLessThanOrEqual(10_240);
  });
});
