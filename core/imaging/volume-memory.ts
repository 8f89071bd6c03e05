import type { Vec3 } from './volume';

/**
 * The peak memory of a step that reads a study's whole volume and mask (Radiomics, and Fuse for its
 * report), from the volume's dimensions alone, so that a study too large for the function is refused
 * before its grids are decoded.
 *
 * What grows with the volume (lambdas/shared/study-images.ts, core/imaging/nifti/read.ts): the compressed
 * volume (about 1 byte a voxel for CT noise), the int16 volume (2), and the mask read through `readNifti`:
 * its uint8 data (1), float32 values (4) and the uint8 mask (1); gunzip briefly holds its output twice.
 * extractRadiomics works on the ROI's bounding box, which the pancreas bounds, not the volume.
 *
 * Measured peak resident memory of the handler in its own process (`npm run bench -- radiomics-lambda`
 * and the same child at other sizes; phantom CT with a pancreas mask, 512×512 slices, about 120 MiB
 * before the call): 150 slices 498 MiB, 300 slices 867–951 MiB, 600 slices 1,773 MiB, i.e. 10.0–11.1
 * bytes a voxel above the base, rising with size as the collector lets more garbage live. The estimate
 * takes 14 bytes a voxel (about 25 % over the largest measured) and a 160 MiB base (the runtime and SDK,
 * plus room for a large ROI's processing). Fuse reads the same two grids the same way and peaked at
 * 870 MB on the 512×512×300 study; its report works on a few slices only.
 */
export const VOLUME_MEMORY_MODEL = { bytesPerVoxel: 14, baseMiB: 160 } as const;

/** A failure code: the study's volume needs more memory than the step's function has. */
export const STUDY_TOO_LARGE = 'STUDY_TOO_LARGE';

const MIB = 1024 * 1024;

/** Estimated peak memory, in MiB, of a volume step on a volume of `dims` voxels. */
export function volumePeakMemoryMiB(dims: Vec3): number {
  const voxels = dims[0] * dims[1] * dims[2];
  const { bytesPerVoxel, baseMiB } = VOLUME_MEMORY_MODEL;
  return baseMiB + (voxels * bytesPerVoxel) / MIB;
}
