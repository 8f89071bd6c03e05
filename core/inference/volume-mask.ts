/**
 * From the U-Net's probability map at model spacing back to a mask on the volume's own grid: trilinear
 * interpolation, threshold, largest component. Only the box around the voxels above the threshold is
 * interpolated: a convex combination of values at or below it cannot exceed it.
 */
import type { Vec3, Volume } from '../imaging/volume';
import { maskBoundingBox, pasteBox } from '../imaging/grid/bounding-box';
import type { Box } from '../imaging/grid/types';
import { keepLargestComponent } from './largest-component';
import { inverseAxis, resampleTrilinear, type Axes } from './resample';

export interface VolumeMask {
  /** 0/1 on the volume's grid. */
  mask: Uint8Array;
  /** Voxels in the mask (its largest component). */
  voxels: number;
}

function threshold(values: Float32Array, level: number): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let n = 0; n < values.length; n++) out[n] = values[n]! > level ? 1 : 0;
  return out;
}

/** Volume voxels whose interpolation taps reach model-grid voxels start … end along one axis. */
function volumeRange(back: Axes[number], start: number, end: number): [number, number] {
  if (back.identity) return [start, end];
  // Voxel n reads model voxels ⌊x⌋ and ⌊x⌋ + 1 at x = origin + n·step, clamped into the model grid; one
  // voxel more each side absorbs rounding.
  const lo = start === 0 ? 0 : Math.ceil((start - 1 - back.origin) / back.step) - 1;
  const hi =
    end === back.sourceCount - 1 ? back.count - 1 : Math.floor((end + 1 - back.origin) / back.step) + 1;
  return [Math.max(0, lo), Math.min(back.count - 1, hi)];
}

/**
 * The mask on `volume`'s grid of `probability` (on the grid `axes` made from the volume), thresholded
 * above `level`, largest 26-connected component kept.
 */
export function volumeMask(
  probability: Float32Array,
  modelDims: Vec3,
  axes: Axes,
  volume: Volume,
  level: number,
): VolumeMask {
  const mask = new Uint8Array(volume.data.length);
  const above = maskBoundingBox(threshold(probability, level), modelDims);
  if (above === null) return { mask, voxels: 0 };
  const back = axes.map((axis, a) => inverseAxis(axis, volume.spacing[a]!)) as Axes;
  const ranges = ([0, 1, 2] as const).map((a) =>
    volumeRange(back[a], above.start[a], above.start[a] + above.size[a] - 1),
  );
  const box: Box = {
    start: ranges.map((r) => r[0]) as Vec3,
    size: ranges.map((r) => r[1] - r[0] + 1) as Vec3,
  };
  const resampled = resampleTrilinear({ dims: modelDims, data: probability }, back, box);
  pasteBox(mask, volume.dims, box, threshold(resampled.data, level));
  return { mask, voxels: keepLargestComponent(mask, volume.dims) };
}
