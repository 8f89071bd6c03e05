import { baseMarginOf, parseObjective } from './objective';
import { XgboostModelError, type XgbModel } from './types';
import { decodeUbjson } from './ubjson';

type Obj = { [key: string]: unknown };
type NumArray = ArrayLike<number>;

export interface LoadOptions {
  /**
   * The value that marks a missing input besides NaN. Default: the `missing` recorded by XGBoost's
   * scikit-learn wrapper in the model's attributes, else none.
   */
  missing?: number;
}

const f32 = Math.fround;

function obj(value: unknown, what: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new XgboostModelError(`model: ${what} is not an object`);
  }
  return value as Obj;
}

function arr(value: unknown, what: string): NumArray {
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    return value as unknown as NumArray;
  }
  throw new XgboostModelError(`model: ${what} is not an array`);
}

/** XGBoost writes its scalar parameters as strings ("5E-1", "3"). */
function num(value: unknown, what: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || Number.isNaN(n)) throw new XgboostModelError(`model: ${what} is not a number`);
  return n;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return [];
  return value as string[];
}

/** JSON when the document opens with `{` and then whitespace, a quote or `}`; UBJSON otherwise. */
function decode(bytes: Uint8Array): unknown {
  let i = 0;
  while (i < bytes.length && ' \t\r\n'.includes(String.fromCharCode(bytes[i]!))) i++;
  if (bytes[i] !== 0x7b) throw new XgboostModelError('not an XGBoost model: expected JSON or UBJSON object');
  const next = bytes[i + 1];
  const isJson =
    next === 0x22 || next === 0x7d || next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09;
  if (!isJson) return decodeUbjson(bytes);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (err) {
    throw new XgboostModelError(`model JSON does not parse: ${(err as Error).message}`);
  }
}

/** The `missing` of the scikit-learn wrapper's attribute (a JSON string that may hold a bare NaN). */
function sklearnMissing(attributes: unknown): number {
  if (attributes === null || typeof attributes !== 'object') return NaN;
  const text = (attributes as Obj).scikit_learn;
  if (typeof text !== 'string') return NaN;
  const match = /"missing"\s*:\s*(-?[0-9.eE+-]+|NaN|null)/.exec(text);
  return match && match[1] !== 'NaN' && match[1] !== 'null' ? Number(match[1]) : NaN;
}

/**
 * Loads a model written by XGBoost's `Booster.save_model` (`.json` or `.ubj`), or the already-parsed
 * JSON document. Only `gbtree` boosters with numerical splits are supported; categorical splits, `dart`
 * and `gblinear` are rejected with an error that says so.
 */
export function loadXgboostModel(source: Uint8Array | string | object, options: LoadOptions = {}): XgbModel {
  const doc =
    source instanceof Uint8Array
      ? decode(source)
      : typeof source === 'string'
        ? decode(new TextEncoder().encode(source))
        : source;
  const root = obj(doc, 'document');
  const learner = obj(root.learner, 'learner');
  const param = obj(learner.learner_model_param, 'learner_model_param');
  const objective = parseObjective(obj(learner.objective, 'objective').name);
  const booster = obj(learner.gradient_booster, 'gradient_booster');
  if (booster.name !== 'gbtree') {
    throw new XgboostModelError(`booster ${JSON.stringify(booster.name)} is not supported (only gbtree)`);
  }
  const trees = arr(obj(booster.model, 'gradient_booster.model').trees, 'trees') as unknown as unknown[];
  const treeInfo = arr(obj(booster.model, 'gradient_booster.model').tree_info, 'tree_info');
  const numFeature = num(param.num_feature, 'num_feature');
  const numGroup = Math.max(
    1,
    num(param.num_class ?? 0, 'num_class'),
    num(param.num_target ?? 1, 'num_target'),
  );
  if (objective.startsWith('multi:') && numGroup < 2) {
    throw new XgboostModelError(`${objective} needs num_class > 1`);
  }
  const baseScore = f32(num(param.base_score, 'base_score'));
  const names = strings(learner.feature_names);
  const featureNames =
    names.length === numFeature ? names : Array.from({ length: numFeature }, (_, i) => `f${i}`);

  const treeObjs = trees.map((t, k) => obj(t, `tree ${k}`));
  const sizes = treeObjs.map((t, k) => arr(t.left_children, `tree ${k} left_children`).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const model: XgbModel = {
    objective,
    version: Array.from(arr(root.version ?? [], 'version')),
    numFeature,
    numGroup,
    featureNames,
    featureTypes: strings(learner.feature_types),
    baseScore,
    baseMargin: baseMarginOf(objective, baseScore),
    missing: options.missing ?? sklearnMissing(learner.attributes),
    numTrees: trees.length,
    treeRoot: new Int32Array(trees.length),
    treeGroup: new Int32Array(trees.length),
    treeDepth: new Int32Array(trees.length),
    maxDepth: 0,
    left: new Int32Array(total),
    right: new Int32Array(total),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    defaultLeft: new Uint8Array(total),
    leafValue: new Float64Array(total),
    cover: new Float64Array(total),
    gain: new Float64Array(total),
    nodeMean: new Float64Array(total),
  };
  if (treeInfo.length !== trees.length) throw new XgboostModelError('tree_info and trees differ in length');
  let offset = 0;
  treeObjs.forEach((tree, k) => {
    model.treeRoot[k] = offset;
    const group = treeInfo[k]!;
    if (!(group >= 0 && group < numGroup))
      throw new XgboostModelError(`tree ${k}: group ${group} out of range`);
    model.treeGroup[k] = group;
    readTree(model, tree, k, offset, sizes[k]!);
    model.treeDepth[k] = depthAndMeans(model, offset);
    model.maxDepth = Math.max(model.maxDepth, model.treeDepth[k]!);
    if (model.maxDepth > 1000) throw new XgboostModelError(`tree ${k} is deeper than 1000 levels`);
    offset += sizes[k]!;
  });
  return model;
}

function readTree(model: XgbModel, tree: Obj, k: number, offset: number, n: number): void {
  const field = (name: string) => {
    const a = arr(tree[name], `tree ${k} ${name}`);
    if (a.length !== n)
      throw new XgboostModelError(`tree ${k}: ${name} has ${a.length} entries, expected ${n}`);
    return a;
  };
  const left = field('left_children');
  const right = field('right_children');
  const index = field('split_indices');
  const cond = field('split_conditions');
  const dflt = field('default_left');
  const hess = field('sum_hessian');
  const loss = field('loss_changes');
  const splitType = tree.split_type === undefined ? undefined : field('split_type');
  for (let i = 0; i < n; i++) {
    const at = offset + i;
    const l = left[i]!;
    const r = right[i]!;
    model.cover[at] = f32(hess[i]!);
    model.gain[at] = f32(loss[i]!);
    if (l === -1) {
      model.left[at] = -1;
      model.right[at] = -1;
      model.feature[at] = -1;
      model.leafValue[at] = f32(cond[i]!);
      continue;
    }
    if (splitType && splitType[i] !== 0) {
      throw new XgboostModelError(`tree ${k} node ${i}: categorical splits are not supported`);
    }
    const f = index[i]!;
    if (!(l > 0 && l < n && r > 0 && r < n && f >= 0 && f < model.numFeature)) {
      throw new XgboostModelError(`tree ${k} node ${i}: children ${l}/${r} or feature ${f} out of range`);
    }
    model.left[at] = offset + l;
    model.right[at] = offset + r;
    model.feature[at] = f;
    model.threshold[at] = f32(cond[i]!);
    model.defaultLeft[at] = dflt[i] ? 1 : 0;
  }
}

/**
 * Depth of the tree rooted at `root`, and every reachable node's cover-weighted mean leaf value, computed
 * bottom-up in float32 as XGBoost's `FillNodeMeanValues` does (children first, divided by the node's own
 * cover). Walks only what the root reaches, so pruned (deleted) nodes are ignored; guards against cycles.
 */
function depthAndMeans(m: XgbModel, root: number): number {
  const order: number[] = [root];
  const depth = new Map<number, number>([[root, 0]]);
  let maxDepth = 0;
  for (let k = 0; k < order.length; k++) {
    const n = order[k]!;
    const d = depth.get(n)!;
    maxDepth = Math.max(maxDepth, d);
    if (m.left[n]! < 0) continue;
    for (const c of [m.left[n]!, m.right[n]!]) {
      if (depth.has(c)) throw new XgboostModelError(`node ${c - root} is reached twice: not a tree`);
      depth.set(c, d + 1);
      order.push(c);
    }
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const l = m.left[n]!;
    if (l < 0) {
      m.nodeMean[n] = m.leafValue[n]!;
    } else {
      const r = m.right[n]!;
      const sum = f32(f32(m.nodeMean[l]! * m.cover[l]!) + f32(m.nodeMean[r]! * m.cover[r]!));
      m.nodeMean[n] = f32(sum / m.cover[n]!);
    }
  }
  return maxDepth;
}
