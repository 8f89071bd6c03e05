/** The objectives this evaluator understands (`learner.objective.name` of a saved model). */
export type XgbObjective =
  | 'binary:logistic'
  | 'reg:logistic'
  | 'binary:logitraw'
  | 'reg:squarederror'
  | 'multi:softprob'
  | 'multi:softmax';

export const SUPPORTED_OBJECTIVES: readonly XgbObjective[] = [
  'binary:logistic',
  'reg:logistic',
  'binary:logitraw',
  'reg:squarederror',
  'multi:softprob',
  'multi:softmax',
];

/**
 * A gradient-boosted tree ensemble loaded from XGBoost's `save_model` output, flattened for evaluation.
 *
 * Every tree's nodes live in the shared node arrays; `treeRoot[t]` is tree t's root and child indices are
 * absolute (a leaf has `left[n] === -1`). Thresholds, leaf values and covers are the float32 values of the
 * file, held as float64.
 */
export interface XgbModel {
  objective: XgbObjective;
  /** XGBoost version that saved the model, e.g. [1, 7, 4]. */
  version: number[];
  numFeature: number;
  /** Output groups: the number of classes for multi:*, else 1. */
  numGroup: number;
  /** The model's feature names, or XGBoost's defaults f0, f1, ... when it has none. */
  featureNames: string[];
  /** The model's feature types ('q', 'i', 'int', 'float'), or [] when it recorded none. */
  featureTypes: string[];
  /** `base_score` as stored (a probability for logistic objectives), rounded to float32. */
  baseScore: number;
  /** The margin every prediction starts from: logit(base_score) for logistic objectives, float32. */
  baseMargin: number;
  /** The value that also means "missing" besides NaN (NaN when the model recorded none). */
  missing: number;
  numTrees: number;
  treeRoot: Int32Array;
  /** The output group (class) each tree adds to. */
  treeGroup: Int32Array;
  /** Depth of each tree (a lone leaf has depth 0). */
  treeDepth: Int32Array;
  maxDepth: number;
  left: Int32Array;
  right: Int32Array;
  /** Split feature of an internal node (-1 on leaves). */
  feature: Int32Array;
  threshold: Float64Array;
  defaultLeft: Uint8Array;
  /** Leaf value (the leaf's `split_conditions` entry); 0 on internal nodes. */
  leafValue: Float64Array;
  /** `sum_hessian`: the cover TreeSHAP and the cover importances use. */
  cover: Float64Array;
  /** `loss_changes`: the split gain. */
  gain: Float64Array;
  /** Cover-weighted mean of the leaves below each node (XGBoost's node mean values), float32 arithmetic. */
  nodeMean: Float64Array;
}

export class XgboostModelError extends Error {
  override name = 'XgboostModelError';
}
