import { readMaskNifti, type Mask } from '../../core/imaging/mask';
import { readNiftiHuVolume } from '../../core/imaging/nifti';
import type { Volume } from '../../core/imaging/volume';
import { workKeys, type RunIdentity } from '../../core/study/keys';
import { InputRejected } from '../../core/ingest/issues';
import { corruptArtifact, getBytes } from './s3-objects';

/**
 * The run's volume.nii.gz and mask.nii.gz, decoded. The compressed bytes go out of scope on
 * return, so only the decoded grids stay in the function's memory.
 */
export async function readVolumeAndMask(
  bucket: string,
  run: RunIdentity,
): Promise<{ volume: Volume; mask: Mask }> {
  const keys = workKeys(run);
  const [volumeBytes, maskBytes] = await Promise.all([
    getBytes(bucket, keys.volume),
    getBytes(bucket, keys.mask),
  ]);
  const decode = <T>(key: string, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      // The pipeline wrote these files itself: one it cannot read is corrupt, not a rejected upload.
      if (!(error instanceof InputRejected)) throw error;
      throw corruptArtifact(bucket, key, error.issues.map((i) => i.code).join(', '));
    }
  };
  const { volume } = decode(keys.volume, () => readNiftiHuVolume(volumeBytes, 'volume.nii.gz'));
  return { volume, mask: decode(keys.mask, () => readMaskNifti(maskBytes, 'mask.nii.gz')) };
}
