/**
 * Rounding of interpolated intensities to the nearest integer (IBSI-1 section 2.4; every CT phantom
 * configuration does it). Ties go to the even integer, as numpy.round does in MIRP, the IBSI reference.
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function roundInPlace(values: Float64Array): void {
  for (let p = 0; p < values.length; p++) values[p] = roundHalfEven(values[p]!);
}
