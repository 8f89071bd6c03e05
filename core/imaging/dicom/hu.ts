import type { ValidationIssue } from '../../input/issues';
import { LIMITS } from '../../input/limits';
import type { PixelFormat, StoredValues } from './pixels';

/**
 * A slice is rejected as HU_IMPLAUSIBLE when more than this fraction of its non-padding pixels fall outside
 * LIMITS.minHu..maxHu after the rescale. A real CT slice is mostly air, fat, soft tissue and bone, all well
 * inside that range; a few out-of-range pixels (metal, an unmarked padding ring around the round field of
 * view, about 21% of a square slice) are kept, clamped only to int16. Most of a slice out of range means
 * the rescale is wrong or the image is not in HU, and the whole volume would be meaningless.
 */
export const HU_IMPLAUSIBLE_MAX_FRACTION = 0.5;

const INT16_MIN = -32768;
const INT16_MAX = 32767;

export interface HuCounts {
  /** Pixels that are not PixelPaddingValue. */
  counted: number;
  /** Of those, how many were outside LIMITS.minHu..maxHu before clamping. */
  outside: number;
}

/**
 * Writes one slice as HU into `target` from `offset`: stored value (masked to BitsStored, sign-extended when
 * signed) × RescaleSlope + RescaleIntercept, rounded half up, then clamped to int16.
 *
 * MONOCHROME1 is not inverted, deliberately: PS3.3 C.7.6.3.1.2 says its minimum is shown white "after any
 * VOI gray scale transformations", i.e. the polarity applies to display, downstream of the Modality LUT
 * (the rescale) that defines HU. Inverting would turn bone into air.
 */
export function writeHu(
  stored: StoredValues,
  format: PixelFormat,
  target: Int16Array,
  offset: number,
  limits: { minHu: number; maxHu: number } = LIMITS,
): HuCounts {
  const count = format.rows * format.columns;
  const shift = 32 - format.bitsStored;
  const { slope, intercept, signed } = format;
  const padLow = format.padding?.low ?? Infinity;
  const padHigh = format.padding?.high ?? -Infinity;
  let outside = 0;
  let padded = 0;
  for (let p = 0; p < count; p++) {
    const raw = stored[p]!;
    const value = signed ? (raw << shift) >> shift : (raw << shift) >>> shift;
    const hu = value * slope + intercept;
    if (value >= padLow && value <= padHigh) padded++;
    else if (hu < limits.minHu || hu > limits.maxHu) outside++;
    const rounded = Math.round(hu);
    target[offset + p] = rounded < INT16_MIN ? INT16_MIN : rounded > INT16_MAX ? INT16_MAX : rounded;
  }
  return { counted: count - padded, outside };
}

/** The HU_IMPLAUSIBLE issue for a slice whose counts break the rule above, or undefined. */
export function huImplausibleIssue(
  file: string,
  counts: HuCounts,
  format: PixelFormat,
  limits: { minHu: number; maxHu: number } = LIMITS,
): ValidationIssue | undefined {
  if (counts.counted === 0 || counts.outside <= HU_IMPLAUSIBLE_MAX_FRACTION * counts.counted) {
    return undefined;
  }
  const percent = ((100 * counts.outside) / counts.counted).toFixed(1);
  const assumed = format.rescaleDefaulted ? ' (RescaleSlope/Intercept absent: 1 and 0 assumed)' : '';
  return {
    code: 'HU_IMPLAUSIBLE',
    file,
    message:
      `${percent}% of the pixels are outside ${limits.minHu}..${limits.maxHu} HU after the rescale ` +
      `(slope ${format.slope}, intercept ${format.intercept})${assumed}: not a CT in Hounsfield units`,
  };
}
