import { prepareRow, type Row } from './predict';
import { contribsInto } from './shap';
import type { XgbModel } from './types';

/**
 * SHAP interaction values of one row, as XGBoost's `pred_interactions=True`: per output group a
 * (numFeature + 1) × (numFeature + 1) matrix, bias last. Off the diagonal, entry (i, k) is half the change
 * in feature k's contribution between feature i fixed present and fixed absent; the diagonal holds what is
 * left of feature i's SHAP value, so every row sums to that feature's contribution and the whole matrix to
 * the margin. The bias row and column are zero except the corner, which is the bias contribution.
 */
export function predictInteractions(model: XgbModel, row: Row): number[][][] {
  const nf = model.numFeature;
  const width = nf + 1;
  const groups = model.numGroup;
  const x = prepareRow(model, row);
  const diag = contribsInto(model, x, new Float64Array(groups * width));
  const on = new Float64Array(groups * width);
  const off = new Float64Array(groups * width);
  const out = Array.from({ length: groups }, () =>
    Array.from({ length: width }, () => new Array<number>(width).fill(0)),
  );
  for (let i = 0; i < nf; i++) {
    on.fill(0);
    off.fill(0);
    contribsInto(model, x, on, 1, i);
    contribsInto(model, x, off, -1, i);
    for (let g = 0; g < groups; g++) {
      const m = out[g]![i]!;
      let rest = diag[g * width + i]!;
      for (let k = 0; k < width; k++) {
        if (k === i) continue;
        const v = (on[g * width + k]! - off[g * width + k]!) / 2;
        m[k] = v;
        rest -= v;
      }
      m[i] = rest;
    }
  }
  for (let g = 0; g < groups; g++) out[g]![nf]![nf] = diag[g * width + nf]!;
  return out;
}
