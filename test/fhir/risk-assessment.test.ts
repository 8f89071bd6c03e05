import { describe, expect, it } from 'vitest';
import {
  LOINC_SYSTEM,
  MODEL_SYSTEM,
  RISK_PROBABILITY_SYSTEM,
  riskAssessment,
  STUDY_ID_SYSTEM,
  UCUM_SYSTEM,
  type Observation,
  type RiskAssessment,
} from '../../core/fhir';
import { fhirSchemaErrors } from '../support/fhir-schema';
import { ADMISSION, assessedStudy, demoFusion, MODELS } from './assessed-study';

const contained = (ra: RiskAssessment, id: string): Observation => {
  const found = ra.contained.find((o) => o.id === id);
  if (!found) throw new Error(`no contained #${id}`);
  return found;
};
const inputAt = (ra: RiskAssessment, textPart: string): Observation[] =>
  ra.contained.filter((o) => o.id.startsWith('input-') && o.code.text.includes(textPart));

describe('riskAssessment: the prediction', () => {
  it('carries the probability and its risk level, coded in FHIR risk-probability', () => {
    const study = assessedStudy();
    const ra = riskAssessment(study);
    expect(ra).toMatchObject({ resourceType: 'RiskAssessment', status: 'final' });
    const [prediction] = ra.prediction;
    expect(prediction.probabilityDecimal).toBe(study.result.probability);
    expect(prediction.qualitativeRisk.coding).toEqual([
      { system: RISK_PROBABILITY_SYSTEM, code: study.result.riskLevel },
    ]);
    expect(ra.occurrenceDateTime).toBe('2026-12-06T20:00:00.000Z');
  });

  it.each([
    [0.12, 'low'],
    [0.3, 'moderate'],
    [0.59, 'moderate'],
    [0.6, 'high'],
  ] as const)('probability %f is %s, with the card thresholds stated in the rationale', (p, level) => {
    const study = assessedStudy();
    const ra = riskAssessment({ ...study, result: { ...study.result, probability: p, riskLevel: level } });
    expect(ra.prediction[0].probabilityDecimal).toBe(p);
    expect(ra.prediction[0].qualitativeRisk).toEqual({
      coding: [{ system: RISK_PROBABILITY_SYSTEM, code: level }],
      text: `${level} risk`,
    });
    expect(ra.prediction[0].rationale).toBe(
      'Risk level from the probability with the thresholds of the fusion model card sap-fusion-demo demo-1: ' +
        'low below 0.3, moderate from 0.3 to below 0.6, high at 0.6 or above.',
    );
  });

  it('notes the synthetic demo model and the model inputs the study lacked', () => {
    const ra = riskAssessment(assessedStudy(ADMISSION, { models: MODELS }));
    expect(ra.note?.map((n) => n.text)).toEqual([
      expect.stringContaining('not for clinical use'),
      'Model inputs the study lacked, passed to the model as missing: dl_probability.',
    ]);
  });
});

describe('riskAssessment: the method', () => {
  it('names every model by kind, name, version and the first 12 hex digits of its SHA-256', () => {
    const ra = riskAssessment(assessedStudy());
    expect(ra.method.coding).toEqual([
      {
        system: `${MODEL_SYSTEM}:unet`,
        code: 'sap-demo-unet',
        version: 'demo-1',
        display: expect.any(String),
      },
      {
        system: `${MODEL_SYSTEM}:resnet`,
        code: 'sap-demo-resnet50',
        version: 'demo-1',
        display: expect.any(String),
      },
      {
        system: `${MODEL_SYSTEM}:xgboost`,
        code: 'sap-fusion-demo',
        version: 'demo-1',
        display: expect.any(String),
      },
    ]);
    expect(ra.method.coding?.[0]?.display).toBe(
      'pancreas segmentation sap-demo-unet demo-1 (sha256 a1a1a1a1a1a1)',
    );
    expect(ra.method.text).toContain(
      `fusion model sap-fusion-demo demo-1 (sha256 ${demoFusion.card.sha256.slice(0, 12)})`,
    );
  });

  it('leaves out the image models where inference.json names none', () => {
    const ra = riskAssessment(assessedStudy(ADMISSION, { probability: 0.4 }));
    expect(ra.method.coding?.map((c) => c.system)).toEqual([`${MODEL_SYSTEM}:xgboost`]);
  });
});

describe('riskAssessment: the basis', () => {
  it('references every contained Observation and nothing else', () => {
    const ra = riskAssessment(assessedStudy());
    expect(ra.basis.map((b) => b.reference)).toEqual(ra.contained.map((o) => `#${o.id}`));
    const ids = ra.contained.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
  });

  it('codes clinical values in LOINC with UCUM units, by the unit they were measured in', () => {
    const ra = riskAssessment(assessedStudy());
    const coded = (part: string) => inputAt(ra, part).map((o) => [o.code.coding?.[0]?.code, o.valueQuantity]);
    expect(coded('admission.heartRate')).toEqual([
      ['8867-4', { value: 112, unit: '/min', system: UCUM_SYSTEM, code: '/min' }],
    ]);
    expect(coded('admission.respiratoryRate')).toEqual([['9279-1', expect.objectContaining({ value: 24 })]]);
    expect(coded('admission.temperature')).toEqual([
      ['8310-5', { value: 38.4, unit: '°C', system: UCUM_SYSTEM, code: 'Cel' }],
    ]);
    expect(coded('admission.wbc')).toEqual([
      ['6690-2', { value: 14.2, unit: '10^9/L', system: UCUM_SYSTEM, code: '10*9/L' }],
    ]);
    // Sent in mg/dL: modified Marshall scored it so, APACHE II in µmol/L; each value keeps its own code.
    expect(coded('admission.creatinine')).toEqual([
      ['2160-0', { value: 1.4, unit: 'mg/dL', system: UCUM_SYSTEM, code: 'mg/dL' }],
      ['14682-9', { value: 123.76, unit: 'µmol/L', system: UCUM_SYSTEM, code: 'umol/L' }],
    ]);
    for (const o of ra.contained.filter((c) => c.code.coding))
      expect(o.code.coding?.[0]?.system).toBe(LOINC_SYSTEM);
  });

  it('writes words, flags, radiomics and CT findings without a made-up code', () => {
    const ra = riskAssessment(assessedStudy());
    const [sex] = inputAt(ra, 'admission.sex');
    expect(sex).toMatchObject({ code: { text: 'clinical.json admission.sex' }, valueString: 'F' });
    expect(sex?.code.coding).toBeUndefined();
    expect(inputAt(ra, 'admission.pleuralEffusion')[0]).toMatchObject({ valueBoolean: true });
    expect(inputAt(ra, 'ct.balthazarGrade')[0]).toMatchObject({ valueString: 'D' });
    const [volume] = inputAt(ra, 'morph_volume');
    expect(volume?.code).toEqual({
      text: 'Pancreas volume (IBSI radiomics feature morph_volume of the segmented pancreas)',
    });
    expect(volume?.valueQuantity).toEqual({ value: 81234.5, unit: 'mm³', system: UCUM_SYSTEM, code: 'mm3' });
    expect(inputAt(ra, 'stat_mean')[0]?.valueQuantity?.code).toBe("[hnsf'U]");
    expect(inputAt(ra, 'deep-learning classifier output probability')[0]?.valueQuantity).toEqual({
      value: 0.62,
    });
  });

  it('keeps a missing model input, with data-absent-reason and why it is missing', () => {
    const ra = riskAssessment(assessedStudy(ADMISSION, { models: MODELS }));
    const [missing] = inputAt(ra, 'deep-learning classifier output probability');
    expect(missing?.valueQuantity).toBeUndefined();
    expect(missing?.dataAbsentReason).toEqual({
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }],
      text: 'inference.json has no probability',
    });
  });
});

describe('riskAssessment: the classic scores', () => {
  it('gives a complete score as an integer, derived from the Observations it was computed from', () => {
    const ra = riskAssessment(assessedStudy());
    const sirs = contained(ra, 'score-sirs');
    expect(sirs).toMatchObject({ code: { text: 'SIRS score (0-4 points)' }, valueInteger: 4 });
    expect(sirs.valueRange).toBeUndefined();
    expect(sirs.interpretation).toEqual([{ text: 'SIRS present (≥ 2 criteria)' }]);
    const fields = sirs.derivedFrom?.map((ref) => contained(ra, ref.reference!.slice(1)).code.text);
    expect(fields).toEqual([
      expect.stringContaining('admission.wbc'),
      expect.stringContaining('admission.heartRate'),
      expect.stringContaining('admission.temperature'),
      expect.stringContaining('admission.respiratoryRate'),
    ]);
    expect(contained(ra, 'score-mctsi')).toMatchObject({ valueInteger: 8 });
  });

  it('gives a partial score as the range it lies in, with a note naming what is missing, never one number', () => {
    const study = assessedStudy();
    const ra = riskAssessment(study);
    const bisap = contained(ra, 'score-bisap');
    expect(study.result.scores.bisap).toMatchObject({ partial: true, value: 2, upperBound: 3 });
    expect(bisap.valueInteger).toBeUndefined();
    expect(bisap.valueQuantity).toBeUndefined();
    expect(bisap.valueRange).toEqual({
      low: { value: 2, unit: 'points', system: UCUM_SYSTEM, code: '{score}' },
      high: { value: 3, unit: 'points', system: UCUM_SYSTEM, code: '{score}' },
    });
    expect(bisap.note).toEqual([
      {
        text: 'Partial: impaired mental status could not be scored (missing admission.gcs); the score lies between 2 and 3 points.',
      },
    ]);
    for (const key of ['ranson', 'glasgowImrie', 'marshall', 'apacheII'])
      expect(contained(ra, `score-${key}`).valueRange).toBeDefined();
  });

  it('codes no score: no standard code carries them, so code.text only', () => {
    const ra = riskAssessment(assessedStudy());
    const scores = ra.contained.filter((o) => o.id.startsWith('score-'));
    expect(scores.map((o) => o.id)).toEqual([
      'score-sirs',
      'score-bisap',
      'score-ranson',
      'score-glasgowImrie',
      'score-ctsi',
      'score-mctsi',
      'score-marshall',
      'score-apacheII',
    ]);
    for (const score of scores) expect(score.code.coding).toBeUndefined();
  });
});

describe('riskAssessment: privacy', () => {
  it('names the study by its id as subject, with no display, type or literal reference', () => {
    const ra = riskAssessment(assessedStudy());
    expect(ra.subject).toEqual({ identifier: { system: STUDY_ID_SYSTEM, value: 'study-0042' } });
  });

  it('carries nothing of the record beyond the inputs used: no free text, no patient fields', () => {
    const study = assessedStudy();
    const clinical = study.outputs.clinical as Record<string, unknown>;
    const withExtra = {
      ...study,
      outputs: { ...study.outputs, clinical: { ...clinical, extra: { ward: 'Ward 7B, bed 12' } } },
    };
    const json = JSON.stringify(riskAssessment(withExtra));
    expect(json).not.toContain('Ward 7B');
    expect(json).not.toMatch(/"(Patient|patient|name|birthDate|display)"\s*:\s*"[^"]*study-0042/);
    expect(json).not.toMatch(/"resourceType":"Patient"/);
    // Every reference is to a contained resource; the only other pointer is the study id.
    const references = [...json.matchAll(/"reference":"([^"]+)"/g)].map((m) => m[1]);
    for (const reference of references) expect(reference).toMatch(/^#/);
  });
});

describe('riskAssessment against the official FHIR R4 JSON schema', () => {
  it('is valid for a study with every model and a partial score', () => {
    expect(fhirSchemaErrors(riskAssessment(assessedStudy()))).toEqual([]);
  });

  it('is valid for a study whose deep-learning input is missing', () => {
    expect(fhirSchemaErrors(riskAssessment(assessedStudy(ADMISSION, {})))).toEqual([]);
  });

  it('would catch a broken resource, so the checks above mean something', () => {
    const ra = riskAssessment(assessedStudy());
    const broken = {
      ...ra,
      subject: { ...ra.subject, patientName: 'x' },
      prediction: [{ ...ra.prediction[0], probabilityDecimal: '0.4' }],
      contained: [{ ...ra.contained[0], status: 'finished' }, ...ra.contained.slice(1)],
    };
    const errors = fhirSchemaErrors(broken).join('\n');
    expect(errors).toMatch(/^\/subject must NOT have additional properties$/m);
    expect(errors).toMatch(/^\/prediction\/0\/probabilityDecimal must be number$/m);
    expect(errors).toMatch(/^\/contained\/0\/status must be equal to one of the allowed values$/m);
    expect(fhirSchemaErrors({ ...ra, resourceType: 'SapResult' })).toEqual([
      '/resourceType "SapResult" is not an R4 resource type',
    ]);
  });
});
