/**
 * Reading NIfTI-1 / NIfTI-2 files (.nii or .nii.gz, detected by content) into a 3D image or an int16 HU
 * volume. Every check that can be made from the header is made before voxel memory is allocated.
 *
 * Memory, for a 512×512×600 int16 .nii.gz (157 M voxels; 300 MiB of raw data; C = the compressed bytes):
 * - `readNiftiHuVolume`: C + 300 MiB when the file holds unscaled int16 (the volume's data view the
 *   decompressed buffer, no copy), C + 600 MiB when scaled (one int16 array more). For a .nii the input
 *   plus one int16 copy (the volume never aliases the caller's bytes).
 * - `readNifti`: C + 300 MiB + 600 MiB (float32 values); `niftiToHuVolume` then adds 300 MiB while the
 *   image is alive. Prefer `readNiftiHuVolume` in the pipeline.
 */
import type { ValidationIssue } from '../../input/issues';
import { reject } from '../../input/issues';
import { LIMITS } from '../../input/limits';
import { affineSpacing } from '../orientation';
import type { Affine, Vec3, Volume } from '../volume';
import type { OrientationSource } from './affine';
import type { SupportedDatatype } from './datatypes';
import { volumeLayout, type VolumeLayout } from './geometry';
import { MAX_BUFFER_BYTES, gunzipBounded, gunzipPrefix, isGzip } from './gzip';
import { parseNiftiHeader, type NiftiHeader } from './header';
import { toHu } from './hu';
import { NIFTI2_HEADER_SIZE } from './layout';
import { scaledValues, storedVoxels } from './voxels';

/** Decompressed bytes beyond the declared data that are tolerated (trailing padding), then refused. */
const GZIP_TRAILING_SLACK_BYTES = 1024 * 1024;

/** What the header says about a 3D image, in mm and RAS+. */
export interface NiftiGeometry {
  header: NiftiHeader;
  dims: Vec3;
  /** pixdim[1..3] in mm (the affine's column norms can differ from these when sform disagrees). */
  pixdim: Vec3;
  /** Voxel-to-world, RAS+ mm, row-major 4×4. */
  affine: Affine;
  /** Which header fields the affine came from; 'pixdim' means no orientation (see `warnings`). */
  orientationSource: OrientationSource;
  datatype: SupportedDatatype;
  /** Findings that do not stop reading, e.g. NIFTI_NO_ORIENTATION; the caller decides. */
  warnings: ValidationIssue[];
}

export interface NiftiImage extends NiftiGeometry {
  /** Scaled values, i fastest; float64 for int32, uint32 and float64 data, float32 otherwise. */
  values: Float32Array | Float64Array;
}

export interface NiftiHuVolume extends NiftiGeometry {
  volume: Volume;
}

interface OpenedNifti {
  header: NiftiHeader;
  layout: VolumeLayout;
  /** The uncompressed file. */
  source: Uint8Array;
  /** `source` was decompressed here: nobody else holds it. */
  owned: boolean;
}

function checkFileSize(bytes: Uint8Array, fileName: string): void {
  if (bytes.length === 0) throw reject('FILE_EMPTY', fileName, 'the file is empty');
  if (bytes.length > LIMITS.maxFileBytes) {
    throw reject(
      'FILE_TOO_LARGE',
      fileName,
      `${bytes.length} bytes; at most ${LIMITS.maxFileBytes} are accepted`,
    );
  }
}

function checkDataLength(length: number, layout: VolumeLayout, fileName: string): void {
  const end = layout.dataOffset + layout.dataBytes;
  if (length < end) {
    throw reject(
      'NIFTI_TRUNCATED',
      fileName,
      `the file has ${length} bytes; dim and datatype declare ${layout.dataBytes} bytes of data from vox_offset ${layout.dataOffset} (${end} in all)`,
      'dim',
    );
  }
}

function openNifti(bytes: Uint8Array, fileName: string): OpenedNifti {
  checkFileSize(bytes, fileName);
  if (!isGzip(bytes)) {
    const header = parseNiftiHeader(bytes, fileName);
    const layout = volumeLayout(header, fileName);
    checkDataLength(bytes.length, layout, fileName);
    return { header, layout, source: bytes, owned: false };
  }
  const prefix = gunzipPrefix(bytes, NIFTI2_HEADER_SIZE, fileName);
  const header = parseNiftiHeader(prefix.bytes, fileName);
  const layout = volumeLayout(header, fileName);
  const end = layout.dataOffset + layout.dataBytes;
  if (end > MAX_BUFFER_BYTES) {
    throw reject(
      'DIMENSIONS_TOO_LARGE',
      fileName,
      `${end} bytes uncompressed: more than one buffer can hold`,
      'dim',
    );
  }
  const cap = end + GZIP_TRAILING_SLACK_BYTES;
  const whole = prefix.complete ? prefix.bytes : gunzipBounded(bytes, cap, fileName);
  if (whole === undefined || whole.length > cap) {
    throw reject(
      'NIFTI_BAD_HEADER',
      fileName,
      `the gzip stream decompresses to more than the ${end} bytes the header declares (vox_offset + dim × bitpix)`,
      'dim',
    );
  }
  checkDataLength(whole.length, layout, fileName);
  return { header, layout, source: whole, owned: true };
}

function geometryOf({ header, layout }: OpenedNifti): NiftiGeometry {
  return {
    header,
    dims: layout.dims,
    pixdim: layout.pixdim,
    affine: layout.affine,
    orientationSource: layout.orientationSource,
    datatype: layout.datatype.name,
    warnings: layout.warnings,
  };
}

/**
 * The header of a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz), any dimensionality; only the header is
 * decompressed. For inspecting files `readNifti` refuses (4D, unsupported types).
 */
export function readNiftiHeader(bytes: Uint8Array, fileName: string): NiftiHeader {
  checkFileSize(bytes, fileName);
  const prefix = isGzip(bytes) ? gunzipPrefix(bytes, NIFTI2_HEADER_SIZE, fileName).bytes : bytes;
  return parseNiftiHeader(prefix, fileName);
}

/** A 3D NIfTI image with its scaled values. Throws `InputRejected` for anything unusable. */
export function readNifti(bytes: Uint8Array, fileName: string): NiftiImage {
  const opened = openNifti(bytes, fileName);
  const stored = storedVoxels(opened.source, opened.layout, opened.header.littleEndian, opened.owned);
  return { ...geometryOf(opened), values: scaledValues(stored, opened.layout) };
}

/** Rounds an image's values to int16 HU; NON_FINITE_VOXELS / HU_IMPLAUSIBLE when they cannot be. */
export function niftiToHuVolume(image: NiftiImage, fileName: string): Volume {
  const data = toHu(image.values, null, fileName, false);
  return { dims: [...image.dims], spacing: affineSpacing(image.affine), affine: [...image.affine], data };
}

/**
 * A 3D NIfTI file straight to an int16 HU volume, without the float copy `readNifti` makes (see the
 * memory note at the top). The volume is in the file's own voxel order; see `toCanonicalOrientation`.
 */
export function readNiftiHuVolume(bytes: Uint8Array, fileName: string): NiftiHuVolume {
  const opened = openNifti(bytes, fileName);
  const { layout } = opened;
  const stored = storedVoxels(opened.source, layout, opened.header.littleEndian, opened.owned);
  const data = toHu(stored.values, layout.scaling, fileName, !stored.viewsInput);
  const affine = [...layout.affine];
  const volume: Volume = { dims: [...layout.dims], spacing: affineSpacing(affine), affine, data };
  return { ...geometryOf(opened), volume };
}
