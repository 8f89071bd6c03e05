import { describe, expect, it } from 'vitest';
import { aucWithCi, delongPaired, midranks } from '../../core/evaluation';
import type { ScoreName } from './fixtures';
import { cohort, expected } from './fixtures';
import { ASAH_POOR_OUTCOME, ASAH_S100B, ASAH_WFNS } from '../fixtures/evaluation/asah';

const NAMES: ScoreName[] = ['bisap', 'crp', 'prob'];

describe('AUC with DeLong variance against sklearn and an O(n²) DeLong', () => {
  it.each(NAMES)('%s', (name) => {
    const want = expected.auc[name];
    const got = aucWithCi(cohort[name], cohort.severe);
    expect(got.auc).toBeCloseTo(want.auc, 9);
    expect(got.variance).toBeCloseTo(want.variance, 6);
    expect(got.se).toBeCloseTo(Math.sqrt(want.variance), 6);
    expect(got.ci[0]).toBeCloseTo(want.ci[0], 6);
    expect(got.ci[1]).toBeCloseTo(want.ci[1], 6);
    expect(got.level).toBe(0.95);
    expect([got.nPositive, got.nNegative, got.nMissing]).toEqual([
      want.nPositive,
      want.nNegative,
      want.nMissing,
    ]);
  });

  it('missing scores may be null or NaN, and labels booleans', () => {
    const scores = cohort.crp.map((s) => (s === null ? NaN : s));
    const labels = cohort.severe.map((y) => y === 1);
    expect(aucWithCi(scores, labels).auc).toBeCloseTo(expected.auc.crp.auc, 12);
  });

  it('a wider level widens the interval', () => {
    const a = aucWithCi(cohort.prob, cohort.severe, 0.95);
    const b = aucWithCi(cohort.prob, cohort.severe, 0.99);
    expect(b.ci[0]).toBeLessThan(a.ci[0]);
    expect(b.ci[1]).toBeGreaterThan(a.ci[1]);
  });
});

describe('paired DeLong test against an O(n²) DeLong', () => {
  it.each(Object.keys(expected.paired))('%s', (pair) => {
    const [a, b] = pair.split('-') as [ScoreName, ScoreName];
    const want = expected.paired[pair]!;
    const got = delongPaired(cohort[a], cohort[b], cohort.severe);
    expect(got.aucA).toBeCloseTo(want.aucA, 9);
    expect(got.aucB).toBeCloseTo(want.aucB, 9);
    expect(got.difference).toBeCloseTo(want.aucA - want.aucB, 9);
    expect(got.variance).toBeCloseTo(want.variance, 6);
    expect(got.z).toBeCloseTo(want.z, 6);
    expect(got.p).toBeCloseTo(want.p, 6);
    expect(got.ci[0]).toBeCloseTo(got.difference - expected.z975 * Math.sqrt(want.variance), 6);
    expect(got.nMissing).toBe(want.nMissing);
  });

  it('is antisymmetric in its two scores', () => {
    const ab = delongPaired(cohort.prob, cohort.crp, cohort.severe);
    const ba = delongPaired(cohort.crp, cohort.prob, cohort.severe);
    expect(ba.z).toBeCloseTo(-ab.z, 12);
    expect(ba.p).toBeCloseTo(ab.p, 12);
  });

  it('a score against itself: no difference, z 0, p 1', () => {
    const got = delongPaired(cohort.prob, cohort.prob, cohort.severe);
    expect([got.difference, got.variance, got.z, got.p]).toEqual([0, 0, 0, 1]);
  });
});

describe('published example', () => {
  // Hanley & McNeil, Radiology 1982;143:29-36, Table 1: CT ratings (1 definitely normal … 5 definitely
  // abnormal) of 58 normal and 51 abnormal patients; the area under the rating ROC curve is 0.893.
  it('Hanley & McNeil 1982 CT ratings: AUC 0.893', () => {
    const normal = [33, 6, 6, 11, 2];
    const abnormal = [3, 2, 2, 11, 33];
    const scores: number[] = [];
    const labels: number[] = [];
    for (const [label, counts] of [
      [0, normal],
      [1, abnormal],
    ] as const) {
      counts.forEach((count, r) => {
        for (let k = 0; k < count; k++) {
          scores.push(r + 1);
          labels.push(label);
        }
      });
    }
    const got = aucWithCi(scores, labels);
    expect([got.nNegative, got.nPositive]).toEqual([58, 51]);
    expect(got.auc).toBeCloseTo(0.893, 3);
  });
});

describe("pROC's documented DeLong example (aSAH)", () => {
  // pROC's manual and Robin et al. 2011 print, for roc(aSAH$outcome, aSAH$s100b): "Area under the curve:
  // 0.7314" and "95% CI: 0.6301-0.8326 (DeLong)"; for roc.test(roc(outcome, s100b), roc(outcome, wfns)):
  // "Z = -2.209, p-value = 0.02718". pROC prints four significant figures, so the check is to that.
  it('S100β: AUC 0.7314, 95 % CI 0.6301–0.8326', () => {
    const got = aucWithCi(ASAH_S100B, ASAH_POOR_OUTCOME);
    expect([got.nPositive, got.nNegative]).toEqual([41, 72]);
    expect(got.auc).toBeCloseTo(0.7314, 4);
    expect(got.ci[0]).toBeCloseTo(0.6301, 4);
    expect(got.ci[1]).toBeCloseTo(0.8326, 4);
  });

  it('S100β against the tied WFNS grade: Z −2.209, p 0.02718', () => {
    const got = delongPaired(ASAH_S100B, ASAH_WFNS, ASAH_POOR_OUTCOME);
    expect(got.aucB).toBeCloseTo(0.8237, 4);
    expect(got.z).toBeCloseTo(-2.209, 3);
    expect(got.p).toBeCloseTo(0.02718, 5);
  });
});

describe('hand-checked small cases', () => {
  it('midranks average tied ranks', () => {
    expect(Array.from(midranks(Float64Array.from([3, 1, 3, 2, 3])))).toEqual([4, 1, 4, 2, 4]);
  });

  it('ties between classes count one half', () => {
    // Pairs (event, non-event): (2,1) 1, (2,2) ½, (3,1) 1, (3,2) 1 → 3.5 / 4.
    expect(aucWithCi([2, 3, 1, 2], [1, 1, 0, 0]).auc).toBe(0.875);
  });

  it('perfect separation: AUC 1, variance 0', () => {
    const got = aucWithCi([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]);
    expect([got.auc, got.variance, ...got.ci]).toEqual([1, 0, 1, 1]);
  });

  it('rejects one-class outcomes, bad labels and length mismatch', () => {
    expect(() => aucWithCi([1, 2], [1, 1])).toThrow(RangeError);
    expect(() => aucWithCi([1, 2], [1, 2])).toThrow(/label 1/);
    expect(() => aucWithCi([1, 2, 3], [1, 0])).toThrow(/3 scores for 2 labels/);
    expect(() => aucWithCi([1, Infinity], [1, 0])).toThrow(RangeError);
  });
});
