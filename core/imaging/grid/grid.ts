/**
 * The interpolation grid of IBSI-1 section 2.4, "align grid centres": along each axis the new grid has
 * n_b = ⌈n_a·s_a / s_b⌉ voxels and its centre coincides with the centre of the original grid, so new voxel m
 * sits at original voxel coordinate x(m) = (n_a − 1)/2 + (m − (n_b − 1)/2)·s_b/s_a.
 */
import type { Vec3 } from '../volume';
import { SPACING_EPSILON } from './constants';

/** Guards ⌈n·s/s'⌉ against float noise such as 100.00000000001 (the spacings are float32 in NIfTI). */
const CEIL_SLACK = 1e-9;

/** One axis of the new grid, in the original grid's voxel coordinates. */
export interface AxisGrid {
  /** Voxels along this axis in the original grid. */
  sourceCount: number;
  /** Voxels along this axis in the new grid. */
  count: number;
  /** New voxel size in mm. */
  spacing: number;
  /** Original-grid coordinate of new voxel 0. */
  origin: number;
  /** Original voxels per new voxel, s_b / s_a. */
  step: number;
  /** The new grid equals the old one along this axis: nothing to interpolate. */
  identity: boolean;
}

export function axisGrid(sourceCount: number, sourceSpacing: number, targetSpacing: number): AxisGrid {
  if (!(sourceSpacing > 0) || !(targetSpacing > 0)) {
    throw new RangeError(`voxel spacings must be positive (got ${sourceSpacing} → ${targetSpacing} mm)`);
  }
  if (Math.abs(targetSpacing - sourceSpacing) <= SPACING_EPSILON * sourceSpacing) {
    return { sourceCount, count: sourceCount, spacing: sourceSpacing, origin: 0, step: 1, identity: true };
  }
  const step = targetSpacing / sourceSpacing;
  const count = Math.max(1, Math.ceil((sourceCount * sourceSpacing) / targetSpacing - CEIL_SLACK));
  const origin = (sourceCount - 1) / 2 - ((count - 1) / 2) * step;
  return { sourceCount, count, spacing: targetSpacing, origin, step, identity: false };
}

/** Original-grid coordinate of new voxel m. */
export function axisPosition(axis: AxisGrid, m: number): number {
  return axis.origin + m * axis.step;
}

/**
 * The centre-aligned grid for a new voxel spacing. `inPlaneOnly` keeps the slice axis k as it is (IBSI 2D
 * interpolation, configuration B).
 */
export function centreAlignedGrid(
  dims: Vec3,
  spacing: Vec3,
  target: Vec3,
  inPlaneOnly = false,
): [AxisGrid, AxisGrid, AxisGrid] {
  return [
    axisGrid(dims[0], spacing[0], target[0]),
    axisGrid(dims[1], spacing[1], target[1]),
    axisGrid(dims[2], spacing[2], inPlaneOnly ? spacing[2] : target[2]),
  ];
}
