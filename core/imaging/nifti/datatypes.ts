/**
 * NIfTI `datatype` codes (nifti1.h, "DT_*" / "NIFTI_TYPE_*"), which of them this project reads, and the
 * typed array each one is stored as.
 */
import { reject } from '../../input/issues';

export type SupportedDatatype =
  'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** Every code nifti1.h defines, by name. */
export const NIFTI_DATATYPE_CODES = {
  binary: 1,
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  complex64: 32,
  float64: 64,
  rgb24: 128,
  int8: 256,
  uint16: 512,
  uint32: 768,
  int64: 1024,
  uint64: 1280,
  float128: 1536,
  complex128: 1792,
  complex256: 2048,
  rgba32: 2304,
} as const;
export type NiftiDatatypeName = keyof typeof NIFTI_DATATYPE_CODES;

export type StoredArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

type StoredArrayConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => StoredArray;

export interface DatatypeInfo {
  name: SupportedDatatype;
  code: number;
  /** Bytes per voxel; `bitpix` must be 8 × this. */
  bytes: number;
  array: StoredArrayConstructor;
  /** float32 cannot hold every value of the type exactly (or its scaled value): read into float64. */
  needsFloat64: boolean;
}

const SUPPORTED: Record<SupportedDatatype, Omit<DatatypeInfo, 'name' | 'code'>> = {
  uint8: { bytes: 1, array: Uint8Array, needsFloat64: false },
  int8: { bytes: 1, array: Int8Array, needsFloat64: false },
  int16: { bytes: 2, array: Int16Array, needsFloat64: false },
  uint16: { bytes: 2, array: Uint16Array, needsFloat64: false },
  int32: { bytes: 4, array: Int32Array, needsFloat64: true },
  uint32: { bytes: 4, array: Uint32Array, needsFloat64: true },
  float32: { bytes: 4, array: Float32Array, needsFloat64: false },
  float64: { bytes: 8, array: Float64Array, needsFloat64: true },
};

export function datatypeName(code: number): NiftiDatatypeName | undefined {
  const entry = Object.entries(NIFTI_DATATYPE_CODES).find(([, c]) => c === code);
  return entry?.[0] as NiftiDatatypeName | undefined;
}

function isSupported(name: NiftiDatatypeName): name is SupportedDatatype {
  return name in SUPPORTED;
}

/** The datatype's layout, or NIFTI_UNSUPPORTED_DATATYPE naming it (int64, complex, RGB, unknown codes). */
export function datatypeInfo(code: number, fileName: string): DatatypeInfo {
  const name = datatypeName(code);
  if (name === undefined) {
    throw reject('NIFTI_UNSUPPORTED_DATATYPE', fileName, `unknown datatype code ${code}`, 'datatype');
  }
  if (!isSupported(name)) {
    const supported = Object.keys(SUPPORTED).join(', ');
    throw reject(
      'NIFTI_UNSUPPORTED_DATATYPE',
      fileName,
      `datatype ${name} (code ${code}) is not supported; use one of ${supported}`,
      'datatype',
    );
  }
  return { name, code, ...SUPPORTED[name] };
}
