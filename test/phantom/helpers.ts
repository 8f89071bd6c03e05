/** Shared helpers of the phantom tests: cached phantoms, interior voxels, HU statistics, world positions. */
import type { Vec3 } from '../../core/imaging/volume';
import { generatePhantom, type Phantom, type PhantomOptions } from '../../core/phantom';

/** A realistic in-plane grid (1.56 mm) with few enough voxels for a quick test. */
export const MID: Vec3 = [256, 256, 100];
export const cache = new Map<string, Phantom>();
export function phantom(options: PhantomOptions = {}): Phantom {
  const key = JSON.stringify(options);
  let p = cache.get(key);
  if (!p) cache.set(key, (p = generatePhantom(options)));
  return p;
}

/** Voxels whose in-plane 3×3 neighbourhood has one label: the smoothing leaves their mean untouched. */
export function interior(p: Phantom, accept: (label: number) => boolean): number[] {
  const [nx, ny, nz] = p.volume.dims;
  const out: number[] = [];
  const l = p.labels;
  for (let k = 0; k < nz; k++) {
    for (let j = 1; j < ny - 1; j++) {
      for (let i = 1; i < nx - 1; i++) {
        const n = i + nx * (j + ny * k);
        const label = l[n]!;
        if (!accept(label)) continue;
        let same = true;
        for (let dj = -1; dj <= 1 && same; dj++) {
          for (let di = -1; di <= 1; di++) if (!accept(l[n + di + nx * dj]!)) same = false;
        }
        if (same) out.push(n);
      }
    }
  }
  return out;
}

export function stats(values: Iterable<number>): { mean: number; sd: number; n: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const v of values) {
    n++;
    sum += v;
    sq += v * v;
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(Math.max(0, sq / n - mean * mean)), n };
}

export const huAt = (p: Phantom, voxels: number[]) => voxels.map((n) => p.volume.data[n]!);

/** World position (RAS+, mm) of voxel index n. */
export function world(p: Phantom, n: number): Vec3 {
  const [nx, ny] = p.volume.dims;
  const i = n % nx;
  const j = Math.floor(n / nx) % ny;
  const k = Math.floor(n / (nx * ny));
  const a = p.volume.affine;
  return [0, 1, 2].map((w) => a[w * 4]! * i + a[w * 4 + 1]! * j + a[w * 4 + 2]! * k + a[w * 4 + 3]!) as Vec3;
}

export function centroid(p: Phantom, label: number): Vec3 {
  const sum = [0, 0, 0];
  let count = 0;
  p.labels.forEach((l, n) => {
    if (l !== label) return;
    const w = world(p, n);
    for (let a = 0; a < 3; a++) sum[a]! += w[a]!;
    count++;
  });
  return sum.map((s) => s / count) as Vec3;
}

export function labelled(p: Phantom, label: number): number[] {
  const out: number[] = [];
  p.labels.forEach((l, n) => l === label && out.push(n));
  return out;
}
