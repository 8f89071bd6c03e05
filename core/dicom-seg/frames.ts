import type { DicomSourceRecord } from '../imaging/dicom';
import { invert3, invertAffine, applyAffine, linearPart, type VoxelGrid } from '../imaging/orientation';
import type { Vec3 } from '../imaging/volume';

/**
 * How the pixels of a source image sit in the mask: pixel (column c, row r) of the source image of mask
 * slice k is mask voxel `k·sliceSize + origin + c·columnStep + r·rowStep`. The normalised volume only
 * permutes and flips the source's axes (core/imaging/orientation.ts), so each step is ±1 voxel along i or j.
 */
export interface SourcePixelLayout {
  origin: number;
  columnStep: number;
  rowStep: number;
  sliceSize: number;
}

/** Positions may stray this far (in voxels) from the grid: what Validate lets through (geometry.ts). */
const POSITION_TOLERANCE_VOXELS = 0.5 + 1e-6;

/**
 * The layout of the source images in `mask`, checked against every slice's ImagePositionPatient: slice k of
 * the record must lie on mask slice k, its first pixel on the voxel the layout says. Throws if the mask is
 * not on the grid of the volume the record was made with (a programming error, not a bad upload).
 */
export function sourcePixelLayout(mask: VoxelGrid<Uint8Array>, source: DicomSourceRecord): SourcePixelLayout {
  const [nx, ny, nz] = mask.dims;
  if (nz !== source.slices.length) {
    throw new Error(`mask has ${nz} slices, the source series ${source.slices.length}`);
  }
  const toVoxel = invert3(linearPart(mask.affine));
  const iop = source.imageOrientationPatient;
  const [rowSpacing, columnSpacing] = source.pixelSpacing;
  const columnAxis = unitVoxelStep(toVoxel, scale(lpsToRas([iop[0]!, iop[1]!, iop[2]!]), columnSpacing));
  const rowAxis = unitVoxelStep(toVoxel, scale(lpsToRas([iop[3]!, iop[4]!, iop[5]!]), rowSpacing));
  if (columnAxis.axis === rowAxis.axis) throw new Error('rows and columns map to the same mask axis');
  const size = (axis: 0 | 1) => (axis === 0 ? nx : ny);
  if (size(columnAxis.axis) !== source.columns || size(rowAxis.axis) !== source.rows) {
    throw new Error(`mask slices are ${nx}×${ny}, source images ${source.columns}×${source.rows}`);
  }
  const stride = (axis: 0 | 1) => (axis === 0 ? 1 : nx);
  const start = (step: { axis: 0 | 1; sign: 1 | -1 }) => (step.sign === 1 ? 0 : size(step.axis) - 1);
  const firstPixel: Vec3 = [0, 0, 0];
  firstPixel[columnAxis.axis] = start(columnAxis);
  firstPixel[rowAxis.axis] = start(rowAxis);

  const toMaskVoxel = invertAffine(mask.affine);
  source.slices.forEach((slice, k) => {
    const at = applyAffine(toMaskVoxel, lpsToRas(slice.imagePositionPatient));
    const expected: Vec3 = [firstPixel[0], firstPixel[1], k];
    if (at.some((v, axis) => Math.abs(v - expected[axis]!) > POSITION_TOLERANCE_VOXELS)) {
      throw new Error(`source slice ${k}'s ImagePositionPatient is not on mask slice ${k}`);
    }
  });
  return {
    origin: firstPixel[0] + firstPixel[1] * nx,
    columnStep: columnAxis.sign * stride(columnAxis.axis),
    rowStep: rowAxis.sign * stride(rowAxis.axis),
    sliceSize: nx * ny,
  };
}

/** The pixels of one source image (row by row) from mask slice k: 1 inside, 0 outside. */
export function framePixels(
  mask: VoxelGrid<Uint8Array>,
  layout: SourcePixelLayout,
  source: DicomSourceRecord,
  k: number,
): Uint8Array {
  const out = new Uint8Array(source.rows * source.columns);
  const base = k * layout.sliceSize + layout.origin;
  for (let r = 0, n = 0; r < source.rows; r++) {
    for (let c = 0, p = base + r * layout.rowStep; c < source.columns; c++, n++, p += layout.columnStep) {
      out[n] = mask.data[p] ? 1 : 0;
    }
  }
  return out;
}

/** Mask slices with at least one voxel inside, ascending. */
export function slicesWithMask(mask: VoxelGrid<Uint8Array>): number[] {
  const [nx, ny, nz] = mask.dims;
  const sliceSize = nx * ny;
  const found: number[] = [];
  // A plain loop that stops at the first voxel: a 512×512×300 mask is scanned in tens of milliseconds.
  for (let k = 0; k < nz; k++) {
    for (let n = k * sliceSize, end = n + sliceSize; n < end; n++) {
      if (mask.data[n] !== 0) {
        found.push(k);
        break;
      }
    }
  }
  return found;
}

/**
 * Binary frames, 1 bit per pixel, packed one after the other with no padding between frames, the first
 * pixel in the lowest bit (PS3.5 8.1.1), padded to an even length.
 */
export function packFrames(frames: Uint8Array[]): Uint8Array {
  const bits = frames.reduce((sum, f) => sum + f.length, 0);
  const bytes = new Uint8Array(Math.ceil(Math.ceil(bits / 8) / 2) * 2);
  let bit = 0;
  for (const frame of frames) {
    for (let n = 0; n < frame.length; n++, bit++) {
      if (frame[n]) bytes[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return bytes;
}

/** The mask axis (i or j) one pixel step moves along, and which way; throws if it is not one voxel. */
function unitVoxelStep(toVoxel: number[], worldStep: Vec3): { axis: 0 | 1; sign: 1 | -1 } {
  const step = [0, 1, 2].map((row) =>
    [0, 1, 2].reduce((sum, col) => sum + toVoxel[row * 3 + col]! * worldStep[col]!, 0),
  );
  const axis = step.findIndex((v) => Math.abs(Math.abs(v) - 1) < 1e-3);
  const others = step.filter((_, a) => a !== axis);
  if ((axis !== 0 && axis !== 1) || others.some((v) => Math.abs(v) > 1e-3)) {
    throw new Error('a source pixel step is not one voxel along the mask i or j axis');
  }
  return { axis, sign: step[axis]! > 0 ? 1 : -1 };
}

const lpsToRas = (v: Vec3 | number[]): Vec3 => [-v[0]!, -v[1]!, v[2]!];
const scale = (v: Vec3, f: number): Vec3 => [v[0] * f, v[1] * f, v[2] * f];
