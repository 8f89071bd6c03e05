// IBSI-1 CT radiomics phantom (CC BY-NC 3.0, read from SAP_IBSI_DIR or ../shared/ibsi, never copied here):
// every pipeline diagnostic of configurations A–E (ct_phantom_diagnostics_reference.csv) within its tolerance.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNiftiHuVolume } from '../../core/imaging/nifti';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { maskBoundingBox } from '../../core/imaging/grid/bounding-box';
import {
  interpolateRoi,
  resegment,
  type InterpolationOptions,
  type ResegmentationOptions,
} from '../../core/radiomics/processing';
import { IBSI_DIR, ibsiDataPresent } from '../support/ibsi-data';

const IMAGE = 'ct_phantom/nifti/image/phantom.nii.gz';
const MASK = 'ct_phantom/nifti/mask/mask.nii.gz';
const REFERENCE = 'ct_phantom_diagnostics_reference.csv';
const SUITE = 'IBSI-1 CT phantom: processing diagnostics, configurations A–E';
const available = ibsiDataPresent(SUITE, [IMAGE, MASK, REFERENCE]);

/** IBSI-1 section 5.2 (docs/05_Reference_data_sets.rst), as in the IBSI folder's ct_phantom_configs.csv. */
const CONFIGS: Record<
  string,
  { interpolation: InterpolationOptions; resegmentation: ResegmentationOptions }
> = {
  A: { interpolation: { spacing: null }, resegmentation: { range: { lower: -500, upper: 400 } } },
  B: {
    interpolation: { spacing: [2, 2, 2], inPlaneOnly: true, imageOrder: 'linear' },
    resegmentation: { range: { lower: -500, upper: 400 } },
  },
  C: {
    interpolation: { spacing: [2, 2, 2], imageOrder: 'linear' },
    resegmentation: { range: { lower: -1000, upper: 400 } },
  },
  D: { interpolation: { spacing: [2, 2, 2], imageOrder: 'linear' }, resegmentation: { outlierFilter: true } },
  E: {
    interpolation: { spacing: [2, 2, 2], imageOrder: 'cubic' },
    resegmentation: { range: { lower: -1000, upper: 400 }, outlierFilter: true },
  },
};

type Diagnostics = Map<string, number>;

function addStats(
  out: Diagnostics,
  prefix: string,
  suffix: string,
  values: ArrayLike<number>,
  mask?: Uint8Array,
) {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < values.length; p++) {
    if (mask !== undefined && mask[p] === 0) continue;
    const v = values[p]!;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (mask !== undefined) out.set(`${prefix}vox_count_${suffix}`, n);
  out.set(`${prefix}mean_int_${suffix}`, sum / n);
  out.set(`${prefix}min_int_${suffix}`, min);
  out.set(`${prefix}max_int_${suffix}`, max);
}

function addDims(out: Diagnostics, name: string, suffix: string, dims: Vec3) {
  ['x', 'y', 'z'].forEach((axis, a) => out.set(`${name}_${axis}_${suffix}`, dims[a]!));
}

function addRoi(
  out: Diagnostics,
  suffix: string,
  gridDims: Vec3,
  dims: Vec3,
  values: Float64Array | Int16Array,
  mask: Uint8Array,
) {
  addDims(out, 'int_mask_dim', suffix, gridDims);
  addDims(out, 'int_mask_bb_dim', suffix, maskBoundingBox(mask, dims)!.size);
  addStats(out, 'int_mask_', suffix, values, mask);
}

function diagnostics(image: Volume, mask: Volume, config: string): Diagnostics {
  const { interpolation, resegmentation } = CONFIGS[config]!;
  const out: Diagnostics = new Map();
  addDims(out, 'img_dim', 'init_img', image.dims);
  addDims(out, 'vox_dim', 'init_img', image.spacing);
  addStats(out, '', 'init_img', image.data);
  const initMask = Uint8Array.from(mask.data, (v) => (v === 0 ? 0 : 1));
  addRoi(out, 'init_roi', image.dims, image.dims, image.data, initMask);
  const whole = interpolateRoi(image, mask, { ...interpolation, region: 'image' });
  addDims(out, 'img_dim', 'interp_img', whole.gridDims);
  addDims(out, 'vox_dim', 'interp_img', whole.spacing);
  addStats(out, '', 'interp_img', whole.intensity);
  const roi = interpolateRoi(image, mask, interpolation);
  addRoi(out, 'interp_roi', roi.gridDims, roi.dims, roi.intensity, roi.mask);
  addRoi(
    out,
    'reseg_roi',
    roi.gridDims,
    roi.dims,
    roi.intensity,
    resegment(roi.intensity, roi.mask, resegmentation),
  );
  return out;
}

interface Row {
  config: string;
  tag: string;
  text: string;
  value: number;
  tolerance: number;
}

/** The reference is printed to a few significant digits: allow half a unit in its last printed decimal. */
function printedSlack(text: string): number {
  const decimals = text.includes('.') ? text.split('.')[1]!.length : 0;
  return 0.5 * 10 ** -decimals;
}

describe.skipIf(!available)(SUITE, () => {
  let image: Volume;
  let mask: Volume;
  let rows: Row[];

  beforeAll(() => {
    const read = (file: string) =>
      readNiftiHuVolume(new Uint8Array(readFileSync(new URL(file, IBSI_DIR))), file);
    const img = read(IMAGE);
    const msk = read(MASK);
    image = img.volume;
    mask = msk.volume;
    expect(msk.affine).toEqual(img.affine);
    rows = readFileSync(new URL(REFERENCE, IBSI_DIR), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [config, tag, text, tolerance] = line.split(',');
        return { config: config!, tag: tag!, text: text!, value: Number(text), tolerance: Number(tolerance) };
      });
  });

  it('the mask lies on the image grid (same dims, affine, voxel order) and holds the 125,256 ROI voxels', () => {
    expect(mask.dims).toEqual(image.dims);
    expect(mask.affine).toEqual(image.affine);
    let n = 0;
    for (const v of mask.data) n += v === 0 ? 0 : 1;
    expect(n).toBe(125256);
  });

  it.each(Object.keys(CONFIGS))('configuration %s: all 48 diagnostics within tolerance', (config) => {
    const ours = diagnostics(image, mask, config);
    const mine = rows.filter((r) => r.config === config);
    expect(mine).toHaveLength(48);
    const failures = mine.flatMap((r) => {
      const value = ours.get(r.tag);
      if (value === undefined) return [`${r.tag}: not computed`];
      const ok = Math.abs(value - r.value) <= r.tolerance + printedSlack(r.text);
      return ok ? [] : [`${r.tag}: ${value} vs ${r.text} ± ${r.tolerance}`];
    });
    expect(failures).toEqual([]);
  });
});
