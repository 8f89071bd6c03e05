import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CLINICAL_FIELDS,
  CONVERSIONS,
  SECTIONS,
  normaliseClinical,
  unitKey,
  type ClinicalNormalisation,
  type NormalisedClinical,
} from '../../core/ingest/clinical';
import { ISSUE_CODES } from '../../core/input/issues';
import { LIMITS } from '../../core/input/limits';

const FIXTURES = new URL('../fixtures/ingest/clinical/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

function normalised(result: ClinicalNormalisation): NormalisedClinical {
  expect(result.issues).toEqual([]);
  if (!result.ok) throw new Error('not ok');
  return result.clinical;
}
const codes = (result: ClinicalNormalisation) => result.issues.map((issue) => issue.code);
const conversionOf = (result: ClinicalNormalisation, field: string) =>
  result.conversions.find((conversion) => conversion.field === field);
const issue = (code: string, field: string | undefined, message: RegExp) => ({
  code,
  file: 'clinical.json',
  field,
  message: expect.stringMatching(message),
});
const doc = (admission: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  admission,
  ...rest,
});

describe('normaliseClinical: valid records', () => {
  it('keeps an SI record as sent, without conversions', () => {
    const result = normaliseClinical(fixture('valid.si.json'));
    const clinical = normalised(result);
    expect(result.conversions).toEqual([]);
    expect(result.unknownFields).toEqual([]);
    expect(clinical.admission).toMatchObject({
      age: 54,
      sex: 'F',
      triglycerides: 23.4,
      urea: 6.8,
      pleuralEffusion: true,
    });
    expect(clinical.h48).toMatchObject({ haematocrit: 38.1, fluidSequestration: 5.1 });
    expect(clinical.ct).toMatchObject({ balthazarGrade: 'D', necrosis: 'up-to-30' });
    expect(clinical.outcome).toMatchObject({
      organFailure: 'transient',
      atlantaSeverity: 'moderately-severe',
    });
    expect(result.derived.map((value) => value.field)).toEqual(['admission.map']);
    expect(clinical.admission.map).toBeCloseTo((118 + 2 * 72) / 3, 1);
  });

  it('converts a US-unit record and records every conversion', () => {
    const result = normaliseClinical(fixture('valid.us.json'));
    const { admission, h48, ct, outcome } = normalised(result);
    const tg = conversionOf(result, 'admission.triglycerides');
    expect(tg).toMatchObject({
      from: { value: 885, unit: 'mg/dL' },
      to: { unit: 'mmol/L' },
      factor: 0.01129,
    });
    expect(tg?.to.value).toBeCloseTo(9.99, 2);
    expect(admission.triglycerides).toBe(tg?.to.value);
    expect(admission.glucose).toBeCloseTo(230 / 18.016, 4);
    expect(conversionOf(result, 'admission.glucose')?.factor).toBeCloseTo(1 / 18.016, 10);
    expect(admission.calcium).toBeCloseTo(8.2 * 0.2495, 4);
    expect(admission.urea).toBeCloseTo(28 / 2.801, 4);
    expect(admission.urea).toBeCloseTo(28 * 0.357, 1);
    expect(admission.creatinine).toBeCloseTo(1.6 * 88.4, 3);
    expect(admission.albumin).toBeCloseTo(31, 6);
    expect(admission.totalBilirubin).toBeCloseTo(2.3 * 17.1, 3);
    expect(admission.temperature).toBeCloseTo(((100.9 - 32) * 5) / 9, 3);
    expect(conversionOf(result, 'admission.temperature')).toMatchObject({
      factor: 5 / 9,
      offset: (-32 * 5) / 9,
    });
    expect(admission.pao2).toBeCloseTo(63.0, 1);
    expect(admission.fio2).toBeCloseTo(0.28, 6);
    expect(admission.wbc).toBeCloseTo(16.8, 6);
    expect(admission.haematocrit).toBeCloseTo(47, 6);
    expect(admission.ldh).toBeCloseTo(432, 6);
    expect(admission.dDimer).toBeCloseTo(1.8, 6);
    expect(admission.ast).toBe(268);
    expect(conversionOf(result, 'admission.ast')).toBeUndefined();
    expect(admission.bmi).toBeCloseTo((198 * 0.45359237) / 1.778 ** 2, 1);
    expect(result.derived).toEqual([expect.objectContaining({ field: 'admission.bmi', unit: 'kg/m²' })]);
    expect(h48.calcium).toBeCloseTo(1.896, 3);
    expect(h48.urea).toBeCloseTo(36 / 2.801, 4);
    expect(h48.fluidSequestration).toBeCloseTo(4.6, 6);
    expect(ct.hoursAfterAdmission).toBe(48);
    expect(outcome.organFailureHours).toBe(96);
    for (const conversion of result.conversions) {
      const expected = conversion.from.value * conversion.factor + (conversion.offset ?? 0);
      expect(conversion.to.value).toBeCloseTo(expected, 4);
    }
  });

  it('lands score thresholds written in US units on the SI thresholds (scores.md)', () => {
    const result = normaliseClinical(
      doc({
        urea: { value: 25, unit: 'mg/dL BUN' },
        glucose: { value: 200, unit: 'mg/dL' },
        calcium: { value: 8, unit: 'mg/dL' },
        creatinine: { value: 2, unit: 'mg/dL' },
      }),
    );
    const { admission } = normalised(result);
    expect(admission.urea).toBeCloseTo(8.9, 1);
    expect(admission.glucose).toBeCloseTo(11.1, 1);
    expect(admission.calcium).toBeCloseTo(2.0, 2);
    expect(admission.creatinine).toBeCloseTo(177, 0);
  });

  it('matches units blind to case, spaces and micro signs, and reads null as not measured', () => {
    const result = normaliseClinical(
      doc({
        glucose: { value: 5.5, unit: 'MMOL/L' },
        totalBilirubin: { value: 9, unit: 'umol/l' },
        age: null,
      }),
    );
    expect(normalised(result).admission).toEqual({ glucose: 5.5, totalBilirubin: 9 });
    expect(result.conversions).toEqual([]);
  });

  it('keeps unknown fields under extra and reports them', () => {
    const result = normaliseClinical(
      doc({ age: 40, lactate: 2.1 }, { site: { ward: 'GI-3' }, h48: { lactate: 4 } }),
    );
    const clinical = normalised(result);
    expect(result.unknownFields).toEqual(['admission.lactate', 'site', 'h48.lactate']);
    expect(clinical.extra).toEqual({ 'admission.lactate': 2.1, site: { ward: 'GI-3' }, 'h48.lactate': 4 });
    expect(clinical.admission).toEqual({ age: 40 });
  });
});

describe('normaliseClinical: rejected records', () => {
  it.each([
    ['CLINICAL_INVALID.types.json', 'admission.age', /expected a number in years.*got string "54"/],
    [
      'CLINICAL_INVALID.types.json',
      'admission.sex',
      /expected one of "M", "F", got a string of 6 characters$/,
    ],
    ['CLINICAL_INVALID.types.json', 'admission.pleuralEffusion', /expected true or false/],
    ['CLINICAL_INVALID.types.json', 'admission.gcs', /whole number/],
    ['CLINICAL_INVALID.types.json', 'admission.wbc.value', /expected a number, got string/],
    ['CLINICAL_INVALID.types.json', 'admission.triglycerides.unit', /expected a unit string/],
    ['CLINICAL_INVALID.types.json', 'admission.triglycerides', /unknown field\(s\) "units"/],
    ['CLINICAL_INVALID.types.json', 'admission.heartRate', /got an array/],
    ['CLINICAL_INVALID.types.json', 'ct.balthazarGrade', /"A", "B", "C", "D", "E"/],
    ['CLINICAL_INVALID.structure.json', 'schemaVersion', /expected 1/],
    ['CLINICAL_INVALID.structure.json', 'admission', /expected an object, got an array/],
    ['CLINICAL_INVALID.structure.json', 'wbc', /admission\.wbc/],
    ['CLINICAL_INVALID.structure.json', 'Outcome', /did you mean "outcome"/],
    ['CLINICAL_INVALID.contradictions.json', 'admission.dbp', /swapped/],
    ['CLINICAL_INVALID.contradictions.json', 'admission.lymphocytePercent', /exceed 100/],
    ['CLINICAL_INVALID.contradictions.json', 'outcome.organFailureHours', /96 h .* "transient"/],
    ['CLINICAL_INVALID.contradictions.json', 'outcome.atlantaSeverity', /persistent/],
  ])('%s: %s', (name, field, message) => {
    const result = normaliseClinical(fixture(name));
    expect(result.ok).toBe(false);
    expect(result.issues).toContainEqual(issue('CLINICAL_INVALID', field, message));
  });

  it('refuses patient identifiers at any depth and keeps them out of every output', () => {
    const result = normaliseClinical(fixture('CLINICAL_INVALID.identifiers.json'));
    expect(result.ok).toBe(false);
    expect(result.issues.map((issue) => [issue.code, issue.field])).toEqual([
      ['CLINICAL_INVALID', 'patientName'],
      ['CLINICAL_INVALID', 'MRN'],
      ['CLINICAL_INVALID', 'admission.date_of_birth'],
      ['CLINICAL_INVALID', 'admission["姓名"]'],
      ['CLINICAL_INVALID', 'notes.contact.phone'],
    ]);
    expect(result.issues[0]?.message).toMatch(/identifiers must not be uploaded/);
    expect(JSON.stringify(result)).not.toMatch(/Wang|王芳|00451277|1971|\+86/);
  });

  it.each([
    ['age', 130, /130 years is outside the plausible range 0 to 120 years/],
    ['temperature', 101.3, /101.3 °C .* 25 to 45 °C.*\{"value": 101.3, "unit": "°F"\}/],
    ['calcium', 8.4, /8.4 mmol\/L .* 0.5 to 5 mmol\/L.*"unit": "mg\/dL"/],
    ['creatinine', 1.2, /1.2 µmol\/L .* 10 to 2500 µmol\/L.*"unit": "mg\/dL"/],
    ['albumin', 3.4, /3.4 g\/L .*"unit": "g\/dL"/],
    ['haematocrit', 0.42, /0.42 % .*"unit": "L\/L"/],
    ['wbc', 14200, /14200 10\^9\/L .*"unit": "\/µL"/],
    ['fio2', 21, /21 fraction is outside .*"unit": "%"/],
    [
      'triglycerides',
      { value: 885, unit: 'mmol/L' },
      /885 mmol\/L is outside the plausible range 0.1 to 250/,
    ],
  ])('CLINICAL_OUT_OF_RANGE: admission.%s = %j', (name, value, message) => {
    const result = normaliseClinical(fixture('CLINICAL_OUT_OF_RANGE.bare-us-units.json'));
    expect(result.issues).toContainEqual(issue('CLINICAL_OUT_OF_RANGE', `admission.${name}`, message));
    expect(normaliseClinical(doc({ [name]: value })).issues).toHaveLength(1);
  });

  it('states the converted value when a converted value is out of range', () => {
    const result = normaliseClinical(doc({ triglycerides: { value: 30000, unit: 'mg/dL' } }));
    expect(result.issues[0]?.message).toMatch(/^30000 mg\/dL = 338.7 mmol\/L is outside/);
  });

  it.each([
    ['admission.urea.unit', /"mg\/dL" is ambiguous: BUN and urea/],
    ['admission.glucose', /bare number is ambiguous.*mmol\/L, mg\/dL/],
    ['admission.triglycerides.unit', /"mg%" is not accepted; use mmol\/L, mg\/dL/],
    ['admission.calcium.unit', /"mol\/L" is not accepted; use mmol\/L \(or a bare number\), mg\/dL, mEq\/L/],
    ['admission.dDimer.unit', /"mg\/L" is ambiguous: D-dimer assays report FEU or DDU/],
  ])('CLINICAL_UNIT_UNKNOWN at %s', (field, message) => {
    const result = normaliseClinical(fixture('CLINICAL_UNIT_UNKNOWN.units.json'));
    expect(result.issues).toContainEqual(issue('CLINICAL_UNIT_UNKNOWN', field, message));
  });

  it('collects every issue of a record at once, in document order', () => {
    const result = normaliseClinical(
      doc(
        { age: '54', urea: 7, wbc: 14200, calcium: { value: 2, unit: 'mol/L' }, mrn: 'A1', gcs: 15 },
        { h48: { age: 55 }, ct: { necrosis: 'mild' } },
      ),
      'incoming/x/clinical.json',
    );
    expect(result.ok).toBe(false);
    expect(result.issues.map((issue) => [issue.code, issue.field])).toEqual([
      ['CLINICAL_INVALID', 'admission.mrn'],
      ['CLINICAL_INVALID', 'admission.age'],
      ['CLINICAL_UNIT_UNKNOWN', 'admission.urea'],
      ['CLINICAL_OUT_OF_RANGE', 'admission.wbc'],
      ['CLINICAL_UNIT_UNKNOWN', 'admission.calcium.unit'],
      ['CLINICAL_INVALID', 'h48.age'],
      ['CLINICAL_INVALID', 'ct.necrosis'],
    ]);
    expect(result.issues.every((issue) => issue.file === 'incoming/x/clinical.json')).toBe(true);
  });

  it.each([
    [null, /got null/],
    [[1], /got an array/],
    ['{"schemaVersion":1}', /got a string of \d+ characters/],
  ])('rejects a document that is not an object: %j', (json, message) => {
    expect(normaliseClinical(json).issues).toEqual([issue('CLINICAL_INVALID', undefined, message)]);
  });

  it('requires schemaVersion and admission', () => {
    const fields = normaliseClinical({ h48: {} }).issues.map((issue) => [issue.field, issue.message]);
    expect(fields).toEqual([
      ['schemaVersion', 'required: 1'],
      ['admission', 'required: an object of fields'],
    ]);
  });

  it('rejects a BMI derived from implausible weight and height', () => {
    const result = normaliseClinical(doc({ weight: { value: 25, unit: 'kg' }, height: 245 }));
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'CLINICAL_OUT_OF_RANGE', field: 'admission.bmi' }),
    ]);
  });
});

describe('fixtures', () => {
  it.each(readdirSync(FIXTURES).filter((name) => name.endsWith('.json')))(
    '%s yields only its code',
    (name) => {
      const result = normaliseClinical(fixture(name));
      const code = name.split('.')[0];
      if (code === 'valid') expect(result.issues).toEqual([]);
      else expect(new Set(codes(result))).toEqual(new Set([code]));
    },
  );
});

describe('the field catalogue', () => {
  const quantities = Object.entries(CLINICAL_FIELDS).flatMap(([name, spec]) =>
    spec.kind === 'quantity' ? [[name, spec] as const] : [],
  );

  it.each(quantities)('%s: range, units and conversions are coherent', (_name, spec) => {
    expect(spec.range.min).toBeLessThan(spec.range.max);
    // No spelling may name two units of one field, and no alias may repeat another spelling.
    const keys = [spec.unit, ...spec.alternatives].flatMap((unit) =>
      [unit.unit, ...(unit.aliases ?? [])].map(unitKey),
    );
    const ambiguous = Object.keys(spec.ambiguousUnits ?? {}).map(unitKey);
    expect(new Set([...keys, ...ambiguous]).size).toBe(keys.length + ambiguous.length);
    for (const alternative of spec.alternatives) expect(alternative.factor).toBeGreaterThan(0);
  });

  it('puts every field in at least one section', () => {
    for (const spec of Object.values(CLINICAL_FIELDS)) {
      expect(spec.sections.length).toBeGreaterThan(0);
      for (const section of spec.sections) expect(SECTIONS).toContain(section);
    }
  });

  it('uses the scores.md factors', () => {
    expect(CONVERSIONS.triglyceridesMgDl.factor).toBe(0.01129);
    expect(CONVERSIONS.calciumMgDl.factor).toBe(0.2495);
    expect(CONVERSIONS.creatinineMgDl.factor).toBe(88.4);
    expect(1 / CONVERSIONS.glucoseMgDl.factor).toBeCloseTo(18.016, 10);
    expect(1 / CONVERSIONS.bunMgDl.factor).toBeCloseTo(2.801, 10);
    expect(CONVERSIONS.proteinGdl.factor).toBe(10);
  });

  it('types the normalised record from the catalogue', () => {
    expectTypeOf<NormalisedClinical['admission']['triglycerides']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NormalisedClinical['admission']['sex']>().toEqualTypeOf<'M' | 'F' | undefined>();
    expectTypeOf<NormalisedClinical['admission']['pleuralEffusion']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<NormalisedClinical['ct']['necrosis']>().toEqualTypeOf<
      'none' | 'up-to-30' | '30-to-50' | 'over-50' | undefined
    >();
    expectTypeOf<NormalisedClinical['h48']>().not.toHaveProperty('age');
    expectTypeOf<NormalisedClinical['h48']>().toHaveProperty('fluidSequestration');
  });
});

describe('docs/upload.md', () => {
  const upload = readFileSync(new URL('../../docs/upload.md', import.meta.url), 'utf8');

  it.each([...ISSUE_CODES])('documents issue code %s', (code) => expect(upload).toContain(`\`${code}\``));
  it.each(Object.keys(CLINICAL_FIELDS))('documents field %s', (name) =>
    expect(upload).toContain(`\`${name}\``),
  );
  it.each(
    Object.entries(CLINICAL_FIELDS).flatMap(([name, spec]) =>
      spec.kind === 'quantity' ? [[name, spec] as const] : [],
    ),
  )('documents the units of %s', (_name, spec) => {
    for (const unit of [spec.unit, ...spec.alternatives]) expect(upload).toContain(unit.unit);
  });
  it.each(Object.keys(LIMITS))('documents limit %s', (name) => expect(upload).toContain(`\`${name}\``));
});
