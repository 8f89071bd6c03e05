/**
 * The canonical CT volume every stage after Validate works on: Hounsfield units as int16, voxel i fastest,
 * then j, then k, and a voxel-to-world affine in millimetres.
 *
 * World coordinates are NIfTI's RAS+ (+x toward the patient's right, +y anterior, +z superior); DICOM's
 * LPS+ positions become RAS+ by negating x and y. In the canonical orientation the voxel axes are the
 * closest to RAS+ (i → right, j → anterior, k → superior: axial slices along k), obtained by permuting and
 * flipping axes only, never by resampling.
 */
export type Vec3 = [number, number, number];

/** 4×4 voxel-to-world matrix, row-major (16 numbers); the last row is [0, 0, 0, 1]. */
export type Affine = number[];

export interface Volume {
  /** Voxels along i, j, k. */
  dims: Vec3;
  /** Voxel size along i, j, k in mm (the column norms of the affine's 3×3 part). */
  spacing: Vec3;
  /** Maps (i, j, k, 1) to world (x, y, z, 1) in mm, RAS+. */
  affine: Affine;
  /** HU; length dims[0]·dims[1]·dims[2]; voxel (i, j, k) at i + dims[0]·(j + dims[1]·k). */
  data: Int16Array;
}

export function voxelCount(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2];
}
