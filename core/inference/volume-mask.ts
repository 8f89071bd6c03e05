/**
 * From the U-Net's probability map at model spacing back to a mask on the volume's own grid: trilinear
 * interpolation, threshold, largest component. Only the box around the voxels above the threshold is
 * interpolated: a convex combination of values at or below it cannot exceed it.
 */
import type { Vec3, Volume } from '../imaging/volume';
import { encodeNiftiGz, uint8WithHeaderRoom } from '../imaging/nifti';
import { pasteBox, VoxelExtent } from '../imaging/grid/bounding-box';
import type { Box } from '../imaging/grid/types';
import { keepLargestComponentIn } from './largest-component';
import type { ForegroundMap } from './foreground-map';
import { inverseAxis, resampleTrilinear, sourceRange, type Axes } from './resample';
import type { StageClock } from './stage-clock';

export interface VolumeMask {
  /** 0/1 on the volume's grid. */
  mask: Uint8Array;
  /** Voxels in the mask (its largest component). */
  voxels: number;
  /** The mask's bounding box; null when it is empty. */
  box: Box | null;
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

/** The bounding box of the values above `level`, without a thresholded copy. */
function boxAbove(values: Float32Array, dims: Vec3, level: number): Box | null {
  const [nx, ny, nz] = dims;
  const extent = new VoxelExtent();
  for (let k = 0, v = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        if (values[v]! > level) extent.add(i, j, k);
      }
    }
  }
  return extent.box();
}

/**
 * The mask on `volume`'s grid of `probability` (on the grid `axes` made from the volume), thresholded
 * above `level`, largest 26-connected component kept. `clock` laps `resampleBack` and `largestComponent`.
 * From a ForegroundMap, probabilities are computed only where the interpolation reads them.
 */
export function volumeMask(
  probability: Float32Array | ForegroundMap,
  modelDims: Vec3,
  axes: Axes,
  volume: Volume,
  level: number,
  clock?: StageClock,
): VolumeMask {
  // Room for the header in front: encodeMaskNiftiGz compresses it without a copy.
  const mask = uint8WithHeaderRoom(volume.data.length);
  const map = probability instanceof Float32Array ? undefined : probability;
  const above = map ? map.boxAbove(level) : boxAbove(probability as Float32Array, modelDims, level);
  if (above === null) return { mask, voxels: 0, box: null };
  const back = axes.map((axis, a) => inverseAxis(axis, volume.spacing[a]!)) as Axes;
  const ranges = ([0, 1, 2] as const).map((a) =>
    volumeRange(back[a], above.start[a], above.start[a] + above.size[a] - 1),
  );
  const box: Box = {
    start: ranges.map((r) => r[0]) as Vec3,
    size: ranges.map((r) => r[1] - r[0] + 1) as Vec3,
  };
  // The model-grid voxels these interpolation taps read (resample.ts sourceRange): all a map computes.
  const read = ([0, 1, 2] as const).map((a) => sourceRange(back[a], box.start[a], box.size[a]));
  const values = map
    ? map.inBox({ start: read.map((r) => r[0]) as Vec3, size: read.map((r) => r[1] - r[0] + 1) as Vec3 })
    : (probability as Float32Array);
  const resampled = resampleTrilinear({ dims: modelDims, data: values }, back, box);
  pasteBox(mask, volume.dims, box, threshold(resampled.data, level));
  clock?.lap('resampleBack');
  // The mask is 0 outside `box`: the component search reads that box, not the whole CT grid.
  const component = keepLargestComponentIn(mask, volume.dims, box);
  clock?.lap('largestComponent');
  return { mask, ...component };
}

/**
 * `mask.nii.gz`: the mask (from volumeMask) on the volume's grid, as both inference tiers write it. With
 * the mask's bounding box (VolumeMask.box), the zeros around it are not read.
 */
export function encodeMaskNiftiGz(volume: Volume, mask: Uint8Array, maskBox?: Box | null): Uint8Array {
  return encodeNiftiGz(
    { dims: volume.dims, affine: volume.affine, data: mask },
    {
      description: 'sap-pipeline pancreas mask (U-Net)',
      ...(maskBox === undefined ? {} : { zeroOutside: maskBox }),
    },
  );
}
