import { describe, expect, it } from 'vitest';
import { normaliseClinical } from '../../core/ingest/clinical';
import { modifiedMarshall } from '../../core/scores';
import { itemOf } from './records';

/**
 * Issue #22: the modified Marshall table's mg/dL and µmol/L creatinine columns disagree, so a creatinine is
 * scored by the column of the unit it was sent in, and the renal item says which.
 */
function normaliseClinicalOrThrow(admission: Record<string, unknown>) {
  const normalised = normaliseClinical({ schemaVersion: 1, admission });
  if (!normalised.ok) throw new Error(JSON.stringify(normalised.issues));
  return normalised.clinical;
}

function marshallOf(creatinine: number | { value: number; unit: string }) {
  return modifiedMarshall(normaliseClinicalOrThrow({ creatinine }));
}

describe('modified Marshall renal: the column of the unit sent', () => {
  it.each([
    [1.39, 0],
    [1.4, 1],
    [1.8, 1],
    [1.85, 2], // the 1.8-1.9 gap: 2
    [1.9, 2],
    [3.6, 2], // in two bands: 2
    [3.61, 3],
    [4.9, 3],
    [4.91, 4],
  ])('%s mg/dL scores %s on the mg/dL column', (value, points) => {
    const result = marshallOf({ value, unit: 'mg/dL' });
    expect(itemOf(result, 'renal')).toMatchObject({
      points,
      input: { field: 'admission.creatinine', value, unit: 'mg/dL' },
      basis: 'mg/dL column (sent in mg/dL)',
    });
    expect(result.renalColumn).toBe('mg/dL');
  });

  it.each([
    [134, 0],
    [134.1, 1],
    [169, 1],
    [169.5, 2], // the gap between 169 and 170 goes to the band above
    [170, 2],
    [310, 2],
    [310.5, 3],
    [311, 3],
    [439, 3],
    [439.1, 4],
  ])('%s µmol/L scores %s on the µmol/L column, sent with its unit or bare', (value, points) => {
    for (const sent of [value, { value, unit: 'µmol/L' }]) {
      const result = marshallOf(sent);
      expect(itemOf(result, 'renal')).toMatchObject({
        points,
        input: { field: 'admission.creatinine', value, unit: 'µmol/L' },
        basis: 'µmol/L column (sent in µmol/L)',
      });
      expect(result.renalColumn).toBe('µmol/L');
    }
  });

  it('scores the same creatinine by the column of its unit where the columns disagree', () => {
    expect(itemOf(marshallOf({ value: 1.4, unit: 'mg/dL' }), 'renal').points).toBe(1);
    expect(itemOf(marshallOf({ value: 124, unit: 'µmol/L' }), 'renal').points).toBe(0);
    expect(itemOf(marshallOf({ value: 1.85, unit: 'mg/dL' }), 'renal').points).toBe(2);
    expect(itemOf(marshallOf({ value: 163.5, unit: 'µmol/L' }), 'renal').points).toBe(1);
  });

  it('names the column in the rule the report shows', () => {
    expect(itemOf(marshallOf({ value: 2, unit: 'mg/dl' }), 'renal').rule).toBe(
      'mg/dL column (sent in mg/dL): creatinine < 1.4 mg/dL: 0, ≤ 1.8: 1, ≤ 3.6: 2, ≤ 4.9: 3, > 4.9: 4',
    );
    expect(itemOf(marshallOf(200), 'renal').rule).toMatch(/^µmol\/L column \(sent in µmol\/L\): /);
  });

  it('a forced column overrides the unit sent, and says so', () => {
    const normalised = normaliseClinicalOrThrow({ creatinine: { value: 1.4, unit: 'mg/dL' } });
    const result = modifiedMarshall(normalised, 'µmol/L');
    expect(itemOf(result, 'renal')).toMatchObject({
      points: 0,
      input: { value: 123.76, unit: 'µmol/L' },
      basis: 'µmol/L column (column chosen by option)',
    });
  });

  it('a missing creatinine names no column', () => {
    const normalised = normaliseClinicalOrThrow({ pao2: 90 });
    const result = modifiedMarshall(normalised);
    expect(result.renalColumn).toBeUndefined();
    expect(itemOf(result, 'renal')).toMatchObject({ points: null, missing: ['admission.creatinine'] });
  });
});
