import type { UnitConversion, UnitSpelling } from './units';

/**
 * The sections of clinical.json. `admission`: the worst value within the first 24 h after admission (the
 * window of SIRS, BISAP, APACHE II and the model); `h48`: the worst value within the first 48 h (Ranson's
 * 48 h items, Glasgow-Imrie); `ct`: the radiologist's read of the study CT; `outcome`: follow-up, for
 * training and evaluation only (never a model input: it holds the label).
 */
export const SECTIONS = ['admission', 'h48', 'ct', 'outcome'] as const;
export type Section = (typeof SECTIONS)[number];

/** What reads a field. Scores per domain/scores.md; `model` is the fused XGBoost model's clinical input. */
export type Consumer =
  | 'model'
  | 'SIRS'
  | 'BISAP'
  | 'Ranson'
  | 'Glasgow-Imrie'
  | 'CTSI'
  | 'MCTSI'
  | 'APACHE II'
  | 'modified Marshall'
  | 'HAPS'
  | 'SABP'
  | 'revised Atlanta'
  | 'APCU';

/** Which value to send when several were measured in the window. */
export type Worst = 'highest' | 'lowest' | 'furthest from normal';

interface FieldBase<S extends readonly Section[]> {
  sections: S;
  usedBy: readonly Consumer[];
  description: string;
}

export interface QuantityField<S extends readonly Section[] = readonly Section[]> extends FieldBase<S> {
  kind: 'quantity';
  /** The canonical unit: a bare number means this unit, and normalised values are in it. */
  unit: UnitSpelling;
  alternatives: readonly UnitConversion[];
  /**
   * A bare number is refused: a value in a common alternative unit would pass the range check as the
   * canonical unit (BUN mg/dL as urea mmol/L, TG 150 mg/dL as 150 mmol/L).
   */
  unitRequired?: boolean;
  /** Units a sender might mean but that are ambiguous, with why and what to send instead. */
  ambiguousUnits?: Readonly<Record<string, string>>;
  /** Plausible range in the canonical unit, inclusive, with the reason for its bounds. */
  range: { min: number; max: number; reason: string };
  integer?: boolean;
  worst?: Worst;
}

export interface ChoiceField<
  S extends readonly Section[] = readonly Section[],
  O extends readonly string[] = readonly string[],
> extends FieldBase<S> {
  kind: 'choice';
  options: O;
}

export interface FlagField<S extends readonly Section[] = readonly Section[]> extends FieldBase<S> {
  kind: 'flag';
}

export type FieldSpec = QuantityField | ChoiceField | FlagField;

export function quantity<const S extends readonly Section[]>(
  spec: Omit<QuantityField<S>, 'kind'>,
): QuantityField<S> {
  return { kind: 'quantity', ...spec };
}

export function choice<const S extends readonly Section[], const O extends readonly string[]>(
  spec: Omit<ChoiceField<S, O>, 'kind'>,
): ChoiceField<S, O> {
  return { kind: 'choice', ...spec };
}

export function flag<const S extends readonly Section[]>(spec: Omit<FlagField<S>, 'kind'>): FlagField<S> {
  return { kind: 'flag', ...spec };
}

/** The normalised type of one field: a number in the canonical unit, one of the options, or a boolean. */
export type FieldValue<F> = F extends QuantityField
  ? number
  : F extends ChoiceField<readonly Section[], infer O>
    ? O[number]
    : boolean;

/** The normalised values of one section: every field optional (absent = not measured). */
export type SectionValues<Fields, S extends Section> = {
  -readonly [
    K in keyof Fields as Fields[K] extends { sections: readonly (infer T)[] }
      ? S extends T
        ? K
        : never
      : never
  ]?: FieldValue<Fields[K]>;
};
