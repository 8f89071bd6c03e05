import type { Vec3 } from '../../core/imaging/volume';

export const voxels = (d: Vec3) => d[0] * d[1] * d[2];

/** A float32 grid filled by f(i, j, k), i fastest. */
export function fill(dims: Vec3, f: (i: number, j: number, k: number) => number): Float32Array {
  const out = new Float32Array(voxels(dims));
  for (let k = 0, p = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, p++) out[p] = f(i, j, k);
  return out;
}

/** Largest |a − b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let n = 0; n < a.length; n++) worst = Math.max(worst, Math.abs(a[n]! - b[n]!));
  return worst;
}
