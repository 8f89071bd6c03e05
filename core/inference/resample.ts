/**
 * Trilinear resampling for the networks, in separable float32 passes (the radiomics interpolation's axis
 * plans and passes, without its float64 and IBSI rounding). Every grid is an AxisGrid per axis: new voxel
 * m sits at source coordinate origin + m·step, and taps outside the source repeat its edge voxel.
 */
import type { Vec3 } from '../imaging/volume';
import { bilinearPlaneFloat32, resampleAxisFloat32, type Float32Grid } from '../imaging/grid/axis-pass';
import type { AxisGrid } from '../imaging/grid/grid';
import { axisPlan, tapRange } from '../imaging/grid/kernels';
import type { Box, NumericArray } from '../imaging/grid/types';

export type Axes = [AxisGrid, AxisGrid, AxisGrid];

export interface SourceGrid {
  dims: Vec3;
  data: NumericArray;
}

/**
 * Resizes `inCount` voxels to `outCount` as torch.nn.functional.interpolate(mode='trilinear',
 * align_corners=False) does: src = (dst + ½)·in/out − ½, clamped to [0, in − 1].
 */
export function resizeAxis(inCount: number, outCount: number, inSpacing: number): AxisGrid {
  const step = inCount / outCount;
  return {
    sourceCount: inCount,
    count: outCount,
    spacing: inSpacing * step,
    origin: 0.5 * step - 0.5,
    step,
    identity: inCount === outCount,
  };
}

/** The way back from a resampled grid: source voxel n of `axis` on the resampled grid. */
export function inverseAxis(axis: AxisGrid, sourceSpacing: number): AxisGrid {
  if (axis.identity) return { ...axis, spacing: sourceSpacing };
  return {
    sourceCount: axis.count,
    count: axis.sourceCount,
    spacing: sourceSpacing,
    origin: -axis.origin / axis.step,
    step: 1 / axis.step,
    identity: false,
  };
}

/** Source index range [lo, hi] that output voxels start … start + size − 1 of `axis` read. */
export function sourceRange(axis: AxisGrid, start: number, size: number): [number, number] {
  if (axis.identity) return [start, start + size - 1];
  const [a, b] = tapRange(axis, start, size, 'linear');
  return [Math.max(0, a), Math.min(axis.sourceCount - 1, b)];
}

/**
 * Trilinear resampling of `source` onto `axes`; only `box` of the new grid is computed (default: all of
 * it). The in-plane passes run slice by slice, on the slices the box's taps reach, straight from the
 * source: neither a cropped copy nor the large intermediate of a whole-volume pass along i (3× the output
 * for a 512² CT at 2.5 mm) is made. Fresh memory is what such passes spend most of their time on. The
 * two in-plane passes are fused (bilinearPlaneFloat32): only the taps the output reads are read, 4 per
 * voxel, where a pass along i would interpolate every source row (512, of which 288 are read at 2.5 mm);
 * the pass along k follows each pair of in-plane slices at once. The values are bit for bit those of
 * separate passes along i, j and k (resampleAxisFloat32).
 */
export function resampleTrilinear(source: SourceGrid, axes: Axes, box?: Box): Float32Grid {
  const out: Box = box ?? { start: [0, 0, 0], size: [axes[0].count, axes[1].count, axes[2].count] };
  axes.forEach((axis, a) => {
    if (axis.sourceCount !== source.dims[a]) {
      throw new RangeError(
        `axis ${a}: grid made for ${axis.sourceCount} voxels, source has ${source.dims[a]}`,
      );
    }
  });
  const [nx, ny] = source.dims;
  const [ox, oy, oz] = out.size;
  // In plane: whole source rows and columns are read; a pass is skipped where it would copy.
  const inPlane = (a: 0 | 1) =>
    axes[a].identity && out.start[a] === 0 && out.size[a] === source.dims[a]
      ? null
      : axisPlan(axes[a], out.start[a], out.size[a], 0, source.dims[a], 'linear');
  const [planI, planJ] = [inPlane(0), inPlane(1)];
  const [k0, k1] = sourceRange(axes[2], out.start[2], oz);
  const slices = k1 - k0 + 1;
  const planK = axes[2].identity ? null : axisPlan(axes[2], out.start[2], oz, k0, slices, 'linear');
  const plane = ox * oy;
  const inPlaneSlice = (k: number, into: Float32Array) => {
    const slice = source.data.subarray((k0 + k) * nx * ny, (k0 + k + 1) * nx * ny);
    if (planI && planJ) bilinearPlaneFloat32(slice, nx, planI, planJ, into);
    else if (planI) resampleAxisFloat32([nx, ny, 1], slice, 0, planI, into);
    else if (planJ) resampleAxisFloat32([nx, ny, 1], slice, 1, planJ, into);
    else into.set(slice);
  };
  // Always a fresh array: callers normalise it in place.
  const result = new Float32Array(plane * oz);
  if (!planK) {
    for (let k = 0; k < slices; k++) inPlaneSlice(k, result.subarray(k * plane, (k + 1) * plane));
    return { dims: [ox, oy, oz], data: result };
  }
  // Along k, each output slice blends two in-plane slices, made when first needed and kept while the
  // next output may need them (taps only move forward): two planes of memory instead of a stack of all.
  const planes = new InPlanePlanes(plane, inPlaneSlice);
  const { index, weight } = planK;
  for (let m = 0; m < oz; m++) {
    const out = result.subarray(m * plane, (m + 1) * plane);
    // As resampleAxisFloat32 along k: accumulate from 0 in float32, skipping zero weights.
    for (let t = 2 * m; t < 2 * m + 2; t++) {
      const f = weight[t]!;
      if (f === 0) continue;
      const from = planes.get(index[t]!, index[t ^ 1]!);
      for (let c = 0; c < plane; c++) out[c]! += f * from[c]!;
    }
  }
  return { dims: [ox, oy, oz], data: result };
}

/** Two in-plane slices, made on demand by `make`, the one an output still needs kept. */
class InPlanePlanes {
  private readonly slots: [Float32Array, Float32Array];
  private readonly held = [-1, -1];

  constructor(
    length: number,
    private readonly make: (k: number, into: Float32Array) => void,
  ) {
    this.slots = [new Float32Array(length), new Float32Array(length)];
  }

  /** Slice `k`, made (if not held) into the slot that does not hold `keep`, the other tap of the output. */
  get(k: number, keep: number): Float32Array {
    const at = this.held.indexOf(k);
    if (at >= 0) return this.slots[at]!;
    const slot = this.held[0] === keep ? 1 : 0;
    this.make(k, this.slots[slot]!);
    this.held[slot] = k;
    return this.slots[slot]!;
  }
}
