/**
 * 3D convex hull (quickhull, Barber et al. 1996) of integer points. Every predicate is evaluated exactly:
 * coordinates are small integers (mesh vertices in half-voxel units), so normals, plane offsets and
 * signed distances are integers well below 2^53. Points on a face's plane count as inside, which makes
 * the many coplanar grid points harmless. Expected O(n log n).
 */

/**
 * The hull's faces as index triples into `points` (x, y, z per point), counter-clockwise seen from
 * outside; null when the points span no volume.
 */
export function quickhull(points: Int32Array): Int32Array | null {
  const n = points.length / 3;
  if (n < 4) return null;
  const P = points;

  // Initial tetrahedron: the widest extreme pair, the farthest point from its line, then from that plane.
  const ext: number[] = [];
  for (let d = 0; d < 3; d++) {
    let lo = 0;
    let hi = 0;
    for (let i = 1; i < n; i++) {
      if (P[3 * i + d]! < P[3 * lo + d]!) lo = i;
      if (P[3 * i + d]! > P[3 * hi + d]!) hi = i;
    }
    ext.push(lo, hi);
  }
  const dist2 = (a: number, b: number) =>
    (P[3 * a]! - P[3 * b]!) ** 2 +
    (P[3 * a + 1]! - P[3 * b + 1]!) ** 2 +
    (P[3 * a + 2]! - P[3 * b + 2]!) ** 2;
  let i0 = ext[0]!;
  let i1 = ext[1]!;
  for (let d = 1; d < 3; d++) {
    if (dist2(ext[2 * d]!, ext[2 * d + 1]!) > dist2(i0, i1)) [i0, i1] = [ext[2 * d]!, ext[2 * d + 1]!];
  }
  const ux = P[3 * i1]! - P[3 * i0]!;
  const uy = P[3 * i1 + 1]! - P[3 * i0 + 1]!;
  const uz = P[3 * i1 + 2]! - P[3 * i0 + 2]!;
  let i2 = -1;
  let best = 0;
  for (let i = 0; i < n; i++) {
    const vx = P[3 * i]! - P[3 * i0]!;
    const vy = P[3 * i + 1]! - P[3 * i0 + 1]!;
    const vz = P[3 * i + 2]! - P[3 * i0 + 2]!;
    const c = (uy * vz - uz * vy) ** 2 + (uz * vx - ux * vz) ** 2 + (ux * vy - uy * vx) ** 2;
    if (c > best) [best, i2] = [c, i];
  }
  if (i2 < 0) return null;

  // Faces: vertices (fv), neighbours across edges v0v1, v1v2, v2v0 (fn), plane (normal, offset), alive
  // flag and outside-point list head; grown by doubling.
  let capacity = 64;
  let fv = new Int32Array(3 * capacity);
  let fn = new Int32Array(3 * capacity);
  let plane = new Float64Array(4 * capacity);
  let alive = new Uint8Array(capacity);
  let head = new Int32Array(capacity);
  let mark = new Int32Array(capacity);
  let faceCount = 0;
  const next = new Int32Array(n).fill(-1);
  const distance = (f: number, i: number) =>
    plane[4 * f]! * P[3 * i]! +
    plane[4 * f + 1]! * P[3 * i + 1]! +
    plane[4 * f + 2]! * P[3 * i + 2]! -
    plane[4 * f + 3]!;
  const grow = () => {
    capacity *= 2;
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(old: T, size: number): T => {
      const fresh = new (old.constructor as new (length: number) => T)(size);
      fresh.set(old);
      return fresh;
    };
    [fv, fn, plane] = [widen(fv, 3 * capacity), widen(fn, 3 * capacity), widen(plane, 4 * capacity)];
    [alive, head, mark] = [widen(alive, capacity), widen(head, capacity), widen(mark, capacity)];
  };
  const addFace = (a: number, b: number, c: number): number => {
    if (faceCount === capacity) grow();
    const f = faceCount++;
    const ex = P[3 * b]! - P[3 * a]!;
    const ey = P[3 * b + 1]! - P[3 * a + 1]!;
    const ez = P[3 * b + 2]! - P[3 * a + 2]!;
    const gx = P[3 * c]! - P[3 * a]!;
    const gy = P[3 * c + 1]! - P[3 * a + 1]!;
    const gz = P[3 * c + 2]! - P[3 * a + 2]!;
    const nx = ey * gz - ez * gy;
    const ny = ez * gx - ex * gz;
    const nz = ex * gy - ey * gx;
    plane[4 * f] = nx;
    plane[4 * f + 1] = ny;
    plane[4 * f + 2] = nz;
    plane[4 * f + 3] = nx * P[3 * a]! + ny * P[3 * a + 1]! + nz * P[3 * a + 2]!;
    fv[3 * f] = a;
    fv[3 * f + 1] = b;
    fv[3 * f + 2] = c;
    alive[f] = 1;
    head[f] = -1;
    mark[f] = 0;
    return f;
  };
  /** Makes g the neighbour of f across f's edge (u, v). */
  const link = (f: number, u: number, g: number) => {
    for (let e = 0; e < 3; e++) if (fv[3 * f + e] === u) fn[3 * f + e] = g;
  };

  addFace(i0, i1, i2);
  let i3 = -1;
  best = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(distance(0, i));
    if (d > best) [best, i3] = [d, i];
  }
  if (i3 < 0) return null;
  const a = i0;
  let [b, c] = [i1, i2];
  if (distance(0, i3) > 0) {
    [b, c] = [c, b];
    faceCount = 0;
    addFace(a, b, c);
  }
  // Base (a, b, c) with the apex d = i3 below it; the sides are (b, a, d), (c, b, d), (a, c, d).
  const initial = [0, addFace(b, a, i3), addFace(c, b, i3), addFace(a, c, i3)];
  for (const [f, u, g] of [
    [0, a, 1],
    [0, b, 2],
    [0, c, 3],
    [1, b, 0],
    [1, a, 3],
    [1, i3, 2],
    [2, c, 0],
    [2, b, 1],
    [2, i3, 3],
    [3, a, 0],
    [3, c, 2],
    [3, i3, 1],
  ] as const) {
    link(f, u, g);
  }

  const assign = (i: number, candidates: number[]) => {
    for (const f of candidates) {
      if (distance(f, i) > 0) {
        next[i] = head[f]!;
        head[f] = i;
        return;
      }
    }
  };
  for (let i = 0; i < n; i++) if (i !== i0 && i !== i1 && i !== i2 && i !== i3) assign(i, initial);

  const stack = initial.filter((f) => head[f] !== -1);
  const startsAt = new Int32Array(n); // new face whose horizon edge starts at a vertex
  const endsAt = new Int32Array(n); // ... and ends at it
  let stamp = 0;
  const visible: number[] = [];
  const horizon: number[] = []; // u, v, the face beyond
  const created: number[] = [];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (!alive[f] || head[f] === -1) continue;
    let eye = head[f]!;
    let far = distance(f, eye);
    for (let i = next[eye]!; i !== -1; i = next[i]!) {
      const d = distance(f, i);
      if (d > far) [far, eye] = [d, i];
    }
    // Faces visible from the eye (a connected patch) and the horizon edges around them.
    stamp++;
    visible.length = horizon.length = created.length = 0;
    visible.push(f);
    mark[f] = stamp;
    for (let q = 0; q < visible.length; q++) {
      const g = visible[q]!;
      for (let e = 0; e < 3; e++) {
        const h = fn[3 * g + e]!;
        if (mark[h] === stamp) continue;
        if (distance(h, eye) > 0) {
          mark[h] = stamp;
          visible.push(h);
        } else {
          horizon.push(fv[3 * g + e]!, fv[3 * g + ((e + 1) % 3)]!, h);
        }
      }
    }
    for (let q = 0; q < horizon.length; q += 3) {
      const [u, v, beyond] = [horizon[q]!, horizon[q + 1]!, horizon[q + 2]!];
      const nf = addFace(u, v, eye);
      fn[3 * nf] = beyond;
      link(beyond, v, nf);
      startsAt[u] = nf;
      endsAt[v] = nf;
      created.push(nf);
    }
    for (const nf of created) {
      fn[3 * nf + 1] = startsAt[fv[3 * nf + 1]!]!; // across (v, eye)
      fn[3 * nf + 2] = endsAt[fv[3 * nf]!]!; // across (eye, u)
    }
    for (const g of visible) {
      alive[g] = 0;
      for (let i = head[g]!; i !== -1;) {
        const following = next[i]!;
        next[i] = -1;
        if (i !== eye) assign(i, created);
        i = following;
      }
      head[g] = -1;
    }
    for (const g of created) if (head[g] !== -1) stack.push(g);
  }

  const faces: number[] = [];
  for (let f = 0; f < faceCount; f++) if (alive[f]) faces.push(fv[3 * f]!, fv[3 * f + 1]!, fv[3 * f + 2]!);
  return Int32Array.from(faces);
}
