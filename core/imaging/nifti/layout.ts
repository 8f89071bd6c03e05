/**
 * Byte layout of the NIfTI-1 and NIfTI-2 headers: the offsets of the fields this project reads or writes.
 *
 * NIfTI-1: https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h (348 bytes, 32-bit fields).
 * NIfTI-2: https://nifti.nimh.nih.gov/pub/dist/doc/nifti2.h (540 bytes, 64-bit dims, offsets and floats).
 */

/** `sizeof_hdr`, the first int32 of the file; read in both byte orders to tell the endianness. */
export const NIFTI1_HEADER_SIZE = 348;
export const NIFTI2_HEADER_SIZE = 540;
/** After the header come 4 bytes of extension flags, so single-file data starts at or after these. */
export const NIFTI1_MIN_DATA_OFFSET = 352;
export const NIFTI2_MIN_DATA_OFFSET = 544;

/** `magic`: "n+1\0" (NIfTI-1 single file) at byte 344; "ni1\0" marks a .hdr/.img pair. */
export const NIFTI1_MAGIC_SINGLE = 'n+1\0';
export const NIFTI1_MAGIC_PAIR = 'ni1\0';
/** NIfTI-2 magic at byte 4: "n+2\0" followed by "\r\n\032\n" (catches text-mode transfer damage). */
export const NIFTI2_MAGIC_SINGLE = 'n+2\0\r\n\x1a\n';
export const NIFTI2_MAGIC_PAIR = 'ni2\0\r\n\x1a\n';

/** Field offsets; `int`/`float` are 2- or 4-byte in NIfTI-1, widths noted where NIfTI-2 differs. */
export const NIFTI1 = {
  sizeofHdr: 0, // int32
  dimInfo: 39, // char
  dim: 40, // int16[8]
  intentCode: 68, // int16
  datatype: 70, // int16
  bitpix: 72, // int16
  pixdim: 76, // float32[8]
  voxOffset: 108, // float32
  sclSlope: 112, // float32
  sclInter: 116, // float32
  xyztUnits: 123, // char
  descrip: 148, // char[80]
  qformCode: 252, // int16
  sformCode: 254, // int16
  quatern: 256, // float32 b, c, d
  qoffset: 268, // float32 x, y, z
  srow: 280, // float32 srow_x[4], srow_y[4], srow_z[4]
  magic: 344, // char[4]
} as const;

export const NIFTI2 = {
  sizeofHdr: 0, // int32
  magic: 4, // char[8]
  datatype: 12, // int16
  bitpix: 14, // int16
  dim: 16, // int64[8]
  pixdim: 104, // float64[8]
  voxOffset: 168, // int64
  sclSlope: 176, // float64
  sclInter: 184, // float64
  descrip: 240, // char[80]
  qformCode: 344, // int32
  sformCode: 348, // int32
  quatern: 352, // float64 b, c, d
  qoffset: 376, // float64 x, y, z
  srow: 400, // float64 srow_x[4], srow_y[4], srow_z[4]
  xyztUnits: 500, // int32
  intentCode: 504, // int32
} as const;

export const DESCRIP_LENGTH = 80;

/** `xyzt_units & 0x07`: the spatial unit of pixdim, quatern offsets and srow. */
export const SPATIAL_UNITS_MASK = 0x07;
export const NIFTI_UNITS_UNKNOWN = 0;
export const NIFTI_UNITS_METER = 1;
export const NIFTI_UNITS_MM = 2;
export const NIFTI_UNITS_MICRON = 3;

/** `qform_code` / `sform_code` values: 0 unknown, 1 scanner-based anatomical coordinates. */
export const NIFTI_XFORM_UNKNOWN = 0;
export const NIFTI_XFORM_SCANNER_ANAT = 1;
