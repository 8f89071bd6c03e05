import { readMaskNifti, type Mask } from '../../core/imaging/mask';
import { readNiftiHeader, readNiftiHuVolume, type NiftiHeader } from '../../core/imaging/nifti';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { workKeys, type RunIdentity } from '../../core/study/keys';
import { InputRejected } from '../../core/input/issues';
import { corruptArtifact, getBytes } from './s3-objects';

export interface ReadVolumeOptions {
  /**
   * Called with the volume's dimensions, read from its header, before either grid is decoded: a check
   * that throws there refuses the study while the function's memory holds only the compressed files.
   */
  beforeDecode?: (volumeDims: Vec3) => void;
}

/**
 * The run's volume.nii.gz and mask.nii.gz, decoded. The compressed bytes go out of scope on
 * return, so only the decoded grids stay in the function's memory.
 */
export async function readVolumeAndMask(
  bucket: string,
  run: RunIdentity,
  options: ReadVolumeOptions = {},
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
  if (options.beforeDecode) {
    const header = decode(keys.volume, () => readNiftiHeader(volumeBytes, 'volume.nii.gz'));
    options.beforeDecode(spatialDims(header));
  }
  const { volume } = decode(keys.volume, () => readNiftiHuVolume(volumeBytes, 'volume.nii.gz'));
  return { volume, mask: decode(keys.mask, () => readMaskNifti(maskBytes, 'mask.nii.gz')) };
}

/** dim[1..3]; a dimension the header does not declare (dim[0] < 3) counts as 1. */
function spatialDims(header: NiftiHeader): Vec3 {
  const size = (axis: 1 | 2 | 3) => (axis <= header.dim[0]! ? header.dim[axis]! : 1);
  return [size(1), size(2), size(3)];
}
