import type { Vec3 } from '../../imaging/volume';
import type { MeshVertexLines } from './mesh-vertices';

/**
 * PyRadiomics' maximum 2D diameters (shape features 10–12, not IBSI features): the largest distance between
 * two mesh vertices that lie in the same plane, in mm, over all planes normal to one axis:
 * - `slice`: planes of constant k (PyRadiomics' row-column, usually axial, plane);
 * - `column`: planes of constant j (row-slice, usually coronal);
 * - `row`: planes of constant i (column-slice, usually sagittal).
 * Vertices at half-voxel heights (on edges crossing the planes' normal) form planes of their own, as in
 * PyRadiomics, which compares vertex coordinates for equality. The farthest pair of a plane lies on its 2D
 * convex hull, whose vertices are ends of the plane's axis-parallel lines of vertices; the hull of those
 * (monotone chain, exact in half-voxel integers) replaces PyRadiomics' all-pairs comparison.
 */
export interface PlanarDiameters {
  slice: number;
  column: number;
  row: number;
}

export function planarDiameters(lines: MeshVertexLines, spacing: Vec3): PlanarDiameters {
  const { dx, dy, dz, loX, hiX, loY, hiY } = lines;
  const [hx, hy, hz] = [spacing[0] / 2, spacing[1] / 2, spacing[2] / 2];
  const planes = new PlaneHulls(2 * Math.max(dy, dz));
  let slice = 0;
  for (let z = 0; z < dz; z++) slice = Math.max(slice, planes.diameter(loX, hiX, z, dz, dy, hx, hy));
  let column = 0;
  for (let y = 0; y < dy; y++) column = Math.max(column, planes.diameter(loX, hiX, y * dz, 1, dz, hx, hz));
  let row = 0;
  for (let x = 0; x < dx; x++) row = Math.max(row, planes.diameter(loY, hiY, x * dz, 1, dz, hy, hz));
  return { slice, column, row };
}

/** 2D hulls of one plane at a time, in buffers reused from plane to plane. */
class PlaneHulls {
  private readonly u: Int32Array;
  private readonly v: Int32Array;
  private readonly hull: Int32Array;

  constructor(capacity: number) {
    this.u = new Int32Array(capacity);
    this.v = new Int32Array(capacity);
    this.hull = new Int32Array(2 * capacity + 1);
  }

  /**
   * The plane's diameter in mm. Its lines are lo/hi[first + t·stride] for t < lines, holding the extremes of
   * coordinate u on the line at v = t; (su, sv) converts half-voxel units to mm.
   */
  diameter(
    lo: Int32Array,
    hi: Int32Array,
    first: number,
    stride: number,
    lines: number,
    su: number,
    sv: number,
  ): number {
    const { u, v } = this;
    // Points in (v, u) lexicographic order: lines by increasing v, each line's low end first.
    let n = 0;
    for (let t = 0, l = first; t < lines; t++, l += stride) {
      if (hi[l]! < 0) continue;
      u[n] = lo[l]!;
      v[n++] = t;
      if (hi[l] !== lo[l]) {
        u[n] = hi[l]!;
        v[n++] = t;
      }
    }
    if (n < 2) return 0;
    const h = this.convexHull(n);
    let best = 0;
    for (let a = 0; a < h; a++) {
      const p = this.hull[a]!;
      for (let b = a + 1; b < h; b++) {
        const q = this.hull[b]!;
        const d2 = ((u[p]! - u[q]!) * su) ** 2 + ((v[p]! - v[q]!) * sv) ** 2;
        if (d2 > best) best = d2;
      }
    }
    return Math.sqrt(best);
  }

  /** Andrew's monotone chain over the n sorted points: hull point indices into this.hull; returns their count. */
  private convexHull(n: number): number {
    const { u, v, hull } = this;
    // Orientation of (o → a) × (o → b) with v as the first and u as the second coordinate.
    const cross = (o: number, a: number, b: number) =>
      (v[a]! - v[o]!) * (u[b]! - u[o]!) - (u[a]! - u[o]!) * (v[b]! - v[o]!);
    let k = 0;
    for (let i = 0; i < n; i++) {
      while (k >= 2 && cross(hull[k - 2]!, hull[k - 1]!, i) <= 0) k--;
      hull[k++] = i;
    }
    for (let i = n - 2, lower = k + 1; i >= 0; i--) {
      while (k >= lower && cross(hull[k - 2]!, hull[k - 1]!, i) <= 0) k--;
      hull[k++] = i;
    }
    return k - 1; // the last point repeats the first
  }
}
