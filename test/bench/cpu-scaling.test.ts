import { describe, expect, it } from 'vitest';
import { amdahlTime, CORES_CONSERVATIVE, CORES_OPTIMISTIC, parallelFraction } from '../../bench/cpu-scaling';

describe('CPU scaling estimate (Amdahl from 1 and 2 threads)', () => {
  it('fits the parallel fraction and reproduces both measured times', () => {
    // 10 s serial work + 90 s parallel: 100 s on 1 thread, 55 s on 2.
    expect(parallelFraction(100, 55)).toBeCloseTo(0.9, 12);
    expect(amdahlTime(100, 55, 1)).toBeCloseTo(100, 9);
    expect(amdahlTime(100, 55, 2)).toBeCloseTo(55, 9);
    expect(amdahlTime(100, 55, 3)).toBeCloseTo(40, 9);
  });

  it('clamps what noise makes impossible: slower on 2 threads, or better than linear', () => {
    expect(parallelFraction(100, 120)).toBe(0);
    expect(amdahlTime(100, 120, 6)).toBe(100);
    expect(parallelFraction(100, 40)).toBe(1);
    expect(amdahlTime(100, 40, 4)).toBe(25);
  });

  it('reads a 10,240 MB Lambda as 3 cores (conservative) or its 5.79 vCPU-s/s of credit (optimistic)', () => {
    expect(CORES_CONSERVATIVE).toBe(3);
    expect(CORES_OPTIMISTIC).toBeCloseTo(5.79, 2);
  });
});
