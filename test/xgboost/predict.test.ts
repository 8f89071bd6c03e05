import { describe, expect, it } from 'vitest';
import {
  loadXgboostModel,
  predict,
  predictBatch,
  predictMargin,
  rowFromRecord,
  type XgbModel,
} from '../../core/xgboost';
import { expected, fixtureBytes, loadFixture, MODELS, perGroup } from './fixtures';

const TOL = 1e-6;

/** Worst |relative error| of `actual` against XGBoost's values, with a 1e-3 absolute floor near zero. */
function worst(actual: number[][], wanted: number[][]): number {
  let max = 0;
  actual.forEach((row, r) =>
    row.forEach((v, g) => {
      const w = wanted[r]![g]!;
      max = Math.max(max, Math.abs(v - w) / Math.max(Math.abs(w), 1e-3));
    }),
  );
  return max;
}

describe.each(MODELS)('%s', (name) => {
  const exp = expected(name);
  const json = loadFixture(name, 'json');
  const ubj = loadFixture(name, 'ubj');

  it('reads objective, groups, features and base score from the model', () => {
    expect(json.featureNames).toEqual([
      'pleural_effusion',
      'dl_probability',
      'triglycerides',
      'crp',
      'bun',
      'age',
      'wbc',
      'hematocrit',
    ]);
    expect(json.featureTypes).toEqual(['i', 'float', 'float', 'float', 'float', 'int', 'float', 'float']);
    expect(json.version).toEqual([1, 7, 4]);
    expect(json.numGroup).toBe(name.includes('3class') ? 3 : 1);
    expect(exp.rows).toHaveLength(100);
  });

  it.each(['json', 'ubj'] as const)('margins and outputs match XGBoost (%s)', (format) => {
    const model = format === 'json' ? json : ubj;
    const groups = model.numGroup;
    const margins = exp.rows.map((row) => predictMargin(model, row));
    expect(
      worst(
        margins,
        exp.margins.map((m) => perGroup(m, groups)),
      ),
    ).toBeLessThanOrEqual(TOL);
    const outputs = exp.rows.map((row) => predict(model, row));
    const wanted = exp.predictions.map((p) => (Array.isArray(p) ? p : [p]));
    expect(worst(outputs, wanted)).toBeLessThanOrEqual(TOL);
  });

  it('gives identical results from JSON and UBJSON, and the batch the same as row by row', () => {
    const flat = Float64Array.from(exp.rows.flat());
    const batchJson = predictBatch(json, flat);
    expect(Array.from(predictBatch(ubj, flat))).toEqual(Array.from(batchJson));
    expect(Array.from(batchJson)).toEqual(exp.rows.flatMap((row) => predict(json, row)));
    const margins = predictBatch(ubj, flat, { outputMargin: true });
    expect(Array.from(margins)).toEqual(exp.rows.flatMap((row) => predictMargin(json, row)));
    for (const key of [
      'threshold',
      'leafValue',
      'cover',
      'gain',
      'nodeMean',
      'left',
      'defaultLeft',
    ] as const) {
      expect(Array.from(ubj[key])).toEqual(Array.from(json[key]));
    }
    expect(ubj.baseMargin).toBe(json.baseMargin);
  });
});

describe('XGBoost semantics', () => {
  const model = loadFixture('logistic-hist-d4', 'json');

  /** The first split of the first tree, and a row that reaches it. */
  function rootSplit(m: XgbModel) {
    const root = m.treeRoot[0]!;
    return { feature: m.feature[root]!, threshold: m.threshold[root]! };
  }

  it('compares inputs with thresholds in float32: a float64 comparison would take the wrong branch', () => {
    const { feature, threshold } = rootSplit(model);
    const ulp = Math.abs(Math.fround(threshold * (1 + 2 ** -23)) - threshold) || 2 ** -149;
    const below = threshold - ulp / 4; // < threshold in float64, === threshold once rounded to float32
    expect(below).toBeLessThan(threshold);
    expect(Math.fround(below)).toBe(threshold);
    const exp = expected('logistic-hist-d4');
    // The fixtures hold such rows (make-fixtures.py feeds t − ulp/4 for thresholds t), and XGBoost agrees.
    const thresholds = new Set(model.threshold.filter((_, n) => model.left[n]! >= 0));
    const trapRows = exp.rows.filter((row) =>
      row.some((v) => v !== Math.fround(v) && thresholds.has(Math.fround(v))),
    );
    expect(trapRows.length).toBeGreaterThan(5);

    const base = exp.rows[0]!.slice();
    const atT = base.slice();
    atT[feature] = threshold;
    const trap = base.slice();
    trap[feature] = below;
    expect(predictMargin(model, trap)).toEqual(predictMargin(model, atT));
    // Evaluate the root split the float64 way: the branch differs, and so would the first tree's leaf.
    const root = model.treeRoot[0]!;
    const float64Branch = trap[feature]! < threshold ? model.left[root] : model.right[root];
    const float32Branch = Math.fround(trap[feature]!) < threshold ? model.left[root] : model.right[root];
    expect(float32Branch).toBe(model.right[root]);
    expect(float64Branch).not.toBe(float32Branch);
    expect(model.nodeMean[float64Branch!]).not.toBe(model.nodeMean[float32Branch!]);
  });

  it('a float64 evaluator gets fixture rows wrong that XGBoost and this one agree on', () => {
    const exp = expected('logistic-hist-d4');
    /** The margin with inputs compared as float64 (the mistake this evaluator avoids). */
    const float64Margin = (row: number[]) => {
      let margin = model.baseMargin;
      for (let t = 0; t < model.numTrees; t++) {
        let n = model.treeRoot[t]!;
        while (model.left[n]! >= 0) {
          const v = row[model.feature[n]!]!;
          const left = Number.isNaN(v) ? model.defaultLeft[n] === 1 : v < model.threshold[n]!;
          n = left ? model.left[n]! : model.right[n]!;
        }
        margin = Math.fround(margin + model.leafValue[n]!);
      }
      return margin;
    };
    const wrong = exp.rows.filter((row, r) => float64Margin(row) !== exp.margins[r]);
    expect(wrong.length).toBeGreaterThan(0);
    for (const row of wrong) expect(predictMargin(model, row)[0]).toBe(exp.margins[exp.rows.indexOf(row)]);
  });

  it('treats the missing marker of the scikit-learn attribute like NaN', () => {
    const reg = loadFixture('regression-d4', 'ubj');
    expect(reg.missing).toBe(-999);
    const row = expected('regression-d4').rows[0]!.slice();
    const withNaN = row.slice();
    withNaN[2] = NaN;
    const withMarker = row.slice();
    withMarker[2] = -999;
    expect(predictMargin(reg, withMarker)).toEqual(predictMargin(reg, withNaN));
    expect(predictMargin(reg, withMarker)).not.toEqual(predictMargin(reg, row));
    const noMarker = loadXgboostModel(fixtureBytes('regression-d4.json'), { missing: NaN });
    expect(noMarker.missing).toBeNaN();
    expect(predictMargin(noMarker, withMarker)).not.toEqual(predictMargin(noMarker, withNaN));
  });

  it('uses logit(base_score) as the margin base of a logistic model', () => {
    const exact = loadFixture('logistic-exact-d8', 'json');
    expect(exact.baseScore).toBe(Math.fround(0.3));
    expect(exact.baseMargin).toBeCloseTo(Math.log(0.3 / 0.7), 6);
    expect(model.baseMargin).toBe(0);
  });

  it('builds a row from a record by feature name, absent values missing', () => {
    const row = rowFromRecord(model, { age: 61, crp: 150, pleural_effusion: 1, bun: null });
    expect(row[5]).toBe(61);
    expect(row[0]).toBe(1);
    expect(Number.isNaN(row[4]!)).toBe(true);
    expect(() => rowFromRecord(model, { height: 1 })).toThrow(/height/);
  });

  it('rejects rows of the wrong length and models it cannot evaluate', () => {
    expect(() => predict(model, [1, 2, 3])).toThrow(/8 features/);
    const doc = JSON.parse(new TextDecoder().decode(fixtureBytes('logistic-hist-d4.json')));
    const dart = structuredClone(doc);
    dart.learner.gradient_booster.name = 'dart';
    expect(() => loadXgboostModel(dart)).toThrow(/dart.*not supported/);
    const cat = structuredClone(doc);
    cat.learner.gradient_booster.model.trees[0].split_type[0] = 1;
    expect(() => loadXgboostModel(cat)).toThrow(/categorical splits are not supported/);
    const obj = structuredClone(doc);
    obj.learner.objective.name = 'survival:cox';
    expect(() => loadXgboostModel(obj)).toThrow(/unsupported objective "survival:cox"/);
    expect(() => loadXgboostModel(new Uint8Array([1, 2, 3]))).toThrow(/not an XGBoost model/);
  });
});
