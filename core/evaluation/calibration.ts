/** Accuracy and calibration of predicted probabilities: Brier score, logistic recalibration, deciles. */
import type { Cleaned, Label, Score } from './data';
import { clean, requireBothClasses, requireProbabilities } from './data';

export interface CalibrationFit {
  /** Calibration-in-the-large: a in logit P(y) = a + logit(p) (slope fixed at 1). Ideal 0. */
  intercept: number;
  /**
   * Calibration slope: b in logit P(y) = a' + b·logit(p). Ideal 1. Null when the predictions separate the
   * outcomes (every event above every non-event, or below): the maximum-likelihood slope is then infinite.
   */
  slope: number | null;
  /** a' of the slope fit; null with the slope. */
  slopeIntercept: number | null;
  /** Newton iterations of the slope fit (0 when the outcomes are separated). */
  iterations: number;
  n: number;
  nMissing: number;
}

export interface CalibrationBin {
  /** Patients in the group (predictions sorted, split into near-equal groups). */
  n: number;
  events: number;
  meanPredicted: number;
  observed: number;
  minPredicted: number;
  maxPredicted: number;
}

/** Probabilities are clamped to [ε, 1 − ε] before taking the logit, so a 0 or 1 stays finite. */
export const LOGIT_EPSILON = 1e-12;

function logit(p: number): number {
  const q = Math.min(1 - LOGIT_EPSILON, Math.max(LOGIT_EPSILON, p));
  return Math.log(q / (1 - q));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function probabilities(scores: readonly Score[], labels: readonly Label[], what: string): Cleaned {
  const [c] = clean([scores], labels) as [Cleaned];
  requireProbabilities(c);
  if (c.scores.length === 0) throw new RangeError(`${what} needs at least one patient`);
  return c;
}

/** Mean squared difference between predicted probability and outcome; missing predictions left out. */
export function brierScore(probs: readonly Score[], labels: readonly Label[]): number {
  const c = probabilities(probs, labels, 'Brier score');
  let s = 0;
  for (let k = 0; k < c.scores.length; k++) s += ((c.scores[k] as number) - (c.labels[k] as number)) ** 2;
  return s / c.scores.length;
}

const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-12;

/** Logistic recalibration by Newton's method (IRLS): intercept with offset logit(p), then intercept + slope. */
export function calibration(probs: readonly Score[], labels: readonly Label[]): CalibrationFit {
  const c = probabilities(probs, labels, 'calibration');
  requireBothClasses(c, 'calibration');
  const n = c.scores.length;
  const x = c.scores.map(logit);
  const y = c.labels;

  // Calibration-in-the-large: one parameter, offset x.
  let a = 0;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    let g = 0;
    let h = 0;
    for (let k = 0; k < n; k++) {
      const mu = sigmoid(a + (x[k] as number));
      g += (y[k] as number) - mu;
      h += mu * (1 - mu);
    }
    const step = g / h;
    a += step;
    if (Math.abs(step) < TOLERANCE) break;
  }

  // Slope: intercept b0 and slope b1 on x. Predictions that separate the outcomes have no finite
  // maximum-likelihood slope: Newton's method would climb until the weights underflow.
  if (separates(x, y))
    return { intercept: a, slope: null, slopeIntercept: null, iterations: 0, n, nMissing: c.nMissing };
  let b0 = 0;
  let b1 = 1;
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS;) {
    iterations++;
    let g0 = 0;
    let g1 = 0;
    let h00 = 0;
    let h01 = 0;
    let h11 = 0;
    for (let k = 0; k < n; k++) {
      const xk = x[k] as number;
      const mu = sigmoid(b0 + b1 * xk);
      const r = (y[k] as number) - mu;
      const w = mu * (1 - mu);
      g0 += r;
      g1 += r * xk;
      h00 += w;
      h01 += w * xk;
      h11 += w * xk * xk;
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) throw new RangeError('calibration slope is not identifiable (all predictions equal?)');
    const d0 = (h11 * g0 - h01 * g1) / det;
    const d1 = (h00 * g1 - h01 * g0) / det;
    b0 += d0;
    b1 += d1;
    if (!Number.isFinite(b0) || !Number.isFinite(b1)) {
      throw new RangeError('calibration fit diverged (outcome separated by the predictions?)');
    }
    if (Math.max(Math.abs(d0), Math.abs(d1)) < TOLERANCE) break;
  }
  return { intercept: a, slope: b1, slopeIntercept: b0, iterations, n, nMissing: c.nMissing };
}

/** Whether every event's score is above every non-event's, or every one below (complete separation). */
function separates(scores: Float64Array, labels: Uint8Array): boolean {
  const min = [Infinity, Infinity];
  const max = [-Infinity, -Infinity];
  scores.forEach((score, k) => {
    const label = labels[k] as number;
    min[label] = Math.min(min[label] as number, score);
    max[label] = Math.max(max[label] as number, score);
  });
  return (max[0] as number) < (min[1] as number) || (max[1] as number) < (min[0] as number);
}

/** The most calibration groups: deciles of predicted risk, the usual choice. */
export const MAX_CALIBRATION_GROUPS = 10;
/** Patients of the rarer outcome a group should hold on average (Hosmer & Lemeshow's ≥ 5 expected per cell). */
export const RARER_OUTCOME_PER_GROUP = 5;

/**
 * How many calibration groups a sample supports: ⌊(patients of the rarer outcome) / 5⌋, at least 2 and at
 * most 10, so that each group holds about five events (or non-events, if rarer) rather than one or none.
 */
export function calibrationGroups(events: number, nonEvents: number): number {
  const rarer = Math.min(events, nonEvents);
  return Math.min(MAX_CALIBRATION_GROUPS, Math.max(2, Math.floor(rarer / RARER_OUTCOME_PER_GROUP)));
}

/**
 * Calibration curve: predictions sorted ascending (ties in input order) and split into `groups`
 * near-equal groups, group g holding sorted positions ⌊g·n/groups⌋ … ⌊(g+1)·n/groups⌋ − 1.
 */
export function calibrationCurve(
  probs: readonly Score[],
  labels: readonly Label[],
  groups = 10,
): CalibrationBin[] {
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`groups ${groups}`);
  const c = probabilities(probs, labels, 'calibration curve');
  const n = c.scores.length;
  const order = Array.from(c.scores.keys()).sort(
    (i, j) => (c.scores[i] as number) - (c.scores[j] as number) || i - j,
  );
  const bins: CalibrationBin[] = [];
  for (let g = 0; g < groups; g++) {
    const from = Math.floor((g * n) / groups);
    const to = Math.floor(((g + 1) * n) / groups);
    if (to === from) continue;
    let sum = 0;
    let events = 0;
    for (let k = from; k < to; k++) {
      const i = order[k] as number;
      sum += c.scores[i] as number;
      events += c.labels[i] as number;
    }
    bins.push({
      n: to - from,
      events,
      meanPredicted: sum / (to - from),
      observed: events / (to - from),
      minPredicted: c.scores[order[from] as number] as number,
      maxPredicted: c.scores[order[to - 1] as number] as number,
    });
  }
  return bins;
}
