/**
 * Trilinear resampling for the networks, in separable float32 passes (the radiomics interpolation's axis
 * plans and passes, without its float64 and IBSI rounding). Every grid is an AxisGrid per axis: new voxel
 * m sits at source coordinate origin + m·step, and taps outside the source repeat its edge voxel.
 */
import type { Vec3 } from '../imaging/volume';
import { resampleAxisFloat32, type Float32Grid } from '../imaging/grid/axis-pass';
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
function sourceRange(axis: AxisGrid, start: number, size: number): [number, number] {
  if (axis.identity) return [start, start + size - 1];
  const [a, b] = tapRange(axis, start, size, 'linear');
  return [Math.max(0, a), Math.min(axis.sourceCount - 1, b)];
}

/**
 * Trilinear resampling of `source` onto `axes`; only `box` of the new grid is computed (default: all of
 * it). The in-plane passes run slice by slice, on the slices the box's taps reach, straight from the
 * source: neither a cropped copy nor the large intermediate of a whole-volume pass along i (3× the output
 * for a 512² CT at 2.5 mm) is made. Fresh memory is what such passes spend most of their time on.
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
  // Always a fresh array: callers normalise it in place.
  const stack = new Float32Array(ox * oy * slices);
  const alongI = planI && planJ ? new Float32Array(ox * ny) : undefined;
  for (let k = 0; k < slices; k++) {
    const into = stack.subarray(k * ox * oy, (k + 1) * ox * oy);
    let grid: { dims: Vec3; data: NumericArray } = {
      dims: [nx, ny, 1],
      data: source.data.subarray((k0 + k) * nx * ny, (k0 + k + 1) * nx * ny),
    };
    if (planI) grid = resampleAxisFloat32(grid.dims, grid.data, 0, planI, alongI ?? into);
    if (planJ) grid = resampleAxisFloat32(grid.dims, grid.data, 1, planJ, into);
    if (!planI && !planJ) into.set(grid.data);
  }
  if (!planK) return { dims: [ox, oy, slices], data: stack };
  return resampleAxisFloat32([ox, oy, slices], stack, 2, planK);
}
