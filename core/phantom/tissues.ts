/**
 * The tissue labels a phantom is painted with and the Hounsfield units each becomes. Means are typical
 * adult values from standard CT teaching ranges; `contrast` is the portal venous phase (about 70 s after an
 * iodinated bolus), the usual phase for pancreatitis CT (domain/features.md §2).
 */
export const TISSUE = {
  air: 0,
  subcutaneousFat: 1,
  muscle: 2,
  visceralFat: 3,
  corticalBone: 4,
  cancellousBone: 5,
  disc: 6,
  csf: 7,
  artery: 8,
  vein: 9,
  portalVein: 10,
  liver: 11,
  spleen: 12,
  kidney: 13,
  renalSinus: 14,
  gallbladder: 15,
  bowelWall: 16,
  bowelFluid: 17,
  bowelGas: 18,
  stool: 19,
  lung: 20,
  heart: 21,
  pancreas: 22,
  necrosis: 23,
  peripancreaticFluid: 24,
  stranding: 25,
  pleuralEffusion: 26,
} as const;
export type TissueName = keyof typeof TISSUE;
export type Tissue = (typeof TISSUE)[TissueName];

export const TISSUE_NAMES = Object.keys(TISSUE) as TissueName[];
export const TISSUE_COUNT = TISSUE_NAMES.length;

/** A set of tissues as a 32-bit mask (every label is below 32), so "may this paint over that" is one shift. */
export function tissues(...names: TissueName[]): number {
  let bits = 0;
  for (const name of names) bits |= 1 << TISSUE[name];
  return bits >>> 0;
}

/** Plain (unenhanced) CT, HU. */
const PLAIN: Record<TissueName, number> = {
  air: -1000, // air, by definition of the HU scale
  subcutaneousFat: -100, // fat -120…-80
  muscle: 50, // skeletal muscle +40…+60
  visceralFat: -95, // intra-abdominal fat -110…-80
  corticalBone: 800, // cortical bone +500…+1000 (thin cortex: partial volume brings it down)
  cancellousBone: 250, // vertebral cancellous bone +150…+350
  disc: 80, // intervertebral disc +70…+100
  csf: 10, // cerebrospinal fluid 0…+15
  artery: 40, // unenhanced blood +35…+45
  vein: 40, // unenhanced blood +35…+45
  portalVein: 40, // unenhanced blood +35…+45
  liver: 60, // unenhanced liver +55…+65
  spleen: 45, // unenhanced spleen +40…+50
  kidney: 30, // unenhanced renal parenchyma +30…+35
  renalSinus: -90, // renal sinus fat
  gallbladder: 10, // bile 0…+20
  bowelWall: 40, // bowel wall, soft tissue +35…+45
  bowelFluid: 15, // bowel fluid content 0…+20
  bowelGas: -1000, // gas
  stool: -60, // faeces: mottled gas and solids, about -100…0 on average
  lung: -850, // aerated lung bases -900…-800
  heart: 40, // unenhanced blood and myocardium +35…+45
  pancreas: 45, // normal unenhanced pancreas +40…+50
  necrosis: 12, // necrotic, non-enhancing pancreas 0…+20
  peripancreaticFluid: 12, // acute peripancreatic fluid collection 0…+20
  stranding: -25, // inflamed peripancreatic fat, raised from -100 to -40…0
  pleuralEffusion: 15, // simple pleural effusion +10…+20
};

/** Portal venous phase, HU: only enhancing tissues differ from PLAIN. */
const PORTAL_VENOUS: Record<TissueName, number> = {
  ...PLAIN,
  muscle: 60, // mild enhancement +55…+65
  artery: 150, // aorta in the portal venous phase +150…+200
  vein: 130, // IVC and hepatic veins +110…+150
  portalVein: 170, // portal vein, SMV, splenic vein +150…+200
  liver: 110, // liver +100…+120
  spleen: 120, // spleen +110…+130
  kidney: 150, // nephrographic renal parenchyma +140…+180
  bowelWall: 90, // enhancing bowel wall +80…+100
  heart: 140, // enhanced blood pool
  pancreas: 110, // normal enhancing pancreas +100…+130
  necrosis: 20, // non-enhancing necrosis < +30 (how necrosis is defined on CECT)
};

/** Oedematous (interstitial) pancreatitis lowers the gland's attenuation, HU. */
export const OEDEMATOUS_PANCREAS_HU = {
  plain: 25, // interstitial oedema +20…+30 unenhanced
  contrast: 75, // reduced, still homogeneous enhancement
};

/** Mean HU of every label (indexed by label value) for one phase, with an oedematous gland if asked. */
export function huTable(contrast: boolean, oedematous: boolean): Int16Array {
  const source = contrast ? PORTAL_VENOUS : PLAIN;
  const table = new Int16Array(256);
  for (const name of TISSUE_NAMES) table[TISSUE[name]] = source[name];
  if (oedematous)
    table[TISSUE.pancreas] = contrast ? OEDEMATOUS_PANCREAS_HU.contrast : OEDEMATOUS_PANCREAS_HU.plain;
  return table;
}

/** CT numbers are stored with 12 bits plus the -1024 offset: the usual scanner range. */
export const HU_MIN = -1024;
export const HU_MAX = 3071;
