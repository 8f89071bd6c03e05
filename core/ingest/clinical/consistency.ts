import type { ValidationIssue } from '../../input/issues';
import type { NormalisedClinical } from './catalogue';
import { CLINICAL_FIELDS } from './catalogue';

/** A value computed at ingest from others the hospital sent (only where the hospital did not send it). */
export interface DerivedValue {
  field: string;
  value: number;
  unit: string;
  from: string[];
  formula: string;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Fills BMI from weight and height, and MAP from systolic and diastolic pressure, where they were not sent;
 * a derived value outside its field's range means one of its inputs is wrong.
 */
export function deriveMissing(
  clinical: NormalisedClinical,
  file: string,
): { derived: DerivedValue[]; issues: ValidationIssue[] } {
  const admission = clinical.admission;
  const derived: DerivedValue[] = [];
  const issues: ValidationIssue[] = [];
  const add = (name: 'bmi' | 'map', value: number, from: string[], formula: string) => {
    const { unit, range } = CLINICAL_FIELDS[name];
    if (value < range.min || value > range.max) {
      issues.push({
        code: 'CLINICAL_OUT_OF_RANGE',
        file,
        field: `admission.${name}`,
        message:
          `${name} = ${formula} = ${value} ${unit.unit} from ${from.join(' and ')} is outside the plausible ` +
          `range ${range.min} to ${range.max} ${unit.unit} (${range.reason}): check ${from.join(' and ')}`,
      });
      return;
    }
    admission[name] = value;
    derived.push({ field: `admission.${name}`, value, unit: unit.unit, from, formula });
  };
  const { weight, height, sbp, dbp } = admission;
  if (admission.bmi === undefined && weight !== undefined && height !== undefined) {
    add(
      'bmi',
      round1(weight / (height / 100) ** 2),
      ['admission.weight', 'admission.height'],
      'weight / (height/100)²',
    );
  }
  if (admission.map === undefined && sbp !== undefined && dbp !== undefined && dbp <= sbp) {
    add('map', round1((sbp + 2 * dbp) / 3), ['admission.sbp', 'admission.dbp'], '(sbp + 2 × dbp) / 3');
  }
  return { derived, issues };
}

/** Values that are each plausible but contradict one another. */
export function checkConsistency(clinical: NormalisedClinical, file: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const conflict = (field: string, message: string) =>
    issues.push({ code: 'CLINICAL_INVALID', file, field, message });
  const { sbp, dbp, neutrophilPercent, lymphocytePercent } = clinical.admission;
  if (sbp !== undefined && dbp !== undefined && dbp > sbp) {
    conflict('admission.dbp', `diastolic ${dbp} mmHg exceeds systolic ${sbp} mmHg: are they swapped?`);
  }
  if (
    neutrophilPercent !== undefined &&
    lymphocytePercent !== undefined &&
    neutrophilPercent + lymphocytePercent > 100
  ) {
    conflict(
      'admission.lymphocytePercent',
      `neutrophils ${neutrophilPercent} % + lymphocytes ${lymphocytePercent} % exceed 100 %`,
    );
  }
  const {
    organFailure,
    organFailureHours: hours,
    atlantaSeverity,
    localComplications,
    systemicComplications,
  } = clinical.outcome;
  // 48 h itself fits both "transient" and "persistent": scores.md leaves the > 48 h / ≥ 48 h boundary open.
  if (organFailure !== undefined && hours !== undefined) {
    const fits =
      organFailure === 'none'
        ? hours === 0
        : organFailure === 'transient'
          ? hours > 0 && hours <= 48
          : hours >= 48;
    if (!fits)
      conflict(
        'outcome.organFailureHours',
        `${hours} h of organ failure contradicts organFailure "${organFailure}"`,
      );
  }
  if (atlantaSeverity !== undefined && organFailure !== undefined) {
    const severe = atlantaSeverity === 'severe';
    if (severe !== (organFailure === 'persistent')) {
      conflict(
        'outcome.atlantaSeverity',
        `"${atlantaSeverity}" contradicts organFailure "${organFailure}": severe means persistent organ failure`,
      );
    }
  }
  if (
    atlantaSeverity === 'mild' &&
    (organFailure === 'transient' || localComplications || systemicComplications)
  ) {
    conflict(
      'outcome.atlantaSeverity',
      '"mild" means no organ failure and no local or systemic complications',
    );
  }
  return issues;
}
