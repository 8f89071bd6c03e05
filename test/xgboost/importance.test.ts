import { describe, expect, it } from 'vitest';
import { featureImportance, IMPORTANCE_TYPES, type ImportanceType } from '../../core/xgboost';
import { expected, loadFixture, MODELS } from './fixtures';

describe.each(MODELS)('importance of %s', (name) => {
  const exp = expected(name);
  const model = loadFixture(name, 'ubj');

  it.each(IMPORTANCE_TYPES)(
    "equals XGBoost's get_score(importance_type=%s) to the last float32 bit",
    (type) => {
      const got = featureImportance(model, type);
      const wanted = exp.importance[type]!;
      expect(Object.keys(got).sort()).toEqual(Object.keys(wanted).sort());
      for (const [feature, value] of Object.entries(wanted)) expect(got[feature]).toBe(Math.fround(value));
    },
  );

  it('gives the same from JSON', () => {
    const json = loadFixture(name, 'json');
    for (const type of IMPORTANCE_TYPES)
      expect(featureImportance(json, type)).toEqual(featureImportance(model, type));
  });
});

describe('importance types', () => {
  it('rejects an unknown type', () => {
    const model = loadFixture('regression-d4', 'json');
    expect(() => featureImportance(model, 'shap' as ImportanceType)).toThrow(
      /unknown importance type "shap"/,
    );
  });

  it('counts only the splits reachable from the roots (the exact/pruned model keeps deleted nodes)', () => {
    const model = loadFixture('logistic-exact-d8', 'json');
    const weight = featureImportance(model, 'weight');
    const total = Object.values(weight).reduce((a, b) => a + b, 0);
    let splits = 0;
    let reached = 0;
    for (let t = 0; t < model.numTrees; t++) {
      const stack = [model.treeRoot[t]!];
      while (stack.length) {
        const n = stack.pop()!;
        reached++;
        if (model.left[n]! < 0) continue;
        splits++;
        stack.push(model.left[n]!, model.right[n]!);
      }
    }
    expect(total).toBe(splits);
    expect(reached).toBeLessThan(model.left.length);
  });
});
