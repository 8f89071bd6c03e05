import type { Dimensionality, Features } from '../types';

/**
 * A sparse grey level × count matrix shared by GLSZM (zone size), GLDZM (zone distance) and NGLDM (dependence
 * count): only the non-zero cells, grey level i ≥ 1 and column j ≥ 1.
 */
export interface CountMatrix {
  /** Ng: the number of grey levels (matrix rows). */
  levelCount: number;
  /** N_v: voxels in the ROI intensity mask (summed over slices when matrices are merged). */
  voxelCount: number;
  level: Int32Array;
  column: Int32Array;
  count: Float64Array;
}

/** Collects cells (i, j) += c; merging matrices is adding their cells to one accumulator. */
export class CountAccumulator {
  private readonly cells = new Map<number, number>();
  voxelCount = 0;

  constructor(readonly levelCount: number) {}

  add(level: number, column: number, count = 1): void {
    const key = column * (this.levelCount + 1) + level;
    this.cells.set(key, (this.cells.get(key) ?? 0) + count);
  }

  addMatrix(m: CountMatrix): void {
    for (let n = 0; n < m.count.length; n++)
      this.add(m.level[n] as number, m.column[n] as number, m.count[n]);
    this.voxelCount += m.voxelCount;
  }

  toMatrix(): CountMatrix {
    const keys = Float64Array.from(this.cells.keys()).sort();
    const rows = this.levelCount + 1;
    const level = new Int32Array(keys.length);
    const column = new Int32Array(keys.length);
    const count = new Float64Array(keys.length);
    keys.forEach((key, n) => {
      level[n] = key % rows;
      column[n] = Math.floor(key / rows);
      count[n] = this.cells.get(key) as number;
    });
    return { levelCount: this.levelCount, voxelCount: this.voxelCount, level, column, count };
  }
}

export function mergeCountMatrices(matrices: readonly CountMatrix[], levelCount: number): CountMatrix {
  const acc = new CountAccumulator(levelCount);
  for (const m of matrices) acc.addMatrix(m);
  return acc.toMatrix();
}

/**
 * The 17 features of a count matrix in a fixed order (IBSI-1 3.8, 3.9, 3.11 with N_s the total count):
 * small-j, large-j, low grey, high grey, small-j low grey, small-j high grey, large-j low grey, large-j high
 * grey emphasis; grey level non-uniformity and its normalised form; j non-uniformity and its normalised form;
 * percentage N_s/N_v; grey level variance; j variance; entropy (log2); energy.
 */
export function countMatrixFeatures(m: CountMatrix): number[] {
  const { level, column, count } = m;
  let ns = 0;
  let maxColumn = 0;
  for (let n = 0; n < count.length; n++) {
    ns += count[n] as number;
    maxColumn = Math.max(maxColumn, column[n] as number);
  }
  if (ns === 0) return new Array<number>(17).fill(Number.NaN);
  const rowSum = new Float64Array(m.levelCount + 1);
  const columnSum = new Float64Array(maxColumn + 1);
  const e = new Float64Array(8);
  let meanI = 0;
  let meanJ = 0;
  let entropy = 0;
  let energy = 0;
  for (let n = 0; n < count.length; n++) {
    const c = count[n] as number;
    const i = level[n] as number;
    const j = column[n] as number;
    const i2 = i * i;
    const j2 = j * j;
    rowSum[i] = (rowSum[i] as number) + c;
    columnSum[j] = (columnSum[j] as number) + c;
    e[0] = (e[0] as number) + c / j2;
    e[1] = (e[1] as number) + c * j2;
    e[2] = (e[2] as number) + c / i2;
    e[3] = (e[3] as number) + c * i2;
    e[4] = (e[4] as number) + c / (i2 * j2);
    e[5] = (e[5] as number) + (c * i2) / j2;
    e[6] = (e[6] as number) + (c * j2) / i2;
    e[7] = (e[7] as number) + c * i2 * j2;
    const p = c / ns;
    meanI += i * p;
    meanJ += j * p;
    entropy -= p * Math.log2(p);
    energy += p * p;
  }
  let varI = 0;
  let varJ = 0;
  for (let n = 0; n < count.length; n++) {
    const p = (count[n] as number) / ns;
    varI += ((level[n] as number) - meanI) ** 2 * p;
    varJ += ((column[n] as number) - meanJ) ** 2 * p;
  }
  let glnu = 0;
  for (const s of rowSum) glnu += s * s;
  let jnu = 0;
  for (const s of columnSum) jnu += s * s;
  return [
    ...Array.from(e, (x) => x / ns),
    glnu / ns,
    glnu / (ns * ns),
    jnu / ns,
    jnu / (ns * ns),
    ns / m.voxelCount,
    varI,
    varJ,
    entropy,
    energy,
  ];
}

/** Names `names[n]` (with `prefix` and the aggregation suffix) the first names.length values. */
export function nameFeatures(
  values: readonly number[],
  prefix: string,
  names: readonly string[],
  suffix: string,
) {
  const out: Features = {};
  names.forEach((name, n) => (out[`${prefix}_${name}_${suffix}`] = values[n] as number));
  return out;
}

/**
 * IBSI-1 aggregation of GLSZM, GLDZM, NGTDM and NGLDM features: `2D` averages the features of the per-slice
 * matrices (8QNN), `2_5D` computes them from the merged per-slice matrices (62GR), `3D` from one 3D matrix
 * (KOBO). `slices` returns the non-empty per-slice matrices; it is called at most once.
 */
export function aggregate<M>(
  dims: readonly Dimensionality[],
  family: {
    slices: () => M[];
    volume: () => M;
    merge: (matrices: M[]) => M;
    features: (m: M) => readonly number[];
    prefix: string;
    names: readonly string[];
  },
): Features {
  const out: Features = {};
  let slices: M[] | undefined;
  const perSlice = () => (slices ??= family.slices());
  for (const dim of new Set(dims)) {
    let values: readonly number[];
    if (dim === '3D') values = family.features(family.volume());
    else if (dim === '2_5D') values = family.features(family.merge(perSlice()));
    else values = mean(perSlice().map(family.features), family.names.length);
    Object.assign(out, nameFeatures(values, family.prefix, family.names, dim));
  }
  return out;
}

function mean(rows: readonly (readonly number[])[], width: number): number[] {
  const sum = new Array<number>(width).fill(0);
  for (const row of rows) for (let n = 0; n < width; n++) sum[n] = (sum[n] as number) + (row[n] as number);
  return sum.map((s) => (rows.length === 0 ? Number.NaN : s / rows.length));
}

/** A CountMatrix from a dense array indexed j·(Ng + 1) + i. */
export function countMatrixFromDense(
  dense: Float64Array,
  levelCount: number,
  voxelCount: number,
): CountMatrix {
  let cells = 0;
  for (const c of dense) if (c !== 0) cells++;
  const rows = levelCount + 1;
  const level = new Int32Array(cells);
  const column = new Int32Array(cells);
  const count = new Float64Array(cells);
  let n = 0;
  dense.forEach((c, key) => {
    if (c === 0) return;
    level[n] = key % rows;
    column[n] = Math.floor(key / rows);
    count[n++] = c;
  });
  return { levelCount, voxelCount, level, column, count };
}
