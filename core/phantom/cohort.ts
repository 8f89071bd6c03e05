import type { Vec3 } from '../imaging/volume';
import { LIMITS } from '../input/limits';
import { isSeverePhantom } from './clinical';
import { FIELD_OF_VIEW_MM, generatePhantom, type Phantom } from './generate';
import type { PhantomVariant } from './severity';

/**
 * The variants a trial cohort cycles through, by seed: three of eight severe by isSeverePhantom (necrosis
 * with an effusion, with fluid, and with both), the rest mild or moderately severe look-alikes.
 */
export const COHORT_VARIANTS: readonly (readonly PhantomVariant[])[] = [
  ['necrotising', 'peripancreatic-fluid', 'pleural-effusion'],
  ['normal'],
  ['oedematous'],
  ['necrotising', 'pleural-effusion'],
  ['peripancreatic-fluid'],
  ['necrotising', 'peripancreatic-fluid'],
  ['pleural-effusion'],
  ['necrotising'],
];

/** The grid a trial study folder gets by default: 2 × 2 × 5 mm, small and whole for the demo U-Net. */
export const COHORT_DIMS: Readonly<Vec3> = Object.freeze([128, 128, 24]);
/** Share of the gland a necrotising phantom of the cohort has necrotic (generatePhantom's default). */
const NECROSIS_FRACTION = 0.3;
/** Slice spacing of study folders: the demo models' training grid (200 × 200 × 56 over the field of view). */
const STUDY_SLICE_MM = 5;

/**
 * A voxel size validation accepts for a study folder of `dims`: the field of view divided by dims, capped
 * in plane at LIMITS.maxInPlaneSpacingMm and across slices at 5 mm. generatePhantom's own default stays
 * field of view / dims (tests rely on its bytes at small dims), so only study folders get the cap.
 */
export function studySpacing(dims: Readonly<Vec3>): Vec3 {
  const cap = [LIMITS.maxInPlaneSpacingMm, LIMITS.maxInPlaneSpacingMm, STUDY_SLICE_MM];
  return [0, 1, 2].map((a) => Math.min(FIELD_OF_VIEW_MM[a]! / dims[a]!, cap[a]!)) as Vec3;
}

export interface CohortStudy {
  phantom: Phantom;
  /** The label by isSeverePhantom, 1 = severe (equal to clinical.json's outcome.atlantaSeverity "severe"). */
  sap: 0 | 1;
}

/** The trial cohort's study of one seed: its variants by COHORT_VARIANTS, portal venous phase every third seed. */
export function cohortStudy(seed: number, dims: Readonly<Vec3> = COHORT_DIMS): CohortStudy {
  const variant = COHORT_VARIANTS[seed % COHORT_VARIANTS.length]!;
  const phantom = generatePhantom({
    dims: [...dims] as Vec3,
    spacing: studySpacing(dims),
    seed,
    variant,
    contrast: seed % 3 === 0,
    necrosisFraction: NECROSIS_FRACTION,
  });
  const variants = new Set(variant.filter((v) => v !== 'normal'));
  return { phantom, sap: isSeverePhantom(variants, NECROSIS_FRACTION) ? 1 : 0 };
}
