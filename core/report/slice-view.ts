import type { Volume } from '../imaging/volume';
import type { IndexedImage, Rgb } from './png';

/**
 * One CT plane of the canonical volume (RAS+: i → right, j → anterior, k → superior) as a palette image,
 * in the radiological convention: the patient's right on the viewer's left, anterior at the top of axial
 * slices, superior at the top of coronal and sagittal ones, anterior on the left of sagittal ones. Pixels are
 * square; a region larger than the size limit is averaged down to it, a coarse axis (thick slices) is
 * repeated to fill its millimetres.
 */
export type Plane = 'axial' | 'coronal' | 'sagittal';

/** Abdominal soft-tissue window, W400/L40 HU: the usual window for reading the pancreas and its fat. */
export const SOFT_TISSUE_WINDOW = { width: 400, level: 40 } as const;

/** Grey levels: 127 plain and 127 tinted by the mask, plus the outline, fill one 8-bit palette. */
const LEVELS = 127;
const OUTLINE_INDEX = 2 * LEVELS;
/** Green tint and yellow outline: both read on grey and neither is the chart's red or blue. */
export const MASK_TINT: Rgb = [0, 230, 118];
export const MASK_OUTLINE: Rgb = [255, 214, 0];
/** Translucent enough to read the tissue under the mask. */
const TINT_ALPHA = 0.35;

/** Voxel axes of each plane as shown: columns, rows, and the axis the plane is cut across. */
const PLANE_AXES: Record<Plane, readonly [number, number, number]> = {
  axial: [0, 1, 2],
  coronal: [0, 2, 1],
  sagittal: [1, 2, 0],
};

export interface SliceRequest {
  plane: Plane;
  /** Voxel index along the axis the plane is cut across. */
  index: number;
  /** Voxel index ranges [from, to) shown along the column and row axes; default the whole grid. */
  columns?: readonly [number, number];
  rows?: readonly [number, number];
  /** Longest side of the image in pixels, whatever the volume's size. */
  maxPixels: number;
}

export interface SliceImage extends IndexedImage {
  /** Side of a (square) pixel, mm. */
  pixelMm: number;
  /** Pixels drawn inside the mask (tinted or outline). */
  maskPixels: number;
}

export function planeAxes(plane: Plane): readonly [number, number, number] {
  return PLANE_AXES[plane];
}

/** The CT of one plane in the soft-tissue window, the mask tinted and outlined over it when given. */
export function renderSlice(volume: Volume, mask: Uint8Array | undefined, request: SliceRequest): SliceImage {
  const { dims, spacing, data } = volume;
  const [colAxis, rowAxis, normalAxis] = PLANE_AXES[request.plane];
  const columns = request.columns ?? [0, dims[colAxis]!];
  const rows = request.rows ?? [0, dims[rowAxis]!];
  if (
    !(request.index >= 0 && request.index < dims[normalAxis]!) ||
    columns[1] <= columns[0] ||
    rows[1] <= rows[0]
  ) {
    throw new RangeError(`renderSlice: ${request.plane} ${request.index} is outside ${dims.join('×')}`);
  }
  const colMm = (columns[1] - columns[0]) * spacing[colAxis]!;
  const rowMm = (rows[1] - rows[0]) * spacing[rowAxis]!;
  const pixelMm = Math.max(
    Math.min(spacing[colAxis]!, spacing[rowAxis]!),
    colMm / request.maxPixels,
    rowMm / request.maxPixels,
  );
  const width = Math.max(1, Math.min(request.maxPixels, Math.round(colMm / pixelMm)));
  const height = Math.max(1, Math.min(request.maxPixels, Math.round(rowMm / pixelMm)));
  const cols = footprints(columns, spacing[colAxis]!, pixelMm, width);
  const rws = footprints(rows, spacing[rowAxis]!, pixelMm, height);

  const stride = [1, dims[0], dims[0] * dims[1]];
  const colStride = stride[colAxis]!;
  const rowStride = stride[rowAxis]!;
  const base = request.index * stride[normalAxis]!;
  const low = SOFT_TISSUE_WINDOW.level - SOFT_TISSUE_WINDOW.width / 2;
  const grey = new Uint8Array(width * height);
  const inside = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const r0 = rws.start[y]!;
    const r1 = r0 + rws.count[y]!;
    for (let x = 0; x < width; x++) {
      const c0 = cols.start[x]!;
      const c1 = c0 + cols.count[x]!;
      let sum = 0;
      let masked = 0;
      for (let r = r0; r < r1; r++) {
        for (let c = c0, p = base + r * rowStride + c0 * colStride; c < c1; c++, p += colStride) {
          sum += data[p]!;
          if (mask && mask[p] !== 0) masked++;
        }
      }
      const n = (r1 - r0) * (c1 - c0);
      const level = (sum / n - low) / SOFT_TISSUE_WINDOW.width;
      grey[y * width + x] = Math.round(Math.min(1, Math.max(0, level)) * (LEVELS - 1));
      // A pixel is inside when at least half the voxels it averages are.
      inside[y * width + x] = 2 * masked >= n ? 1 : 0;
    }
  }
  const { pixels, maskPixels } = overlay(grey, inside, width, height);
  return { width, height, pixels, palette: PALETTE, pixelMm, maskPixels };
}

/**
 * The voxels each pixel averages along one axis. The axis is shown reversed (highest index first), so
 * pixel p covers the voxel coordinates (to − (p+1)·pixelMm/spacing, to − p·pixelMm/spacing]; it averages
 * the voxels whose centres fall there, or takes the nearest one when none does (upsampling).
 */
function footprints(
  [from, to]: readonly [number, number],
  spacing: number,
  pixelMm: number,
  pixels: number,
): { start: Int32Array; count: Int32Array } {
  const start = new Int32Array(pixels);
  const count = new Int32Array(pixels);
  const step = pixelMm / spacing;
  for (let p = 0; p < pixels; p++) {
    const hi = to - p * step;
    const lo = to - (p + 1) * step;
    let first = Math.max(from, Math.ceil(lo - 0.5));
    let last = Math.min(to - 1, Math.ceil(hi - 0.5) - 1);
    if (last < first) first = last = Math.min(to - 1, Math.max(from, Math.floor((lo + hi) / 2)));
    start[p] = first;
    count[p] = last - first + 1;
  }
  return { start, count };
}

/** Palette indices: grey, grey tinted inside the mask, and the outline on the mask's edge pixels. */
function overlay(
  grey: Uint8Array,
  inside: Uint8Array,
  width: number,
  height: number,
): { pixels: Uint8Array; maskPixels: number } {
  const pixels = new Uint8Array(grey.length);
  let maskPixels = 0;
  const isInside = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && inside[y * width + x] === 1;
  for (let y = 0, n = 0; y < height; y++) {
    for (let x = 0; x < width; x++, n++) {
      if (inside[n] === 0) {
        pixels[n] = grey[n]!;
        continue;
      }
      maskPixels++;
      const edge = !isInside(x - 1, y) || !isInside(x + 1, y) || !isInside(x, y - 1) || !isInside(x, y + 1);
      pixels[n] = edge ? OUTLINE_INDEX : LEVELS + grey[n]!;
    }
  }
  return { pixels, maskPixels };
}

function buildPalette(): Rgb[] {
  const palette: Rgb[] = [];
  const greys = Array.from({ length: LEVELS }, (_, g) => Math.round((g * 255) / (LEVELS - 1)));
  for (const v of greys) palette.push([v, v, v]);
  for (const v of greys) {
    palette.push(MASK_TINT.map((t) => Math.round(v * (1 - TINT_ALPHA) + t * TINT_ALPHA)) as Rgb);
  }
  palette.push(MASK_OUTLINE);
  return palette;
}

const PALETTE = buildPalette();
