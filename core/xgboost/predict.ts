import { outputsPerRow, transformMargins } from './objective';
import { XgboostModelError, type XgbModel } from './types';

/** One row of inputs in the model's feature order; NaN (or the model's `missing`) marks a missing value. */
export type Row = ArrayLike<number>;

const f32 = Math.fround;

/**
 * The row as XGBoost sees it: every value rounded to float32 (XGBoost stores its inputs as float32 and
 * compares `fvalue < split_condition` in float32), missing values (NaN, or equal to the model's `missing`
 * in float32) as NaN.
 */
export function prepareRow(
  model: XgbModel,
  row: Row,
  out = new Float64Array(model.numFeature),
): Float64Array {
  if (row.length !== model.numFeature) {
    throw new XgboostModelError(`row has ${row.length} values, the model has ${model.numFeature} features`);
  }
  const missing = f32(model.missing);
  for (let j = 0; j < row.length; j++) {
    const v = f32(row[j]!);
    out[j] = v === missing ? NaN : v;
  }
  return out;
}

/** The row for a record keyed by feature name; absent, null and undefined entries become missing. */
export function rowFromRecord(
  model: XgbModel,
  record: Record<string, number | null | undefined>,
): Float64Array {
  const known = new Set(model.featureNames);
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  if (unknown.length) throw new XgboostModelError(`not features of the model: ${unknown.join(', ')}`);
  return Float64Array.from(model.featureNames, (name) => record[name] ?? NaN);
}

/** The leaf a prepared row (NaN = missing) reaches from `root`. */
export function leafOf(model: XgbModel, root: number, x: Float64Array): number {
  const { left, right, feature, threshold, defaultLeft } = model;
  let n = root;
  let l = left[n]!;
  while (l >= 0) {
    const v = x[feature[n]!]!;
    if (v !== v) n = defaultLeft[n] ? l : right[n]!;
    else n = v < threshold[n]! ? l : right[n]!;
    l = left[n]!;
  }
  return n;
}

/** Margins of a prepared row into out[at .. at + numGroup), summed in float32 tree by tree as XGBoost does. */
function marginsInto(model: XgbModel, x: Float64Array, out: Float64Array | number[], at: number): void {
  for (let g = 0; g < model.numGroup; g++) out[at + g] = model.baseMargin;
  const { treeRoot, treeGroup, leafValue } = model;
  for (let t = 0; t < model.numTrees; t++) {
    const k = at + treeGroup[t]!;
    out[k] = f32(out[k]! + leafValue[leafOf(model, treeRoot[t]!, x)]!);
  }
}

/** The raw margins of one row, one per output group (XGBoost's `output_margin=True`). */
export function predictMargin(model: XgbModel, row: Row): number[] {
  const out = new Array<number>(model.numGroup);
  marginsInto(model, prepareRow(model, row), out, 0);
  return out;
}

/**
 * The model's output for one row: [probability] for binary:logistic, [value] for regression, the class
 * probabilities for multi:softprob, [class index] for multi:softmax.
 */
export function predict(model: XgbModel, row: Row): number[] {
  const margins = predictMargin(model, row);
  const out = new Array<number>(outputsPerRow(model.objective, model.numGroup));
  transformMargins(model.objective, margins, 0, model.numGroup, out, 0);
  return out;
}

export interface BatchOptions {
  /** Return margins (numGroup per row) instead of outputs. */
  outputMargin?: boolean;
}

/**
 * Predicts every row of a row-major matrix (`rows × numFeature` values). Returns the outputs row after
 * row: `outputsPerRow` values per row (numGroup with `outputMargin`).
 */
export function predictBatch(
  model: XgbModel,
  data: ArrayLike<number>,
  options: BatchOptions = {},
): Float64Array {
  const nf = model.numFeature;
  if (data.length % nf !== 0)
    throw new XgboostModelError(`${data.length} values are not rows of ${nf} features`);
  const rows = data.length / nf;
  const groups = model.numGroup;
  const perRow = options.outputMargin ? groups : outputsPerRow(model.objective, groups);
  const out = new Float64Array(rows * perRow);
  const margins = new Float64Array(groups);
  const x = new Float64Array(nf);
  const missing = f32(model.missing);
  for (let r = 0; r < rows; r++) {
    const base = r * nf;
    for (let j = 0; j < nf; j++) {
      const v = f32(data[base + j]!);
      x[j] = v === missing ? NaN : v;
    }
    if (options.outputMargin) {
      marginsInto(model, x, out, r * perRow);
    } else {
      marginsInto(model, x, margins, 0);
      transformMargins(model.objective, margins, 0, groups, out, r * perRow);
    }
  }
  return out;
}
