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
 * The sphere is a set of runs along i, one per (j, k) offset; with per-row prefix sums each run costs O(1),
 * so a voxel costs the number of (j, k) offsets in the sphere (≈ 120 at 1 mm, 30 at 2 mm).
 */
export function localIntensityFeatures(roi: RoiImage): Features {
  const { dims, spacing, intensity, intensityMask } = roi;
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = spacing;
  const r2 = PEAK_RADIUS_MM * PEAK_RADIUS_MM;

  // Sphere runs: for offset (dj, dk), the half-width along i.
  const runs: number[] = [];
  const rj = Math.floor(PEAK_RADIUS_MM / sy);
  const rk = Math.floor(PEAK_RADIUS_MM / sz);
  for (let dk = -rk; dk <= rk; dk++) {
    for (let dj = -rj; dj <= rj; dj++) {
      const rest = r2 - (dj * sy) ** 2 - (dk * sz) ** 2;
      if (rest >= 0) runs.push(dj, dk, Math.floor(Math.sqrt(rest) / sx + 1e-9));
    }
  }

  // prefix[row·(nx+1) + i] = Σ intensity over the first i voxels of the row.
  const prefix = new Float64Array((nx + 1) * ny * nz);
  for (let row = 0; row < ny * nz; row++) {
    let acc = 0;
    const src = row * nx;
    const dst = row * (nx + 1);
    for (let i = 0; i < nx; i++) prefix[dst + i + 1] = acc += intensity[src + i]!;
  }
  // Sums and counts of the sphere around each row's masked voxels, accumulated run by run over the row's
  // masked span (tight loops, no per-voxel bookkeeping) in row-sized buffers: memory follows a row, not the box.
  let max = -Infinity;
  for (let p = 0; p < intensityMask.length; p++)
    if (intensityMask[p] && intensity[p]! > max) max = intensity[p]!;
  const sums = new Float64Array(nx);
  const counts = new Uint32Array(nx);
  let local = -Infinity;
  let global = -Infinity;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = j + ny * k;
      const dst = row * nx;
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
      for (let q = 0; q < runs.length; q += 3) {
        const jj = j + runs[q]!;
        const kk = k + runs[q + 1]!;
        if (jj < 0 || jj >= ny || kk < 0 || kk >= nz) continue;
        const w = runs[q + 2]!;
        const src = (jj + ny * kk) * (nx + 1);
        for (let i = i0; i <= i1; i++) {
          const a = i - w < 0 ? 0 : i - w;
          const b = i + w >= nx ? nx - 1 : i + w;
          sums[i] = sums[i]! + prefix[src + b + 1]! - prefix[src + a]!;
          counts[i] = counts[i]! + b - a + 1;
        }
      }
      for (let i = i0; i <= i1; i++) {
        if (!intensityMask[dst + i]) continue;
        const mean = sums[i]! / counts[i]!;
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
