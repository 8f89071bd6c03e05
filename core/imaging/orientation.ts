/**
 * Voxel-to-world affines (row-major 4×4, see `volume.ts`) and reorientation of voxel grids to the canonical
 * orientation: voxel axes permuted and flipped so that i → right, j → anterior, k → superior (RAS+), like
 * nibabel's `as_closest_canonical`. Reorientation only permutes and flips, never resamples, so every voxel
 * keeps its value and its world position.
 */
import type { Affine, Vec3, Volume } from './volume';

/** 3×3 matrix, row-major (9 numbers). */
export type Mat3 = number[];

/** Typed arrays a voxel grid may hold (HU volumes are int16, masks uint8). */
export type VoxelArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Float32Array | Float64Array;

/** A voxel grid: i fastest, then j, then k; `affine` maps (i, j, k) to world mm, RAS+. */
export interface VoxelGrid<T extends VoxelArray = VoxelArray> {
  dims: Vec3;
  affine: Affine;
  data: T;
}

const at = (m: readonly number[], n: number): number => m[n] as number;

export function identityAffine(): Affine {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

export function multiplyAffines(a: Affine, b: Affine): Affine {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let n = 0; n < 4; n++) sum += at(a, r * 4 + n) * at(b, n * 4 + c);
      out[r * 4 + c] = sum;
    }
  }
  return out;
}

/** Maps a voxel index (fractional allowed) to world coordinates. */
export function applyAffine(affine: Affine, [i, j, k]: Vec3): Vec3 {
  const row = (r: number): number =>
    at(affine, r * 4) * i + at(affine, r * 4 + 1) * j + at(affine, r * 4 + 2) * k + at(affine, r * 4 + 3);
  return [row(0), row(1), row(2)];
}

/** A Mat3's nine entries, row-major, for destructuring. */
type Mat3Entries = [number, number, number, number, number, number, number, number, number];

/** The 3×3 linear part of an affine. */
export function linearPart(affine: Affine): Mat3 {
  return [0, 1, 2, 4, 5, 6, 8, 9, 10].map((n) => at(affine, n));
}

export function determinant3(m: Mat3): number {
  const [a, b, c, d, e, f, g, h, i] = m as Mat3Entries;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/** Inverse of a 3×3 matrix; throws on a singular one (callers check headers before getting here). */
export function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m as Mat3Entries;
  const det = determinant3(m);
  if (det === 0 || !Number.isFinite(det)) throw new Error('invert3: singular matrix');
  const cof = [e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f];
  const rest = [d * h - e * g, b * g - a * h, a * e - b * d];
  return [...cof, ...rest].map((v) => v / det);
}

/** Inverse of a voxel-to-world affine (world-to-voxel). */
export function invertAffine(affine: Affine): Affine {
  const inv = invert3(linearPart(affine));
  const t = [at(affine, 3), at(affine, 7), at(affine, 11)];
  const out: Affine = [];
  for (let r = 0; r < 3; r++) {
    const row = [at(inv, r * 3), at(inv, r * 3 + 1), at(inv, r * 3 + 2)];
    out.push(...row, -(at(row, 0) * at(t, 0) + at(row, 1) * at(t, 1) + at(row, 2) * at(t, 2)));
  }
  out.push(0, 0, 0, 1);
  return out;
}

/** Voxel size along i, j, k: the column norms of the linear part. */
export function affineSpacing(affine: Affine): Vec3 {
  const norm = (c: number): number => Math.hypot(at(affine, c), at(affine, 4 + c), at(affine, 8 + c));
  return [norm(0), norm(1), norm(2)];
}

/**
 * The orthogonal matrix nearest to `m` (the orthogonal factor of its polar decomposition), by Higham's
 * iteration X ← (X + X⁻ᵀ)/2. Removes shear and scale; keeps the sign of the determinant.
 */
export function nearestOrthogonal(m: Mat3): Mat3 {
  let x = m.slice();
  for (let iteration = 0; iteration < 100; iteration++) {
    const inv = invert3(x);
    const next = x.map((v, n) => (v + at(inv, (n % 3) * 3 + Math.floor(n / 3))) / 2);
    const change = Math.max(...next.map((v, n) => Math.abs(v - at(x, n))));
    x = next;
    if (change < 1e-12) break;
  }
  return x;
}

/** Where each voxel axis points: `worldAxis[v]` is 0 (x: R/L), 1 (y: A/P) or 2 (z: S/I); `sign[v]` ±1. */
export interface AxisOrientation {
  worldAxis: Vec3;
  sign: Vec3;
}

/**
 * The world axis closest to each voxel axis. The linear part is first made orthogonal (so shear or
 * anisotropic spacing cannot bias the choice), then the largest remaining |entry| is assigned first, so an
 * oblique grid maps each voxel axis to the world axis it is most nearly parallel to.
 */
export function axisOrientation(affine: Affine): AxisOrientation {
  const r = nearestOrthogonal(linearPart(affine));
  const worldAxis: Vec3 = [0, 0, 0];
  const sign: Vec3 = [1, 1, 1];
  const freeWorld = new Set([0, 1, 2]);
  const freeVoxel = new Set([0, 1, 2]);
  while (freeVoxel.size > 0) {
    let best = { w: -1, v: -1, size: -1 };
    for (const w of freeWorld) {
      for (const v of freeVoxel) {
        const size = Math.abs(at(r, w * 3 + v));
        if (size > best.size) best = { w, v, size };
      }
    }
    worldAxis[best.v] = best.w;
    sign[best.v] = at(r, best.w * 3 + best.v) < 0 ? -1 : 1;
    freeWorld.delete(best.w);
    freeVoxel.delete(best.v);
  }
  return { worldAxis, sign };
}

/** Orientation codes as nibabel's `aff2axcodes` writes them, e.g. `RAS`, `LAS`, `LPS`. */
export function axisCodes(affine: Affine): string {
  const { worldAxis, sign } = axisOrientation(affine);
  const letters = [
    ['L', 'R'],
    ['P', 'A'],
    ['I', 'S'],
  ];
  return worldAxis.map((w, v) => (letters[w] as string[])[sign[v] === 1 ? 1 : 0]).join('');
}

/** True when the grid already is canonical (i → R, j → A, k → S). */
export function isCanonical(affine: Affine): boolean {
  return axisCodes(affine) === 'RAS';
}

function allocateLike<T extends VoxelArray>(data: T, length: number): T {
  const Ctor = data.constructor as new (length: number) => T;
  return new Ctor(length);
}

/**
 * The same grid with voxel axes permuted and flipped to the closest RAS+ orientation. The affine changes so
 * that every voxel keeps its world position. When the grid already is canonical the result shares `data`
 * with the input (no copy); otherwise one new array of the same type is allocated (peak: two arrays).
 */
export function reorientToCanonical<T extends VoxelArray>(
  grid: VoxelGrid<T>,
): VoxelGrid<T> & { spacing: Vec3 } {
  const { worldAxis, sign } = axisOrientation(grid.affine);
  if (worldAxis.every((w, v) => w === v) && sign.every((s) => s === 1)) {
    return {
      dims: [...grid.dims],
      affine: [...grid.affine],
      data: grid.data,
      spacing: affineSpacing(grid.affine),
    };
  }
  const inDims = grid.dims;
  const inStride: Vec3 = [1, inDims[0], inDims[0] * inDims[1]];
  // Output axis a (world axis a) reads input voxel axis source[a], flipped when that axis points to −world.
  const source = [0, 1, 2].map((a) => worldAxis.indexOf(a)) as Vec3;
  const outDims = source.map((v) => at(inDims, v)) as Vec3;
  const flip = source.map((v) => sign[v] === -1);
  // in = T · out (homogeneous): in[source[a]] = flip ? dims − 1 − out[a] : out[a].
  const toInput = new Array<number>(16).fill(0);
  toInput[15] = 1;
  for (let a = 0; a < 3; a++) {
    const v = source[a] as number;
    toInput[v * 4 + a] = flip[a] ? -1 : 1;
    toInput[v * 4 + 3] = flip[a] ? at(inDims, v) - 1 : 0;
  }
  const step = source.map((v, a) => (flip[a] ? -1 : 1) * at(inStride, v)) as Vec3;
  let start = 0;
  source.forEach((v, a) => {
    if (flip[a]) start += (at(inDims, v) - 1) * at(inStride, v);
  });

  const input = grid.data;
  const out = allocateLike(input, input.length);
  const rowLength = outDims[0];
  for (let k = 0, n = 0; k < outDims[2]; k++) {
    for (let j = 0; j < outDims[1]; j++, n += rowLength) {
      const p = start + j * step[1] + k * step[2];
      if (step[0] === 1) {
        // Axial grids keep i as rows (at most reversed): copy whole rows natively.
        out.set(input.subarray(p, p + rowLength), n);
      } else if (step[0] === -1) {
        out.set(input.subarray(p - rowLength + 1, p + 1), n);
        out.subarray(n, n + rowLength).reverse();
      } else {
        for (let i = 0, q = p; i < rowLength; i++, q += step[0]) out[n + i] = input[q] as number;
      }
    }
  }
  const affine = multiplyAffines(grid.affine, toInput);
  return { dims: outDims, affine, data: out, spacing: affineSpacing(affine) };
}

/** The canonical (RAS+, closest) orientation of an HU volume; see `reorientToCanonical`. */
export function toCanonicalOrientation(volume: Volume): Volume {
  const { dims, affine, data, spacing } = reorientToCanonical(volume);
  return { dims, affine, data, spacing };
}
