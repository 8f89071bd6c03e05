import type { Vec3 } from '../imaging/volume';
import { deriveSeed, normalTable } from './rng';
import { HU_MAX, HU_MIN } from './tissues';

/**
 * The in-plane [1 2 1]/4 ⊗ [1 2 1]/4 smoothing keeps this share of white noise's standard deviation:
 * sqrt((1 + 4 + 1) / 16) per axis. Noise is added before smoothing, at sigma / this, so the result has the
 * requested sigma and the spatially correlated grain of a reconstructed CT (and organ edges a one-voxel
 * partial-volume ramp).
 */
const SMOOTHING_NOISE_GAIN = 6 / 16;

/** 65,536 pre-drawn standard-normal values: 16 random bits pick one (built on first use). */
let cachedTable: Float64Array | undefined;

/**
 * Labels → HU: each voxel gets its tissue's mean (`table`, indexed by label) plus seeded Gaussian noise,
 * then the in-plane smoothing, then the scanner's clamp to [-1024, 3071].
 */
export function renderHu(
  labels: Uint8Array,
  dims: Vec3,
  table: Int16Array,
  sigma: number,
  seed: number,
): Int16Array {
  const data = new Int16Array(labels.length);
  cachedTable ??= normalTable();
  const noise = new Int16Array(65536);
  const gain = sigma / SMOOTHING_NOISE_GAIN;
  for (let n = 0; n < noise.length; n++) noise[n] = Math.round(cachedTable[n]! * gain);
  // mulberry32 inlined (see rng.ts): a closure call per voxel pair costs about three times as much here.
  let state = deriveSeed(seed, 'noise') | 0;
  for (let n = 0; n < labels.length; n += 2) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const r = t ^ (t >>> 14);
    data[n] = table[labels[n]!]! + noise[r & 0xffff]!;
    if (n + 1 < labels.length) data[n + 1] = table[labels[n + 1]!]! + noise[(r >>> 16) & 0xffff]!;
  }
  smoothInPlaneAndClamp(data, dims);
  return data;
}

/**
 * [1 2 1]/4 along i, then along j, in place; edges repeat the border voxel; integer arithmetic, rounded.
 * The second pass also clamps to the scanner's HU range.
 */
function smoothInPlaneAndClamp(data: Int16Array, dims: Vec3): void {
  const [nx, ny, nz] = dims;
  if (nx > 1) {
    for (let row = 0; row < ny * nz; row++) {
      const base = row * nx;
      let prev = data[base]!;
      for (let i = 0; i < nx; i++) {
        const cur = data[base + i]!;
        const next = i + 1 < nx ? data[base + i + 1]! : cur;
        data[base + i] = (prev + 2 * cur + next + 2) >> 2;
        prev = cur;
      }
    }
  }
  {
    const previous = new Int16Array(nx);
    for (let k = 0; k < nz; k++) {
      const slice = k * nx * ny;
      previous.set(data.subarray(slice, slice + nx));
      for (let j = 0; j < ny; j++) {
        const row = slice + j * nx;
        const nextRow = j + 1 < ny ? row + nx : row;
        for (let i = 0; i < nx; i++) {
          const cur = data[row + i]!;
          const v = (previous[i]! + 2 * cur + data[nextRow + i]! + 2) >> 2;
          data[row + i] = v < HU_MIN ? HU_MIN : v > HU_MAX ? HU_MAX : v;
          previous[i] = cur;
        }
      }
    }
  }
}
