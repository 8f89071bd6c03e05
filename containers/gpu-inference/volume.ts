import { NIFTI_DATATYPE_CODES } from '../../core/imaging/nifti';
import type { Volume } from '../../core/imaging/volume';
import { CanonicalVolumeError, readCanonicalVolume } from '../../core/inference/canonical-volume';
import { InputRejected } from '../../core/input/issues';
import { HttpError, STATUS } from './http-error';

/**
 * `work/{id}/volume.nii.gz` as Validate writes it (core/inference/canonical-volume.ts). Anything else
 * means the request points at the wrong object: 422, with VOLUME_WRONG_DTYPE, VOLUME_NOT_CANONICAL or
 * VOLUME_UNREADABLE.
 */
export function decodeCanonicalVolume(bytes: Uint8Array, key: string): Volume {
  try {
    return readCanonicalVolume(bytes, key);
  } catch (error) {
    throw asHttpError(error, key);
  }
}

function asHttpError(error: unknown, key: string): unknown {
  // A corrupt or unusable file is the input's fault (422), never the server's.
  if (error instanceof InputRejected) {
    return new HttpError(STATUS.unprocessable, 'VOLUME_UNREADABLE', error.message);
  }
  if (!(error instanceof CanonicalVolumeError)) return error;
  const { violation } = error;
  if (violation.code === 'VOLUME_WRONG_DTYPE') {
    return new HttpError(
      STATUS.unprocessable,
      violation.code,
      `wrong dtype: ${key} holds ${datatypeLabel(violation.datatype)} (scl_slope ${violation.sclSlope}, scl_inter ${violation.sclInter}); ` +
        'the Infer step takes unscaled int16 HU (NIfTI datatype 4) as Validate writes it',
    );
  }
  return new HttpError(
    STATUS.unprocessable,
    violation.code,
    `${key} is in ${violation.orientation} orientation; the Infer step takes the canonical RAS grid Validate writes`,
  );
}

function datatypeLabel(code: number): string {
  const name = Object.entries(NIFTI_DATATYPE_CODES).find(([, c]) => c === code)?.[0];
  return name ? `${name} (NIfTI datatype ${code})` : `NIfTI datatype ${code}`;
}
