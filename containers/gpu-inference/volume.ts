import { isCanonical, axisCodes } from '../../core/imaging/orientation';
import { NIFTI_DATATYPE_CODES, readNiftiHeader, readNiftiHuVolume } from '../../core/imaging/nifti';
import type { Volume } from '../../core/imaging/volume';
import { InputRejected } from '../../core/input/issues';
import { HttpError, STATUS } from './http-error';

/**
 * `work/{id}/volume.nii.gz` as Validate writes it: int16 HU, unscaled, canonical RAS. Anything else means
 * the request points at the wrong object; it is refused (422) rather than converted, so that the mask is
 * always on exactly the grid the Radiomics step reads.
 */
export function decodeCanonicalVolume(bytes: Uint8Array, key: string): Volume {
  const header = unlessRejected(() => readNiftiHeader(bytes, key));
  const unscaled = header.sclSlope === 0 || (header.sclSlope === 1 && header.sclInter === 0);
  if (header.datatype !== NIFTI_DATATYPE_CODES.int16 || !unscaled) {
    throw new HttpError(
      STATUS.unprocessable,
      'VOLUME_WRONG_DTYPE',
      `wrong dtype: ${key} holds ${datatypeLabel(header.datatype)} (scl_slope ${header.sclSlope}, scl_inter ${header.sclInter}); ` +
        'the Infer step takes unscaled int16 HU (NIfTI datatype 4) as Validate writes it',
    );
  }
  const { volume } = unlessRejected(() => readNiftiHuVolume(bytes, key));
  if (!isCanonical(volume.affine)) {
    throw new HttpError(
      STATUS.unprocessable,
      'VOLUME_NOT_CANONICAL',
      `${key} is in ${axisCodes(volume.affine)} orientation; the Infer step takes the canonical RAS grid Validate writes`,
    );
  }
  return volume;
}

function datatypeLabel(code: number): string {
  const name = Object.entries(NIFTI_DATATYPE_CODES).find(([, c]) => c === code)?.[0];
  return name ? `${name} (NIfTI datatype ${code})` : `NIfTI datatype ${code}`;
}

/** A corrupt or unusable file is the input's fault (422), never the server's. */
function unlessRejected<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputRejected) {
      throw new HttpError(STATUS.unprocessable, 'VOLUME_UNREADABLE', error.message);
    }
    throw error;
  }
}
