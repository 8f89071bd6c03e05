import type { Coding } from './types';
import { ucumCode } from './ucum';

export const LOINC_SYSTEM = 'http://loinc.org';

/**
 * LOINC codes of the clinical.json fields that have a well-known one, by field name and UCUM unit: a
 * LOINC code names the property measured (mass or moles per volume), so a field sent in another unit
 * gets no code. Fields not listed (CT findings, choices, FiO2 as a fraction where LOINC's code is in %)
 * are written with code.text only. clinical.json keeps urea in mmol/L, never BUN in mg/dL (3094-0).
 */
const LOINC_BY_FIELD: Readonly<Record<string, Readonly<Record<string, [code: string, display: string]>>>> = {
  age: { a: ['30525-0', 'Age'] },
  weight: { kg: ['29463-7', 'Body weight'] },
  height: { cm: ['8302-2', 'Body height'] },
  bmi: { 'kg/m2': ['39156-5', 'Body mass index (BMI) [Ratio]'] },
  temperature: { Cel: ['8310-5', 'Body temperature'] },
  heartRate: { '/min': ['8867-4', 'Heart rate'] },
  respiratoryRate: { '/min': ['9279-1', 'Respiratory rate'] },
  sbp: { 'mm[Hg]': ['8480-6', 'Systolic blood pressure'] },
  dbp: { 'mm[Hg]': ['8462-4', 'Diastolic blood pressure'] },
  map: { 'mm[Hg]': ['8478-0', 'Mean blood pressure'] },
  gcs: { '{score}': ['9269-2', 'Glasgow coma score total'] },
  pao2: { 'mm[Hg]': ['2703-7', 'Oxygen [Partial pressure] in Arterial blood'] },
  paco2: { 'mm[Hg]': ['2019-8', 'Carbon dioxide [Partial pressure] in Arterial blood'] },
  ph: { '[pH]': ['2744-1', 'pH of Arterial blood'] },
  wbc: { '10*9/L': ['6690-2', 'Leukocytes [#/volume] in Blood by Automated count'] },
  platelets: { '10*9/L': ['777-3', 'Platelets [#/volume] in Blood by Automated count'] },
  haematocrit: { '%': ['4544-3', 'Hematocrit [Volume Fraction] of Blood by Automated count'] },
  crp: { 'mg/L': ['1988-5', 'C reactive protein [Mass/volume] in Serum or Plasma'] },
  triglycerides: { 'mmol/L': ['14927-8', 'Triglyceride [Moles/volume] in Serum or Plasma'] },
  calcium: {
    'mmol/L': ['2000-8', 'Calcium [Moles/volume] in Serum or Plasma'],
    'mg/dL': ['17861-6', 'Calcium [Mass/volume] in Serum or Plasma'],
  },
  urea: { 'mmol/L': ['22664-7', 'Urea [Moles/volume] in Serum or Plasma'] },
  creatinine: {
    'umol/L': ['14682-9', 'Creatinine [Moles/volume] in Serum or Plasma'],
    'mg/dL': ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma'],
  },
  glucose: {
    'mmol/L': ['14749-6', 'Glucose [Moles/volume] in Serum or Plasma'],
    'mg/dL': ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma'],
  },
  ldh: { 'U/L': ['2532-0', 'Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma'] },
  ast: { 'U/L': ['1920-8', 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma'] },
  alt: { 'U/L': ['1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma'] },
  amylase: { 'U/L': ['1798-8', 'Amylase [Enzymatic activity/volume] in Serum or Plasma'] },
  lipase: { 'U/L': ['3040-3', 'Lipase [Enzymatic activity/volume] in Serum or Plasma'] },
  albumin: { 'g/L': ['1751-7', 'Albumin [Mass/volume] in Serum or Plasma'] },
  sodium: { 'mmol/L': ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma'] },
  potassium: { 'mmol/L': ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma'] },
};

/**
 * The LOINC coding of a clinical.json field (a JSON path such as `admission.heartRate`) in a project
 * unit, or undefined where no code is listed for that field in that unit.
 */
export function loincCoding(fieldPath: string, unit: string): Coding | undefined {
  const field = fieldPath.split('.').at(-1) ?? '';
  const ucum = ucumCode(unit);
  const entry = ucum === undefined ? undefined : LOINC_BY_FIELD[field]?.[ucum];
  return entry && { system: LOINC_SYSTEM, code: entry[0], display: entry[1] };
}
