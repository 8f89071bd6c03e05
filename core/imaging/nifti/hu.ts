/**
 * Real voxel values → int16 Hounsfield units, the canonical volume's storage. Values are rounded to the
 * nearest integer (halves toward +∞, `Math.round`); NaN/±Inf voxels and values outside int16 are
 * counted and rejected together, so one report says everything that is wrong.
 */
import type { ValidationIssue } from '../../input/issues';
import { InputRejected } from '../../input/issues';
import type { StoredArray } from './datatypes';
import type { Scaling } from './geometry';

const INT16_MIN = -32768;
const INT16_MAX = 32767;

type RealArray = StoredArray | Float32Array | Float64Array;

/** Identity-scaled types whose every value fits int16: converted by one typed-array copy, no checks. */
function fitsInt16(values: RealArray): boolean {
  return values instanceof Int16Array || values instanceof Int8Array || values instanceof Uint8Array;
}

/**
 * HU as int16 from real values (`scaling` applied on the fly, so no float copy is made). `reuse` allows
 * returning `values` itself when it already is unscaled int16 that the caller owns.
 */
export function toHu(
  values: RealArray,
  scaling: Scaling | null,
  fileName: string,
  reuse: boolean,
): Int16Array {
  if (scaling === null && fitsInt16(values)) {
    if (reuse && values instanceof Int16Array) return values;
    const out = new Int16Array(values.length);
    out.set(values);
    return out;
  }
  const slope = scaling?.slope ?? 1;
  const inter = scaling?.inter ?? 0;
  const out = new Int16Array(values.length);
  let nonFinite = 0;
  let outOfRange = 0;
  let lowest = Infinity;
  let highest = -Infinity;
  for (let n = 0; n < values.length; n++) {
    const hu = Math.round((values[n] as number) * slope + inter);
    if (hu >= INT16_MIN && hu <= INT16_MAX) {
      out[n] = hu;
    } else if (Number.isFinite(hu)) {
      outOfRange++;
      if (hu < lowest) lowest = hu;
      if (hu > highest) highest = hu;
    } else {
      nonFinite++;
    }
  }
  const issues: ValidationIssue[] = [];
  if (nonFinite > 0) {
    issues.push({
      code: 'NON_FINITE_VOXELS',
      file: fileName,
      message: `${nonFinite} of ${values.length} voxels are NaN or infinite`,
    });
  }
  if (outOfRange > 0) {
    issues.push({
      code: 'HU_IMPLAUSIBLE',
      file: fileName,
      message: `${outOfRange} voxels lie outside the int16 range [${INT16_MIN}, ${INT16_MAX}] (from ${lowest} to ${highest}); these are not Hounsfield units`,
    });
  }
  if (issues.length > 0) throw new InputRejected(issues);
  return out;
}
