import type { Vec3, Volume } from '../core/imaging/volume';

/**
 * The radiomics benchmark volume of ../shared/radiomics/bench_volume.md, built from its integer recipe:
 * 256×256×100 at 0.8×0.8×2.5 mm, an ellipsoid ROI (semi-axes 60, 40, 20 voxels) with block texture and
 * hashed noise. Exact in JS numbers; its SHA-256 sums are checked by test/radiomics/bench-volume.test.ts.
 */
export const BENCH_DIMS: Vec3 = [256, 256, 100];
const SPACING: Vec3 = [0.8, 0.8, 2.5];
const [A, B, C] = [60, 40, 20];

function lowbias32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export function benchVolume(): { image: Volume; mask: Uint8Array } {
  const [X, Y, Z] = BENCH_DIMS;
  const data = new Int16Array(X * Y * Z);
  const mask = new Uint8Array(X * Y * Z);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const idx = x + X * (y + Y * z);
        const inside =
          (2 * x - 255) ** 2 * B * B * C * C +
            (2 * y - 255) ** 2 * A * A * C * C +
            (2 * z - 99) ** 2 * A * A * B * B <=
          4 * A * A * B * B * C * C;
        const noise = (lowbias32((idx ^ 0x5eed1234) >>> 0) % 201) - 100;
        const blocks = ((x >> 3) + (y >> 3) + (z >> 2)) % 4;
        data[idx] = -50 + 40 * blocks + noise + (inside ? 60 : 0);
        mask[idx] = inside ? 1 : 0;
      }
    }
  }
  const affine = [SPACING[0], 0, 0, 0, 0, SPACING[1], 0, 0, 0, 0, SPACING[2], 0, 0, 0, 0, 1];
  return { image: { dims: BENCH_DIMS, spacing: SPACING, affine, data }, mask };
}
