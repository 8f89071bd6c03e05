/**
 * Seeded pseudo-random numbers for the phantoms. Never Math.random: the same seed must give byte-identical
 * phantoms on every machine. mulberry32 (32-bit state, period 2^32) is plenty for noise and anatomy jitter;
 * independent streams (anatomy, noise, clinical record, UIDs) come from `deriveSeed`, so that changing the
 * grid size does not change the patient.
 */

/** A 32-bit seed from any safe integer seed and a stream name (FNV-1a of the name, murmur3 fmix32 mixing). */
export function deriveSeed(seed: number, stream: string): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const wide = BigInt.asUintN(64, BigInt(seed));
  let h = 0x811c9dc5;
  for (let n = 0; n < stream.length; n++) h = Math.imul(h ^ stream.charCodeAt(n), 0x01000193);
  h = fmix32(h ^ Number(wide & 0xffffffffn));
  h = fmix32(h ^ Number(wide >> 32n) ^ 0x9e3779b9);
  return h >>> 0;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: returns the next unsigned 32-bit integer on each call. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface Rng {
  /** Unsigned 32-bit integer. */
  u32(): number;
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number;
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function createRng(seed: number, stream = ''): Rng {
  const next = mulberry32(deriveSeed(seed, stream));
  const uniform = () => next() / 0x1_0000_0000;
  return {
    u32: next,
    uniform,
    between: (lo, hi) => lo + (hi - lo) * uniform(),
    int: (lo, hi) => lo + Math.floor(uniform() * (hi - lo + 1)),
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    chance: (p) => uniform() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(uniform() * items.length)] as (typeof items)[number];
    },
  };
}

/**
 * 65,536 standard-normal values with mean exactly 0 and standard deviation exactly 1: per-voxel noise is one
 * table look-up per 16 random bits instead of a log, a square root and a cosine.
 */
export function normalTable(): Float64Array {
  const rng = createRng(0, 'normal-table');
  const table = new Float64Array(65536);
  let sum = 0;
  for (let n = 0; n < table.length; n++) sum += table[n] = rng.normal();
  const mean = sum / table.length;
  let sq = 0;
  for (let n = 0; n < table.length; n++) sq += (table[n]! - mean) ** 2;
  const sd = Math.sqrt(sq / table.length);
  for (let n = 0; n < table.length; n++) table[n] = (table[n]! - mean) / sd;
  return table;
}
