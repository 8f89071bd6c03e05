import type { Vec3 } from '../imaging/volume';
import type { Tube } from './canvas';
import type { Rng } from './rng';

/**
 * The pancreas as a tube along a smooth centre line, in canonical RAS+ millimetres (x → patient's right,
 * y → anterior, z → superior; z = 0 at the L1–L2 level). The head lies in the duodenal C-loop right of the
 * midline, anterior to the IVC; the neck passes in front of the SMV; the body crosses anterior to the SMA
 * and aorta; the tail rises toward the splenic hilum. About 60–90 mL for a normal adult gland.
 */
const CONTROL: readonly { at: Vec3; radius: number; part: PancreasPart }[] = [
  { at: [27, -6, -40], radius: 10, part: 'head' }, // uncinate process
  { at: [31, -2, -24], radius: 15, part: 'head' },
  { at: [21, 9, -11], radius: 12, part: 'head' },
  { at: [5, 18, -5], radius: 9, part: 'neck' }, // in front of the SMV–portal confluence
  { at: [-20, 17, 0], radius: 10.5, part: 'body' }, // in front of the SMA and aorta
  { at: [-50, 5, 6], radius: 10, part: 'body' },
  { at: [-74, -11, 12], radius: 9, part: 'tail' },
  { at: [-89, -24, 17], radius: 6.5, part: 'tail' }, // at the splenic hilum
];

export type PancreasPart = 'head' | 'neck' | 'body' | 'tail';

export interface PancreasPath extends Tube {
  parts: readonly PancreasPart[];
}

/** Samples per control-point interval of the Catmull–Rom centre line. */
const STEPS = 4;

/**
 * The centre line for one patient: control points jittered a few mm and scaled in-plane with the body;
 * radii get a seeded lobulation of ±8 % per sample and are multiplied by `enlargement` (oedema).
 */
export function pancreasPath(rng: Rng, bodyScale: number, enlargement: number): PancreasPath {
  const control = CONTROL.map((c) => ({
    at: [
      c.at[0] * bodyScale + rng.between(-3, 3),
      c.at[1] * bodyScale + rng.between(-3, 3),
      c.at[2] + rng.between(-3, 3),
    ] as Vec3,
    radius: c.radius * rng.between(0.92, 1.08),
    part: c.part,
  }));
  const points: Vec3[] = [];
  const radii: number[] = [];
  const parts: PancreasPart[] = [];
  for (let n = 0; n + 1 < control.length; n++) {
    const p0 = control[Math.max(0, n - 1)]!;
    const p1 = control[n]!;
    const p2 = control[n + 1]!;
    const p3 = control[Math.min(control.length - 1, n + 2)]!;
    const last = n + 2 === control.length;
    for (let s = 0; s < STEPS + (last ? 1 : 0); s++) {
      const t = s / STEPS;
      points.push([0, 1, 2].map((w) => catmullRom(p0.at[w]!, p1.at[w]!, p2.at[w]!, p3.at[w]!, t)) as Vec3);
      const lobulation = rng.between(0.92, 1.08);
      radii.push((p1.radius + (p2.radius - p1.radius) * t) * lobulation * enlargement);
      parts.push(t < 0.5 ? p1.part : p2.part);
    }
  }
  return { points, radii, parts };
}

function catmullRom(p0: number, p1: number, p2: number, p3: number, t: number): number {
  const t2 = t * t;
  const t3 = t2 * t;
  return (
    0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (3 * p1 - p0 - 3 * p2 + p3) * t3)
  );
}

/** The tube widened by `mm` at every sample (the peripancreatic fat band that oedema inflames). */
export function widened(path: Tube, mm: number): Tube {
  return { points: path.points, radii: path.radii.map((r) => r + mm) };
}

/** The centre-line sample nearest the middle of `part`. */
export function pointOf(path: PancreasPath, part: PancreasPart): { at: Vec3; radius: number } {
  const indices = path.parts.flatMap((p, n) => (p === part ? [n] : []));
  const n = indices[Math.floor(indices.length / 2)] ?? 0;
  return { at: path.points[n]!, radius: path.radii[n]! };
}
