import type { Features, RoiImage } from '../types';

/** Radius (mm) of the 1 cm³ sphere: (3 / 4π)^(1/3) cm. */
export const PEAK_RADIUS_MM = 10 * Math.cbrt(3 / (4 * Math.PI));

/**
 * IBSI-1 local intensity features (section 3.2): the mean intensity within the 1 cm³ sphere (voxel centres
 * within 6.2 mm) around a centre voxel of the intensity mask, over all voxels of the image box whether in
 * the ROI or not. Local peak: around the maximum-intensity voxel(s), the highest such mean; global peak:
 * the highest mean over every intensity-mask voxel.
 *
 * Only voxels inside the box count: callers should give the RoiImage a margin of at least 6.2 mm around
 * the mask, as the neighbourhood reaches outside the mask's bounding box.
 *
 * The sphere is a set of runs along i, one per (j, k) offset; with per-row prefix sums each run costs O(1).
 * Slices k − dk and k + dk hold runs of the same widths, so for each slice k their row prefix sums are added
 * once into a paired prefix and a voxel costs one run per (j, dk ≥ 0) offset: about half the (j, k) offsets
 * in the sphere (≈ 60 instead of 120 at 1 mm, 40 instead of 63 at 0.8 × 0.8 × 2.5 mm).
 */
export function localIntensityFeatures(roi: RoiImage): Features {
  const { dims, spacing, intensity, intensityMask } = roi;
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  const r2 = PEAK_RADIUS_MM * PEAK_RADIUS_MM;

  // Sphere runs with dk ≥ 0: for offset (dj, dk), the half-width along i.
  const runs: number[] = [];
  const rj = Math.floor(PEAK_RADIUS_MM / sy);
  const rk = Math.floor(PEAK_RADIUS_MM / sz);
  for (let dk = 0; dk <= rk; dk++) {
    for (let dj = -rj; dj <= rj; dj++) {
      const rest = r2 - (dj * sy) ** 2 - (dk * sz) ** 2;
      if (rest >= 0) runs.push(dj, dk, Math.floor(Math.sqrt(rest) / sx + 1e-9));
    }
  }

  const rowLength = nx + 1;
  const sliceLength = rowLength * ny;
  // Row prefix sums of the slices within reach of the slice in hand (k − rk … k + rk), in a ring of slots:
  // memory follows 2·rk + 1 slices, not the box.
  const ringSlices = Math.min(2 * rk + 1, nz);
  const prefix = new Float64Array(sliceLength * ringSlices);
  const sliceInSlot = new Int32Array(ringSlices).fill(-1);
  /** Offset in `prefix` of slice z's prefix rows, computed on first use. */
  const prefixOf = (z: number): number => {
    const slot = z % ringSlices;
    if (sliceInSlot[slot] !== z) {
      slicePrefixSums(intensity, z * nx * ny, nx, ny, prefix, slot * sliceLength);
      sliceInSlot[slot] = z;
    }
    return slot * sliceLength;
  };
  let max = -Infinity;
  for (let p = 0; p < intensityMask.length; p++)
    if (intensityMask[p] && intensity[p]! > max) max = intensity[p]!;

  // For the slice in hand, per dk: the prefix rows of slices k ± dk added (paired[dk]), and how many of
  // the two slices lie in the box (rowsInBox[dk]); dk = 0 reads the slice's own prefix rows.
  const paired = Array.from({ length: rk + 1 }, (_, dk) =>
    dk === 0 ? new Float64Array(0) : new Float64Array(sliceLength),
  );
  const pairedFrom = new Int32Array(rk + 1);
  const rowsInBox = new Int32Array(rk + 1);
  // Sums and counts of the sphere around each row's masked voxels, in row-sized buffers. Interior runs add
  // 2w + 1 to the counts of a whole range of voxels: a difference array takes that in O(1) per run.
  const sums = new Float64Array(nx);
  const counts = new Uint32Array(nx);
  const countSteps = new Int32Array(nx + 1);
  const source: Float64Array[] = new Array<Float64Array>(rk + 1);
  let local = -Infinity;
  let global = -Infinity;
  for (let k = 0; k < nz; k++) {
    if (!sliceHasMask(intensityMask, k * nx * ny, (k + 1) * nx * ny)) continue;
    for (let dk = 0; dk <= rk; dk++) {
      const below = k - dk >= 0;
      const above = k + dk < nz;
      rowsInBox[dk] = dk === 0 ? 1 : +below + +above;
      if (rowsInBox[dk] === 0) continue;
      if (dk === 0 || !(below && above)) {
        // One slice: its own prefix rows.
        source[dk] = prefix;
        pairedFrom[dk] = prefixOf(above ? k + dk : k - dk);
      } else {
        addSlices(paired[dk]!, prefix, prefixOf(k - dk), prefixOf(k + dk));
        source[dk] = paired[dk]!;
        pairedFrom[dk] = 0;
      }
    }
    for (let j = 0; j < ny; j++) {
      const dst = (j + ny * k) * nx;
      let i0 = -1;
      let i1 = -1;
      for (let i = 0; i < nx; i++) {
        if (!intensityMask[dst + i]) continue;
        if (i0 === -1) i0 = i;
        i1 = i;
      }
      if (i0 === -1) continue;
      sums.fill(0, i0, i1 + 1);
      counts.fill(0, i0, i1 + 1);
      countSteps.fill(0, i0, i1 + 2);
      for (let q = 0; q < runs.length; q += 3) {
        const jj = j + runs[q]!;
        const dk = runs[q + 1]!;
        const rows = rowsInBox[dk]!;
        if (jj < 0 || jj >= ny || rows === 0) continue;
        const w = runs[q + 2]!;
        const from = source[dk]!;
        const src = pairedFrom[dk]! + jj * rowLength;
        // Where the run lies inside the row (most voxels: the box has a margin) it needs no clamping and
        // holds 2w + 1 voxels per slice; only the ends of the span are clamped to the row.
        const inLo = Math.max(i0, w);
        const inHi = Math.min(i1, nx - 1 - w);
        for (let i = i0; i <= i1 && i < inLo; i++) addClampedRun(sums, counts, from, src, i, w, nx, rows);
        if (inLo <= inHi) {
          addInteriorRuns(sums, from, inLo, inHi, src + inLo - w, 2 * w + 1);
          countSteps[inLo] = countSteps[inLo]! + rows * (2 * w + 1);
          countSteps[inHi + 1] = countSteps[inHi + 1]! - rows * (2 * w + 1);
        }
        for (let i = Math.max(inHi + 1, inLo, i0); i <= i1; i++)
          addClampedRun(sums, counts, from, src, i, w, nx, rows);
      }
      for (let i = i0, step = 0; i <= i1; i++) {
        step += countSteps[i]!;
        if (!intensityMask[dst + i]) continue;
        const mean = sums[i]! / (counts[i]! + step);
        if (mean > global) global = mean;
        if (intensity[dst + i] === max && mean > local) local = mean;
      }
    }
  }
  return {
    loc_peak_loc: local === -Infinity ? NaN : local,
    loc_peak_glob: global === -Infinity ? NaN : global,
  };
}

/** out[at + j·(nx+1) + i] = Σ intensity over the first i voxels of row j of the slice starting at `from`. */
function slicePrefixSums(
  intensity: Float64Array,
  from: number,
  nx: number,
  ny: number,
  out: Float64Array,
  at: number,
): void {
  for (let j = 0; j < ny; j++) {
    let acc = 0;
    const src = from + j * nx;
    const dst = at + j * (nx + 1);
    out[dst] = 0;
    for (let i = 0; i < nx; i++) out[dst + i + 1] = acc += intensity[src + i]!;
  }
}

function sliceHasMask(mask: Uint8Array, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (mask[p] !== 0) return true;
  return false;
}

/** out[t] = prefix[a + t] + prefix[b + t] over one slice of prefix rows. */
function addSlices(out: Float64Array, prefix: Float64Array, a: number, b: number): void {
  for (let t = 0; t < out.length; t++) out[t] = prefix[a + t]! + prefix[b + t]!;
}

/**
 * sums[i] += Σ of the run of `length` voxels starting at prefix offset `first` − (inLo − i), for i in
 * [inLo, inHi]: runs that need no clamping. A leaf, so that its optimised loop outlives deoptimisations.
 */
function addInteriorRuns(
  sums: Float64Array,
  prefix: Float64Array,
  inLo: number,
  inHi: number,
  first: number,
  length: number,
): void {
  for (let i = inLo, a = first, b = first + length; i <= inHi; i++, a++, b++) {
    sums[i] = sums[i]! + prefix[b]! - prefix[a]!;
  }
}

/**
 * Adds the run of half-width w around voxel i of the row at `src` in `prefix`, clamped to the row; the row
 * stands for `rows` slices (1, or 2 when paired).
 */
function addClampedRun(
  sums: Float64Array,
  counts: Uint32Array,
  prefix: Float64Array,
  src: number,
  i: number,
  w: number,
  nx: number,
  rows: number,
): void {
  const a = i - w < 0 ? 0 : i - w;
  const b = i + w >= nx ? nx - 1 : i + w;
  sums[i] = sums[i]! + prefix[src + b + 1]! - prefix[src + a]!;
  counts[i] = counts[i]! + rows * (b - a + 1);
}
