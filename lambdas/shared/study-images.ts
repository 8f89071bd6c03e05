import { readMaskNifti, type Mask } from '../../core/imaging/mask';
import { readNiftiHuVolume } from '../../core/imaging/nifti';
import type { Volume } from '../../core/imaging/volume';
import { studyKeys } from '../../core/study/keys';
import { getBytes } from './s3-objects';

/**
 * work/{id}/volume.nii.gz and work/{id}/mask.nii.gz, decoded. The compressed bytes go out of scope on
 * return, so only the decoded grids stay in the function's memory.
 */
export async function readVolumeAndMask(
  bucket: string,
  studyId: string,
): Promise<{ volume: Volume; mask: Mask }> {
  const [volumeBytes, maskBytes] = await Promise.all([
    getBytes(bucket, studyKeys.volume(studyId)),
    getBytes(bucket, studyKeys.mask(studyId)),
  ]);
  const { volume } = readNiftiHuVolume(volumeBytes, 'volume.nii.gz');
  return { volume, mask: readMaskNifti(maskBytes, 'mask.nii.gz') };
}
