/**
 * Sliding-window inference geometry (nnU-Net, Isensee et al. 2021): overlapping patches that cover the
 * volume, blended with a Gaussian importance map so patch borders, where a network sees least context,
 * count least.
 */
import type { Vec3 } from '../imaging/volume';

/** Gaussian σ as a fraction of the patch size along each axis (nnU-Net's sigma_scale). */
export const GAUSSIAN_SIGMA_FRACTION = 1 / 8;

/**
 * Patch starts along one axis of `length` voxels: every stride = round(size·(1 − overlap)) voxels, the last
 * patch flush with the far edge. `length` must be at least `size`.
 */
export function patchStarts(length: number, size: number, overlap: number): number[] {
  if (length < size) throw new RangeError(`a ${size}-voxel patch does not fit in ${length} voxels`);
  const stride = Math.max(1, Math.round(size * (1 - overlap)));
  const starts: number[] = [];
  for (let start = 0; start + size < length; start += stride) starts.push(start);
  starts.push(length - size);
  return starts;
}

/** Start (i, j, k) of every patch over a volume of `dims`, i varying fastest. */
export function patchGrid(dims: Vec3, size: Vec3, overlap: number): Vec3[] {
  const [is, js, ks] = ([0, 1, 2] as const).map((a) => patchStarts(dims[a], size[a], overlap));
  const patches: Vec3[] = [];
  for (const k of ks!) for (const j of js!) for (const i of is!) patches.push([i, j, k]);
  return patches;
}

/**
 * nnU-Net's importance map: a Gaussian with σ = size/8 along each axis centred on voxel ⌊size/2⌋, scaled
 * to 1 at the centre. Voxel (i, j, k) at i + size_i·(j + size_j·k). scipy's truncation at 4σ never cuts it
 * (the farthest voxel is size/2 = 4σ away), so no zeros need nnU-Net's patching.
 */
export function gaussianImportance(size: Vec3): Float32Array {
  const profiles = size.map((n) => {
    const centre = Math.floor(n / 2);
    const sigma = n * GAUSSIAN_SIGMA_FRACTION;
    return Float64Array.from({ length: n }, (_, x) => Math.exp(-((x - centre) ** 2) / (2 * sigma * sigma)));
  });
  const [wi, wj, wk] = profiles as [Float64Array, Float64Array, Float64Array];
  const map = new Float32Array(size[0] * size[1] * size[2]);
  for (let k = 0, p = 0; k < size[2]; k++) {
    for (let j = 0; j < size[1]; j++) {
      const wjk = wj[j]! * wk[k]!;
      for (let i = 0; i < size[0]; i++, p++) map[p] = wi[i]! * wjk;
    }
  }
  return map;
}
