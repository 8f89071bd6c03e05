import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import { maskExtent, VoxelExtent } from '../../core/imaging/grid/bounding-box';
import { padGrid } from '../../core/imaging/grid/padded-grid';
import { edgeDistanceMap, labelZones } from '../../core/imaging/grid/zones';
import { directions3D } from '../../core/radiomics/features/directions';
import { glcmCountsVolume, glrlmCountsVolume } from '../../core/radiomics/features/directional-volume';
import { glcmCounts } from '../../core/radiomics/features/glcm-matrix';
import { glrlmCounts, glrlmMaxRunLength } from '../../core/radiomics/features/glrlm-matrix';
import { diagonalEndPoints } from '../../core/radiomics/features/hull-prefilter';
import { localIntensityFeatures, PEAK_RADIUS_MM } from '../../core/radiomics/features/local-intensity';
import { quickhull } from '../../core/radiomics/features/morph-hull';
import { glcmFeatures } from '../../core/radiomics/features/glcm';
import { glrlmFeatures } from '../../core/radiomics/features/glrlm';
import { ngldmFeatures, ngldmMatrices } from '../../core/radiomics/features/ngldm';
import { ngtdmFeatures, ngtdmMatrices } from '../../core/radiomics/features/ngtdm';
import { sizeAndDistanceZoneFeatures } from '../../core/radiomics/features/zone-families';
import { textureBox } from '../../core/radiomics/texture-box';
import { paddedLevels } from '../../core/radiomics/features/padded-levels';
import { unionZones } from '../../core/radiomics/features/zone-union';
import type { Dimensionality, DiscretisedRoi, RoiImage } from '../../core/radiomics/types';

/** A reproducible pseudo-random generator (LCG) for the randomised comparisons. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Levels 1 … levelCount with runs and blobs (a coarse pattern plus noise), 0 (outside) with `holes` odds. */
function randomLevels(dims: Vec3, levelCount: number, holes: number, seed: number): DiscretisedRoi {
  const next = random(seed);
  const [nx, ny, nz] = dims;
  const levels = new Uint16Array(nx * ny * nz);
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        const coarse = ((i >> 1) + (j >> 1) + k) % levelCount;
        const level = next() < 0.3 ? Math.floor(next() * levelCount) : coarse;
        levels[p] = next() < holes ? 0 : level + 1;
      }
    }
  }
  return { dims, spacing: [1, 1, 1], levels, levelCount };
}

const CASES: [Vec3, number, number][] = [
  [[7, 5, 4], 3, 0.1],
  [[13, 9, 6], 5, 0.3],
  [[1, 8, 5], 2, 0.0],
  [[16, 3, 1], 4, 0.2],
];

describe('mask extent: the count and bounding box in one word-wise scan', () => {
  it('matches a voxel-by-voxel count and box, whatever the row width and alignment', () => {
    for (const [n, dims] of (
      [
        [0, [37, 11, 9]],
        [1, [8, 8, 8]],
        [2, [5, 3, 70]],
        [3, [301, 2, 3]],
      ] as [number, Vec3][]
    ).values()) {
      const next = random(100 + n);
      const size = dims[0] * dims[1] * dims[2];
      // A view starting 1–3 bytes into its buffer exercises the unaligned head and tail.
      const buffer = new Uint8Array(size + 8);
      const mask = buffer.subarray(n % 4, (n % 4) + size);
      for (let p = 0; p < size; p++) mask[p] = next() < 0.01 ? 1 + Math.floor(next() * 255) : 0;
      let count = 0;
      const voxelByVoxel = new VoxelExtent();
      for (let k = 0, p = 0; k < dims[2]; k++)
        for (let j = 0; j < dims[1]; j++)
          for (let i = 0; i < dims[0]; i++, p++) {
            if (mask[p] === 0) continue;
            count++;
            voxelByVoxel.add(i, j, k);
          }
      expect(maskExtent(mask, dims)).toEqual({ count, box: voxelByVoxel.box() });
    }
  });

  it('finds a single voxel in the last byte, and nothing in an empty mask', () => {
    const dims: Vec3 = [6, 5, 3];
    const mask = new Uint8Array(90);
    expect(maskExtent(mask, dims)).toEqual({ count: 0, box: null });
    mask[89] = 7;
    expect(maskExtent(mask, dims)).toEqual({ count: 1, box: { start: [5, 4, 2], size: [1, 1, 1] } });
  });
});

describe('whole-volume GLCM and GLRLM counts in one pass per direction', () => {
  it.each(CASES)('equal the per-direction counts exactly (%j, %i levels, %f holes)', (dims, ng, holes) => {
    const roi = randomLevels(dims, ng, holes, dims[0] * 31 + ng);
    const cm = glcmCountsVolume(roi)!;
    const nr = glrlmMaxRunLength(dims);
    const rl = glrlmCountsVolume(roi, nr)!;
    directions3D.forEach((direction, d) => {
      expect(Array.from(cm[d]!)).toEqual(Array.from(glcmCounts(roi, direction)));
      expect(Array.from(rl[d]!)).toEqual(Array.from(glrlmCounts(roi, direction, 0, dims[2], nr)));
    });
  });

  it('declines grey-level counts too large for one pass (the per-direction loops take over)', () => {
    const roi = randomLevels([4, 4, 2], 1000, 0, 5);
    expect(glcmCountsVolume(roi)).toBeNull();
    expect(glrlmCountsVolume(roi, 4000)).toBeNull();
  });
});

describe('zones by union-find', () => {
  it.each(CASES)('equal labelZones, in 3D and per slice (%j, %i levels)', (dims, ng, holes) => {
    const roi = randomLevels(dims, ng, holes, dims[1] * 17 + ng);
    const grid = padGrid(roi.levels, dims, 1);
    for (const planar of [false, true]) {
      const distance = edgeDistanceMap(grid, planar);
      const expected = labelZones(grid, planar, distance);
      const zones = unionZones(grid, planar, distance);
      expect(zones.count).toBe(expected.count);
      for (const key of ['level', 'size', 'slice', 'minDistance'] as const) {
        expect(Array.from(zones[key]!)).toEqual(Array.from(expected[key]!));
      }
    }
  });
});

describe('convex hull candidates along the face diagonals', () => {
  /** Hull volume ×6 of integer points (exact: integer arithmetic below 2^53). */
  function hullVolume6(points: Int32Array): number {
    const faces = quickhull(points)!;
    let v = 0;
    for (let f = 0; f < faces.length; f += 3) {
      const [a, b, c] = [3 * faces[f]!, 3 * faces[f + 1]!, 3 * faces[f + 2]!];
      const [ax, ay, az] = [points[a]!, points[a + 1]!, points[a + 2]!];
      const [ux, uy, uz] = [points[b]! - ax, points[b + 1]! - ay, points[b + 2]! - az];
      const [vx, vy, vz] = [points[c]! - ax, points[c + 1]! - ay, points[c + 2]! - az];
      v += ax * (uy * vz - uz * vy) + ay * (uz * vx - ux * vz) + az * (ux * vy - uy * vx);
    }
    return v;
  }

  it('keep every hull vertex: the hull of the kept points is the hull of all, with fewer points', () => {
    const next = random(9);
    const size: [number, number, number] = [40, 30, 20];
    // Points of a ball and its interior on the integer grid.
    const all: number[] = [];
    for (let n = 0; n < 3000; n++) {
      const [x, y, z] = size.map((s) => Math.floor(next() * s)) as [number, number, number];
      if ((x - 20) ** 2 / 400 + (y - 15) ** 2 / 225 + (z - 10) ** 2 / 100 <= 1) all.push(x, y, z);
    }
    const points = Int32Array.from(all);
    const kept = diagonalEndPoints(points, size);
    expect(kept.length).toBeLessThan(points.length / 2);
    expect(hullVolume6(kept)).toBe(hullVolume6(points));
  });
});

describe('local intensity peaks with unclamped runs summed apart', () => {
  it('equal the brute-force sphere means, near the box edges and inside', () => {
    const next = random(77);
    const dims: Vec3 = [24, 19, 9];
    const spacing: Vec3 = [0.8, 0.8, 2.5];
    const n = dims[0] * dims[1] * dims[2];
    const intensity = Float64Array.from({ length: n }, () => Math.round(next() * 400 - 100) + 0.25);
    const mask = Uint8Array.from({ length: n }, () => (next() < 0.6 ? 1 : 0));
    const roi: RoiImage = { dims, spacing, intensity, morphologicalMask: mask, intensityMask: mask };
    const at = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);
    let max = -Infinity;
    for (let p = 0; p < n; p++) if (mask[p] && intensity[p]! > max) max = intensity[p]!;
    let global = -Infinity;
    let local = -Infinity;
    for (let k = 0; k < dims[2]; k++) {
      for (let j = 0; j < dims[1]; j++) {
        for (let i = 0; i < dims[0]; i++) {
          if (!mask[at(i, j, k)]) continue;
          let sum = 0;
          let count = 0;
          for (let kk = 0; kk < dims[2]; kk++) {
            for (let jj = 0; jj < dims[1]; jj++) {
              for (let ii = 0; ii < dims[0]; ii++) {
                const d2 = ((ii - i) * 0.8) ** 2 + ((jj - j) * 0.8) ** 2 + ((kk - k) * 2.5) ** 2;
                if (d2 > PEAK_RADIUS_MM ** 2) continue;
                sum += intensity[at(ii, jj, kk)]!;
                count++;
              }
            }
          }
          global = Math.max(global, sum / count);
          if (intensity[at(i, j, k)] === max) local = Math.max(local, sum / count);
        }
      }
    }
    const features = localIntensityFeatures(roi);
    expect(features.loc_peak_glob).toBeCloseTo(global, 9);
    expect(features.loc_peak_loc).toBeCloseTo(local, 9);
  });
});

describe('padded levels cache, hashed two 16-bit levels at a time', () => {
  it('pads again when the levels change in place, and refuses a level above Ng', () => {
    for (const length of [3 * 5 * 2, 3 * 5 * 3]) {
      const dims: Vec3 = [3, 5, length / 15];
      const levels = new Uint16Array(length).fill(1);
      const roi: DiscretisedRoi = { dims, spacing: [1, 1, 1], levels, levelCount: 2 };
      const first = paddedLevels(roi, 1);
      expect(paddedLevels(roi, 1)).toBe(first);
      levels[length - 1] = 2; // the last level: the odd tail when the length is odd
      const second = paddedLevels(roi, 1);
      expect(second).not.toBe(first);
      expect(Math.max(...second.values)).toBe(2);
      levels[length - 2] = 3;
      expect(() => paddedLevels(roi, 1)).toThrow(/levelCount \(2\)/);
    }
  });
});

describe('3D NGTDM from separable neighbourhood sums', () => {
  it.each(CASES)('equals the neighbour-by-neighbour n_i and s_i (%j, %i levels)', (dims, ng, holes) => {
    const roi = randomLevels(dims, ng, holes, dims[2] * 13 + ng);
    const [nx, ny, nz] = dims;
    const level = (i: number, j: number, k: number) =>
      i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? 0 : roi.levels[i + nx * (j + ny * k)]!;
    for (const countIsolatedVoxels of [false, true]) {
      const n = new Float64Array(ng + 1);
      const s = new Float64Array(ng + 1);
      for (let k = 0; k < nz; k++) {
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const grey = level(i, j, k);
            if (grey === 0) continue;
            let sum = 0;
            let count = 0;
            for (let dk = -1; dk <= 1; dk++) {
              for (let dj = -1; dj <= 1; dj++) {
                for (let di = -1; di <= 1; di++) {
                  const q = di === 0 && dj === 0 && dk === 0 ? 0 : level(i + di, j + dj, k + dk);
                  sum += q;
                  count += q > 0 ? 1 : 0;
                }
              }
            }
            if (count === 0 && !countIsolatedVoxels) continue;
            n[grey]!++;
            if (count > 0) s[grey]! += Math.abs(grey - sum / count);
          }
        }
      }
      const [m] = ngtdmMatrices(roi, false, { countIsolatedVoxels });
      expect(Array.from(m!.n)).toEqual(Array.from(n));
      expect(Array.from(m!.s)).toEqual(Array.from(s));
    }
  });
});

describe('3D NGLDM counting each equal pair once', () => {
  it.each(CASES)('equals the 26-neighbour dependence counts (%j, %i levels)', (dims, ng, holes) => {
    const roi = randomLevels(dims, ng, holes, dims[0] * 7 + ng);
    const [nx, ny, nz] = dims;
    const level = (i: number, j: number, k: number) =>
      i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? 0 : roi.levels[i + nx * (j + ny * k)]!;
    const cells: string[] = [];
    const tally = new Map<string, number>();
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const grey = level(i, j, k);
          if (grey === 0) continue;
          let dependence = 1;
          for (let dk = -1; dk <= 1; dk++) {
            for (let dj = -1; dj <= 1; dj++) {
              for (let di = -1; di <= 1; di++) {
                if ((di !== 0 || dj !== 0 || dk !== 0) && level(i + di, j + dj, k + dk) === grey)
                  dependence++;
              }
            }
          }
          const key = `${grey}:${dependence}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
        }
      }
    }
    for (const [key, count] of tally) cells.push(`${key}x${count}`);
    const [m] = ngldmMatrices(roi, false);
    const got = Array.from(m!.count, (c, n) => `${m!.level[n]}:${m!.column[n]}x${c}`);
    expect(got.sort()).toEqual(cells.sort());
  });
});

describe('texture families on the morphological box, without the local-intensity margin', () => {
  it('give the same values as on the box with its margin', () => {
    const inner = randomLevels([9, 7, 5], 4, 0.2, 3);
    const dims: Vec3 = [13, 10, 8];
    const at = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);
    const levels = new Uint16Array(dims[0] * dims[1] * dims[2]);
    const mask = new Uint8Array(levels.length);
    for (let k = 0, p = 0; k < 5; k++) {
      for (let j = 0; j < 7; j++) {
        for (let i = 0; i < 9; i++, p++) {
          levels[at(i + 2, j + 1, k + 2)] = inner.levels[p]!;
          mask[at(i + 2, j + 1, k + 2)] = 1; // the whole inner box: its corners too
        }
      }
    }
    const roi: RoiImage = {
      dims,
      spacing: [1, 1, 1],
      intensity: new Float64Array(levels.length),
      morphologicalMask: mask,
      intensityMask: Uint8Array.from(levels, (l) => (l > 0 ? 1 : 0)),
    };
    const withMargin: DiscretisedRoi = { dims, spacing: [1, 1, 1], levels, levelCount: 4 };
    const texture = textureBox(roi, withMargin);
    expect(texture.levels.dims).toEqual([9, 7, 5]);
    const all: Dimensionality[] = ['2D', '2_5D', '3D'];
    const families = (l: DiscretisedRoi, m: Uint8Array) => ({
      ...glcmFeatures(l, all),
      ...glrlmFeatures(l, all),
      ...sizeAndDistanceZoneFeatures(l, m, all),
      ...ngtdmFeatures(l, all),
      ...ngldmFeatures(l, all),
    });
    expect(families(texture.levels, texture.morphologicalMask)).toEqual(families(withMargin, mask));
    // Without a margin nothing is copied.
    const tight = textureBox(
      { ...roi, dims: [9, 7, 5], morphologicalMask: new Uint8Array(315).fill(1) },
      inner,
    );
    expect(tight.levels).toBe(inner);
  });
});
