import type { Vec3 } from '../../core/imaging/volume';

/**
 * The largest 26-connected component of `mask` by plain breadth-first search over the whole grid: an
 * independent reference for the pipeline's labelling. Ties go to the component met first (i fastest).
 */
export function largestComponentReference(mask: Uint8Array, dims: Vec3): Uint8Array {
  const [nx, ny, nz] = dims;
  const label = new Int32Array(mask.length);
  const queue = new Int32Array(mask.length);
  let best = 0;
  let bestSize = 0;
  let next = 0;
  for (let seed = 0; seed < mask.length; seed++) {
    if (mask[seed] === 0 || label[seed] !== 0) continue;
    const id = ++next;
    label[seed] = id;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    while (head < tail) {
      const p = queue[head++]!;
      const i = p % nx;
      const j = Math.floor(p / nx) % ny;
      const k = Math.floor(p / (nx * ny));
      for (let dk = -1; dk <= 1; dk++)
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const [a, b, c] = [i + di, j + dj, k + dk];
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
            const q = a + nx * (b + ny * c);
            if (mask[q] === 1 && label[q] === 0) {
              label[q] = id;
              queue[tail++] = q;
            }
          }
    }
    if (tail > bestSize) {
      bestSize = tail;
      best = id;
    }
  }
  return Uint8Array.from(label, (l) => (l === best && best !== 0 ? 1 : 0));
}

export function dice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let sum = 0;
  for (let n = 0; n < a.length; n++) {
    both += a[n]! & b[n]!;
    sum += a[n]! + b[n]!;
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}
