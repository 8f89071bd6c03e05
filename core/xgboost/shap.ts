import { prepareRow, type Row } from './predict';
import type { XgbModel } from './types';

/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution
 * for tree ensembles", Algorithm 2), with the trees' `sum_hessian` as the cover: the values XGBoost returns
 * for `pred_contribs=True`. The conditioned variant (`condition` ±1 on one feature) is what the interaction
 * values are built from.
 *
 * The unique path of each recursion level is a slice of four flat arrays; a child's slice starts right
 * after its parent's, so one allocation of O(depth²) serves a whole row.
 */
/** 1 / k for the path lengths a tree can have (depth ≤ 1000 is far beyond any XGBoost model). */
const RECIPROCAL = Float64Array.from({ length: 1024 }, (_, k) => 1 / k);

class PathWalker {
  private readonly feat: Int32Array;
  private readonly zero: Float64Array;
  private readonly one: Float64Array;
  private readonly weight: Float64Array;
  private x!: Float64Array;
  private phi!: Float64Array;
  private phiAt = 0;
  private condition = 0;
  private condFeature = -1;

  constructor(private readonly m: XgbModel) {
    const slots = ((m.maxDepth + 3) * (m.maxDepth + 4)) / 2;
    this.feat = new Int32Array(slots);
    this.zero = new Float64Array(slots);
    this.one = new Float64Array(slots);
    this.weight = new Float64Array(slots);
  }

  /** Adds the contributions of every tree for prepared row x to phi (numGroup × (numFeature + 1)). */
  run(x: Float64Array, phi: Float64Array, condition = 0, condFeature = -1): void {
    const m = this.m;
    const width = m.numFeature + 1;
    this.x = x;
    this.phi = phi;
    this.condition = condition;
    this.condFeature = condFeature;
    for (let t = 0; t < m.numTrees; t++) {
      const root = m.treeRoot[t]!;
      this.phiAt = m.treeGroup[t]! * width;
      if (condition === 0) phi[this.phiAt + m.numFeature]! += m.nodeMean[root]!;
      this.recurse(root, 0, 0, 1, 1, -1, 1);
    }
  }

  /** Appends (feature, zero, one) to the path of length depth held at `at`, updating the weights. */
  private extend(at: number, depth: number, zero: number, one: number, feature: number): void {
    const w = this.weight;
    this.feat[at + depth] = feature;
    this.zero[at + depth] = zero;
    this.one[at + depth] = one;
    w[at + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      w[at + i + 1]! += (one * w[at + i]! * (i + 1)) / (depth + 1);
      w[at + i] = (zero * w[at + i]! * (depth - i)) / (depth + 1);
    }
  }

  /** Removes element `k` from the path (the inverse of extend), shifting the later elements down. */
  private unwind(at: number, depth: number, k: number): void {
    const w = this.weight;
    const one = this.one[at + k]!;
    const zero = this.zero[at + k]!;
    let next = w[at + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const keep = w[at + i]!;
        w[at + i] = (next * (depth + 1)) / ((i + 1) * one);
        next = keep - (w[at + i]! * zero * (depth - i)) / (depth + 1);
      } else {
        w[at + i] = (w[at + i]! * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = k; i < depth; i++) {
      this.feat[at + i] = this.feat[at + i + 1]!;
      this.zero[at + i] = this.zero[at + i + 1]!;
      this.one[at + i] = this.one[at + i + 1]!;
    }
  }

  /** Total weight of the path with element `k` unwound, without changing the path. */
  private unwoundSum(at: number, depth: number, k: number): number {
    const w = this.weight;
    const one = this.one[at + k]!;
    const zero = this.zero[at + k]!;
    const d1 = depth + 1;
    let total = 0;
    if (one !== 0) {
      // Divisions are the cost here: multiply by reciprocals (one is 0 or 1 in practice).
      const scale = d1 / one;
      const zeroScale = zero / d1;
      let next = w[at + depth]!;
      for (let i = depth - 1; i >= 0; i--) {
        const t = next * scale * RECIPROCAL[i + 1]!;
        total += t;
        next = w[at + i]! - t * zeroScale * (depth - i);
      }
    } else if (zero !== 0) {
      for (let i = depth - 1; i >= 0; i--) total += w[at + i]! * RECIPROCAL[depth - i]!;
      total *= d1 / zero;
    }
    return total;
  }

  private recurse(
    node: number,
    parentAt: number,
    depth: number,
    pZero: number,
    pOne: number,
    pFeature: number,
    condFraction: number,
  ): void {
    if (condFraction === 0) return;
    const m = this.m;
    const at = parentAt + depth + 1;
    const { feat, zero, one, weight } = this;
    for (let i = 0; i <= depth; i++) {
      feat[at + i] = feat[parentAt + i]!;
      zero[at + i] = zero[parentAt + i]!;
      one[at + i] = one[parentAt + i]!;
      weight[at + i] = weight[parentAt + i]!;
    }
    if (this.condition === 0 || pFeature !== this.condFeature) this.extend(at, depth, pZero, pOne, pFeature);

    const left = m.left[node]!;
    if (left < 0) {
      const scale = m.leafValue[node]! * condFraction;
      for (let i = 1; i <= depth; i++) {
        const w = this.unwoundSum(at, depth, i);
        this.phi[this.phiAt + this.feat[at + i]!]! += w * (this.one[at + i]! - this.zero[at + i]!) * scale;
      }
      return;
    }
    const split = m.feature[node]!;
    const v = this.x[split]!;
    const right = m.right[node]!;
    const goesLeft = v !== v ? m.defaultLeft[node] === 1 : v < m.threshold[node]!;
    const hot = goesLeft ? left : right;
    const cold = goesLeft ? right : left;
    const cover = m.cover[node]!;
    const hotZero = m.cover[hot]! / cover;
    const coldZero = m.cover[cold]! / cover;

    // A feature met again on the path: undo its earlier split and redo it here.
    let inZero = 1;
    let inOne = 1;
    for (let k = 0; k <= depth; k++) {
      if (this.feat[at + k] === split) {
        inZero = this.zero[at + k]!;
        inOne = this.one[at + k]!;
        this.unwind(at, depth, k);
        depth -= 1;
        break;
      }
    }
    let hotFraction = condFraction;
    let coldFraction = condFraction;
    if (this.condition !== 0 && split === this.condFeature) {
      if (this.condition > 0) {
        coldFraction = 0;
      } else {
        hotFraction *= hotZero;
        coldFraction *= coldZero;
      }
      depth -= 1;
    }
    this.recurse(hot, at, depth + 1, hotZero * inZero, inOne, split, hotFraction);
    this.recurse(cold, at, depth + 1, coldZero * inZero, 0, split, coldFraction);
  }
}

const walkers = new WeakMap<XgbModel, PathWalker>();

function walker(model: XgbModel): PathWalker {
  let w = walkers.get(model);
  if (!w) walkers.set(model, (w = new PathWalker(model)));
  return w;
}

/**
 * SHAP contributions of one row into a flat numGroup × (numFeature + 1) array (bias last in each group).
 * `condition` +1 / -1 fixes feature `condFeature` as present / absent (no bias or base margin then).
 */
export function contribsInto(
  model: XgbModel,
  x: Float64Array,
  phi: Float64Array,
  condition = 0,
  condFeature = -1,
): Float64Array {
  walker(model).run(x, phi, condition, condFeature);
  if (condition === 0) {
    const width = model.numFeature + 1;
    for (let g = 0; g < model.numGroup; g++) phi[g * width + model.numFeature]! += model.baseMargin;
  }
  return phi;
}

/**
 * Exact TreeSHAP values of one row, as XGBoost's `pred_contribs=True`: per output group, one value per
 * feature and the bias (expected margin) last; each group's values sum to its margin.
 */
export function predictContribs(model: XgbModel, row: Row): number[][] {
  const width = model.numFeature + 1;
  const phi = contribsInto(model, prepareRow(model, row), new Float64Array(model.numGroup * width));
  return Array.from({ length: model.numGroup }, (_, g) =>
    Array.from(phi.subarray(g * width, (g + 1) * width)),
  );
}
