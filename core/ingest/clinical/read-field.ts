import { z } from 'zod';
import type { IssueCode, ValidationIssue } from '../../input/issues';
import type { ChoiceField, FieldSpec, QuantityField } from './field-spec';
import { describeJson, fromZodIssues, isPlainObject } from '../json-document';
import { convert, matchesUnit, unitKey, type UnitConversion } from './units';

/** One unit conversion made at ingest, for the audit trail. `to.value = from.value × factor + offset`. */
export interface ClinicalConversion {
  field: string;
  from: { value: number; unit: string };
  to: { value: number; unit: string };
  factor: number;
  offset?: number;
}

export interface FieldReading {
  /** The normalised value; undefined when absent (null or missing) or invalid. */
  value?: number | string | boolean;
  conversion?: ClinicalConversion;
  issues: ValidationIssue[];
}

const MEASUREMENT = z.strictObject({
  value: z.number({ error: (issue) => `expected a number, got ${describeJson(issue.input)}` }),
  unit: z
    .string({ error: (issue) => `expected a unit string, got ${describeJson(issue.input)}` })
    .min(1, 'the unit is empty'),
});

/** "mmol/L (a bare number), mg/dL BUN, mg/dL urea" */
export function acceptedUnits(spec: QuantityField): string {
  const canonical = spec.unitRequired ? spec.unit.unit : `${spec.unit.unit} (or a bare number)`;
  return [canonical, ...spec.alternatives.map((alternative) => alternative.unit)].join(', ');
}

function expectedOf(spec: FieldSpec): string {
  switch (spec.kind) {
    case 'quantity':
      return spec.unitRequired
        ? `{"value": number, "unit": string} with unit ${acceptedUnits(spec)}`
        : `a number in ${spec.unit.unit}, or {"value": number, "unit": string}`;
    case 'choice':
      return `one of ${spec.options.map((option) => JSON.stringify(option)).join(', ')}`;
    case 'flag':
      return 'true or false';
  }
}

/** Reads one field of clinical.json: structure (zod), unit, range. `null` counts as absent. */
export function readField(spec: FieldSpec, raw: unknown, field: string, file: string): FieldReading {
  if (raw === null || raw === undefined) return { issues: [] };
  const wrongType = (): FieldReading => ({
    issues: [
      {
        code: 'CLINICAL_INVALID',
        file,
        field,
        message: `expected ${expectedOf(spec)}, got ${describeJson(raw)}`,
      },
    ],
  });
  switch (spec.kind) {
    case 'flag':
      return typeof raw === 'boolean' ? { value: raw, issues: [] } : wrongType();
    case 'choice':
      return readChoice(spec, raw) ?? wrongType();
    case 'quantity':
      if (typeof raw === 'number') return readQuantity(spec, raw, undefined, field, file);
      if (!isPlainObject(raw)) return wrongType();
      {
        const parsed = MEASUREMENT.safeParse(raw);
        if (!parsed.success) return { issues: fromZodIssues(parsed.error, 'CLINICAL_INVALID', file, field) };
        return readQuantity(spec, parsed.data.value, parsed.data.unit, field, file);
      }
  }
}

function readChoice(spec: ChoiceField, raw: unknown): FieldReading | undefined {
  return typeof raw === 'string' && spec.options.includes(raw) ? { value: raw, issues: [] } : undefined;
}

function readQuantity(
  spec: QuantityField,
  sent: number,
  unit: string | undefined,
  field: string,
  file: string,
): FieldReading {
  const fail = (code: IssueCode, message: string, at = field): FieldReading => ({
    issues: [{ code, file, field: at, message }],
  });
  let conversion: UnitConversion | undefined;
  if (unit === undefined) {
    if (spec.unitRequired) {
      return fail(
        'CLINICAL_UNIT_UNKNOWN',
        `a bare number is ambiguous for this field: send {"value": ${sent}, "unit": ...} with unit ` +
          acceptedUnits(spec),
      );
    }
  } else if (!matchesUnit(unit, spec.unit)) {
    const ambiguity = Object.entries(spec.ambiguousUnits ?? {}).find(
      ([name]) => unitKey(name) === unitKey(unit),
    );
    if (ambiguity)
      return fail('CLINICAL_UNIT_UNKNOWN', `unit "${unit}" is ambiguous: ${ambiguity[1]}`, `${field}.unit`);
    conversion = spec.alternatives.find((alternative) => matchesUnit(unit, alternative));
    if (!conversion) {
      return fail(
        'CLINICAL_UNIT_UNKNOWN',
        `unit "${unit}" is not accepted; use ${acceptedUnits(spec)}`,
        `${field}.unit`,
      );
    }
  }
  const value = conversion ? convert(sent, conversion) : sent;
  const canonical = spec.unit.unit;
  const { min, max, reason } = spec.range;
  if (value < min || value > max) {
    const shown = conversion ? `${sent} ${conversion.unit} = ${value} ${canonical}` : `${value} ${canonical}`;
    return fail(
      'CLINICAL_OUT_OF_RANGE',
      `${shown} is outside the plausible range ${min} to ${max} ${canonical} (${reason})${unitHint(spec, sent, unit)}`,
    );
  }
  if (spec.integer && !Number.isInteger(value)) {
    return fail('CLINICAL_INVALID', `expected a whole number of ${canonical}, got ${value}`);
  }
  return {
    value,
    issues: [],
    conversion: conversion && {
      field,
      from: { value: sent, unit: conversion.unit },
      to: { value, unit: canonical },
      factor: conversion.factor,
      ...(conversion.offset === undefined ? {} : { offset: conversion.offset }),
    },
  };
}

/** For a bare number out of range: the alternative units in which it would be plausible. */
function unitHint(spec: QuantityField, sent: number, unit: string | undefined): string {
  if (unit !== undefined) return '';
  const { min, max } = spec.range;
  const plausible = spec.alternatives.filter((alternative) => {
    const converted = convert(sent, alternative);
    return converted >= min && converted <= max;
  });
  if (plausible.length === 0) return '';
  const suggestions = plausible.map((alternative) => `{"value": ${sent}, "unit": "${alternative.unit}"}`);
  return `; a bare number means ${spec.unit.unit}: if it is in another unit send ${suggestions.join(' or ')}`;
}
