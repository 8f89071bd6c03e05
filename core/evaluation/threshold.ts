/** Classification at a threshold (a score ≥ the threshold counts as positive), ROC points, Youden's J. */
import type { Cleaned, Label, Score } from './data';
import { clean, requireBothClasses } from './data';

export interface ConfusionAtThreshold {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** tp / (tp + fn); NaN when there are no events. */
  sensitivity: number;
  /** tn / (tn + fp); NaN when there are no non-events. */
  specificity: number;
  /** tp / (tp + fp); NaN when nobody is positive. */
  ppv: number;
  /** tn / (tn + fn); NaN when nobody is negative. */
  npv: number;
  /** Patients left out for a missing score. */
  nMissing: number;
}

export interface RocPoint {
  /** Scores ≥ threshold are positive; the first point's threshold is +∞ (nobody positive). */
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface YoudenResult {
  /** The threshold maximising sensitivity + specificity − 1 (the highest such threshold on a tie). */
  threshold: number;
  j: number;
  sensitivity: number;
  specificity: number;
}

function counts(c: Cleaned, threshold: number, nMissing: number): ConfusionAtThreshold {
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < c.scores.length; k++) {
    if ((c.scores[k] as number) >= threshold) {
      if (c.labels[k] === 1) tp++;
      else fp++;
    }
  }
  const fn = c.nPositive - tp;
  const tn = c.nNegative - fp;
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    sensitivity: tp / (tp + fn),
    specificity: tn / (tn + fp),
    ppv: tp / (tp + fp),
    npv: tn / (tn + fn),
    nMissing,
  };
}

/** Sensitivity, specificity, PPV and NPV with their counts when scores ≥ `threshold` are called positive. */
export function confusionAt(
  scores: readonly Score[],
  labels: readonly Label[],
  threshold: number,
): ConfusionAtThreshold {
  const [c] = clean([scores], labels) as [Cleaned];
  return counts(c, threshold, c.nMissing);
}

/**
 * The empirical ROC curve: one point per distinct score, from (0, 0) at +∞ to (1, 1) at the lowest score,
 * as sklearn.metrics.roc_curve with drop_intermediate=False.
 */
export function rocCurve(scores: readonly Score[], labels: readonly Label[]): RocPoint[] {
  const [c] = clean([scores], labels) as [Cleaned];
  requireBothClasses(c, 'ROC curve');
  const order = Array.from(c.scores.keys()).sort((i, j) => (c.scores[j] as number) - (c.scores[i] as number));
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (c.labels[i] === 1) tp++;
    else fp++;
    const s = c.scores[i] as number;
    const next = order[k + 1];
    if (next === undefined || c.scores[next] !== s) {
      points.push({ threshold: s, fpr: fp / c.nNegative, tpr: tp / c.nPositive });
    }
  }
  return points;
}

/** The Youden-optimal threshold over the ROC curve's points. */
export function youden(scores: readonly Score[], labels: readonly Label[]): YoudenResult {
  let best: YoudenResult | undefined;
  for (const pt of rocCurve(scores, labels)) {
    const j = pt.tpr - pt.fpr;
    if (best === undefined || j > best.j) {
      best = { threshold: pt.threshold, j, sensitivity: pt.tpr, specificity: 1 - pt.fpr };
    }
  }
  return best as YoudenResult;
}
