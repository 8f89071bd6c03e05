/** Decision-curve analysis (Vickers & Elkin, Med Decis Making 2006;26:565-74). */
import type { Cleaned, Label, Score } from './data';
import { clean, requireProbabilities } from './data';

export interface NetBenefitPoint {
  /** Threshold probability pt: treat when the predicted probability is ≥ pt. */
  threshold: number;
  /** TP/n − FP/n · pt/(1 − pt). */
  model: number;
  /** Treat everyone: prevalence − (1 − prevalence) · pt/(1 − pt). */
  treatAll: number;
  /** Treat no one: always 0. */
  treatNone: number;
}

/** 0.01, 0.02, …, 0.99. */
export const DEFAULT_THRESHOLDS: readonly number[] = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);

/** Net benefit of the model, treat-all and treat-none at each threshold in (0, 1). */
export function netBenefit(
  probs: readonly Score[],
  labels: readonly Label[],
  thresholds: readonly number[] = DEFAULT_THRESHOLDS,
): NetBenefitPoint[] {
  const [c] = clean([probs], labels) as [Cleaned];
  requireProbabilities(c);
  const n = c.scores.length;
  if (n === 0) throw new RangeError('net benefit needs at least one patient');
  const prevalence = c.nPositive / n;
  // Sorted descending once, then each threshold is a binary search and a prefix count.
  const order = Array.from(c.scores.keys()).sort((i, j) => (c.scores[j] as number) - (c.scores[i] as number));
  const sorted = order.map((i) => c.scores[i] as number);
  const eventsBefore = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++)
    eventsBefore[k + 1] = (eventsBefore[k] as number) + (c.labels[order[k] as number] as number);
  return thresholds.map((pt) => {
    if (!(pt > 0 && pt < 1)) throw new RangeError(`threshold probability ${pt} is not in (0, 1)`);
    // Count of predictions ≥ pt.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) >= pt) lo = mid + 1;
      else hi = mid;
    }
    const tp = eventsBefore[lo] as number;
    const fp = lo - tp;
    const odds = pt / (1 - pt);
    return {
      threshold: pt,
      model: tp / n - (fp / n) * odds,
      treatAll: prevalence - (1 - prevalence) * odds,
      treatNone: 0,
    };
  });
}
