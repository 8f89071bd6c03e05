import type { Volume } from '../../core/imaging/volume';
import {
  CanonicalVolumeError,
  canonicalVolumeShape as shapeOf,
  readCanonicalVolume,
} from '../../core/inference/canonical-volume';
import type { StudyShape } from '../../core/inference/cpu-tier-limits';
import { InputRejected } from '../../core/input/issues';
import { corruptArtifact } from '../shared/s3-objects';

/**
 * `work/{id}/…/volume.nii.gz` as Validate writes it (core/inference/canonical-volume.ts, the contract the
 * GPU container enforces too). The pipeline wrote it itself, so a file that breaks the contract is
 * ARTIFACT_CORRUPT, never the hospital's upload.
 */
export function canonicalVolumeShape(bytes: Uint8Array, bucket: string, key: string): StudyShape {
  return orCorrupt(bucket, key, () => shapeOf(bytes, key));
}

/** The volume, decoded; its header and orientation checked. */
export function decodeCanonicalVolume(bytes: Uint8Array, bucket: string, key: string): Volume {
  return orCorrupt(bucket, key, () => readCanonicalVolume(bytes, key));
}

function orCorrupt<T>(bucket: string, key: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CanonicalVolumeError) throw corruptArtifact(bucket, key, `it is ${error.message}`);
    if (!(error instanceof InputRejected)) throw error;
    throw corruptArtifact(bucket, key, error.issues.map((i) => i.code).join(', '));
  }
}
