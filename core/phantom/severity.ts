import type { Vec3 } from '../imaging/volume';
import type { Ellipsoid, LabelCanvas } from './canvas';
import { pancreasPath, pointOf, widened, type PancreasPath } from './pancreas';
import type { Rng } from './rng';
import { TISSUE, tissues } from './tissues';

/** The severity variants of a phantom; they combine (necrotising + fluid + effusion is a severe case). */
export const PHANTOM_VARIANTS = [
  'normal',
  'oedematous',
  'necrotising',
  'peripancreatic-fluid',
  'pleural-effusion',
] as const;
export type PhantomVariant = (typeof PHANTOM_VARIANTS)[number];

/** A severe acute pancreatitis phantom: necrosis, a peripancreatic collection and a pleural effusion. */
export const SEVERE_VARIANTS: readonly PhantomVariant[] = [
  'necrotising',
  'peripancreatic-fluid',
  'pleural-effusion',
];

export type EffusionSide = 'left' | 'right' | 'bilateral';

export interface SeverityOptions {
  variants: ReadonlySet<PhantomVariant>;
  /** Share of the gland (mask) that is necrotic, 0–1, when `necrotising`. */
  necrosisFraction: number;
  effusionSide: EffusionSide;
  /** Height of the effusion's fluid layer above the back of the pleural space, mm. */
  effusionDepthMm: number;
}

/** Peripancreatic collections the `peripancreatic-fluid` variant draws (Balthazar E: two or more). */
export const COLLECTIONS = 3;

/** Enlargement of the gland's radius: interstitial oedema swells it, necrotising pancreatitis less so. */
const ENLARGEMENT = { oedematous: 1.3, necrotising: 1.15 };
/** Width of the band of inflamed (stranded) peripancreatic fat, mm. */
const STRANDING_MM = 14;
/** Largest necrotic focus radius, mm; the last foci shrink so the requested fraction is met closely. */
const NECROSIS_FOCUS_MM = 11;

const FAT = tissues('visceralFat');

/** Parses `variant` options: a name or a list; `normal` stands alone. */
export function variantSet(
  variant: PhantomVariant | readonly PhantomVariant[] | undefined,
): Set<PhantomVariant> {
  const list: readonly PhantomVariant[] =
    variant === undefined ? ['normal'] : typeof variant === 'string' ? [variant] : variant;
  for (const v of list) {
    if (!PHANTOM_VARIANTS.includes(v)) throw new RangeError(`unknown phantom variant ${JSON.stringify(v)}`);
  }
  const set = new Set(list);
  if (set.has('normal') && set.size > 1) {
    throw new RangeError('variant "normal" cannot be combined with others');
  }
  set.delete('normal');
  return set;
}

/** Draws the gland, enlarged for the inflammatory variants. Necrosis, stranding and collections come later. */
export function drawPancreas(
  canvas: LabelCanvas,
  rng: Rng,
  bodyScale: number,
  o: SeverityOptions,
): DrawnPancreas {
  const enlargement = o.variants.has('oedematous')
    ? ENLARGEMENT.oedematous
    : o.variants.has('necrotising')
      ? ENLARGEMENT.necrotising
      : 1;
  const path = pancreasPath(rng, bodyScale, enlargement);
  // Nothing drawn later covers the gland except necrosis, so this count stays the gland's size.
  return { ...path, voxels: canvas.tube(path, TISSUE.pancreas, FAT) };
}

export interface DrawnPancreas extends PancreasPath {
  /** Voxels of the gland. */
  voxels: number;
}

export interface SeverityDrawn {
  necrosisVoxels: number;
  strandingVoxels: number;
  fluidVoxels: number;
  /** Collections that landed in the field of view. */
  fluidCollections: number;
  effusionVoxels: number;
}

/** Paints the variant's findings once every organ is in place (they only cover gland, fat or lung). */
export function drawFindings(
  canvas: LabelCanvas,
  rng: Rng,
  path: DrawnPancreas,
  lungs: { right: readonly Ellipsoid[]; left: readonly Ellipsoid[] },
  o: SeverityOptions,
): SeverityDrawn {
  const drawn: SeverityDrawn = {
    necrosisVoxels: 0,
    strandingVoxels: 0,
    fluidVoxels: 0,
    fluidCollections: 0,
    effusionVoxels: 0,
  };
  if (o.variants.has('necrotising'))
    drawn.necrosisVoxels = drawNecrosis(canvas, rng, path, o.necrosisFraction);
  if (o.variants.has('peripancreatic-fluid')) {
    const sizes = drawCollections(canvas, rng, path);
    drawn.fluidVoxels = sizes.reduce((a, b) => a + b, 0);
    drawn.fluidCollections = sizes.filter((n) => n > 0).length;
  }
  if (o.variants.has('oedematous') || o.variants.has('necrotising')) {
    drawn.strandingVoxels = canvas.tube(widened(path, STRANDING_MM), TISSUE.stranding, FAT);
  }
  if (o.variants.has('pleural-effusion')) {
    const sides = o.effusionSide === 'bilateral' ? [lungs.right, lungs.left] : [lungs[o.effusionSide]];
    for (const parts of sides) {
      // Fluid layers in the dependent (posterior) pleural space of a supine patient, `depth` mm high.
      const yMax = Math.min(...parts.map((e) => e.center[1] - e.radii[1])) + o.effusionDepthMm;
      for (const e of parts) {
        drawn.effusionVoxels += canvas.ellipsoid(
          { ...e, clip: { yMax } },
          TISSUE.pleuralEffusion,
          tissues('lung'),
        );
      }
    }
  }
  return drawn;
}

/**
 * Non-enhancing foci inside the gland until `fraction` of it is necrotic: foci centred on the centre line,
 * shrinking as the target nears so the result lands within a few voxels of it.
 */
function drawNecrosis(canvas: LabelCanvas, rng: Rng, path: DrawnPancreas, fraction: number): number {
  const target = Math.round(path.voxels * fraction);
  const minRadius = Math.min(...canvas.spacing) * 0.6;
  let necrotic = 0;
  for (let attempt = 0; necrotic < target && attempt < 4000; attempt++) {
    const n = rng.int(0, path.points.length - 1);
    const p = path.points[n]!;
    const r = path.radii[n]!;
    const remainingMm3 = (target - necrotic) * canvas.voxelMl * 1000;
    const fit = Math.cbrt((remainingMm3 * 3) / (4 * Math.PI));
    const radius = Math.max(minRadius, Math.min(NECROSIS_FOCUS_MM, fit, r));
    const center: Vec3 = [
      p[0] + rng.between(-0.5, 0.5) * r,
      p[1] + rng.between(-0.5, 0.5) * r,
      p[2] + rng.between(-0.5, 0.5) * r,
    ];
    necrotic += canvas.ellipsoid(
      { center, radii: [radius, radius, radius] },
      TISSUE.necrosis,
      tissues('pancreas'),
    );
  }
  return necrotic;
}

/** Acute peripancreatic fluid: lesser sac in front of the body, left anterior pararenal space, right of the head. */
function drawCollections(canvas: LabelCanvas, rng: Rng, path: PancreasPath): number[] {
  const body = pointOf(path, 'body');
  const tail = pointOf(path, 'tail');
  const head = pointOf(path, 'head');
  const j = () => rng.between(-3, 3);
  const spaces = tissues('visceralFat', 'stranding');
  const collections: Ellipsoid[] = [
    {
      center: [body.at[0] + j(), body.at[1] + body.radius + 13, body.at[2] + 6 + j()],
      radii: [34, 11, 26],
      yaw: 12,
    },
    { center: [tail.at[0] - 6 + j(), tail.at[1] + 10, tail.at[2] - 28 + j()], radii: [20, 13, 34], yaw: -25 },
    { center: [head.at[0] + 14 + j(), head.at[1] + 20, head.at[2] - 14 + j()], radii: [16, 10, 24] },
  ];
  return collections.map((c) => canvas.ellipsoid(c, TISSUE.peripancreaticFluid, spaces));
}
