import {
  NIFTI_DATATYPE_CODES,
  readNiftiHeader,
  readNiftiHuVolume,
  type NiftiHeader,
} from '../../core/imaging/nifti';
import { isCanonical, axisCodes } from '../../core/imaging/orientation';
import type { Vec3, Volume } from '../../core/imaging/volume';
import type { StudyShape } from '../../core/inference/cpu-tier-limits';
import { InputRejected } from '../../core/input/issues';
import { corruptArtifact } from '../shared/s3-objects';

/**
 * `work/{id}/…/volume.nii.gz` as Validate writes it: unscaled int16 HU on the canonical RAS grid, the
 * same contract the GPU container enforces (containers/gpu-inference/volume.ts). The pipeline wrote it
 * itself, so a file that breaks the contract is ARTIFACT_CORRUPT, never the hospital's upload.
 */
export function canonicalVolumeShape(bytes: Uint8Array, bucket: string, key: string): StudyShape {
  const header = readOrCorrupt(bucket, key, () => readNiftiHeader(bytes, key));
  const unscaled = header.sclSlope === 0 || (header.sclSlope === 1 && header.sclInter === 0);
  if (header.datatype !== NIFTI_DATATYPE_CODES.int16 || !unscaled)
    throw corruptArtifact(bucket, key, `it is not unscaled int16 HU (NIfTI datatype ${header.datatype})`);
  return { dims: spatial(header.dim), spacing: spatial(header.pixdim).map(Math.abs) as Vec3 };
}

/** The volume, decoded; its orientation checked. */
export function decodeCanonicalVolume(bytes: Uint8Array, bucket: string, key: string): Volume {
  const { volume } = readOrCorrupt(bucket, key, () => readNiftiHuVolume(bytes, key));
  if (!isCanonical(volume.affine))
    throw corruptArtifact(bucket, key, `it is in ${axisCodes(volume.affine)} orientation, not canonical RAS`);
  return volume;
}

function readOrCorrupt<T>(bucket: string, key: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof InputRejected)) throw error;
    throw corruptArtifact(bucket, key, error.issues.map((i) => i.code).join(', '));
  }
}

/** Entries 1..3 of a NIfTI dim or pixdim field; an undeclared dimension counts as 1. */
function spatial(field: NiftiHeader['dim']): Vec3 {
  return [field[1] || 1, field[2] || 1, field[3] || 1];
}
