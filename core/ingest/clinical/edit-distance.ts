/**
 * Optimal-string-alignment (restricted Damerau–Levenshtein) distance: inserting, deleting or replacing a
 * letter, or swapping two adjacent letters, each costs 1 (`triglicerides` → `triglycerides` is 1,
 * `weigth` → `weight` is 1).
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the dynamic-programming table: the swap looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * How many edits still read as a slip of the keyboard rather than another name, by the shorter name's
 * length: none up to 3 letters (short abbreviations differ by one letter from each other: ALT/ALP, LDH/LDL,
 * pH/PT), 1 for 4–5 letters, 2 for longer names.
 */
export function typoAllowance(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  if (shorter <= 3) return 0;
  return shorter <= 5 ? 1 : 2;
}

/**
 * The candidates `name` is a likely misspelling of: those within `typoAllowance`, the closest only (several
 * when tied), compared after `normalise`. Empty when none is close or `name` is itself a candidate.
 */
export function closestNames(
  name: string,
  candidates: Iterable<string>,
  normalise: (name: string) => string = (n) => n,
): string[] {
  const target = normalise(name);
  let best = Number.POSITIVE_INFINITY;
  let closest: string[] = [];
  for (const candidate of candidates) {
    const form = normalise(candidate);
    const distance = editDistance(target, form);
    if (distance === 0 && candidate === name) return [];
    if (distance > typoAllowance(target, form) || distance > best) continue;
    if (distance < best) closest = [];
    best = distance;
    if (!closest.includes(candidate)) closest.push(candidate);
  }
  return closest;
}
