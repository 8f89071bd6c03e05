import type { Affine, Vec3, Volume } from '../imaging/volume';
import { drawAnatomy } from './anatomy';
import { LabelCanvas } from './canvas';
import { phantomClinical, type PhantomClinical } from './clinical';
import { phantomPatient, type PhantomPatient } from './patient';
import { renderHu } from './render';
import { createRng } from './rng';
import {
  COLLECTIONS,
  drawFindings,
  drawPancreas,
  variantSet,
  type EffusionSide,
  type PhantomVariant,
  type SeverityOptions,
} from './severity';
import { TISSUE, TISSUE_NAMES, huTable, type TissueName } from './tissues';

export interface PhantomOptions {
  /** Voxels along i, j, k. Default 96×96×64 (fast, for tests); the benchmark uses 512×512×300. */
  dims?: Vec3;
  /** Voxel size in mm. Default: the field of view (FIELD_OF_VIEW_MM) divided by dims. */
  spacing?: Vec3;
  /** Any safe integer; the same seed gives byte-identical output. Default 1. */
  seed?: number;
  /** One variant or several combined. Default `normal`. */
  variant?: PhantomVariant | readonly PhantomVariant[];
  /** Portal venous phase contrast enhancement. Default false (unenhanced). */
  contrast?: boolean;
  /** Share of the gland that is necrotic when `necrotising`, 0–1. Default 0.3. */
  necrosisFraction?: number;
  /** Where a pleural effusion is. Default `bilateral`. */
  effusionSide?: EffusionSide;
  /** Depth of the effusion's fluid layer in the back of the pleural space, mm. Default 30. */
  effusionDepthMm?: number;
  /** Image noise standard deviation, HU. Default 12. */
  noiseSigma?: number;
}

/** The default field of view, mm: a 400 mm abdominal FOV from the lung bases to the iliac crests. */
export const FIELD_OF_VIEW_MM: Readonly<Vec3> = Object.freeze([400, 400, 280]);
export const DEFAULT_DIMS: Readonly<Vec3> = Object.freeze([96, 96, 64]);
/** Anatomical z (0 = the L1–L2 level, the pancreas) at the centre of the field of view, mm. */
const FOV_CENTRE_Z = -10;

export interface PhantomMask {
  dims: Vec3;
  affine: Affine;
  /** 1 = pancreas (the ground-truth segmentation, necrosis included), 0 elsewhere. */
  data: Uint8Array;
}

export interface PhantomDescription {
  seed: number;
  variants: PhantomVariant[];
  contrast: boolean;
  dims: Vec3;
  spacing: Vec3;
  noiseSigmaHu: number;
  patient: PhantomPatient;
  /** Tissues present in the volume (label name → voxel count > 0). */
  organs: TissueName[];
  /** Volume of every tissue drawn, mL. */
  tissueVolumesMl: Partial<Record<TissueName, number>>;
  /** Mean HU each tissue was drawn with, before noise and smoothing. */
  tissueHu: Record<TissueName, number>;
  /** Volume of the ground-truth mask, mL. */
  pancreasVolumeMl: number;
  /** Necrotic share of the mask (0 unless `necrotising`), as drawn. */
  necrosisFraction: number;
  necrosisVolumeMl: number;
  peripancreaticFluidMl: number;
  collections: number;
  stranding: boolean;
  /** Whether the patient has a pleural effusion (also true when the lung bases are outside the field of view). */
  pleuralEffusion: boolean;
  pleuralEffusionMl: number;
  effusionSide?: EffusionSide;
  lungBasesInView: boolean;
}

export interface Phantom {
  volume: Volume;
  mask: PhantomMask;
  /** Tissue label of every voxel (values of TISSUE), on the volume's grid. */
  labels: Uint8Array;
  clinical: PhantomClinical;
  description: PhantomDescription;
}

/**
 * A synthetic abdominal CT with a known pancreas: canonical orientation (i → right, j → anterior,
 * k → superior, RAS+ affine), int16 HU, seeded and deterministic. Anatomy and the clinical record depend on
 * the seed and variant only, not on the grid, so the same patient can be drawn at any resolution.
 */
export function generatePhantom(options: PhantomOptions = {}): Phantom {
  const { seed, dims, spacing, variants, severity, contrast, noiseSigma } = resolveOptions(options);
  // World (0, 0, FOV_CENTRE_Z) at the centre of the grid.
  const origin = [0, 1, 2].map(
    (a) => -((dims[a]! - 1) / 2) * spacing[a]! + (a === 2 ? FOV_CENTRE_Z : 0),
  ) as Vec3;
  const canvas = new LabelCanvas(dims, spacing, origin);
  const patient = phantomPatient(seed);
  const anatomyRng = createRng(seed, 'anatomy');
  const findingsRng = createRng(seed, 'findings');
  const pancreasRng = createRng(seed, 'pancreas');
  // The gland is drawn among the vessels and duodenum, before the organs that could crowd it.
  const anatomy = drawAnatomy(canvas, patient, anatomyRng, () =>
    drawPancreas(canvas, pancreasRng, patient.bodyScale, severity),
  );
  const drawn = drawFindings(canvas, findingsRng, anatomy.inner, anatomy.lungs, severity);

  const table = huTable(contrast, variants.has('oedematous'));
  const data = renderHu(canvas.labels, dims, table, noiseSigma, seed);
  const affine = canvas.affine;
  const labels = canvas.labels;
  const mask = new Uint8Array(labels.length);
  const hist = new Float64Array(256);
  for (let n = 0; n < labels.length; n++) {
    const l = labels[n]!;
    hist[l]!++;
    if (l === TISSUE.pancreas || l === TISSUE.necrosis) mask[n] = 1;
  }
  const ml = (count: number) => round(count * canvas.voxelMl, 2);
  const tissueVolumesMl: Partial<Record<TissueName, number>> = {};
  const tissueHu = {} as Record<TissueName, number>;
  const organs: TissueName[] = [];
  for (const name of TISSUE_NAMES) {
    tissueHu[name] = table[TISSUE[name]]!;
    const count = hist[TISSUE[name]]!;
    if (count > 0) {
      organs.push(name);
      tissueVolumesMl[name] = ml(count);
    }
  }
  const gland = hist[TISSUE.pancreas]! + hist[TISSUE.necrosis]!;
  const necrosis = hist[TISSUE.necrosis]!;
  const description: PhantomDescription = {
    seed,
    variants: variants.size === 0 ? ['normal'] : [...variants],
    contrast,
    dims: [...dims],
    spacing: [...spacing],
    noiseSigmaHu: noiseSigma,
    patient,
    organs,
    tissueVolumesMl,
    tissueHu,
    pancreasVolumeMl: ml(gland),
    necrosisFraction: gland > 0 ? round(necrosis / gland, 4) : 0,
    necrosisVolumeMl: ml(necrosis),
    peripancreaticFluidMl: ml(hist[TISSUE.peripancreaticFluid]!),
    collections: drawn.fluidCollections,
    stranding: hist[TISSUE.stranding]! > 0,
    pleuralEffusion: variants.has('pleural-effusion'),
    pleuralEffusionMl: ml(hist[TISSUE.pleuralEffusion]!),
    ...(variants.has('pleural-effusion') ? { effusionSide: severity.effusionSide } : {}),
    lungBasesInView: hist[TISSUE.lung]! + hist[TISSUE.pleuralEffusion]! > 0,
  };
  const clinical = phantomClinical({
    seed,
    patient,
    variants,
    necrosisFraction: severity.necrosisFraction,
    collections: variants.has('peripancreatic-fluid') ? COLLECTIONS : 0,
  });
  return {
    volume: { dims: [...dims], spacing: [...spacing], affine, data },
    mask: { dims: [...dims], affine: [...affine], data: mask },
    labels,
    clinical,
    description,
  };
}

/** Options with their defaults, checked. */
function resolveOptions(options: PhantomOptions) {
  const seed = options.seed ?? 1;
  const dims = [...(options.dims ?? DEFAULT_DIMS)] as Vec3;
  if (dims.length !== 3 || !dims.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`dims must be three positive integers, got ${dims.join('×')}`);
  }
  const spacing = [...(options.spacing ?? FIELD_OF_VIEW_MM.map((fov, a) => fov / dims[a]!))] as Vec3;
  if (spacing.length !== 3 || !spacing.every((s) => s > 0 && Number.isFinite(s))) {
    throw new RangeError(`spacing must be three positive numbers, got ${spacing.join('×')}`);
  }
  const variants = variantSet(options.variant);
  const severity: SeverityOptions = {
    variants,
    necrosisFraction: options.necrosisFraction ?? 0.3,
    effusionSide: options.effusionSide ?? 'bilateral',
    effusionDepthMm: options.effusionDepthMm ?? 30,
  };
  if (!(severity.necrosisFraction >= 0 && severity.necrosisFraction <= 1)) {
    throw new RangeError(`necrosisFraction must be in [0, 1], got ${severity.necrosisFraction}`);
  }
  if (!(severity.effusionDepthMm > 0 && severity.effusionDepthMm <= 150)) {
    throw new RangeError(`effusionDepthMm must be in (0, 150], got ${severity.effusionDepthMm}`);
  }
  const noiseSigma = options.noiseSigma ?? 12;
  if (!(noiseSigma >= 0 && noiseSigma <= 200)) {
    throw new RangeError(`noiseSigma must be in [0, 200] HU, got ${noiseSigma}`);
  }
  return { seed, dims, spacing, variants, severity, contrast: options.contrast ?? false, noiseSigma };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
