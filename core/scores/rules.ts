import { CLINICAL_FIELDS, type ClinicalFieldName, type NormalisedClinical } from '../ingest/clinical';
import type { ScoreInput, ScoreItem, ScoreName, ScoreResult } from './types';

/** Shared building blocks of the scores: reading fields, comparing with cut-offs, items, totals. */

type Sections = Pick<NormalisedClinical, 'admission' | 'h48' | 'ct' | 'outcome'>;
export type SectionName = keyof Sections;

/** One field of the record: its JSON path and unit, and its value where the record has it. */
export interface Slot<V> {
  field: string;
  unit: string;
  value: V | undefined;
}

export function slot<S extends SectionName, K extends keyof Sections[S] & string>(
  clinical: NormalisedClinical,
  section: S,
  key: K,
): Slot<NonNullable<Sections[S][K]>> {
  const spec = CLINICAL_FIELDS[key as ClinicalFieldName];
  const value = clinical[section]?.[key] ?? undefined;
  return {
    field: `${section}.${key}`,
    unit: spec.kind === 'quantity' ? spec.unit.unit : '',
    value: value as NonNullable<Sections[S][K]> | undefined,
  };
}

export function inputOf<V extends number | string | boolean>(from: Slot<V>): ScoreInput | undefined {
  return from.value === undefined ? undefined : { field: from.field, value: from.value, unit: from.unit };
}

/**
 * Comparisons with a cut-off. Ingest keeps 6 significant digits after converting a unit, so a value sent
 * exactly on a US-unit cut-off (glucose 220 mg/dL → 12.2114 mmol/L) can land a hair beside the converted
 * cut-off (12.21137): values within 1e-5 (relative) of a cut-off count as on it. scores.md: "> x" and
 * "< x" are strict, a value exactly on x scores 0.
 */
const RELATIVE_TOLERANCE = 1e-5;
const slack = (cut: number): number => Math.max(Math.abs(cut) * RELATIVE_TOLERANCE, 1e-9);
export const above = (value: number, cut: number): boolean => value > cut + slack(cut);
export const below = (value: number, cut: number): boolean => value < cut - slack(cut);
export const atLeast = (value: number, cut: number): boolean => value >= cut - slack(cut);

/** A band of a banded variable: `points` from `from` upward (inclusive unless `strict`) to the next band. */
export interface Band {
  from: number;
  strict?: boolean;
  points: number;
}

/** Points of the first band (highest first) the value reaches; `lowest` below them all. */
export function bandPoints(value: number, bands: readonly Band[], lowest: number): number {
  for (const band of bands) {
    if (band.strict ? above(value, band.from) : atLeast(value, band.from)) return band.points;
  }
  return lowest;
}

export function missingItem(item: string, fields: string[], rule: string, upTo: number): ScoreItem {
  return { item, points: null, upTo, input: undefined, rule, missing: fields };
}

/** An item scoring `points` when one value meets the criterion, 0 when it does not. */
export function criterion<V extends number | boolean>(
  item: string,
  from: Slot<V>,
  meets: (value: V) => boolean,
  rule: string,
  points = 1,
): ScoreItem {
  if (from.value === undefined) return missingItem(item, [from.field], rule, points);
  return { item, points: meets(from.value) ? points : 0, input: inputOf(from), rule };
}

/** An item whose points a table gives for each option of a choice field. */
export function choiceItem<V extends string>(
  item: string,
  from: Slot<V>,
  points: Readonly<Record<V, number>>,
  rule: string,
): ScoreItem {
  if (from.value === undefined) {
    return missingItem(item, [from.field], rule, Math.max(...Object.values<number>(points)));
  }
  return { item, points: points[from.value], input: inputOf(from), rule };
}

/** One value tested against its own criterion, for `anyOf`. */
export interface Alternative {
  field: string;
  input: ScoreInput | undefined;
  met: boolean;
}

export function alt<V extends number | boolean>(from: Slot<V>, meets: (value: V) => boolean): Alternative {
  return { field: from.field, input: inputOf(from), met: from.value !== undefined && meets(from.value) };
}

/** One of several values meeting its criterion is enough; all known and none met scores 0. */
export function anyOf(item: string, alternatives: Alternative[], rule: string, points = 1): ScoreItem {
  const met = alternatives.find((alternative) => alternative.met);
  if (met) return { item, points, input: met.input, rule };
  const absent = alternatives.filter(({ input }) => input === undefined).map(({ field }) => field);
  if (absent.length > 0) return missingItem(item, absent, rule, points);
  return { item, points: 0, input: alternatives[0]?.input, rule };
}

/**
 * A criterion that any one of its measured alternatives meets (SIRS respiration: RR or PaCO2). Unlike
 * `anyOf`, alternatives not measured do not keep it open: measuring one that stays within its cut-off is
 * how the criterion is ruled out, so it is missing only when none was measured.
 */
export function anyMeasured(item: string, alternatives: Alternative[], rule: string, points = 1): ScoreItem {
  const met = alternatives.find((alternative) => alternative.met);
  if (met) return { item, points, input: met.input, rule };
  const measured = alternatives.find(({ input }) => input !== undefined);
  const fields = alternatives.map(({ field }) => field);
  if (!measured) return missingItem(item, fields, rule, points);
  return { item, points: 0, input: measured.input, rule };
}

/**
 * A criterion on the worst value within 48 h (section `h48`). The admission window lies inside those 48 h,
 * so an admission value meeting the criterion scores the item: where h48 lacks the value, and also where
 * the h48 value sent does not meet it (a "furthest from normal" WBC may be the low one). An admission value
 * that does not meet it says nothing about the rest of the window: without h48 the item stays missing
 * (listing the h48 field).
 */
export function within48h(
  item: string,
  h48: Slot<number>,
  admission: Slot<number>,
  meets: (value: number) => boolean,
  rule: string,
  points = 1,
): ScoreItem {
  if (h48.value !== undefined && meets(h48.value)) return { item, points, input: inputOf(h48), rule };
  if (admission.value !== undefined && meets(admission.value)) {
    return { item, points, input: inputOf(admission), rule };
  }
  if (h48.value === undefined) return missingItem(item, [h48.field], rule, points);
  return { item, points: 0, input: inputOf(h48), rule };
}

export interface Interpretation {
  /** Inclusive upper end of the band. */
  upTo: number;
  text: string;
}

export interface Assembly {
  max?: number;
  /** Bands in increasing order; the last covers everything above. */
  bands?: readonly Interpretation[];
  cutOff?: { atLeast: number; rule: string };
  /** How items combine: 'sum' (default) or 'max' (a class: the worst item decides). */
  combine?: 'sum' | 'max';
}

const low = (item: ScoreItem): number => item.points ?? 0;
const high = (item: ScoreItem): number => item.upTo ?? item.points ?? 0;

function bandOf(value: number, bands: readonly Interpretation[]): string {
  return (bands.find((band) => value <= band.upTo) ?? bands[bands.length - 1]!).text;
}

/** Totals the items: `value` counts known points only (a lower bound when partial), `upperBound` the most. */
export function assemble<N extends ScoreName>(
  name: N,
  items: ScoreItem[],
  options: Assembly = {},
): ScoreResult<N> {
  const combine = (values: number[]) =>
    options.combine === 'max' ? Math.max(0, ...values) : values.reduce((sum, value) => sum + value, 0);
  const value = combine(items.map(low));
  const upperBound = combine(items.map(high));
  const missing = [...new Set(items.flatMap((item) => item.missing ?? []))];
  const missingItems = items.filter((item) => (item.missing ?? []).length > 0).map((item) => item.item);
  const result: ScoreResult<N> = {
    name,
    value,
    ...(options.max !== undefined && { max: options.max }),
    upperBound,
    items,
    missing,
    missingItems,
    partial: missing.length > 0,
  };
  if (options.bands) {
    const from = bandOf(value, options.bands);
    const to = bandOf(upperBound, options.bands);
    result.interpretation =
      from === to
        ? from
        : `undetermined: ${value} (${from}) to ${upperBound} (${to}) with the missing inputs`;
  }
  if (options.cutOff) {
    const { atLeast: cut, rule } = options.cutOff;
    result.cutOff = { rule, met: value >= cut ? true : upperBound < cut ? false : undefined };
  }
  return result;
}
