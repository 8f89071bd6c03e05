import type { Vec3 } from '../imaging/volume';
import { cropBox } from '../imaging/grid/bounding-box';
import type { Box } from '../imaging/grid/types';

/**
 * Voxel counts of the 26-connected components of a mask, largest first. Voxels touching only at a corner
 * count as one piece: a thin gland on a coarse grid often joins that way. Works on the mask's bounding box
 * only (a copy of it, marked as visited), with a queue as long as the mask has voxels.
 */
export function componentSizes(mask: Uint8Array, dims: Vec3, box: Box): number[] {
  const region = cropBox(mask, dims, box);
  let voxels = 0;
  for (let p = 0; p < region.length; p++) if (region[p] !== 0) voxels++;
  const [nx, ny, nz] = box.size;
  const plane = nx * ny;
  const queue = new Int32Array(voxels);
  const sizes: number[] = [];
  for (let seed = 0; seed < region.length; seed++) {
    if (region[seed] === 0) continue;
    region[seed] = 0;
    queue[0] = seed;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % nx;
      const y = ((p - x) / nx) % ny;
      const z = (p - x - y * nx) / plane;
      for (let dz = z > 0 ? -1 : 0; dz <= (z < nz - 1 ? 1 : 0); dz++) {
        for (let dy = y > 0 ? -1 : 0; dy <= (y < ny - 1 ? 1 : 0); dy++) {
          for (let dx = x > 0 ? -1 : 0; dx <= (x < nx - 1 ? 1 : 0); dx++) {
            const q = p + dx + dy * nx + dz * plane;
            if (region[q] === 0) continue;
            region[q] = 0;
            queue[tail++] = q;
          }
        }
      }
    }
    sizes.push(tail);
  }
  return sizes.sort((a, b) => b - a);
}
