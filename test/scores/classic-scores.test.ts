import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseClinical, type NormalisedClinical } from '../../core/ingest/clinical';
import { classicScores, type ScoreResult } from '../../core/scores';
import { healthy } from './records';

const FIXTURES = new URL('../fixtures/ingest/clinical/', import.meta.url);
function fixture(name: string): NormalisedClinical {
  const result = normaliseClinical(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.clinical;
}
const values = (scores: object) =>
  Object.fromEntries(Object.entries(scores).map(([key, score]) => [key, (score as ScoreResult).value]));

describe('classicScores', () => {
  it('the SI fixture: every score, complete', () => {
    const scores = classicScores(fixture('valid.si.json'));
    expect(values(scores)).toEqual({
      sirs: 4, // T 38.4, HR 112, RR 24, WBC 14.2
      bisap: 2, // SIRS, pleural effusion; urea 6.8, GCS 15, age 54
      ranson: 4, // non-gallstone (HTG): glucose 12.6, LDH 412; urea +2.3, Ca 1.86
      glasgowImrie: 4, // WBC 15.8, Ca 1.86, albumin 31, glucose 12.6
      ctsi: 5, // D 3 + ≤ 30 % necrosis 2
      mctsi: 8, // collection 4 + necrosis 2 + effusion/ascites 2
      marshall: 1, // P/F 371
      apacheII: 5, // HR 112: 2, Hct 46.2: 1, age 54: 2
      atlanta: 1, // transient organ failure, local complications
    });
    for (const score of Object.values(scores)) expect(score.partial, score.name).toBe(false);
    expect(scores.ranson).toMatchObject({
      variant: 'non-gallstone',
      variantReason: 'admission.etiology is hypertriglyceridaemic',
    });
    expect(scores.sirs.present).toBe(true);
    expect(scores.atlanta).toMatchObject({ severity: 'moderately-severe', assigned: 'moderately-severe' });
  });

  it('the US-unit fixture after conversion: gallstone Ranson, missing inputs listed', () => {
    const scores = classicScores(fixture('valid.us.json'));
    expect(scores.ranson).toMatchObject({ variant: 'gallstone', value: 7, partial: false });
    // BUN 28 mg/dL → urea 9.99 mmol/L > 8.925; GCS 14; SIRS (T 38.3, HR 104, RR 22, WBC 16.8); age 63
    expect(scores.bisap).toMatchObject({ value: 4, partial: false });
    expect(scores.ctsi).toMatchObject({ value: 8, interpretation: 'severe (7-10)' });
    expect(scores.mctsi.missing).toContain('ct.ascites');
    expect(scores.atlanta).toMatchObject({ severity: 'severe', assigned: 'severe' });
    expect(scores.apacheII.missing).toEqual(
      expect.arrayContaining(['admission.ph', 'admission.sodium', 'admission.severeChronicDisease']),
    );
  });

  it('omits the Atlanta class without outcome data, and SABP always', () => {
    const scores = classicScores({ ...healthy(), outcome: {} });
    expect(scores.atlanta).toBeUndefined();
    expect(Object.keys(scores)).toEqual([
      'sirs',
      'bisap',
      'ranson',
      'glasgowImrie',
      'ctsi',
      'mctsi',
      'marshall',
      'apacheII',
    ]);
  });

  it('a record with only the admission section: partial scores, nothing counted for the missing', () => {
    const scores = classicScores({
      schemaVersion: 1,
      admission: { age: 70, pleuralEffusion: true },
      h48: {},
      ct: {},
      outcome: {},
      extra: {},
    });
    expect(scores.bisap).toMatchObject({
      value: 2,
      partial: true,
      missingItems: ['BUN', 'impaired mental status', 'SIRS'],
    });
    expect(scores.ranson).toMatchObject({ value: 1, partial: true, upperBound: 11 });
    expect(scores.ctsi).toMatchObject({ value: 0, upperBound: 10, partial: true });
    expect(scores.apacheII).toMatchObject({ value: 5, agePoints: 5, acutePhysiology: 0, partial: true });
  });

  it('passes the options on', () => {
    const record = healthy({ admission: { age: 65, pleuralEffusion: true, creatinine: 130 } });
    const scores = classicScores(record, {
      bisapHighRiskAt: 2,
      ransonVariant: 'gallstone',
      marshallCreatinineColumn: 'mg/dL',
      atlantaPersistentWhen: '≥ 48 h',
    });
    expect(scores.bisap.cutOff?.met).toBe(true);
    expect(scores.ranson.variant).toBe('gallstone');
    expect(scores.marshall.systems.renal).toBe(1);
    expect(scores.atlanta?.persistentWhen).toBe('≥ 48 h');
  });
});
