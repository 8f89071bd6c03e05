import type { Vec3 } from '../../imaging/volume';
import { diagonalEndPoints } from './hull-prefilter';
import { quickhull } from './morph-hull';
import type { PaddedMask } from './morph-mesh';
import { meshVertexLines, type MeshVertexLines } from './mesh-vertices';

/** Convex hull, maximum diameter and axis-aligned bounding box of the ROI mesh vertices, in mm. */
export interface HullMeasures {
  /** Volume (mm³) and area (mm²) of the convex hull of the mesh vertices. */
  volume: number;
  area: number;
  /** Largest distance between two mesh vertices (mm). */
  diameter: number;
  /** Extents of the mesh vertices' axis-aligned bounding box (mm). */
  aabb: Vec3;
}

/**
 * The mesh vertices that can be convex hull vertices, in half-voxel units of the padded grid. A hull vertex
 * is an end point of the vertex set along every line through it, so only the vertices at the ends of their
 * runs along all three axis-parallel lines are kept (a few percent of the surface; quickhull does the rest).
 */
export function hullCandidates(
  padded: PaddedMask,
  lines: MeshVertexLines = meshVertexLines(padded),
): Int32Array {
  const { vertices, count, dy, dz, loX, hiX, loY, hiY, loZ, hiZ } = lines;
  const isCandidate = (q: number): boolean => {
    const x = vertices[3 * q]!;
    const y = vertices[3 * q + 1]!;
    const z = vertices[3 * q + 2]!;
    return (
      (x === loX[y * dz + z] || x === hiX[y * dz + z]) &&
      (y === loY[x * dz + z] || y === hiY[x * dz + z]) &&
      (z === loZ[x * dy + y] || z === hiZ[x * dy + y])
    );
  };
  let n = 0;
  for (let q = 0; q < count; q++) if (isCandidate(q)) n++;
  const kept = new Int32Array(3 * n);
  for (let q = 0, t = 0; q < count; q++) {
    if (isCandidate(q)) kept.set(vertices.subarray(3 * q, 3 * q + 3), 3 * t++);
  }
  return kept;
}

/** `lines` may be passed when the caller has them already (PyRadiomics' planar diameters use them too). */
export function convexHullMeasures(
  padded: PaddedMask,
  spacing: Vec3,
  lines: MeshVertexLines = meshVertexLines(padded),
): HullMeasures {
  const pts = diagonalEndPoints(hullCandidates(padded, lines), [lines.dx, lines.dy, lines.dz]);
  const n = pts.length / 3;
  const h: Vec3 = [spacing[0] / 2, spacing[1] / 2, spacing[2] / 2];
  const mm = new Float64Array(pts.length);
  for (let i = 0; i < pts.length; i++) mm[i] = pts[i]! * h[i % 3]!;

  const aabb: Vec3 = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      min = Math.min(min, mm[3 * i + d]!);
      max = Math.max(max, mm[3 * i + d]!);
    }
    aabb[d] = n > 0 ? max - min : 0;
  }

  const faces = quickhull(pts);
  let volume6 = 0;
  let area2 = 0;
  const onHull = new Uint8Array(n);
  if (faces) {
    const [cx, cy, cz] = [aabb[0] / 2, aabb[1] / 2, aabb[2] / 2];
    for (let f = 0; f < faces.length; f += 3) {
      const a = 3 * faces[f]!;
      const b = 3 * faces[f + 1]!;
      const c = 3 * faces[f + 2]!;
      onHull[a / 3] = onHull[b / 3] = onHull[c / 3] = 1;
      const a0 = mm[a]! - cx;
      const a1 = mm[a + 1]! - cy;
      const a2 = mm[a + 2]! - cz;
      const u0 = mm[b]! - mm[a]!;
      const u1 = mm[b + 1]! - mm[a + 1]!;
      const u2 = mm[b + 2]! - mm[a + 2]!;
      const v0 = mm[c]! - mm[a]!;
      const v1 = mm[c + 1]! - mm[a + 1]!;
      const v2 = mm[c + 2]! - mm[a + 2]!;
      const n0 = u1 * v2 - u2 * v1;
      const n1 = u2 * v0 - u0 * v2;
      const n2 = u0 * v1 - u1 * v0;
      // a·(b×c) = a·((b−a)×(c−a)) for the tetrahedron with apex at the origin.
      volume6 += a0 * n0 + a1 * n1 + a2 * n2;
      area2 += Math.sqrt(n0 * n0 + n1 * n1 + n2 * n2);
    }
  } else {
    onHull.fill(1);
  }
  return { volume: Math.abs(volume6) / 6, area: area2 / 2, diameter: maxDistance(mm, onHull), aabb };
}

/**
 * Largest pairwise distance among the flagged points. Points are sorted by their distance r from the
 * centroid; a pair can only beat the best so far if r_i + r_j exceeds it, which prunes nearly all pairs.
 */
function maxDistance(mm: Float64Array, use: Uint8Array): number {
  const ids: number[] = [];
  let cx = 0;
  let cy = 0;
  let cz = 0;
  for (let i = 0; i < use.length; i++) {
    if (!use[i]) continue;
    ids.push(i);
    cx += mm[3 * i]!;
    cy += mm[3 * i + 1]!;
    cz += mm[3 * i + 2]!;
  }
  if (ids.length < 2) return 0;
  [cx, cy, cz] = [cx / ids.length, cy / ids.length, cz / ids.length];
  const r = new Float64Array(use.length);
  for (const i of ids) r[i] = Math.hypot(mm[3 * i]! - cx, mm[3 * i + 1]! - cy, mm[3 * i + 2]! - cz);
  ids.sort((p, q) => r[q]! - r[p]!);
  let best2 = 0;
  for (let s = 0; s < ids.length; s++) {
    const i = ids[s]!;
    if (2 * r[i]! <= Math.sqrt(best2)) break;
    for (let t = s + 1; t < ids.length; t++) {
      const j = ids[t]!;
      if (r[i]! + r[j]! <= Math.sqrt(best2)) break;
      const d2 =
        (mm[3 * i]! - mm[3 * j]!) ** 2 +
        (mm[3 * i + 1]! - mm[3 * j + 1]!) ** 2 +
        (mm[3 * i + 2]! - mm[3 * j + 2]!) ** 2;
      if (d2 > best2) best2 = d2;
    }
  }
  return Math.sqrt(best2);
}
