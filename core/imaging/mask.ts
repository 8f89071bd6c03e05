import { readNifti } from './nifti';
import type { Affine, Vec3 } from './volume';

/** A label volume on an image's grid: 1 inside the region, 0 outside. */
export interface Mask {
  dims: Vec3;
  affine: Affine;
  data: Uint8Array;
}

/**
 * Reads a mask from NIfTI (.nii or .nii.gz): any non-zero voxel is inside (NaN is not). Label maps with several labels
 * are read the same way (the union); pick one label before if that is not what is meant.
 */
export function readMaskNifti(bytes: Uint8Array, fileName: string): Mask {
  const image = readNifti(bytes, fileName);
  const data = new Uint8Array(image.values.length);
  for (let n = 0; n < data.length; n++) {
    const v = image.values[n]!;
    data[n] = v > 0 || v < 0 ? 1 : 0; // NaN is outside
  }
  return { dims: image.dims, affine: image.affine, data };
}
