import { describe, expect, it } from 'vitest';
import { brierScore, calibration, calibrationCurve, netBenefit } from '../../core/evaluation';
import { cohort, expected } from './fixtures';

const want = expected.probability;

describe('Brier score and logistic recalibration against sklearn and a numpy Newton fit', () => {
  it('Brier score', () => {
    expect(brierScore(cohort.prob, cohort.severe)).toBeCloseTo(want.brier, 9);
  });

  it('calibration-in-the-large and slope', () => {
    const got = calibration(cohort.prob, cohort.severe);
    expect(got.intercept).toBeCloseTo(want.intercept, 6);
    expect(got.slope).toBeCloseTo(want.slope, 6);
    expect(got.slopeIntercept).toBeCloseTo(want.slopeIntercept, 6);
    expect(got.nMissing).toBe(expected.auc.prob.nMissing);
    expect(got.n).toBe(cohort.severe.length - got.nMissing);
  });

  it('perfectly calibrated probabilities give intercept 0 and slope 1', () => {
    // Outcome rate in each group equals its prediction: logit P(y) = logit(p) exactly.
    const probs = [0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75];
    const labels = [1, 0, 0, 0, 1, 0, 1, 1, 1, 0];
    const got = calibration(probs, labels);
    expect(got.intercept).toBeCloseTo(0, 10);
    expect(got.slope).toBeCloseTo(1, 10);
    expect(got.slopeIntercept).toBeCloseTo(0, 10);
  });

  it('gives no slope when the predictions separate the outcomes: the fit has no finite maximum', () => {
    const separated = calibration([0.1, 0.2, 0.3, 0.8, 0.9], [0, 0, 0, 1, 1]);
    expect(separated).toMatchObject({ slope: null, slopeIntercept: null, iterations: 0 });
    expect(Number.isFinite(separated.intercept)).toBe(true);
    // One non-event among the events is enough for a finite slope.
    expect(calibration([0.1, 0.2, 0.85, 0.8, 0.9], [0, 0, 0, 1, 1]).slope).toBeGreaterThan(0);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => brierScore([0.2, 1.2], [0, 1])).toThrow(/outside/);
  });
});

describe('calibration curve (deciles)', () => {
  it('matches the reference groups', () => {
    const got = calibrationCurve(cohort.prob, cohort.severe);
    expect(got).toHaveLength(10);
    got.forEach((bin, g) => {
      const ref = want.deciles[g]!;
      expect([bin.n, bin.events]).toEqual([ref.n, ref.events]);
      expect(bin.meanPredicted).toBeCloseTo(ref.meanPredicted, 12);
      expect(bin.observed).toBe(ref.events / ref.n);
      expect(bin.minPredicted).toBeLessThanOrEqual(bin.maxPredicted);
    });
  });

  it('drops empty groups when there are fewer patients than groups', () => {
    expect(calibrationCurve([0.1, 0.9, 0.5], [0, 1, 1], 5).map((b) => b.n)).toEqual([1, 1, 1]);
  });
});

describe('decision curve', () => {
  it('net benefit of model and treat-all matches the reference', () => {
    const got = netBenefit(
      cohort.prob,
      cohort.severe,
      want.netBenefit.map((r) => r.threshold),
    );
    got.forEach((pt, k) => {
      expect(pt.model).toBeCloseTo(want.netBenefit[k]!.model, 12);
      expect(pt.treatAll).toBeCloseTo(want.netBenefit[k]!.treatAll, 12);
      expect(pt.treatNone).toBe(0);
    });
  });

  it('defaults to thresholds 0.01 … 0.99, and a prediction equal to pt is treated', () => {
    expect(netBenefit([0.5], [1])).toHaveLength(99);
    const [pt] = netBenefit([0.2, 0.2, 0.1], [1, 0, 0], [0.2]);
    expect(pt!.model).toBeCloseTo(1 / 3 - (1 / 3) * 0.25, 15);
  });
});
