import { createHash } from 'node:crypto';

export interface HoldoutSplit<Row> {
  train: Row[];
  heldOut: Row[];
}

/**
 * A held-out set stratified by outcome, reproducible from the seed alone. The rule: within each outcome
 * class, patients are ordered by the SHA-256 of `{seed}:{id}`, and the first round(fraction × n) are held
 * out, at least one when the class has two or more patients and never the whole class (training needs
 * both classes). The order of the input rows does not matter; the rows keep their order in each part.
 */
export function stratifiedHoldout<Row>(
  rows: readonly Row[],
  options: { fraction: number; seed: number; id: (row: Row) => string; outcome: (row: Row) => string },
): HoldoutSplit<Row> {
  const { fraction, seed } = options;
  if (!(fraction > 0 && fraction < 1))
    throw new RangeError(`the held-out fraction must be between 0 and 1, got ${fraction}`);
  const heldOutIds = new Set<string>();
  const classes = new Map<string, string[]>();
  for (const row of rows) {
    const label = options.outcome(row);
    classes.set(label, [...(classes.get(label) ?? []), options.id(row)]);
  }
  for (const ids of classes.values()) {
    const n = ids.length;
    const size = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
    const ranked = ids
      .map((id) => ({ id, rank: createHash('sha256').update(`${seed}:${id}`).digest('hex') }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    for (const { id } of ranked.slice(0, size)) heldOutIds.add(id);
  }
  return {
    train: rows.filter((row) => !heldOutIds.has(options.id(row))),
    heldOut: rows.filter((row) => heldOutIds.has(options.id(row))),
  };
}
