import type { PaddedMask } from './morph-mesh';

/**
 * The vertices of the ROI's marching-cubes mesh and their extremes along every axis-parallel line, in
 * half-voxel units of the padded grid. On a binary mask every mesh vertex is the midpoint of a grid edge whose
 * two voxels differ (IBSI-1 3.1; PyRadiomics' shape class builds its mesh the same way). The line extremes
 * select the candidates of the 3D convex hull and of the 2D hulls of axis-aligned planes: a hull vertex is an
 * end point of the vertex set along every line through it.
 */
export interface MeshVertexLines {
  /** x, y, z triples of all `count` vertices. */
  vertices: Int32Array;
  count: number;
  /** Half-voxel grid sizes: twice the padded dims. */
  dx: number;
  dy: number;
  dz: number;
  /** Smallest and largest x on each line along x, indexed y·dz + z; hi is −1 on a line without vertices. */
  loX: Int32Array;
  hiX: Int32Array;
  /** The same along y, indexed x·dz + z. */
  loY: Int32Array;
  hiY: Int32Array;
  /** The same along z, indexed x·dy + y. */
  loZ: Int32Array;
  hiZ: Int32Array;
}

export function meshVertexLines(padded: PaddedMask): MeshVertexLines {
  const { data, dims } = padded;
  const [px, py, pz] = dims;
  const [dx, dy, dz] = [2 * px, 2 * py, 2 * pz];
  const big = 0x7fffffff;
  const loX = new Int32Array(dy * dz).fill(big);
  const hiX = new Int32Array(dy * dz).fill(-1);
  const loY = new Int32Array(dx * dz).fill(big);
  const hiY = new Int32Array(dx * dz).fill(-1);
  const loZ = new Int32Array(dx * dy).fill(big);
  const hiZ = new Int32Array(dx * dy).fill(-1);
  let vertices = new Int32Array(3 * 4096);
  let count = 0;
  const record = (x: number, y: number, z: number) => {
    if (3 * count === vertices.length) {
      const grown = new Int32Array(2 * vertices.length);
      grown.set(vertices);
      vertices = grown;
    }
    vertices[3 * count] = x;
    vertices[3 * count + 1] = y;
    vertices[3 * count + 2] = z;
    count++;
    const lx = y * dz + z;
    const ly = x * dz + z;
    const lz = x * dy + y;
    if (x < loX[lx]!) loX[lx] = x;
    if (x > hiX[lx]!) hiX[lx] = x;
    if (y < loY[ly]!) loY[ly] = y;
    if (y > hiY[ly]!) hiY[ly] = y;
    if (z < loZ[lz]!) loZ[lz] = z;
    if (z > hiZ[lz]!) hiZ[lz] = z;
  };
  const slice = px * py;
  for (let k = 0; k < pz; k++) {
    for (let j = 0; j < py; j++) {
      for (let i = 0, p = px * (j + py * k); i < px; i++, p++) {
        const m = data[p];
        if (i + 1 < px && data[p + 1] !== m) record(2 * i + 1, 2 * j, 2 * k);
        if (j + 1 < py && data[p + px] !== m) record(2 * i, 2 * j + 1, 2 * k);
        if (k + 1 < pz && data[p + slice] !== m) record(2 * i, 2 * j, 2 * k + 1);
      }
    }
  }
  return { vertices, count, dx, dy, dz, loX, hiX, loY, hiY, loZ, hiZ };
}
