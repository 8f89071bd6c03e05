/**
 * ROC AUC with DeLong's variance (DeLong, DeLong & Clarke-Pearson, Biometrics 1988;44:837-45), computed
 * with the O(n log n) midrank algorithm of Sun & Xu (IEEE Signal Process Lett 2014;21:1389-93).
 */
import type { Cleaned, Label, Score } from './data';
import { clean, requireBothClasses } from './data';
import { normalQuantile, twoSidedP } from './normal';

export interface AucResult {
  /** Mann–Whitney AUC: P(score of an event > score of a non-event), ties counting ½. */
  auc: number;
  /** DeLong variance of the AUC. */
  variance: number;
  se: number;
  /** DeLong Wald interval auc ± z·se, clipped to [0, 1]. */
  ci: [lower: number, upper: number];
  level: number;
  nPositive: number;
  nNegative: number;
  /** Patients left out for a missing score. */
  nMissing: number;
}

export interface PairedDelongResult {
  aucA: number;
  aucB: number;
  /** aucA − aucB on the patients both scores have. */
  difference: number;
  /** DeLong variance of the difference, var(A) + var(B) − 2 cov(A, B). */
  variance: number;
  se: number;
  /** Wald interval of the difference, clipped to [−1, 1]: two AUCs cannot differ by more. */
  ci: [lower: number, upper: number];
  level: number;
  z: number;
  /** Two-sided p-value of z. */
  p: number;
  nPositive: number;
  nNegative: number;
  /** Patients left out because either score was missing. */
  nMissing: number;
}

/** 1-based midranks of `values` (ties share the mean of their ranks). */
export function midranks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => (values[i] as number) - (values[j] as number));
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    const v = values[order[i] as number] as number;
    while (j < n && values[order[j] as number] === v) j++;
    const r = (i + 1 + j) / 2; // mean of ranks i+1 … j
    for (let k = i; k < j; k++) ranks[order[k] as number] = r;
    i = j;
  }
  return ranks;
}

/** DeLong's placement values: v10[i] for each event, v01[j] for each non-event; AUC is their mean. */
export interface Placements {
  auc: number;
  v10: Float64Array;
  v01: Float64Array;
}

/** Sun & Xu: placements from the midranks of all, of events alone and of non-events alone. */
export function placements(c: Cleaned): Placements {
  const m = c.nPositive;
  const n = c.nNegative;
  const x = new Float64Array(m);
  const y = new Float64Array(n);
  let ix = 0;
  let iy = 0;
  for (let k = 0; k < c.scores.length; k++) {
    if (c.labels[k] === 1) x[ix++] = c.scores[k] as number;
    else y[iy++] = c.scores[k] as number;
  }
  const z = new Float64Array(m + n);
  z.set(x);
  z.set(y, m);
  const tz = midranks(z);
  const tx = midranks(x);
  const ty = midranks(y);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    v10[i] = ((tz[i] as number) - (tx[i] as number)) / n;
    sum += v10[i] as number;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - ((tz[m + j] as number) - (ty[j] as number)) / m;
  return { auc: sum / m, v10, v01 };
}

/** Sample covariance (denominator k − 1) of two equally long series. */
function covariance(a: Float64Array, b: Float64Array): number {
  const k = a.length;
  if (k < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < k; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= k;
  mb /= k;
  let s = 0;
  for (let i = 0; i < k; i++) s += ((a[i] as number) - ma) * ((b[i] as number) - mb);
  return s / (k - 1);
}

/** DeLong covariance of two AUCs from placements on the same patients. */
function delongCovariance(p: Placements, q: Placements): number {
  return covariance(p.v10, q.v10) / p.v10.length + covariance(p.v01, q.v01) / p.v01.length;
}

function zFor(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} is not in (0, 1)`);
  return normalQuantile(1 - (1 - level) / 2);
}

/** AUC, DeLong variance and confidence interval of one score; patients with a missing score are left out. */
export function aucWithCi(scores: readonly Score[], labels: readonly Label[], level = 0.95): AucResult {
  const [c] = clean([scores], labels) as [Cleaned];
  requireBothClasses(c, 'AUC');
  const p = placements(c);
  const variance = delongCovariance(p, p);
  const se = Math.sqrt(variance);
  const z = zFor(level);
  return {
    auc: p.auc,
    variance,
    se,
    ci: [Math.max(0, p.auc - z * se), Math.min(1, p.auc + z * se)],
    level,
    nPositive: c.nPositive,
    nNegative: c.nNegative,
    nMissing: c.nMissing,
  };
}

/** DeLong's paired test of two scores' AUCs on the patients both scores have. */
export function delongPaired(
  a: readonly Score[],
  b: readonly Score[],
  labels: readonly Label[],
  level = 0.95,
): PairedDelongResult {
  const [ca, cb] = clean([a, b], labels) as [Cleaned, Cleaned];
  requireBothClasses(ca, 'paired DeLong test');
  const pa = placements(ca);
  const pb = placements(cb);
  const variance = Math.max(
    0,
    delongCovariance(pa, pa) + delongCovariance(pb, pb) - 2 * delongCovariance(pa, pb),
  );
  const difference = pa.auc - pb.auc;
  const se = Math.sqrt(variance);
  // Identical placements: no variance and no difference, nothing to test.
  const z = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const q = zFor(level);
  return {
    aucA: pa.auc,
    aucB: pb.auc,
    difference,
    variance,
    se,
    ci: [Math.max(-1, difference - q * se), Math.min(1, difference + q * se)],
    level,
    z,
    p: twoSidedP(z),
    nPositive: ca.nPositive,
    nNegative: ca.nNegative,
    nMissing: ca.nMissing,
  };
}
