import { describe, expect, it } from 'vitest';
import {
  aucWithCi,
  brierScore,
  calibration,
  calibrationCurve,
  delongPaired,
  netBenefit,
  rocCurve,
  youden,
} from '../../core/evaluation';

/** mulberry32: a small seeded generator, so the cohort is the same on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cohort(n: number, k: number, seed: number): { labels: number[]; scores: (number | null)[][] } {
  const random = generator(seed);
  const labels = Array.from({ length: n }, () => (random() < 0.2 ? 1 : 0));
  const scores = Array.from({ length: k }, (_, s) =>
    labels.map((y) => {
      if (random() < 0.03) return null;
      const latent = y * (0.5 + s * 0.2) + (random() + random() + random() - 1.5);
      // Probabilities rounded to 3 decimals: plenty of ties.
      return Math.round(1000 / (1 + Math.exp(-latent))) / 1000;
    }),
  );
  return { labels, scores };
}

/** DeLong placements the plain O(m·n) way. */
function bruteForce(scores: (number | null)[], labels: number[]): { auc: number; variance: number } {
  const x: number[] = [];
  const y: number[] = [];
  scores.forEach((s, i) => {
    if (s !== null) (labels[i] === 1 ? x : y).push(s);
  });
  const psi = (a: number, b: number): number => (a > b ? 1 : a === b ? 0.5 : 0);
  const v10 = x.map((a) => y.reduce((t, b) => t + psi(a, b), 0) / y.length);
  const v01 = y.map((b) => x.reduce((t, a) => t + psi(a, b), 0) / x.length);
  const mean = (v: number[]): number => v.reduce((t, u) => t + u, 0) / v.length;
  const variance = (v: number[]): number => {
    const m = mean(v);
    return v.reduce((t, u) => t + (u - m) ** 2, 0) / (v.length - 1);
  };
  return { auc: mean(v10), variance: variance(v10) / x.length + variance(v01) / y.length };
}

describe('the midrank algorithm agrees with the O(n²) definition', () => {
  it.each([1, 2, 3])('random tied cohort, seed %i', (seed) => {
    const { labels, scores } = cohort(500, 1, seed);
    const got = aucWithCi(scores[0]!, labels);
    const want = bruteForce(scores[0]!, labels);
    expect(got.auc).toBeCloseTo(want.auc, 12);
    expect(got.variance).toBeCloseTo(want.variance, 14);
  });
});

describe('performance', () => {
  it('10,000 patients with 5 scores evaluate in well under 2 s', () => {
    const { labels, scores } = cohort(10_000, 5, 42);
    const start = performance.now();
    for (const s of scores) {
      aucWithCi(s, labels);
      rocCurve(s, labels);
      youden(s, labels);
      brierScore(s, labels);
      calibration(s, labels);
      calibrationCurve(s, labels);
      netBenefit(s, labels);
    }
    for (let a = 0; a < scores.length; a++) {
      for (let b = a + 1; b < scores.length; b++) delongPaired(scores[a]!, scores[b]!, labels);
    }
    const elapsed = performance.now() - start;
    console.log(
      `evaluation of 10,000 patients × 5 scores (all statistics, 10 paired tests): ${elapsed.toFixed(0)} ms`,
    );
    expect(elapsed).toBeLessThan(1500);
  });
});
