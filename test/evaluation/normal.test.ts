import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, twoSidedP } from '../../core/evaluation';
import { expected } from './fixtures';

describe('standard normal', () => {
  // Reference values from scipy.stats.norm.
  it.each([
    [-6, 9.865876450376946e-10],
    [-3, 0.0013498980316300933],
    [-1, 0.15865525393145707],
    [0.5, 0.6914624612740131],
    [2.5, 0.9937903346742238],
  ])('Φ(%s) = %s', (z, p) => {
    expect(Math.abs(normalCdf(z) - p)).toBeLessThan(1e-15 + 1e-12 * p);
  });

  it('quantiles invert the CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(expected.z975, 13);
    for (const p of [1e-10, 0.001, 0.3, 0.5, 0.9, 0.999999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
    }
  });

  it('two-sided p', () => {
    expect(twoSidedP(expected.z975)).toBeCloseTo(0.05, 14);
    expect(twoSidedP(-expected.z975)).toBeCloseTo(0.05, 14);
    expect([twoSidedP(0), twoSidedP(Infinity)]).toEqual([1, 0]);
  });
});
