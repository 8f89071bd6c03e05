/**
 * The CPU inference tier's definitions in core: its step, its limits (memory and time, each refused with
 * its own code before a network runs) and the codes of a function Lambda stopped.
 */
import { describe, expect, it } from 'vitest';
import {
  checkCpuTierMemory,
  checkCpuTierTime,
  CPU_TIER_MEMORY_LIMIT,
  CPU_TIER_TIME_LIMIT,
  cpuInferencePeakMiB,
  cpuInferenceSeconds,
  unetWorkload,
} from '../../core/inference/cpu-tier-limits';
import { ranOnCpuTier } from '../../core/inference/off-cuda-metric';
import { describeFailure, FUNCTION_OUT_OF_MEMORY, FUNCTION_TIMEOUT } from '../../core/pipeline/failure';
import { functionsOfTier } from '../../core/pipeline/functions';
import { INFERENCE_TIERS } from '../../core/pipeline/inference-tier';
import {
  CPU_INFERENCE,
  EXECUTION_TIMEOUT_SECONDS,
  PIPELINE_STEPS,
  pipelineSteps,
} from '../../core/pipeline/steps';
import type { Vec3 } from '../../core/imaging/volume';

/** A U-Net of realistic size: 1.5 mm, 128 × 128 × 64 patches, half overlapping (nnU-Net's default). */
const CARD = { spacingMm: [1.5, 1.5, 1.5] as Vec3, patch: { size: [128, 128, 64] as Vec3, overlap: 0.5 } };
/** An abdominal CT: 512 × 512 × 300 at 0.7 × 0.7 × 1.5 mm. */
const CT = { dims: [512, 512, 300] as Vec3, spacing: [0.7, 0.7, 1.5] as Vec3 };
const MB_200 = 200 * 1024 * 1024;

describe('the CPU tier’s step', () => {
  it('differs from the GPU tier in Infer only, which is a plain invoke of the CPU function', () => {
    const cpu = pipelineSteps('cpu');
    expect(pipelineSteps('gpu')).toEqual(PIPELINE_STEPS);
    expect(cpu.map((s) => s.name)).toEqual(PIPELINE_STEPS.map((s) => s.name));
    cpu.forEach((step, n) => {
      if (step.name !== 'Infer') expect(step).toEqual(PIPELINE_STEPS[n]);
    });
    const infer = cpu.find((s) => s.name === 'Infer')!;
    expect(infer).toMatchObject({ ...CPU_INFERENCE, completion: 'invoke', status: 'INFERRING' });
    expect(infer.stepTimeoutSeconds).toBeGreaterThan(CPU_INFERENCE.timeoutSeconds);
    // Lambda's most: 10,240 MB and 900 s.
    expect(CPU_INFERENCE).toMatchObject({ memoryMb: 10_240, timeoutSeconds: 900 });
  });

  it('has a state machine timeout that covers either tier’s steps at their limits', () => {
    for (const tier of INFERENCE_TIERS) {
      const steps = pipelineSteps(tier);
      const atLimits = steps.reduce((sum, s) => sum + s.stepTimeoutSeconds * (s.retry.maxAttempts + 1), 0);
      expect(EXECUTION_TIMEOUT_SECONDS).toBeGreaterThan(atLimits);
    }
  });

  it('builds InferCpu on the CPU tier only, and the GPU tier’s Infer and callback on the GPU tier only', () => {
    expect(functionsOfTier('cpu')).toContain('InferCpu');
    expect(functionsOfTier('cpu')).not.toContain('Infer');
    expect(functionsOfTier('cpu')).not.toContain('InferenceCallback');
    expect(functionsOfTier('gpu')).toEqual(expect.arrayContaining(['Infer', 'InferenceCallback']));
    expect(functionsOfTier('gpu')).not.toContain('InferCpu');
  });
});

describe('the CPU tier’s limits', () => {
  it('counts the sliding-window patches on the U-Net’s grid', () => {
    const { modelDims, patches } = unetWorkload(CT, CARD);
    expect(modelDims).toEqual([239, 239, 300]);
    // Starts every 64 voxels in plane, 32 across slices, the last flush with the edge: 3 × 3 × 9.
    expect(patches).toBe(81);
  });

  it('holds a 512 × 512 × 300 CT in 10,240 MB, and refuses one its memory cannot hold', () => {
    const peak = cpuInferencePeakMiB(CT, CARD, MB_200);
    expect(peak).toBeGreaterThan(1000);
    expect(peak).toBeLessThan(CPU_INFERENCE.memoryMb / 2);
    expect(() => checkCpuTierMemory(CT, CARD, MB_200, CPU_INFERENCE.memoryMb)).not.toThrow();
    expect(() => checkCpuTierMemory(CT, CARD, MB_200, 1024)).toThrow(
      expect.objectContaining({ name: CPU_TIER_MEMORY_LIMIT, message: expect.stringMatching(/1024 MB/) }),
    );
  });

  it('refuses a study whose patches cannot run in the time left, keeping a tenth of the timeout', () => {
    const speed = { secondsPerPatch: 5, resnetSeconds: 10 };
    const seconds = cpuInferenceSeconds(CT, CARD, speed);
    expect(seconds).toBeCloseTo((81 * 5 + 10) * 1.25);
    const time = (remainingSeconds: number) => ({ remainingSeconds, timeoutSeconds: 900 });
    expect(() => checkCpuTierTime(CT, CARD, speed, time(seconds + 90))).not.toThrow();
    expect(() => checkCpuTierTime(CT, CARD, speed, time(seconds + 89))).toThrow(
      expect.objectContaining({
        name: CPU_TIER_TIME_LIMIT,
        message: expect.stringMatching(/81 U-Net patches/),
      }),
    );
  });
});

describe('the off-CUDA count', () => {
  it('leaves out an inference the CPU tier ran, and counts one on the GPU tier that fell back to CPU', () => {
    expect(ranOnCpuTier({ executionProvider: 'cpu', tier: 'cpu' })).toBe(true);
    expect(ranOnCpuTier({ executionProvider: 'cpu', tier: 'gpu' })).toBe(false);
    expect(ranOnCpuTier({ executionProvider: 'cpu' })).toBe(false);
  });
});

describe('a function Lambda stopped', () => {
  const cause = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage });
  it.each([
    ['Sandbox.Timedout', 'Task timed out after 900.00 seconds', FUNCTION_TIMEOUT],
    ['Runtime.OutOfMemory', 'Runtime exited with error: signal: killed', FUNCTION_OUT_OF_MEMORY],
    ['Lambda.Unknown', 'Task timed out after 900.00 seconds', FUNCTION_TIMEOUT],
    ['Lambda.Unknown', 'Runtime exited with error: signal: killed', FUNCTION_OUT_OF_MEMORY],
    ['Lambda.Unknown', 'something else', 'INTERNAL_ERROR'],
  ])('%s (%s) fails the study with %s', (type, message, code) => {
    expect(describeFailure('Infer', { Error: type, Cause: cause(type, message) })).toEqual({
      stage: 'Infer',
      code,
      message,
    });
  });
});
