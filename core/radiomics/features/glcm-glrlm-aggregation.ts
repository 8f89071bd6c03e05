import type { Dimensionality, DiscretisedRoi, Features } from '../types';
import type { Direction } from './directions';
import { directions2D, directions3D } from './directions';

/**
 * The six IBSI-1 aggregations of the directional texture matrices (GLCM, GLRLM; section 3.1.2):
 * - `_2D_avg` (BTW3): a matrix per slice and in-plane direction, features per matrix, averaged;
 * - `_2D_comb` (SUJT): per slice, the direction matrices merged, features averaged over slices;
 * - `_2_5D_avg` (JJUI): per in-plane direction, the slice matrices merged, features averaged over directions;
 * - `_2_5D_comb` (ZW7Z): all slice and direction matrices merged into one;
 * - `_3D_avg` (ITBB): a volumetric matrix per direction of 13, features averaged;
 * - `_3D_comb` (IAZD): the 13 volumetric matrices merged.
 * Merging sums counts. Empty matrices (no pairs, no runs) are left out of the averages; a tag whose
 * matrices are all empty is NaN. `nVoxels` is the ROI voxel count under a matrix, summed when merged.
 */
export interface DirectionalTexture<Name extends string> {
  /** Tag prefix: `cm` or `rlm`. */
  prefix: string;
  names: readonly Name[];
  /** Length of one matrix. */
  size: number;
  /** Adds the counts along `direction` within slices [kStart, kEnd) to `out`. */
  accumulate(direction: Direction, kStart: number, kEnd: number, out: Float64Array): void;
  /**
   * The 13 volumetric matrices (directions3D order) in one pass, when the family has such a path: the same
   * counts as `accumulate` over the whole box; null where it does not apply.
   */
  volumeMatrices?(): Float64Array[] | null;
  /** Features of one matrix, or null when it is empty. */
  features(matrix: Float64Array, nVoxels: number): Record<Name, number> | null;
}

class Mean<Name extends string> {
  private readonly sums = new Map<Name, number>();
  private count = 0;
  constructor(private readonly names: readonly Name[]) {}
  add(values: Record<Name, number> | null): void {
    if (values === null) return;
    for (const name of this.names) this.sums.set(name, (this.sums.get(name) ?? 0) + values[name]);
    this.count++;
  }
  emit(out: Features, prefix: string, suffix: string): void {
    for (const name of this.names) {
      out[`${prefix}_${name}_${suffix}`] = this.count > 0 ? this.sums.get(name)! / this.count : NaN;
    }
  }
}

function emitOne<Name extends string>(
  t: DirectionalTexture<Name>,
  values: Record<Name, number> | null,
  out: Features,
  suffix: string,
): void {
  const mean = new Mean(t.names);
  mean.add(values);
  mean.emit(out, t.prefix, suffix);
}

function voxelsInSlice(roi: DiscretisedRoi, k: number): number {
  const sliceSize = roi.dims[0] * roi.dims[1];
  let n = 0;
  for (let idx = k * sliceSize, end = idx + sliceSize; idx < end; idx++) if (roi.levels[idx]! > 0) n++;
  return n;
}

/** All tags of `t` for the requested dimensionalities. */
export function aggregateDirectionalTexture<Name extends string>(
  roi: DiscretisedRoi,
  t: DirectionalTexture<Name>,
  dimensionality: readonly Dimensionality[],
): Features {
  const out: Features = {};
  const nk = roi.dims[2];
  const want2D = dimensionality.includes('2D');
  const want25D = dimensionality.includes('2_5D');

  if (want2D || want25D) {
    const avg2D = new Mean(t.names);
    const comb2D = new Mean(t.names);
    const perDirection = directions2D.map(() => new Float64Array(t.size));
    let nVoxels = 0;
    for (let k = 0; k < nk; k++) {
      const nSlice = voxelsInSlice(roi, k);
      nVoxels += nSlice;
      if (nSlice === 0) continue;
      const merged = new Float64Array(t.size);
      directions2D.forEach((direction, d) => {
        const m = new Float64Array(t.size);
        t.accumulate(direction, k, k + 1, m);
        if (want2D) avg2D.add(t.features(m, nSlice));
        for (let n = 0; n < t.size; n++) {
          merged[n]! += m[n]!;
          perDirection[d]![n]! += m[n]!;
        }
      });
      if (want2D) comb2D.add(t.features(merged, nSlice * directions2D.length));
    }
    if (want2D) {
      avg2D.emit(out, t.prefix, '2D_avg');
      comb2D.emit(out, t.prefix, '2D_comb');
    }
    if (want25D) {
      const avg = new Mean(t.names);
      const all = new Float64Array(t.size);
      for (const m of perDirection) {
        avg.add(t.features(m, nVoxels));
        for (let n = 0; n < t.size; n++) all[n]! += m[n]!;
      }
      avg.emit(out, t.prefix, '2_5D_avg');
      emitOne(t, t.features(all, nVoxels * directions2D.length), out, '2_5D_comb');
    }
  }

  if (dimensionality.includes('3D')) {
    let nVoxels = 0;
    for (let k = 0; k < nk; k++) nVoxels += voxelsInSlice(roi, k);
    const avg = new Mean(t.names);
    const all = new Float64Array(t.size);
    const matrices = t.volumeMatrices?.() ?? null;
    for (const [d, direction] of directions3D.entries()) {
      let m = matrices?.[d];
      if (!m) {
        m = new Float64Array(t.size);
        t.accumulate(direction, 0, nk, m);
      }
      avg.add(t.features(m, nVoxels));
      for (let n = 0; n < t.size; n++) all[n]! += m[n]!;
    }
    avg.emit(out, t.prefix, '3D_avg');
    emitOne(t, t.features(all, nVoxels * directions3D.length), out, '3D_comb');
  }
  return out;
}
