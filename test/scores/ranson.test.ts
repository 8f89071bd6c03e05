import { describe, expect, it } from 'vitest';
import { normaliseClinical, type NormalisedClinical } from '../../core/ingest/clinical';
import { ranson } from '../../core/scores';
import { healthy, itemOf, pointsOf, without, type RecordPatch } from './records';

const gallstone = (patch: RecordPatch = {}) =>
  healthy({ ...patch, admission: { etiology: 'biliary', ...patch.admission } });

/** A value sent in US units, through ingest's conversion, into a healthy record. */
function sentInUs(
  section: 'admission' | 'h48',
  field: string,
  value: number,
  unit: string,
  etiology = 'alcohol',
) {
  const result = normaliseClinical({
    schemaVersion: 1,
    admission: { etiology, ...(section === 'admission' && { [field]: { value, unit } }) },
    ...(section === 'h48' && { h48: { [field]: { value, unit } } }),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const base = healthy();
  return {
    ...base,
    admission: { ...base.admission, ...result.clinical.admission },
    h48: { ...base.h48, ...result.clinical.h48 },
  } as NormalisedClinical;
}

describe('Ranson: variant', () => {
  it.each([
    ['biliary', 'gallstone', 10],
    ['alcohol', 'non-gallstone', 11],
    ['hypertriglyceridaemic', 'non-gallstone', 11],
    ['other', 'non-gallstone', 11],
  ] as const)('etiology %s selects the %s variant (%s items)', (etiology, variant, max) => {
    const result = ranson(healthy({ admission: { etiology } }));
    expect(result).toMatchObject({ variant, max, variantReason: `admission.etiology is ${etiology}` });
    expect(result.items).toHaveLength(max);
  });

  it('defaults to non-gallstone without an etiology, and says so', () => {
    const result = ranson(without(healthy(), 'admission.etiology'));
    expect(result.variant).toBe('non-gallstone');
    expect(result.variantReason).toMatch(/not sent/);
    expect(result.partial).toBe(false);
  });

  it('the caller can choose the variant', () => {
    expect(ranson(healthy(), 'gallstone')).toMatchObject({
      variant: 'gallstone',
      variantReason: 'chosen by the caller',
    });
  });

  it('PaO2 is an item of the non-gallstone variant only', () => {
    const hypoxic = { h48: { pao2: 55 } };
    expect(pointsOf(ranson(healthy(hypoxic)), 'arterial PaO2')).toBe(1);
    expect(pointsOf(ranson(gallstone(hypoxic)), 'arterial PaO2')).toBeUndefined();
    expect(ranson(gallstone(hypoxic)).value).toBe(0);
  });
});

describe('Ranson: admission items at their cut-offs', () => {
  it.each([
    ['age', { age: 55 }, 0, { age: 70 }, 0],
    ['age', { age: 56 }, 1, { age: 71 }, 1],
    ['age', { age: 54 }, 0, { age: 69 }, 0],
    ['WBC', { wbc: 16 }, 0, { wbc: 18 }, 0],
    ['WBC', { wbc: 16.1 }, 1, { wbc: 18.1 }, 1],
    ['WBC', { wbc: 15.9 }, 0, { wbc: 17.9 }, 0],
    ['glucose', { glucose: 200 / 18.016 }, 0, { glucose: 220 / 18.016 }, 0],
    ['glucose', { glucose: 11.11 }, 1, { glucose: 12.22 }, 1],
    ['glucose', { glucose: 11.1 }, 0, { glucose: 12.2 }, 0],
    ['LDH', { ldh: 350 }, 0, { ldh: 400 }, 0],
    ['LDH', { ldh: 351 }, 1, { ldh: 401 }, 1],
    ['LDH', { ldh: 349 }, 0, { ldh: 399 }, 0],
    ['AST', { ast: 250 }, 0, { ast: 250 }, 0],
    ['AST', { ast: 251 }, 1, { ast: 251 }, 1],
    ['AST', { ast: 249 }, 0, { ast: 249 }, 0],
  ])('%s: non-gallstone %o → %s; gallstone %o → %s', (item, plain, plainPoints, biliary, biliaryPoints) => {
    expect(pointsOf(ranson(healthy({ admission: plain })), item)).toBe(plainPoints);
    expect(pointsOf(ranson(gallstone({ admission: biliary })), item)).toBe(biliaryPoints);
  });

  it.each([
    [200, 'alcohol', 0],
    [201, 'alcohol', 1],
    [220, 'biliary', 0],
    [221, 'biliary', 1],
  ])('glucose %s mg/dL sent in US units (%s) scores %s', (glucose, etiology, points) => {
    expect(pointsOf(ranson(sentInUs('admission', 'glucose', glucose, 'mg/dL', etiology)), 'glucose')).toBe(
      points,
    );
  });
});

describe('Ranson: 48 h items at their cut-offs', () => {
  it.each([
    [40, 30, 0],
    [40, 29.9, 1],
    [40, 30.1, 0],
    [46.2, 36.2, 0],
  ])('haematocrit %s → %s % scores %s (fall > 10 points, both variants)', (first, later, points) => {
    for (const make of [healthy, gallstone]) {
      const record = make({ admission: { haematocrit: first }, h48: { haematocrit: later } });
      expect(pointsOf(ranson(record), 'haematocrit fall')).toBe(points);
    }
  });

  it.each([
    [5 / 2.801, 0, 1],
    [1.79, 1, 1],
    [1.78, 0, 1],
    [2 / 2.801, 0, 0],
    [0.72, 0, 1],
    [0.71, 0, 0],
  ])(
    'urea rise %s mmol/L: non-gallstone %s (BUN > 5 mg/dL), gallstone %s (> 2 mg/dL)',
    (rise, plain, biliary) => {
      const patch = { admission: { urea: 5 }, h48: { urea: 5 + rise } };
      expect(pointsOf(ranson(healthy(patch)), 'BUN rise')).toBe(plain);
      expect(pointsOf(ranson(gallstone(patch)), 'BUN rise')).toBe(biliary);
    },
  );

  it.each([
    [8 * 0.2495, 0],
    [2.0, 0],
    [1.99, 1],
  ])('calcium %s mmol/L scores %s (< 8 mg/dL = 1.996 mmol/L, both variants)', (calcium, points) => {
    expect(pointsOf(ranson(healthy({ h48: { calcium } })), 'serum calcium')).toBe(points);
    expect(pointsOf(ranson(gallstone({ h48: { calcium } })), 'serum calcium')).toBe(points);
  });

  it.each([
    [8, 0],
    [7.9, 1],
  ])('calcium %s mg/dL sent in US units scores %s', (calcium, points) => {
    expect(pointsOf(ranson(sentInUs('h48', 'calcium', calcium, 'mg/dL')), 'serum calcium')).toBe(points);
  });

  it.each([
    [60, 0],
    [59, 1],
    [61, 0],
  ])('PaO2 %s mmHg scores %s (< 60, non-gallstone)', (pao2, points) => {
    expect(pointsOf(ranson(healthy({ h48: { pao2 } })), 'arterial PaO2')).toBe(points);
  });

  it.each([
    [4, 0, 0],
    [4.1, 1, 0],
    [3.9, 0, 0],
    [5, 1, 0],
    [5.1, 1, 1],
  ])(
    'base deficit %s: non-gallstone %s (> 4), gallstone %s (> 5, disputed)',
    (baseDeficit, plain, biliary) => {
      expect(pointsOf(ranson(healthy({ h48: { baseDeficit } })), 'base deficit')).toBe(plain);
      expect(pointsOf(ranson(gallstone({ h48: { baseDeficit } })), 'base deficit')).toBe(biliary);
    },
  );

  it.each([
    [6, 0, 1],
    [6.1, 1, 1],
    [5.9, 0, 1],
    [4, 0, 0],
    [4.1, 0, 1],
    [3.9, 0, 0],
  ])(
    'fluid %s L: non-gallstone %s (> 6 L), gallstone %s (> 4 L, disputed)',
    (fluidSequestration, plain, biliary) => {
      expect(pointsOf(ranson(healthy({ h48: { fluidSequestration } })), 'fluid sequestration')).toBe(plain);
      expect(pointsOf(ranson(gallstone({ h48: { fluidSequestration } })), 'fluid sequestration')).toBe(
        biliary,
      );
    },
  );
});

describe('Ranson: totals', () => {
  it('a complete non-gallstone example: 3 admission + 3 at 48 h', () => {
    const record = healthy({
      admission: { age: 58, wbc: 17, glucose: 12, ldh: 300, ast: 100, haematocrit: 44, urea: 6 },
      h48: { haematocrit: 33, urea: 8, calcium: 2.1, pao2: 58, baseDeficit: 3, fluidSequestration: 5 },
    });
    const result = ranson(record);
    expect(result).toMatchObject({ variant: 'non-gallstone', value: 6, admissionPoints: 3, h48Points: 3 });
    expect(result).toMatchObject({ partial: false, upperBound: 6, cutOff: { met: true } });
    expect(result.interpretation).toBe('severe AP likely (5-6, mortality ~40 %)');
  });

  it('the same values under the gallstone variant score differently', () => {
    const record = gallstone({
      admission: { age: 58, wbc: 17, glucose: 12, ldh: 300, ast: 100, haematocrit: 44, urea: 6 },
      h48: { haematocrit: 33, urea: 8, calcium: 2.1, pao2: 58, baseDeficit: 3, fluidSequestration: 5 },
    });
    // glucose 12 ≤ 12.21, age 58 ≤ 70, WBC 17 ≤ 18; Hct fall 11, urea rise 2 > 0.714, fluid 5 > 4.
    expect(ranson(record)).toMatchObject({
      variant: 'gallstone',
      value: 3,
      admissionPoints: 0,
      h48Points: 3,
    });
  });

  it('lists a missing 48 h section item by item, as a lower bound', () => {
    const record = without(
      healthy({ admission: { age: 60, ldh: 500 } }),
      'h48.haematocrit',
      'h48.urea',
      'h48.calcium',
      'h48.pao2',
      'h48.baseDeficit',
      'h48.fluidSequestration',
    );
    const result = ranson(record);
    expect(result).toMatchObject({
      value: 2,
      upperBound: 8,
      partial: true,
      admissionPoints: 2,
      h48Points: 0,
    });
    expect(result.missing).toEqual([
      'h48.haematocrit',
      'h48.urea',
      'h48.calcium',
      'h48.pao2',
      'h48.baseDeficit',
      'h48.fluidSequestration',
    ]);
    expect(itemOf(result, 'BUN rise')).toMatchObject({ points: null, upTo: 1, input: undefined });
    expect(result.cutOff?.met).toBeUndefined();
    expect(result.interpretation).toMatch(/^undetermined: 2 .* to 8/);
  });

  it('a change needs both values: a missing admission value is listed', () => {
    const result = ranson(without(healthy(), 'admission.haematocrit'));
    expect(itemOf(result, 'haematocrit fall').missing).toEqual(['admission.haematocrit']);
  });

  it('an admission value meeting a 48 h criterion counts when h48 lacks it; a normal one does not', () => {
    const low = ranson(without(healthy({ admission: { calcium: 1.9 } }), 'h48.calcium'));
    expect(itemOf(low, 'serum calcium')).toMatchObject({
      points: 1,
      input: { field: 'admission.calcium', value: 1.9 },
    });
    const normal = ranson(without(healthy(), 'h48.calcium'));
    expect(itemOf(normal, 'serum calcium')).toMatchObject({ points: null, missing: ['h48.calcium'] });
  });

  it('the US-unit fixture (biliary): a complete gallstone score of 7', () => {
    // glucose 230 mg/dL, LDH 7.2 µkat/L = 432 U/L, AST 268; Hct 47 → 36; BUN 28 → 36 mg/dL; Ca 7.6 mg/dL;
    // base deficit 5 (not > 5); fluid 4.6 L.
    const result = normaliseClinical(
      JSON.parse(`{"schemaVersion":1,"admission":{"age":63,"etiology":"biliary","wbc":{"value":16800,"unit":"/µL"},
      "haematocrit":{"value":0.47,"unit":"L/L"},"calcium":{"value":8.2,"unit":"mg/dL"},"urea":{"value":28,"unit":"mg/dL BUN"},
      "glucose":{"value":230,"unit":"mg/dL"},"ldh":{"value":7.2,"unit":"µkat/L"},"ast":{"value":268,"unit":"IU/L"}},
      "h48":{"calcium":{"value":7.6,"unit":"mg/dL"},"urea":{"value":36,"unit":"mg/dL BUN"},"haematocrit":{"value":36,"unit":"%"},
      "fluidSequestration":{"value":4600,"unit":"mL"},"baseDeficit":{"value":5,"unit":"mEq/L"}}}`),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(ranson(result.clinical)).toMatchObject({
      variant: 'gallstone',
      value: 7,
      admissionPoints: 3,
      h48Points: 4,
      partial: false,
    });
  });
});
