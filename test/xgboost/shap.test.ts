import { describe, expect, it } from 'vitest';
import { predictContribs, predictInteractions, predictMargin } from '../../core/xgboost';
import { expected, loadFixture, MODELS, within } from './fixtures';

const TOL = 1e-5;

describe.each(MODELS)('TreeSHAP of %s', (name) => {
  const exp = expected(name);
  const model = loadFixture(name, 'ubj');
  const json = loadFixture(name, 'json');

  it("matches XGBoost's pred_contribs on every fixture row, bias last", () => {
    let bad = 0;
    exp.rows.forEach((row, r) => {
      const wanted = (model.numGroup === 1 ? [exp.contribs[r]] : exp.contribs[r]) as number[][];
      const got = predictContribs(model, row);
      expect(got).toHaveLength(model.numGroup);
      got.forEach((values, g) => {
        expect(values).toHaveLength(model.numFeature + 1);
        values.forEach((v, k) => {
          if (!within(v, wanted[g]![k]!, TOL)) bad++;
        });
      });
    });
    expect(bad).toBe(0);
  });

  it('sums to the margin, and JSON and UBJSON agree exactly', () => {
    exp.rows.forEach((row) => {
      const contribs = predictContribs(model, row);
      const margins = predictMargin(model, row);
      contribs.forEach((values, g) => {
        const sum = values.reduce((a, b) => a + b, 0);
        expect(within(sum, margins[g]!, TOL)).toBe(true);
      });
      expect(predictContribs(json, row)).toEqual(contribs);
    });
  });
});

describe('SHAP interaction values', () => {
  const exp = expected('regression-d4');
  const model = loadFixture('regression-d4', 'json');
  const width = model.numFeature + 1;

  it("match XGBoost's pred_interactions", () => {
    expect(exp.interactions).toHaveLength(25);
    exp.interactions!.forEach((matrix, r) => {
      const got = predictInteractions(model, exp.rows[r]!);
      expect(got).toHaveLength(1);
      expect(got[0]).toHaveLength(width);
      let bad = 0;
      matrix.forEach((row, i) => row.forEach((v, k) => (within(got[0]![i]![k]!, v, TOL) ? 0 : bad++)));
      expect(bad).toBe(0);
    });
  });

  it('are symmetric, sum by row to the contributions and in all to the margin', () => {
    for (const row of exp.rows.slice(0, 40)) {
      const m = predictInteractions(model, row)[0]!;
      const contribs = predictContribs(model, row)[0]!;
      for (let i = 0; i < width; i++) {
        for (let k = 0; k < width; k++) expect(within(m[i]![k]!, m[k]![i]!, TOL, 1e-3)).toBe(true);
        expect(
          within(
            m[i]!.reduce((a, b) => a + b, 0),
            contribs[i]!,
            TOL,
          ),
        ).toBe(true);
      }
      const total = m.flat().reduce((a, b) => a + b, 0);
      expect(within(total, predictMargin(model, row)[0]!, TOL)).toBe(true);
    }
  });

  it('have one matrix per class for a multi-class model', () => {
    const soft = loadFixture('softprob-3class', 'ubj');
    const row = expected('softprob-3class').rows[3]!;
    const inter = predictInteractions(soft, row);
    const contribs = predictContribs(soft, row);
    expect(inter).toHaveLength(3);
    inter.forEach((m, g) =>
      m.forEach((r, i) =>
        expect(
          within(
            r.reduce((a, b) => a + b, 0),
            contribs[g]![i]!,
            TOL,
          ),
        ).toBe(true),
      ),
    );
  });
});
