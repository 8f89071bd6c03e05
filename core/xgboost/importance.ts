import { XgboostModelError, type XgbModel } from './types';

export type ImportanceType = 'weight' | 'gain' | 'cover' | 'total_gain' | 'total_cover';

export const IMPORTANCE_TYPES: readonly ImportanceType[] = [
  'weight',
  'gain',
  'cover',
  'total_gain',
  'total_cover',
];

const f32 = Math.fround;

/**
 * Global feature importance as XGBoost's `Booster.get_score(importance_type)`: for every feature used in
 * at least one split (keyed by feature name), the number of splits (`weight`), the summed split gain
 * (`total_gain`) or cover (`total_cover`), or those sums divided by the number of splits (`gain`, `cover`).
 * Sums run in float32 in XGBoost's order (trees in turn, each walked depth-first from the root with the
 * right child first), so the numbers are XGBoost's to the last bit.
 */
export function featureImportance(model: XgbModel, type: ImportanceType = 'weight'): Record<string, number> {
  if (!IMPORTANCE_TYPES.includes(type)) {
    throw new XgboostModelError(
      `unknown importance type ${JSON.stringify(type)}; use ${IMPORTANCE_TYPES.join(', ')}`,
    );
  }
  const counts = new Float64Array(model.numFeature);
  const sums = new Float64Array(model.numFeature);
  const stat = type === 'gain' || type === 'total_gain' ? model.gain : model.cover;
  const stack: number[] = [];
  for (let t = 0; t < model.numTrees; t++) {
    stack.push(model.treeRoot[t]!);
    while (stack.length) {
      const n = stack.pop()!;
      const left = model.left[n]!;
      if (left < 0) continue;
      const f = model.feature[n]!;
      counts[f]! += 1;
      if (type !== 'weight') sums[f] = f32(sums[f]! + stat[n]!);
      stack.push(left, model.right[n]!);
    }
  }
  const out: Record<string, number> = {};
  for (let f = 0; f < model.numFeature; f++) {
    const count = counts[f]!;
    if (count === 0) continue;
    const name = model.featureNames[f]!;
    if (type === 'weight') out[name] = count;
    else if (type === 'gain' || type === 'cover') out[name] = f32(sums[f]! / f32(Math.max(1, count)));
    else out[name] = sums[f]!;
  }
  return out;
}
