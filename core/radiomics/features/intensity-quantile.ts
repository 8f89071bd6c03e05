/**
 * Order statistics of a sample, for the percentile-based features of the intensity statistics and
 * intensity histogram families. Percentiles interpolate linearly between order statistics (Hyndman and
 * Fan type 7, numpy's default), which gives the IBSI digital phantom's P90 = 4.
 */
export interface OrderedSample {
  /** Sample size. */
  n: number;
  /** The value of rank r (0-based) in ascending order. */
  at(rank: number): number;
}

/** The p-quantile, p in [0, 1]. */
export function quantile(sample: OrderedSample, p: number): number {
  if (sample.n === 0) return NaN;
  const h = (sample.n - 1) * p;
  const lo = Math.floor(h);
  const low = sample.at(lo);
  return lo + 1 < sample.n ? low + (h - lo) * (sample.at(lo + 1) - low) : low;
}

/**
 * A histogram as a sample: counts[b] voxels have the value `offset + b`. Ranks resolve by binary search on
 * the cumulative counts.
 */
export function sampleFromCounts(counts: ArrayLike<number>, offset = 0): OrderedSample {
  const cumulative = new Float64Array(counts.length);
  let total = 0;
  for (let b = 0; b < counts.length; b++) cumulative[b] = total += counts[b]!;
  return {
    n: total,
    at(rank) {
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > rank) hi = mid;
        else lo = mid + 1;
      }
      return offset + lo;
    },
  };
}

/** Largest value range that is counted instead of sorted. */
const MAX_COUNTED_RANGE = 1 << 22;

/**
 * A sample of arbitrary values: integers within a moderate range (CT, discretised levels) are counted in
 * O(n + range); anything else is sorted.
 */
export function sampleFromValues(values: Float64Array, min: number, max: number): OrderedSample {
  let integral = max - min <= MAX_COUNTED_RANGE;
  for (let k = 0; integral && k < values.length; k++) integral = Number.isInteger(values[k]);
  if (integral && values.length > 0) {
    const counts = new Int32Array(max - min + 1);
    for (let k = 0; k < values.length; k++) counts[values[k]! - min]!++;
    return sampleFromCounts(counts, min);
  }
  const sorted = Float64Array.from(values).sort();
  return { n: sorted.length, at: (rank) => sorted[rank]! };
}
