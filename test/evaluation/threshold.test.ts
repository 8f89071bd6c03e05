import { describe, expect, it } from 'vitest';
import { confusionAt, rocCurve, youden } from '../../core/evaluation';
import { cohort, expected } from './fixtures';

describe('classification at a threshold', () => {
  it('BISAP ≥ 3 matches the reference counts', () => {
    const got = confusionAt(cohort.bisap, cohort.severe, 3);
    const { tp, fp, tn, fn } = expected.bisapAt3;
    expect({ tp: got.tp, fp: got.fp, tn: got.tn, fn: got.fn }).toEqual(expected.bisapAt3);
    expect(got.sensitivity).toBe(tp / (tp + fn));
    expect(got.specificity).toBe(tn / (tn + fp));
    expect(got.ppv).toBe(tp / (tp + fp));
    expect(got.npv).toBe(tn / (tn + fn));
    expect(got.nMissing).toBe(expected.auc.bisap.nMissing);
  });

  it('a score equal to the threshold counts as positive', () => {
    const got = confusionAt([1, 2, 2, 3], [0, 1, 0, 1], 2);
    expect([got.tp, got.fp, got.tn, got.fn]).toEqual([2, 1, 1, 0]);
    expect([got.sensitivity, got.specificity, got.ppv, got.npv]).toEqual([1, 0.5, 2 / 3, 1]);
  });

  it('empty cells give NaN, not a throw', () => {
    const got = confusionAt([1, 2], [0, 1], 10);
    expect(got.ppv).toBeNaN();
    expect(got.npv).toBe(0.5);
  });
});

describe('ROC curve against sklearn.metrics.roc_curve(drop_intermediate=False)', () => {
  it('has the same points and thresholds', () => {
    const got = rocCurve(cohort.crp, cohort.severe);
    expect(got).toHaveLength(expected.roc.fpr.length);
    expect(got[0]).toEqual({ threshold: Infinity, fpr: 0, tpr: 0 });
    got.forEach((pt, k) => {
      expect(pt.fpr).toBeCloseTo(expected.roc.fpr[k]!, 12);
      expect(pt.tpr).toBeCloseTo(expected.roc.tpr[k]!, 12);
      if (k > 0) expect(pt.threshold).toBe(expected.roc.thresholds[k - 1]);
    });
    expect(got.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });

  it('the trapezoids under it give the Mann–Whitney AUC', () => {
    const pts = rocCurve(cohort.crp, cohort.severe);
    let area = 0;
    for (let k = 1; k < pts.length; k++) {
      area += ((pts[k]!.fpr - pts[k - 1]!.fpr) * (pts[k]!.tpr + pts[k - 1]!.tpr)) / 2;
    }
    expect(area).toBeCloseTo(expected.auc.crp.auc, 12);
  });
});

describe("Youden's J", () => {
  it('matches argmax(tpr − fpr) over sklearn’s ROC points', () => {
    const got = youden(cohort.crp, cohort.severe);
    expect(got.threshold).toBe(expected.youden.threshold);
    expect(got.j).toBeCloseTo(expected.youden.j, 12);
    expect(got.sensitivity + got.specificity - 1).toBeCloseTo(got.j, 12);
    const at = confusionAt(cohort.crp, cohort.severe, got.threshold);
    expect(at.sensitivity).toBeCloseTo(got.sensitivity, 12);
    expect(at.specificity).toBeCloseTo(got.specificity, 12);
  });

  it('takes the highest threshold on a tie', () => {
    // Thresholds 4 (sens ½, spec 1) and 2 (sens 1, spec ½) both give J = ½.
    expect(youden([4, 3, 2, 1], [1, 0, 1, 0]).threshold).toBe(4);
  });
});
