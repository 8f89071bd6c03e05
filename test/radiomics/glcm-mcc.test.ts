import { describe, expect, it } from 'vitest';
import { glcmMaximalCorrelation } from '../../core/radiomics/features/glcm-mcc';
import { symmetricEigenvalues3 } from '../../core/radiomics/features/morph-pca';
import { symmetricEigenvalues } from '../../core/radiomics/features/symmetric-eigenvalues';

/** A symmetric n×n matrix with entries from a fixed-seed generator in [−1, 1). */
function randomSymmetric(n: number, seed: number): Float64Array {
  let state = seed;
  const next = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = 2 * next() - 1;
  return a;
}

/** trace(Aᵖ) for p = 1, 2, 3: equal to Σ λᵖ. */
function tracePowers(a: Float64Array, n: number): [number, number, number] {
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let i = 0; i < n; i++) {
    t1 += a[i * n + i]!;
    for (let j = 0; j < n; j++) {
      t2 += a[i * n + j]! * a[j * n + i]!;
      for (let k = 0; k < n; k++) t3 += a[i * n + j]! * a[j * n + k]! * a[k * n + i]!;
    }
  }
  return [t1, t2, t3];
}

describe('symmetricEigenvalues', () => {
  it('agrees with the closed form for 3×3', () => {
    const a = randomSymmetric(3, 7);
    const expected = symmetricEigenvalues3(a[0]!, a[4]!, a[8]!, a[1]!, a[2]!, a[5]!);
    Array.from(symmetricEigenvalues(a, 3)).forEach((l, i) => expect(l).toBeCloseTo(expected[i]!, 12));
  });

  it.each([1, 2, 5, 17, 60])('keeps trace(A), trace(A²), trace(A³) for n = %i, largest first', (n) => {
    const a = randomSymmetric(n, n + 1);
    const eigenvalues = symmetricEigenvalues(a, n);
    const sums = [1, 2, 3].map((p) => eigenvalues.reduce((s, l) => s + l ** p, 0));
    tracePowers(a, n).forEach((t, p) => expect(Math.abs(sums[p]! - t)).toBeLessThan(1e-9 * n));
    for (let i = 1; i < n; i++) expect(eigenvalues[i]).toBeLessThanOrEqual(eigenvalues[i - 1]!);
  });

  it('handles diagonal and zero matrices', () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.of(2, 0, 0, 0, -1, 0, 0, 0, 5), 3))).toEqual([
      5, 2, -1,
    ]);
    expect(Array.from(symmetricEigenvalues(new Float64Array(16), 4))).toEqual([0, 0, 0, 0]);
  });
});

describe('glcmMaximalCorrelation (PyRadiomics GLCM MCC)', () => {
  it('two grey levels: S has eigenvalues 1 and a/(a+b) + c/(b+c) − 1', () => {
    // Counts [[a, b], [b, c]] = [[2, 1], [1, 3]]: MCC = |2/3 + 3/4 − 1| = 5/12.
    expect(glcmMaximalCorrelation(Float64Array.of(2, 1, 1, 3), 2, 2)).toBeCloseTo(5 / 12, 14);
  });

  it('equals √(second eigenvalue of Q), Q built from its definition', () => {
    const ng = 4;
    const counts = Float64Array.of(2, 2, 1, 0, 2, 4, 0, 0, 1, 0, 6, 1, 0, 0, 1, 2);
    const total = counts.reduce((s, c) => s + c, 0);
    const p = counts.map((c) => c / total);
    const px = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].reduce((s, j) => s + p[i * ng + j]!, 0));
    // Q = D⁻¹PD⁻¹P is not symmetric; D^½ Q D^-½ is, with the same eigenvalues.
    const q = new Float64Array(ng * ng);
    for (let i = 0; i < ng; i++) {
      for (let j = 0; j < ng; j++) {
        let s = 0;
        for (let k = 0; k < ng; k++) s += (p[i * ng + k]! * p[j * ng + k]!) / (px[i]! * px[k]!);
        q[i * ng + j] = (s * Math.sqrt(px[i]!)) / Math.sqrt(px[j]!);
      }
    }
    const second = symmetricEigenvalues(q, ng)[1]!;
    expect(glcmMaximalCorrelation(counts, ng, ng)).toBeCloseTo(Math.sqrt(second), 12);
  });

  it('is 0 for independent levels, 1 for fully dependent ones, 1 for a flat region', () => {
    expect(glcmMaximalCorrelation(Float64Array.of(1, 2, 2, 4), 2, 2)).toBeCloseTo(0, 7);
    expect(glcmMaximalCorrelation(Float64Array.of(4, 0, 0, 6), 2, 2)).toBeCloseTo(1, 14);
    expect(glcmMaximalCorrelation(Float64Array.of(0, 5, 5, 0), 2, 2)).toBeCloseTo(1, 14);
    expect(glcmMaximalCorrelation(Float64Array.of(8), 1, 1)).toBe(1);
  });

  it('ignores grey levels absent from the ROI, as PyRadiomics deletes them before building Q', () => {
    // Levels 1 and 3 present, 2 absent: the same as the two-level matrix [[2, 1], [1, 3]].
    const withEmpty = Float64Array.of(2, 0, 1, 0, 0, 0, 1, 0, 3);
    expect(glcmMaximalCorrelation(withEmpty, 3, 2)).toBeCloseTo(5 / 12, 14);
  });

  it('is 0 when only one level has pairs along this direction but the ROI has more', () => {
    expect(glcmMaximalCorrelation(Float64Array.of(6, 0, 0, 0), 2, 2)).toBe(0);
  });
});
