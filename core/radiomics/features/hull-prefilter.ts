/**
 * Fewer candidates for the 3D convex hull: an extreme point of a point set is an end point of the set along
 * every line through it, whatever the line's direction. Mesh vertices (half-voxel integers) that are not ends
 * of their lines along the six face diagonals (x ± y, x ± z, y ± z) are dropped. The points kept hold every
 * extreme point, so their hull is the same polytope; the axis-parallel lines have been used already
 * (hullCandidates), these remove most of what those leave on a smooth surface.
 */

/**
 * A family of parallel lines along a face diagonal: in the plane of coordinates a and b (indices 0–2 into a
 * point), lines along (1, −sign) keep a + sign·b constant and the third coordinate c; the position along a
 * line is a.
 */
interface DiagonalFamily {
  a: number;
  b: number;
  c: number;
  sign: 1 | -1;
}

const FAMILIES: DiagonalFamily[] = [
  { a: 0, b: 1, c: 2, sign: 1 },
  { a: 0, b: 1, c: 2, sign: -1 },
  { a: 0, b: 2, c: 1, sign: 1 },
  { a: 0, b: 2, c: 1, sign: -1 },
  { a: 1, b: 2, c: 0, sign: 1 },
  { a: 1, b: 2, c: 0, sign: -1 },
];

/**
 * The points of `points` (x, y, z triples of integers in [0, size[axis])) at an end of their line in each
 * face-diagonal family, in their original order.
 */
export function diagonalEndPoints(points: Int32Array, size: readonly [number, number, number]): Int32Array {
  const n = points.length / 3;
  const keep = new Uint8Array(n).fill(1);
  const lineCount = Math.max(
    (size[0] + size[1]) * size[2],
    (size[0] + size[2]) * size[1],
    (size[1] + size[2]) * size[0],
  );
  const lo = new Int32Array(lineCount);
  const hi = new Int32Array(lineCount);
  for (const { a, b, c, sign } of FAMILIES) {
    // a − b can be negative: shift by the size of b.
    const shift = sign < 0 ? size[b]! : 0;
    const nc = size[c]!;
    lo.fill(0x7fffffff);
    hi.fill(-1);
    for (let q = 0; q < n; q++) {
      if (keep[q] === 0) continue;
      const t = points[3 * q + a]!;
      const line = (t + sign * points[3 * q + b]! + shift) * nc + points[3 * q + c]!;
      if (t < lo[line]!) lo[line] = t;
      if (t > hi[line]!) hi[line] = t;
    }
    for (let q = 0; q < n; q++) {
      if (keep[q] === 0) continue;
      const t = points[3 * q + a]!;
      const line = (t + sign * points[3 * q + b]! + shift) * nc + points[3 * q + c]!;
      if (t !== lo[line] && t !== hi[line]) keep[q] = 0;
    }
  }
  let kept = 0;
  for (let q = 0; q < n; q++) kept += keep[q]!;
  const out = new Int32Array(3 * kept);
  for (let q = 0, t = 0; q < n; q++) if (keep[q] !== 0) out.set(points.subarray(3 * q, 3 * q + 3), 3 * t++);
  return out;
}
