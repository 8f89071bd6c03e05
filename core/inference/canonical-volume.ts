/**
 * The Infer step's input contract, one for both tiers (the GPU container and the CPU Lambda function):
 * `volume.nii.gz` as Validate writes it, unscaled int16 HU on the canonical RAS grid. A file that breaks
 * it is refused, never converted, so the mask is always on exactly the grid the Radiomics step reads.
 * Each tier says so in its own terms (HTTP 422, ARTIFACT_CORRUPT); an unreadable file throws the NIfTI
 * reader's InputRejected.
 */
import { NIFTI_DATATYPE_CODES, readNiftiHeader, readNiftiHuVolume, type NiftiHeader } from '../imaging/nifti';
import { axisCodes, isCanonical } from '../imaging/orientation';
import type { Vec3, Volume } from '../imaging/volume';
import type { StudyShape } from './cpu-tier-limits';

export type CanonicalVolumeViolation =
  | { code: 'VOLUME_WRONG_DTYPE'; datatype: number; sclSlope: number; sclInter: number }
  | { code: 'VOLUME_NOT_CANONICAL'; orientation: string };

export class CanonicalVolumeError extends Error {
  constructor(readonly violation: CanonicalVolumeViolation) {
    super(
      violation.code === 'VOLUME_WRONG_DTYPE'
        ? `NIfTI datatype ${violation.datatype} (scl_slope ${violation.sclSlope}, scl_inter ${violation.sclInter}), not unscaled int16`
        : `in ${violation.orientation} orientation, not canonical RAS`,
    );
    this.name = 'CanonicalVolumeError';
  }
}

/** Entries 1..3 of a NIfTI dim or pixdim field; an undeclared dimension counts as 1. */
function spatial(field: NiftiHeader['dim']): Vec3 {
  return [field[1] || 1, field[2] || 1, field[3] || 1];
}

/**
 * The study's dims and voxel size from the header alone (only the header is decompressed), once the header
 * says unscaled int16; CanonicalVolumeError otherwise.
 */
export function canonicalVolumeShape(bytes: Uint8Array, key: string): StudyShape {
  const header = readNiftiHeader(bytes, key);
  const unscaled = header.sclSlope === 0 || (header.sclSlope === 1 && header.sclInter === 0);
  if (header.datatype !== NIFTI_DATATYPE_CODES.int16 || !unscaled) {
    const { datatype, sclSlope, sclInter } = header;
    throw new CanonicalVolumeError({ code: 'VOLUME_WRONG_DTYPE', datatype, sclSlope, sclInter });
  }
  return { dims: spatial(header.dim), spacing: spatial(header.pixdim).map(Math.abs) as Vec3 };
}

/**
 * The volume, decoded (its int16 data a view of the decompressed file: no copy), after the header check
 * of canonicalVolumeShape; CanonicalVolumeError for any other orientation than canonical RAS.
 */
export function readCanonicalVolume(bytes: Uint8Array, key: string): Volume {
  canonicalVolumeShape(bytes, key);
  const { volume } = readNiftiHuVolume(bytes, key);
  if (!isCanonical(volume.affine)) {
    throw new CanonicalVolumeError({ code: 'VOLUME_NOT_CANONICAL', orientation: axisCodes(volume.affine) });
  }
  return volume;
}
