import { SUPPORTED_OBJECTIVES, XgboostModelError, type XgbObjective } from './types';

const f32 = Math.fround;

export function parseObjective(name: unknown): XgbObjective {
  if (typeof name === 'string' && (SUPPORTED_OBJECTIVES as readonly string[]).includes(name)) {
    return name as XgbObjective;
  }
  throw new XgboostModelError(
    `unsupported objective ${JSON.stringify(name)}; supported: ${SUPPORTED_OBJECTIVES.join(', ')}`,
  );
}

export function isLogistic(objective: XgbObjective): boolean {
  return objective === 'binary:logistic' || objective === 'reg:logistic' || objective === 'binary:logitraw';
}

/**
 * The margin predictions start from, as XGBoost's `ProbToMargin` computes it in float32: logit(base_score)
 * for the logistic family, base_score itself otherwise.
 */
export function baseMarginOf(objective: XgbObjective, baseScore: number): number {
  const b = f32(baseScore);
  if (!isLogistic(objective)) return b;
  if (!(b > 0 && b < 1))
    throw new XgboostModelError(`base_score ${baseScore} must be in (0, 1) for ${objective}`);
  return f32(-f32(Math.log(f32(f32(1 / b) - 1)))) + 0; // + 0: logit(0.5) is +0, not -0
}

export function sigmoid(margin: number): number {
  return f32(1 / (1 + Math.exp(-margin)));
}

/**
 * Turns the margins of one row (one per group) into the model's output, in place in `out` from `at`:
 * a probability (logistic), the value (regression, logitraw), class probabilities (softprob) or the class
 * index (softmax: one output per row, the first largest margin).
 */
export function transformMargins(
  objective: XgbObjective,
  margins: ArrayLike<number>,
  from: number,
  groups: number,
  out: Float64Array | number[],
  at: number,
): void {
  switch (objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      out[at] = sigmoid(margins[from]!);
      return;
    case 'binary:logitraw':
    case 'reg:squarederror':
      out[at] = margins[from]!;
      return;
    case 'multi:softmax': {
      let best = 0;
      for (let g = 1; g < groups; g++) if (margins[from + g]! > margins[from + best]!) best = g;
      out[at] = best;
      return;
    }
    case 'multi:softprob': {
      let max = -Infinity;
      for (let g = 0; g < groups; g++) max = Math.max(max, margins[from + g]!);
      let sum = 0;
      for (let g = 0; g < groups; g++) sum += Math.exp(margins[from + g]! - max);
      for (let g = 0; g < groups; g++) out[at + g] = f32(Math.exp(margins[from + g]! - max) / sum);
      return;
    }
  }
}

/** Outputs per row: one per class for softprob, else one. */
export function outputsPerRow(objective: XgbObjective, groups: number): number {
  return objective === 'multi:softprob' ? groups : 1;
}
