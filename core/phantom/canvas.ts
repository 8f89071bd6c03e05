import type { Affine, Vec3 } from '../imaging/volume';

/** An axis-aligned limit in world millimetres (RAS+); a shape is drawn only inside it. */
export interface Clip {
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
  zMin?: number;
  zMax?: number;
}

export interface Ellipsoid {
  center: Vec3;
  /** Semi-axes in mm, before rotation. Use a huge value (1e9) for a cylinder along that axis. */
  radii: Vec3;
  /** Rotation about z (degrees, x toward y), applied after `tilt`. */
  yaw?: number;
  /** Rotation about y (degrees, z toward x): tilts a long axis in the coronal plane. */
  tilt?: number;
  clip?: Clip;
}

/** A tube through `points` whose radius goes linearly from one point's radius to the next. */
export interface Tube {
  points: readonly Vec3[];
  radii: readonly number[];
  clip?: Clip;
}

/**
 * A label volume on the canonical grid (axis-aligned, i → right, j → anterior, k → superior) that shapes
 * are painted onto. Each paint names the labels it may cover (a bit mask from `tissues()`), so organs are
 * clipped by what was painted before them. Ellipsoids are filled by analytic row spans and tubes by
 * bounding boxes: no per-voxel trigonometry, so 512×512×300 stays fast.
 */
export class LabelCanvas {
  readonly labels: Uint8Array;

  constructor(
    readonly dims: Vec3,
    readonly spacing: Vec3,
    /** World position of voxel (0, 0, 0), mm. */
    readonly origin: Vec3,
  ) {
    this.labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  }

  get affine(): Affine {
    const [sx, sy, sz] = this.spacing;
    const [ox, oy, oz] = this.origin;
    return [sx, 0, 0, ox, 0, sy, 0, oy, 0, 0, sz, oz, 0, 0, 0, 1];
  }

  get voxelMl(): number {
    return (this.spacing[0] * this.spacing[1] * this.spacing[2]) / 1000;
  }

  /** First and last index along `axis` whose world coordinate lies in [lo, hi] (may be an empty range). */
  range(axis: 0 | 1 | 2, lo: number, hi: number): [number, number] {
    const s = this.spacing[axis];
    const o = this.origin[axis];
    const first = Math.max(0, Math.ceil((lo - o) / s - 1e-9));
    const last = Math.min(this.dims[axis] - 1, Math.floor((hi - o) / s + 1e-9));
    return [first, last];
  }

  /** Paints `label` over the voxels inside the ellipsoid whose label is in `onto`; returns how many changed. */
  ellipsoid(shape: Ellipsoid, label: number, onto: number): number {
    const r = rotation(shape.yaw ?? 0, shape.tilt ?? 0);
    const [a0, a1, a2] = shape.radii;
    const inv = [1 / (a0 * a0), 1 / (a1 * a1), 1 / (a2 * a2)];
    const extent = (w: number) => Math.hypot(r[w * 3]! * a0, r[w * 3 + 1]! * a1, r[w * 3 + 2]! * a2);
    const [cx, cy, cz] = shape.center;
    const c = shape.clip ?? {};
    const [k0, k1] = this.range(
      2,
      Math.max(cz - extent(2), c.zMin ?? -Infinity),
      Math.min(cz + extent(2), c.zMax ?? Infinity),
    );
    const [j0, j1] = this.range(
      1,
      Math.max(cy - extent(1), c.yMin ?? -Infinity),
      Math.min(cy + extent(1), c.yMax ?? Infinity),
    );
    const [nx, ny] = this.dims;
    const [sx, sy, sz] = this.spacing;
    const [ox, oy, oz] = this.origin;
    // Along a row (fixed y, z) the ellipsoid's quadratic form is A·dx² + 2B·dx + C: solve for the span.
    let A = 0;
    for (let m = 0; m < 3; m++) A += r[m]! * r[m]! * inv[m]!;
    let changed = 0;
    for (let k = k0; k <= k1; k++) {
      const dz = oz + k * sz - cz;
      for (let j = j0; j <= j1; j++) {
        const dy = oy + j * sy - cy;
        let B = 0;
        let C = 0;
        for (let m = 0; m < 3; m++) {
          const s = r[3 + m]! * dy + r[6 + m]! * dz;
          B += r[m]! * s * inv[m]!;
          C += s * s * inv[m]!;
        }
        const disc = B * B - A * (C - 1);
        if (disc < 0) continue;
        const root = Math.sqrt(disc);
        const lo = Math.max(cx + (-B - root) / A, c.xMin ?? -Infinity);
        const hi = Math.min(cx + (-B + root) / A, c.xMax ?? Infinity);
        const i0 = Math.max(0, Math.ceil((lo - ox) / sx));
        const i1 = Math.min(nx - 1, Math.floor((hi - ox) / sx));
        const row = nx * (j + ny * k);
        for (let i = i0; i <= i1; i++) {
          const cur = this.labels[row + i]!;
          if (cur !== label && (onto >>> cur) & 1) {
            this.labels[row + i] = label;
            changed++;
          }
        }
      }
    }
    return changed;
  }

  /** Paints `label` over the voxels inside the tube whose label is in `onto`; returns how many changed. */
  tube(shape: Tube, label: number, onto: number): number {
    let changed = 0;
    for (let n = 0; n + 1 < shape.points.length; n++) {
      changed += this.segment(
        shape.points[n]!,
        shape.points[n + 1]!,
        shape.radii[n]!,
        shape.radii[n + 1]!,
        shape.clip ?? {},
        label,
        onto,
      );
    }
    return changed;
  }

  private segment(p: Vec3, q: Vec3, rp: number, rq: number, c: Clip, label: number, onto: number): number {
    const d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]] as const;
    const len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] || 1e-12;
    const rMax = Math.max(rp, rq);
    const lo = (w: 0 | 1 | 2) => Math.min(p[w], q[w]) - rMax;
    const hi = (w: 0 | 1 | 2) => Math.max(p[w], q[w]) + rMax;
    const [i0, i1] = this.range(0, Math.max(lo(0), c.xMin ?? -Infinity), Math.min(hi(0), c.xMax ?? Infinity));
    const [j0, j1] = this.range(1, Math.max(lo(1), c.yMin ?? -Infinity), Math.min(hi(1), c.yMax ?? Infinity));
    const [k0, k1] = this.range(2, Math.max(lo(2), c.zMin ?? -Infinity), Math.min(hi(2), c.zMax ?? Infinity));
    const [nx, ny] = this.dims;
    const [sx, sy, sz] = this.spacing;
    const [ox, oy, oz] = this.origin;
    let changed = 0;
    for (let k = k0; k <= k1; k++) {
      const vz = oz + k * sz - p[2];
      for (let j = j0; j <= j1; j++) {
        const vy = oy + j * sy - p[1];
        const row = nx * (j + ny * k);
        for (let i = i0; i <= i1; i++) {
          const vx = ox + i * sx - p[0];
          let t = (vx * d[0] + vy * d[1] + vz * d[2]) / len2;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const ex = vx - t * d[0];
          const ey = vy - t * d[1];
          const ez = vz - t * d[2];
          const radius = rp + t * (rq - rp);
          if (ex * ex + ey * ey + ez * ez > radius * radius) continue;
          const cur = this.labels[row + i]!;
          if (cur !== label && (onto >>> cur) & 1) {
            this.labels[row + i] = label;
            changed++;
          }
        }
      }
    }
    return changed;
  }
}

/** Row-major 3×3 rotation Rz(yaw)·Ry(tilt). */
function rotation(yawDeg: number, tiltDeg: number): number[] {
  const a = (yawDeg * Math.PI) / 180;
  const b = (tiltDeg * Math.PI) / 180;
  const [ca, sa, cb, sb] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b)];
  // Rz = [[ca,-sa,0],[sa,ca,0],[0,0,1]], Ry = [[cb,0,sb],[0,1,0],[-sb,0,cb]]
  return [ca * cb, -sa, ca * sb, sa * cb, ca, sa * sb, -sb, 0, cb];
}
