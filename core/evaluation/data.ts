/** Input cleaning shared by every evaluation statistic. */

/** A score or predicted probability per patient; null or NaN means missing. */
export type Score = number | null | undefined;
/** The outcome per patient: true/1 is the event (severe acute pancreatitis), false/0 is not. */
export type Label = boolean | number;

export interface Cleaned {
  /** Scores of the patients kept, in input order. */
  scores: Float64Array;
  /** 1 for an event, 0 otherwise, aligned with `scores`. */
  labels: Uint8Array;
  nPositive: number;
  nNegative: number;
  /** Patients left out because their score was missing. */
  nMissing: number;
}

export function isMissing(value: Score): value is null | undefined {
  return value === null || value === undefined || Number.isNaN(value);
}

export function toLabel(label: Label, index: number): 0 | 1 {
  if (label === true || label === 1) return 1;
  if (label === false || label === 0) return 0;
  throw new RangeError(`label ${index} is ${String(label)}: expected 0/1 or a boolean`);
}

/**
 * Keeps the patients for whom every one of `scoreSets` has a value (one set: per score; several: the
 * patients they all have, as a paired comparison needs). Infinite scores are an error.
 */
export function clean(scoreSets: readonly (readonly Score[])[], labels: readonly Label[]): Cleaned[] {
  for (const s of scoreSets) {
    if (s.length !== labels.length) {
      throw new RangeError(`${s.length} scores for ${labels.length} labels`);
    }
  }
  const n = labels.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let present = true;
    for (const s of scoreSets) {
      const v = s[i];
      if (isMissing(v)) present = false;
      else if (!Number.isFinite(v)) throw new RangeError(`score ${i} is ${v}`);
    }
    toLabel(labels[i] as Label, i);
    if (present) keep.push(i);
  }
  return scoreSets.map((s) => {
    const scores = new Float64Array(keep.length);
    const out = new Uint8Array(keep.length);
    let nPositive = 0;
    keep.forEach((i, k) => {
      scores[k] = s[i] as number;
      const y = toLabel(labels[i] as Label, i);
      out[k] = y;
      nPositive += y;
    });
    return { scores, labels: out, nPositive, nNegative: keep.length - nPositive, nMissing: n - keep.length };
  });
}

/** Throws unless both outcome classes are present. */
export function requireBothClasses(c: Cleaned, what: string): void {
  if (c.nPositive === 0 || c.nNegative === 0) {
    throw new RangeError(`${what} needs events and non-events (${c.nPositive} and ${c.nNegative})`);
  }
}

/** Throws unless every value is a probability in [0, 1]. */
export function requireProbabilities(c: Cleaned): void {
  for (const p of c.scores) {
    if (p < 0 || p > 1) throw new RangeError(`predicted probability ${p} is outside [0, 1]`);
  }
}
