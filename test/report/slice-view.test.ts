import { convertIndexedToRgb, decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { generatePhantom } from '../../core/phantom';
import { encodeIndexedPng, MASK_OUTLINE, MASK_TINT, renderSlice, type SliceImage } from '../../core/report';

const phantom = generatePhantom({ dims: [96, 96, 64], seed: 3 });
const { volume } = phantom;
const mask = phantom.mask.data;
const [nx, ny] = volume.dims;
const at = (i: number, j: number, k: number) => i + nx * (j + ny * k);

/** The image as a browser shows it: the PNG decoded back to RGB. */
function decodedRgb(image: SliceImage): {
  width: number;
  height: number;
  rgb: (x: number, y: number) => number[];
} {
  const png = decode(encodeIndexedPng(image));
  expect(png.palette).toBeDefined();
  const data = convertIndexedToRgb(png);
  const channels = data.length / (png.width * png.height);
  return {
    width: png.width,
    height: png.height,
    rgb: (x, y) => [...data.subarray((y * png.width + x) * channels, (y * png.width + x) * channels + 3)],
  };
}

const isGrey = ([r, g, b]: number[]) => r === g && g === b;
const isOverlay = (rgb: number[]) => !isGrey(rgb);

/** The axial plane holding the most mask voxels. */
function fullestAxial(): number {
  let best = { k: 0, n: -1 };
  for (let k = 0; k < volume.dims[2]; k++) {
    let n = 0;
    for (let p = k * nx * ny; p < (k + 1) * nx * ny; p++) n += mask[p]!;
    if (n > best.n) best = { k, n };
  }
  return best.k;
}

describe('CT slice with the mask overlaid', () => {
  it('colours exactly the pixels where the phantom pancreas is (axial, native resolution)', () => {
    const k = fullestAxial();
    const image = renderSlice(volume, mask, { plane: 'axial', index: k, maxPixels: 512 });
    expect([image.width, image.height]).toEqual([nx, ny]);
    const { rgb } = decodedRgb(image);
    let inside = 0;
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        // Radiological convention: column 0 is the patient's right (highest i), row 0 anterior (highest j).
        const voxel = mask[at(nx - 1 - x, ny - 1 - y, k)]!;
        expect(isOverlay(rgb(x, y)), `pixel ${x},${y}`).toBe(voxel === 1);
        inside += voxel;
      }
    }
    expect(inside).toBeGreaterThan(50);
    expect(image.maskPixels).toBe(inside);
  });

  it('tints the inside green and outlines the edge in yellow; the rest stays grey', () => {
    const k = fullestAxial();
    const image = renderSlice(volume, mask, { plane: 'axial', index: k, maxPixels: 512 });
    const { rgb } = decodedRgb(image);
    const inMask = (x: number, y: number) =>
      x >= 0 && y >= 0 && x < nx && y < ny && mask[at(nx - 1 - x, ny - 1 - y, k)] === 1;
    let interior = 0;
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        if (!inMask(x, y)) continue;
        const edge = !inMask(x - 1, y) || !inMask(x + 1, y) || !inMask(x, y - 1) || !inMask(x, y + 1);
        const [r, g, b] = rgb(x, y);
        if (edge) expect([r, g, b]).toEqual(MASK_OUTLINE);
        else {
          interior++;
          // Grey blended with the tint: green dominates, and it is not the outline colour.
          expect(g! - r!).toBeGreaterThan(40);
          expect(b! - r!).toBeGreaterThan(10);
          expect([r, g, b]).not.toEqual(MASK_OUTLINE);
        }
      }
    }
    expect(interior).toBeGreaterThan(10);
    expect(MASK_TINT[1]).toBeGreaterThan(MASK_TINT[0]);
    // The corners are air or body wall far from the gland: grey.
    expect(isGrey(rgb(0, 0))).toBe(true);
    expect(isGrey(rgb(nx - 1, ny - 1))).toBe(true);
  });

  it('puts coronal and sagittal overlays where the mask is: superior up, anterior left on sagittal', () => {
    // Isotropic voxels, so every pixel is one voxel and the check is exact.
    const iso = generatePhantom({ dims: [80, 80, 56], spacing: [5, 5, 5], seed: 3 });
    const [ix, iy, iz] = iso.volume.dims;
    const isoAt = (i: number, j: number, k: number) => iso.mask.data[i + ix * (j + iy * k)]!;
    let [si, sj, sk, n] = [0, 0, 0, 0];
    iso.mask.data.forEach((v, p) => {
      if (v === 0) return;
      si += p % ix;
      sj += Math.floor(p / ix) % iy;
      sk += Math.floor(p / (ix * iy));
      n++;
    });
    const centre = [Math.round(si / n), Math.round(sj / n), Math.round(sk / n)] as const;
    const views = [
      {
        plane: 'coronal' as const,
        index: centre[1],
        size: [ix, iz],
        voxel: (x: number, y: number) => isoAt(ix - 1 - x, centre[1], iz - 1 - y),
      },
      {
        plane: 'sagittal' as const,
        index: centre[0],
        size: [iy, iz],
        voxel: (x: number, y: number) => isoAt(centre[0], iy - 1 - x, iz - 1 - y),
      },
    ];
    for (const view of views) {
      const image = renderSlice(iso.volume, iso.mask.data, {
        plane: view.plane,
        index: view.index,
        maxPixels: 512,
      });
      expect([image.width, image.height]).toEqual(view.size);
      const { rgb } = decodedRgb(image);
      let hits = 0;
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const voxel = view.voxel(x, y);
          hits += voxel;
          expect(isOverlay(rgb(x, y)), `${view.plane} ${x},${y}`).toBe(voxel === 1);
        }
      }
      expect(hits, view.plane).toBeGreaterThan(5);
    }
  });

  it('gives thick slices their millimetres: square pixels, each slice repeated over its thickness', () => {
    // 1 mm in-plane, 5 mm slices; the mask fills the top slice.
    const dims: Vec3 = [32, 32, 8];
    const thick: Volume = {
      dims,
      spacing: [1, 1, 5],
      affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 5, 0, 0, 0, 0, 1],
      data: new Int16Array(32 * 32 * 8).fill(40),
    };
    const top = new Uint8Array(thick.data.length);
    top.fill(1, 32 * 32 * 7);
    const coronal = renderSlice(thick, top, { plane: 'coronal', index: 16, maxPixels: 1000 });
    expect([coronal.width, coronal.height, coronal.pixelMm]).toEqual([32, 40, 1]);
    const { rgb } = decodedRgb(coronal);
    // Rows 0-4 are the top slice (mask), row 5 on are below it.
    expect(isOverlay(rgb(16, 2))).toBe(true);
    expect(isOverlay(rgb(16, 4))).toBe(true);
    expect(isGrey(rgb(16, 5))).toBe(true);
  });

  it('averages a large region down to the size limit, overlay where at least half the voxels are mask', () => {
    const k = fullestAxial();
    const image = renderSlice(volume, mask, { plane: 'axial', index: k, maxPixels: nx / 2 });
    expect([image.width, image.height]).toEqual([nx / 2, ny / 2]);
    expect(image.pixelMm).toBeCloseTo(volume.spacing[0] * 2);
    const { rgb } = decodedRgb(image);
    for (let y = 0; y < ny / 2; y++) {
      for (let x = 0; x < nx / 2; x++) {
        let n = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          n += mask[at(nx - 1 - (2 * x + dx), ny - 1 - (2 * y + dy), k)]!;
        }
        expect(isOverlay(rgb(x, y)), `pixel ${x},${y} (${n} of 4 in the mask)`).toBe(n >= 2);
      }
    }
  });

  it('caps the image size whatever the volume size', () => {
    const big: Volume = {
      dims: [512, 512, 2],
      spacing: [0.7, 0.7, 1],
      affine: [0.7, 0, 0, 0, 0, 0.7, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
      data: new Int16Array(512 * 512 * 2),
    };
    const axial = renderSlice(big, undefined, { plane: 'axial', index: 1, maxPixels: 320 });
    expect([axial.width, axial.height]).toEqual([320, 320]);
    const coronal = renderSlice(big, undefined, { plane: 'coronal', index: 100, maxPixels: 400 });
    expect(coronal.width).toBe(400);
    expect(coronal.height).toBeLessThanOrEqual(400);
  });

  it('shows HU in the soft-tissue window W400/L40 and the patient’s right on the left', () => {
    const dims: Vec3 = [4, 2, 1];
    // i = 0 (patient's left) … i = 3 (patient's right): −1000, 40, 240, 1000 HU.
    const data = Int16Array.from([-1000, 40, 240, 1000, -1000, 40, 240, 1000]);
    const tiny: Volume = {
      dims,
      spacing: [1, 1, 1],
      affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
      data,
    };
    const { rgb } = decodedRgb(renderSlice(tiny, undefined, { plane: 'axial', index: 0, maxPixels: 16 }));
    expect(rgb(0, 0)).toEqual([255, 255, 255]); // 1000 HU, the patient's right, on the left
    expect(rgb(1, 0)).toEqual([255, 255, 255]); // 240 HU: the window's top
    expect(rgb(2, 0)[0]).toBeGreaterThan(120); // 40 HU: mid grey
    expect(rgb(2, 0)[0]).toBeLessThan(136);
    expect(rgb(3, 0)).toEqual([0, 0, 0]); // air
  });
});
