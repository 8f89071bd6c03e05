/**
 * Voxel data as typed arrays: the stored values in the host's byte order (viewed in place when possible),
 * and the scaled real values y = scl_slope·x + scl_inter.
 */
import type { StoredArray } from './datatypes';
import type { VolumeLayout } from './geometry';

/**
 * Typed arrays use the host's byte order. Every platform Node runs this on (x64, arm64) is little-endian;
 * refuse to run rather than silently misread on one that is not.
 */
export function assertLittleEndianHost(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('nifti: a big-endian host is not supported');
  }
}
assertLittleEndianHost();

export interface StoredVoxels {
  values: StoredArray;
  /** `values` views the caller's input bytes: read it, never modify it or hand it out. */
  viewsInput: boolean;
}

/** Reverses the byte order of each `size`-byte element in place. */
export function swapBytes(block: Uint8Array, size: number): void {
  if (size === 2 && block.byteOffset % 2 === 0) {
    const words = new Uint16Array(block.buffer, block.byteOffset, block.length / 2);
    for (let n = 0; n < words.length; n++) {
      const w = words[n] as number;
      words[n] = ((w & 0xff) << 8) | (w >>> 8);
    }
    return;
  }
  if (size === 4 && block.byteOffset % 4 === 0) {
    const words = new Uint32Array(block.buffer, block.byteOffset, block.length / 4);
    for (let n = 0; n < words.length; n++) {
      const w = words[n] as number;
      words[n] = ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
    }
    return;
  }
  for (let start = 0; start < block.length; start += size) block.subarray(start, start + size).reverse();
}

/**
 * The stored values as a typed array of their own type. Little-endian data at an aligned offset are
 * viewed without a copy; otherwise the data block is copied once, or swapped in place when `sourceIsOwned`
 * (a buffer this reader decompressed itself, which nobody else holds).
 */
export function storedVoxels(
  source: Uint8Array,
  layout: VolumeLayout,
  littleEndian: boolean,
  sourceIsOwned: boolean,
): StoredVoxels {
  const { datatype, dataOffset, dataBytes, voxelCount } = layout;
  let block = source.subarray(dataOffset, dataOffset + dataBytes);
  let owned = sourceIsOwned;
  if (block.byteOffset % datatype.bytes !== 0 || (!littleEndian && !owned)) {
    block = block.slice();
    owned = true;
  }
  if (!littleEndian) swapBytes(block, datatype.bytes);
  return { values: new datatype.array(block.buffer, block.byteOffset, voxelCount), viewsInput: !owned };
}

/**
 * Real values: float64 for types float32 cannot hold exactly (int32, uint32, float64), float32 otherwise.
 * Reuses the stored array when it already is the right type, unscaled and not the caller's input.
 */
export function scaledValues(stored: StoredVoxels, layout: VolumeLayout): Float32Array | Float64Array {
  const { values, viewsInput } = stored;
  const Out = layout.datatype.needsFloat64 ? Float64Array : Float32Array;
  if (layout.scaling === null) {
    if (!viewsInput && values instanceof Out) return values;
    const out = new Out(values.length);
    out.set(values);
    return out;
  }
  const { slope, inter } = layout.scaling;
  const out = new Out(values.length);
  for (let n = 0; n < values.length; n++) out[n] = (values[n] as number) * slope + inter;
  return out;
}
