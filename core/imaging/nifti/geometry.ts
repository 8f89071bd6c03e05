/**
 * Whether a decoded header describes a 3D volume this project can hold, checked from the header alone,
 * before a single voxel is allocated: dimensionality, size limits, datatype, voxel size, data offset,
 * scaling and affine.
 */
import type { ValidationIssue } from '../../input/issues';
import { reject } from '../../input/issues';
import { LIMITS } from '../../input/limits';
import type { Affine, Vec3 } from '../volume';
import { headerAffine, toMillimetres, type OrientationSource } from './affine';
import { datatypeInfo, type DatatypeInfo } from './datatypes';
import type { NiftiHeader } from './header';
import { NIFTI1_MIN_DATA_OFFSET, NIFTI2_MIN_DATA_OFFSET } from './layout';

/** y = slope·x + inter, per nifti1.h `scl_slope` / `scl_inter`. */
export interface Scaling {
  slope: number;
  inter: number;
}

/** Everything needed to read the voxels of a 3D NIfTI volume, derived from its header. */
export interface VolumeLayout {
  dims: Vec3;
  /** pixdim[1..3] in mm. */
  pixdim: Vec3;
  datatype: DatatypeInfo;
  voxelCount: number;
  /** Byte offset of the first voxel in the uncompressed file. */
  dataOffset: number;
  dataBytes: number;
  /** null: the stored values are the values (no slope, or slope 1 and intercept 0). */
  scaling: Scaling | null;
  affine: Affine;
  orientationSource: OrientationSource;
  warnings: ValidationIssue[];
}

/**
 * dim[0] 3, or 4 with a single time point (dim[4] = 1); a 2D image (dim[0] = 2) is read as one slice so
 * that the slice-count check downstream, not this reader, explains why it is rejected.
 */
function spatialDims(header: NiftiHeader, fileName: string): Vec3 {
  const [count, x, y, z, t] = header.dim as [number, number, number, number, number];
  if (count === 4 && t > 1) {
    throw reject('NIFTI_NOT_3D', fileName, `a 4D image with ${t} volumes; upload one 3D volume`, 'dim');
  }
  if (count > 4 || count < 2) {
    throw reject('NIFTI_NOT_3D', fileName, `dim[0] is ${count}: a ${count}D image, not a 3D volume`, 'dim');
  }
  return [x, y, count === 2 ? 1 : z];
}

/** Two axes are in-plane and one is the slice axis, whichever order the file stores them in. */
function checkSize(dims: Vec3, fileName: string): number {
  const [small, middle, large] = [...dims].sort((a, b) => a - b) as Vec3;
  const voxels = dims[0] * dims[1] * dims[2];
  const problems: string[] = [];
  if (middle > LIMITS.maxInPlane || small > LIMITS.maxInPlane) {
    problems.push(`a slice is larger than ${LIMITS.maxInPlane}×${LIMITS.maxInPlane}`);
  }
  if (large > LIMITS.maxSlices) problems.push(`more than ${LIMITS.maxSlices} voxels along one axis`);
  if (voxels > LIMITS.maxVoxels) problems.push(`more than ${LIMITS.maxVoxels} voxels`);
  if (problems.length > 0) {
    throw reject('DIMENSIONS_TOO_LARGE', fileName, `${dims.join('×')} voxels: ${problems.join(', ')}`, 'dim');
  }
  return voxels;
}

function checkPixdim(header: NiftiHeader, fileName: string): Vec3 {
  const toMm = toMillimetres(header.xyztUnits);
  return [1, 2, 3].map((n) => {
    const size = header.pixdim[n] as number;
    if (!(Number.isFinite(size) && size > 0)) {
      throw reject(
        'NIFTI_BAD_HEADER',
        fileName,
        `pixdim[${n}] is ${size}; voxel sizes must be > 0`,
        'pixdim',
      );
    }
    return size * toMm;
  }) as Vec3;
}

/** vox_offset 0 in a single file is read as the minimum (352 / 544), as nibabel does. */
function dataOffsetOf(header: NiftiHeader, fileName: string): number {
  const minimum = header.version === 1 ? NIFTI1_MIN_DATA_OFFSET : NIFTI2_MIN_DATA_OFFSET;
  const offset = header.voxOffset;
  if (offset === 0) return minimum;
  if (!Number.isInteger(offset) || offset < minimum || offset > LIMITS.maxFileBytes) {
    throw reject(
      'NIFTI_BAD_HEADER',
      fileName,
      `vox_offset is ${offset}; it must be a whole number from ${minimum} (data follow the header) to ${LIMITS.maxFileBytes}`,
      'vox_offset',
    );
  }
  return offset;
}

/** scl_slope 0 or NaN means "no scaling" (nifti1.h); an infinite slope or intercept is a broken header. */
function scalingOf(header: NiftiHeader, fileName: string): Scaling | null {
  const { sclSlope: slope, sclInter: inter } = header;
  if (slope === 0 || Number.isNaN(slope)) return null;
  if (!Number.isFinite(slope)) {
    throw reject('NIFTI_BAD_HEADER', fileName, `scl_slope is ${slope}`, 'scl_slope');
  }
  if (!Number.isFinite(inter)) {
    throw reject('NIFTI_BAD_HEADER', fileName, `scl_inter is ${inter} with scl_slope ${slope}`, 'scl_inter');
  }
  return slope === 1 && inter === 0 ? null : { slope, inter };
}

/** Checks a header as a 3D volume's and derives how to read it. Allocates nothing voxel-sized. */
export function volumeLayout(header: NiftiHeader, fileName: string): VolumeLayout {
  const dims = spatialDims(header, fileName);
  const voxelCount = checkSize(dims, fileName);
  const datatype = datatypeInfo(header.datatype, fileName);
  if (header.bitpix !== datatype.bytes * 8) {
    throw reject(
      'NIFTI_BAD_HEADER',
      fileName,
      `bitpix is ${header.bitpix} but datatype ${datatype.name} has ${datatype.bytes * 8} bits`,
      'bitpix',
    );
  }
  const pixdim = checkPixdim(header, fileName);
  const dataOffset = dataOffsetOf(header, fileName);
  const scaling = scalingOf(header, fileName);
  const { affine, source, warnings } = headerAffine(header, fileName);
  return {
    dims,
    pixdim,
    datatype,
    voxelCount,
    dataOffset,
    dataBytes: voxelCount * datatype.bytes,
    scaling,
    affine,
    orientationSource: source,
    warnings,
  };
}
