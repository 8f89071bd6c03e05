import type { Vec3 } from '../imaging/volume';
import { maskBoundingBox } from '../imaging/grid/bounding-box';
import type { Box } from '../imaging/grid/types';
import { componentSizes } from './mask-components';

/**
 * Plausibility of a pancreas segmentation, for the clinician who reads the report: a score computed from a
 * mask that missed or overran the gland means nothing, and these checks say when to look twice.
 *
 * Adult pancreas volume is about 72 mL on average, roughly 40-110 mL, smaller with age (Saisho et al.,
 * Clin Anat 2007;20:933-942); an oedematous gland in acute pancreatitis is larger. Below 20 mL the mask has
 * most likely caught part of the gland only; above 250 mL it has most likely run into bowel, spleen or
 * vessels.
 */
export const PLAUSIBLE_PANCREAS_ML = { min: 20, max: 250 } as const;
/**
 * The pancreas is one organ: when less than 90 % of the mask lies in its largest connected piece, the
 * segmentation split the gland or took in something else (and keeping only the largest piece, as the
 * inference step does, would drop a real part of it).
 */
export const MIN_LARGEST_PIECE_SHARE = 0.9;

export type MaskWarningCode = 'MASK_EMPTY' | 'MASK_SMALL' | 'MASK_LARGE' | 'MASK_FRAGMENTED' | 'MASK_AT_EDGE';

export interface MaskWarning {
  code: MaskWarningCode;
  message: string;
}

export interface MaskReview {
  voxels: number;
  volumeMl: number;
  /** Bounding box in voxels; null for an empty mask. */
  box: Box | null;
  /** Centre of mass in voxel indices; undefined for an empty mask. */
  centroid?: Vec3;
  /** Mask voxels in each plane across i, j and k (index = the plane's voxel index). */
  planeCounts: [Int32Array, Int32Array, Int32Array];
  /** Voxel counts of the connected pieces, largest first. */
  pieces: number[];
  /** Faces of the scanned volume the mask reaches, in words ("inferior", ...). */
  edges: string[];
  warnings: MaskWarning[];
}

/** Faces of the canonical grid (i → right, j → anterior, k → superior): [index 0, last index] per axis. */
const FACES = [
  ['left', 'right'],
  ['posterior', 'anterior'],
  ['inferior', 'superior'],
] as const;

export function reviewMask(mask: Uint8Array, dims: Vec3, spacing: Vec3): MaskReview {
  if (mask.length !== dims[0] * dims[1] * dims[2]) {
    throw new Error(`reviewMask: ${mask.length} mask voxels for a ${dims.join('×')} volume`);
  }
  const planeCounts: [Int32Array, Int32Array, Int32Array] = [
    new Int32Array(dims[0]),
    new Int32Array(dims[1]),
    new Int32Array(dims[2]),
  ];
  const box = maskBoundingBox(mask, dims);
  if (!box) {
    const warnings: MaskWarning[] = [
      { code: 'MASK_EMPTY', message: 'The segmentation is empty: no pancreas was found in this CT.' },
    ];
    return { voxels: 0, volumeMl: 0, box, planeCounts, pieces: [], edges: [], warnings };
  }
  let [si, sj, sk, voxels] = [0, 0, 0, 0];
  const [x0, y0, z0] = box.start;
  const [x1, y1, z1] = box.start.map((s, a) => s + box.size[a]!) as Vec3;
  for (let k = z0; k < z1; k++) {
    for (let j = y0; j < y1; j++) {
      for (let i = x0, p = i + dims[0] * (j + dims[1] * k); i < x1; i++, p++) {
        if (mask[p] === 0) continue;
        voxels++;
        planeCounts[0][i]!++;
        planeCounts[1][j]!++;
        planeCounts[2][k]!++;
        si += i;
        sj += j;
        sk += k;
      }
    }
  }
  const centroid: Vec3 = [si / voxels, sj / voxels, sk / voxels];
  const volumeMl = (voxels * spacing[0] * spacing[1] * spacing[2]) / 1000;
  const pieces = componentSizes(mask, dims, box);
  const edges = [0, 1, 2].flatMap((a) => [
    ...(box.start[a] === 0 ? [FACES[a]![0]] : []),
    ...(box.start[a]! + box.size[a]! === dims[a] ? [FACES[a]![1]] : []),
  ]);
  const warnings = maskWarnings(volumeMl, pieces, edges);
  return { voxels, volumeMl, box, centroid, planeCounts, pieces, edges, warnings };
}

export function maskWarnings(
  volumeMl: number,
  pieces: readonly number[],
  edges: readonly string[],
): MaskWarning[] {
  const warnings: MaskWarning[] = [];
  const ml = volumeMl.toFixed(1);
  const { min, max } = PLAUSIBLE_PANCREAS_ML;
  if (volumeMl < min) {
    warnings.push({
      code: 'MASK_SMALL',
      message: `The segmented pancreas is ${ml} mL, below the plausible ${min} mL: the mask has likely missed part of the gland.`,
    });
  } else if (volumeMl > max) {
    warnings.push({
      code: 'MASK_LARGE',
      message: `The segmented pancreas is ${ml} mL, above the plausible ${max} mL: the mask has likely run into neighbouring organs.`,
    });
  }
  const total = pieces.reduce((s, n) => s + n, 0);
  const share = total > 0 ? pieces[0]! / total : 1;
  if (share < MIN_LARGEST_PIECE_SHARE) {
    warnings.push({
      code: 'MASK_FRAGMENTED',
      message: `The mask is in ${pieces.length} separate pieces; the largest holds ${(share * 100).toFixed(0)} % of it (expected ≥ ${MIN_LARGEST_PIECE_SHARE * 100} %).`,
    });
  }
  if (edges.length > 0) {
    warnings.push({
      code: 'MASK_AT_EDGE',
      message: `The mask reaches the ${edges.join(', ')} edge of the scanned volume: the gland may extend beyond the CT, so its volume and features may cover part of it only.`,
    });
  }
  return warnings;
}
