// Writes synthetic CT phantoms for the demo U-Net and ResNet (scripts/demo-models/train.py) in a form numpy
// reads directly: per seed `<seed>.hu.i16` (int16 HU) and `<seed>.mask.u8` (uint8 pancreas), little-endian,
// voxel i fastest (numpy: np.fromfile(...).reshape(k, j, i)), and `index.json` describing every seed.
//
//   npx tsx scripts/demo-models/export-phantoms.ts <outdir> --seeds 1001-1040 --spacing 2.5
//   npx tsx scripts/demo-models/export-phantoms.ts <outdir> --seeds 2001-2280 --varied-grids --region-margin-mm 60
//
// --spacing s: isotropic s mm over the default field of view (the U-Net's training grid).
// --varied-grids: a seeded grid per seed, in-plane 0.75–2.5 mm and slices 1.25–5 mm, as scanners deliver.
// --region-margin-mm m: write only the pancreas bounding box plus m mm per side (clamped), with its voxel
//   offset in the full grid; the ResNet crop (box + its own smaller margin) is then taken from that region.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Vec3 } from '../../core/imaging/volume';
import { createRng, FIELD_OF_VIEW_MM, generatePhantom, type Phantom } from '../../core/phantom';
import { cohortContrast, cohortVariants, sapLabel } from './cohort';

/** Grid ranges for --varied-grids, mm: thin-slice to routine abdominal CT. */
const IN_PLANE_MM: Readonly<[number, number]> = [0.75, 2.5];
const SLICE_MM: Readonly<[number, number]> = [1.25, 5];

export interface ExportedPhantom {
  seed: number;
  variants: string[];
  contrast: boolean;
  /** 1 = severe (revised Atlanta), the ResNet's target. */
  sap: 0 | 1;
  /** The full grid the phantom was drawn on, i, j, k. */
  dims: Vec3;
  spacing: Vec3;
  /** First voxel of the written region in the full grid, and its size (the full grid unless a margin is set). */
  offset: Vec3;
  shape: Vec3;
  volume: string;
  mask: string;
}

function main(): void {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      seeds: { type: 'string' },
      spacing: { type: 'string' },
      'varied-grids': { type: 'boolean', default: false },
      'region-margin-mm': { type: 'string' },
    },
  });
  const outdir = positionals[0];
  if (!outdir || !values.seeds || (values.spacing === undefined) === !values['varied-grids']) {
    throw new Error(
      'usage: export-phantoms.ts <outdir> --seeds A-B[,C...] (--spacing MM | --varied-grids) [--region-margin-mm MM]',
    );
  }
  const seeds = parseSeeds(values.seeds);
  const margin = values['region-margin-mm'] === undefined ? undefined : Number(values['region-margin-mm']);
  mkdirSync(outdir, { recursive: true });
  const index: ExportedPhantom[] = [];
  for (const seed of seeds) {
    const grid = values.spacing === undefined ? variedGrid(seed) : isotropicGrid(Number(values.spacing));
    const phantom = generatePhantom({
      seed,
      ...grid,
      variant: cohortVariants(seed),
      contrast: cohortContrast(seed),
    });
    const region = margin === undefined ? fullRegion(phantom) : maskRegion(phantom, margin);
    const name = String(seed).padStart(5, '0');
    writeFileSync(
      join(outdir, `${name}.hu.i16`),
      copyRegion(phantom.volume.data, phantom.volume.dims, region),
    );
    writeFileSync(join(outdir, `${name}.mask.u8`), copyRegion(phantom.mask.data, phantom.mask.dims, region));
    index.push({
      seed,
      variants: phantom.description.variants,
      contrast: phantom.description.contrast,
      sap: sapLabel(phantom),
      dims: phantom.volume.dims,
      spacing: phantom.volume.spacing,
      offset: region.offset,
      shape: region.shape,
      volume: `${name}.hu.i16`,
      mask: `${name}.mask.u8`,
    });
    if (index.length % 25 === 0) console.log(`${index.length}/${seeds.length}`);
  }
  writeFileSync(join(outdir, 'index.json'), JSON.stringify({ phantoms: index }, null, 1) + '\n');
  console.log(`wrote ${index.length} phantoms to ${outdir}`);
}

function parseSeeds(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isSafeInteger(a) || (b !== undefined && !(Number.isSafeInteger(b) && b >= a!))) {
      throw new Error(`bad seed range ${JSON.stringify(part)}`);
    }
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, n) => a! + n);
  });
}

function isotropicGrid(mm: number): { dims: Vec3; spacing: Vec3 } {
  if (!(mm > 0)) throw new Error(`--spacing must be positive, got ${mm}`);
  return { dims: FIELD_OF_VIEW_MM.map((fov) => Math.round(fov / mm)) as Vec3, spacing: [mm, mm, mm] };
}

/** Dims from a seeded spacing; the phantom then spans the default field of view exactly. */
function variedGrid(seed: number): { dims: Vec3 } {
  const rng = createRng(seed, 'demo-models-grid');
  const inPlane = rng.between(...IN_PLANE_MM);
  const slice = rng.between(...SLICE_MM);
  const [x, y, z] = FIELD_OF_VIEW_MM;
  return { dims: [Math.round(x / inPlane), Math.round(y / inPlane), Math.round(z / slice)] };
}

interface Region {
  offset: Vec3;
  shape: Vec3;
}

function fullRegion(phantom: Phantom): Region {
  return { offset: [0, 0, 0], shape: [...phantom.volume.dims] };
}

/** The mask's bounding box grown by `mm` per side (whole voxels, rounded up) and clamped to the grid. */
function maskRegion(phantom: Phantom, mm: number): Region {
  const { dims, spacing } = phantom.volume;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  const mask = phantom.mask.data;
  for (let k = 0, n = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++, n++) {
        if (mask[n] === 0) continue;
        const v = [i, j, k];
        for (let a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a]!, v[a]!);
          hi[a] = Math.max(hi[a]!, v[a]!);
        }
      }
    }
  }
  if (hi[0]! < 0) throw new Error(`phantom ${phantom.description.seed} has an empty pancreas mask`);
  const grow = (a: number) => Math.ceil(mm / spacing[a]!);
  const offset = [0, 1, 2].map((a) => Math.max(0, lo[a]! - grow(a))) as Vec3;
  const end = [0, 1, 2].map((a) => Math.min(dims[a]! - 1, hi[a]! + grow(a))) as Vec3;
  return { offset, shape: [0, 1, 2].map((a) => end[a]! - offset[a]! + 1) as Vec3 };
}

function copyRegion<T extends Int16Array | Uint8Array>(data: T, dims: Vec3, region: Region): T {
  const [ni, nj] = dims;
  const [oi, oj, ok] = region.offset;
  const [si, sj, sk] = region.shape;
  const out = new (data.constructor as new (n: number) => T)(si * sj * sk);
  for (let k = 0; k < sk; k++) {
    for (let j = 0; j < sj; j++) {
      const from = oi + ni * (oj + j + nj * (ok + k));
      out.set(data.subarray(from, from + si), si * (j + sj * k));
    }
  }
  return out;
}

main();
