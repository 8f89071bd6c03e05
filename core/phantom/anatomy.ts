import type { Vec3 } from '../imaging/volume';
import type { Ellipsoid, LabelCanvas } from './canvas';
import type { PhantomPatient } from './patient';
import type { Rng } from './rng';
import { TISSUE, tissues } from './tissues';

/**
 * Normal abdominal anatomy in canonical RAS+ millimetres: x → patient's right (liver at +x, spleen at −x),
 * y → anterior, z → superior, z = 0 at the L1–L2 level (the pancreas). Shapes are painted in order; each
 * only covers the labels it names, so later organs are clipped by earlier ones and by the body wall.
 * Dimensions are typical adult values (liver about 16 cm craniocaudal, kidneys 11 cm, aorta 2.2 cm).
 */
export interface Anatomy<Inner> {
  /** Each lung as ellipsoids (the base and its posterior recess): the pleural space an effusion fills. */
  lungs: { right: Ellipsoid[]; left: Ellipsoid[] };
  /** What `beforeOrgans` returned. */
  inner: Inner;
}

const ANY = 0xffffffff;
const FAT = tissues('visceralFat');
const WALL = tissues('subcutaneousFat', 'muscle', 'visceralFat');
const T = TISSUE;
/** A z-axis semi-axis long enough to be a cylinder through the whole field of view. */
const LONG = 1e9;

/**
 * Draws the body, spine, vessels, kidneys and duodenum, then calls `beforeOrgans` (which draws the pancreas
 * into the space they leave), then the solid and hollow organs, heart and lung bases.
 */
export function drawAnatomy<Inner>(
  canvas: LabelCanvas,
  patient: PhantomPatient,
  rng: Rng,
  beforeOrgans: () => Inner,
): Anatomy<Inner> {
  const s = patient.bodyScale;
  /** A landmark scaled in-plane with the body and jittered by up to `jitter` mm. */
  const at = (x: number, y: number, z: number, jitter = 2): Vec3 => [
    x * s + rng.between(-jitter, jitter),
    y * s + rng.between(-jitter, jitter),
    z + rng.between(-jitter, jitter),
  ];
  const cavity = { a: 125 * s, b: 86 * s };
  const wallMm = 12;

  // Body outline: subcutaneous fat, the muscular wall, the abdominal cavity (visceral fat until filled).
  const grow = wallMm + patient.fatMm;
  const cyl = (a: number, b: number): Ellipsoid => ({ center: [0, 0, 0], radii: [a, b, LONG] });
  canvas.ellipsoid(cyl(cavity.a + grow, cavity.b + grow), T.subcutaneousFat, ANY);
  canvas.ellipsoid(cyl(cavity.a + wallMm, cavity.b + wallMm), T.muscle, ANY);
  canvas.ellipsoid(cyl(cavity.a, cavity.b), T.visceralFat, ANY);

  drawSpine(canvas, s);
  drawRibs(canvas, cavity.a + wallMm / 2, cavity.b + wallMm / 2);

  // Great vessels: aorta left of the midline in front of the spine, IVC on the right (RAS+: right = +x).
  const aortaTop = at(-14, -14, 160);
  const bifurcation = at(-10, -16, -115);
  canvas.tube({ points: [aortaTop, bifurcation], radii: [11.5, 9.5] }, T.artery, FAT);
  for (const side of [1, -1]) {
    canvas.tube({ points: [bifurcation, at(45 * side, -8, -170)], radii: [6, 5.5] }, T.artery, FAT);
  }
  canvas.tube({ points: [at(22, -14, 160), at(18, -18, -120)], radii: [11, 11] }, T.vein, FAT);
  const celiac = at(-13, 10, 24);
  canvas.tube({ points: [at(-13, -6, 22), celiac], radii: [3.5, 3.5] }, T.artery, FAT); // celiac trunk
  canvas.tube({ points: [celiac, at(-45, 2, 22), at(-80, -26, 28)], radii: [3, 3, 3] }, T.artery, FAT); // splenic a.
  const sma = [at(-12, -6, 6), at(-8, 8, -14), at(-6, 10, -120)];
  canvas.tube({ points: sma, radii: [4, 4, 3.5] }, T.artery, FAT);
  // Portal system: SMV up behind the pancreatic neck, the portal vein to the liver hilum, the splenic vein.
  const confluence = at(5, 2, -8, 1);
  canvas.tube({ points: [at(5, 6, -120), confluence], radii: [5.5, 6.5] }, T.portalVein, FAT);
  canvas.tube({ points: [confluence, at(38, 5, 38)], radii: [7, 7] }, T.portalVein, FAT);
  const splenicVein = [confluence, at(-30, -1, 0), at(-60, -15, 8), at(-82, -32, 24)];
  canvas.tube({ points: splenicVein, radii: [5, 4.5, 4.5, 4] }, T.portalVein, FAT);

  // Kidneys: the right one lower (under the liver), hila facing anteromedially, upper poles medial.
  for (const side of [1, -1]) {
    const center = at(68 * side, -40, side > 0 ? -38 : -22, 3);
    const kidney = { center, radii: [24, 29, 55] as Vec3, yaw: -30 * side, tilt: -10 * side };
    canvas.ellipsoid(kidney, T.kidney, FAT);
    const sinus: Vec3 = [center[0] - 9 * side, center[1] + 4, center[2]];
    canvas.ellipsoid({ ...kidney, center: sinus, radii: [8, 11, 28] }, T.renalSinus, tissues('kidney'));
  }
  drawHollow(canvas, {
    // Duodenum: D1 from the pylorus, D2 descending lateral to the pancreatic head, D3 across, D4 up to Treitz.
    points: [at(18, 40, 18), at(45, 18, 8), at(56, -4, -6), at(56, -4, -44), at(22, 6, -58), at(-18, 8, -52)],
    radius: 11,
    wall: 3,
    content: T.bowelFluid,
    gas: 0.5,
  });
  const inner = beforeOrgans();
  return { lungs: drawUpperOrgans(canvas, at, s, rng), inner };
}

/** Liver, gallbladder, spleen, stomach, colon, small bowel, heart and lung bases. */
function drawUpperOrgans(
  canvas: LabelCanvas,
  at: (x: number, y: number, z: number, j?: number) => Vec3,
  s: number,
  rng: Rng,
) {
  const u = () => rng.between(-1, 1);
  const liverRight: Ellipsoid = { center: at(70, 5, 50, 4), radii: [68 * s, 76 * s, 86] };
  const liverLeft: Ellipsoid = { center: at(-12, 40, 66, 4), radii: [55 * s, 30 * s, 36], yaw: -10 };
  canvas.ellipsoid({ center: at(50, 44, 4), radii: [14, 17, 34], yaw: 20, tilt: 15 }, T.gallbladder, FAT);
  canvas.ellipsoid(liverRight, T.liver, FAT);
  canvas.ellipsoid(liverLeft, T.liver, FAT);
  const hepaticVeinsEnd = at(20, -8, 122);
  for (const tip of [at(105, 10, 100), at(60, 45, 110), at(5, 50, 105)]) {
    canvas.tube({ points: [tip, hepaticVeinsEnd], radii: [3, 5] }, T.vein, tissues('liver'));
  }
  canvas.ellipsoid({ center: at(-88, -38, 45, 4), radii: [26, 52, 56], yaw: -35, tilt: 10 }, T.spleen, FAT);
  // Stomach: a wall, fluid lying dependent (posterior: the patient is supine) and air anteriorly.
  const stomach: Ellipsoid = { center: at(-40, 40, 58, 4), radii: [40, 32, 50], yaw: 20 };
  canvas.ellipsoid(stomach, T.bowelWall, FAT);
  const lumen = { ...stomach, radii: [36, 28, 46] as Vec3 };
  canvas.ellipsoid(lumen, T.bowelFluid, tissues('bowelWall'));
  canvas.ellipsoid({ ...lumen, clip: { yMin: stomach.center[1] + 6 } }, T.bowelGas, tissues('bowelFluid'));
  drawHollow(canvas, {
    // Colon: ascending, hepatic flexure, transverse, splenic flexure, descending.
    points: [
      at(92, 15, -150),
      at(92, 15, -50),
      at(80, 45, -32),
      at(40, 64, -42),
      at(-40, 64, -36),
      at(-86, 35, -18),
      at(-93, 5, -45),
      at(-93, 5, -150),
    ],
    radius: 20,
    wall: 2.5,
    content: T.stool,
    gas: 0.6,
  });
  for (let n = 0; n < 12; n++) {
    // Small-bowel loops in the lower abdomen: fluid-filled, some with a gas bubble.
    const c = at(u() * 65, 10 + u() * 55, -105 + u() * 40, 0);
    const bend: Vec3 = [u() * 20, u() * 15, u() * 15];
    const ends: Vec3[] = [
      [c[0] - 18 + bend[0], c[1] + bend[1], c[2] - 6],
      c,
      [c[0] + 18, c[1] - bend[1], c[2] + 6 + bend[2]],
    ];
    drawHollow(canvas, {
      points: ends,
      radius: 12,
      wall: 2.5,
      content: T.bowelFluid,
      gas: n % 3 === 0 ? 0.5 : 0,
    });
  }
  canvas.ellipsoid({ center: at(-15, 38, 165), radii: [62, 46, 50], yaw: -20 }, T.heart, FAT);
  // Lung bases above the diaphragm: what the liver, stomach, spleen and heart leave of the upper cavity,
  // reaching lowest in the posterior costophrenic recesses.
  const lung = (side: number): Ellipsoid[] => [
    { center: at(70 * side, -5, 205), radii: [70 * s, 85 * s, 155] },
    { center: at(75 * side, -50, 150), radii: [50 * s, 30 * s, 110] },
  ];
  const lungs = { right: lung(1), left: lung(-1) };
  for (const part of [...lungs.right, ...lungs.left]) canvas.ellipsoid(part, T.lung, FAT);
  return lungs;
}

/** Vertebral column: bodies with a cortical shell and discs every 36 mm, canal, laminae and spinous process. */
function drawSpine(canvas: LabelCanvas, s: number) {
  const y = -45 * s;
  const body = (r: number, clip?: { zMin: number; zMax: number }): Ellipsoid => ({
    center: [0, y, 0],
    radii: [r, r * 0.85, LONG],
    clip,
  });
  const muscles = tissues('subcutaneousFat', 'muscle', 'visceralFat');
  for (const side of [1, -1]) {
    // Erector spinae beside the posterior elements; psoas beside the lower vertebral bodies.
    canvas.ellipsoid({ center: [36 * side, y - 42, 0], radii: [24, 19, LONG] }, T.muscle, muscles);
    canvas.ellipsoid(
      { center: [34 * side, y + 4, -180], radii: [21, 19, 175], tilt: 6 * side },
      T.muscle,
      FAT,
    );
  }
  canvas.ellipsoid(body(20), T.corticalBone, ANY);
  canvas.ellipsoid(body(17), T.cancellousBone, ANY);
  for (let z = -148; z < 200; z += 36) canvas.ellipsoid(body(20, { zMin: z, zMax: z + 7 }), T.disc, ANY);
  canvas.ellipsoid({ center: [0, y - 30, 0], radii: [17, 13, LONG] }, T.corticalBone, ANY);
  canvas.ellipsoid({ center: [0, y - 29, 0], radii: [8, 7, LONG] }, T.csf, ANY);
  canvas.ellipsoid({ center: [0, y - 50, 0], radii: [5, 11, LONG] }, T.corticalBone, ANY);
}

/** Ribs 7–12 as tubes along the body wall, sloping down anteriorly; the lowest are short (floating ribs). */
function drawRibs(canvas: LabelCanvas, a: number, b: number) {
  const levels = [
    { z: 135, from: -80, to: 60 },
    { z: 110, from: -80, to: 55 },
    { z: 85, from: -80, to: 45 },
    { z: 60, from: -80, to: 30 },
    { z: 35, from: -80, to: 0 },
    { z: 10, from: -80, to: -30 },
  ];
  for (const level of levels) {
    for (const side of [1, -1]) {
      const points: Vec3[] = [];
      for (let n = 0; n <= 8; n++) {
        const deg = level.from + ((level.to - level.from) * n) / 8;
        const t = (deg * Math.PI) / 180;
        points.push([side * a * Math.cos(t), b * Math.sin(t), level.z - 45 * (n / 8)]);
      }
      canvas.tube({ points, radii: points.map(() => 5) }, T.corticalBone, WALL);
    }
  }
}

interface Hollow {
  points: Vec3[];
  radius: number;
  wall: number;
  content: number;
  /** Fraction of the lumen radius that holds gas on the anterior side (the non-dependent side); 0 = none. */
  gas: number;
}

/** A hollow viscus: wall, content, and gas floating anteriorly. Covers only visceral fat. */
function drawHollow(canvas: LabelCanvas, h: Hollow) {
  const radii = (r: number) => h.points.map(() => r);
  canvas.tube({ points: h.points, radii: radii(h.radius) }, T.bowelWall, FAT);
  const lumen = h.radius - h.wall;
  canvas.tube({ points: h.points, radii: radii(lumen) }, h.content, tissues('bowelWall'));
  if (h.gas <= 0) return;
  const shift = lumen * (1 - h.gas);
  const up = h.points.map((p): Vec3 => [p[0], p[1] + shift, p[2]]);
  canvas.tube({ points: up, radii: radii(lumen * h.gas * 1.2) }, T.bowelGas, 1 << h.content);
}
