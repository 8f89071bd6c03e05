/**
 * Keeps the largest 26-connected region of a binary mask: the U-Net's stray false positives elsewhere in
 * the abdomen are dropped, the gland (one organ) stays. The labelling is the radiomics zone labelling
 * (equal grey level = inside the mask), run on the mask's bounding box only.
 */
import type { Vec3 } from '../imaging/volume';
import { labelZones } from '../imaging/grid/zones';
import { padGrid } from '../imaging/grid/padded-grid';
import { cropBox, maskBoundingBox, pasteBox } from '../imaging/grid/bounding-box';

/** Clears every voxel of `mask` (0/1, in place) outside its largest component; returns that size. */
export function keepLargestComponent(mask: Uint8Array, dims: Vec3): number {
  const box = maskBoundingBox(mask, dims);
  if (box === null) return 0;
  const grid = padGrid(cropBox(mask, dims, box), box.size, 1);
  const zones = labelZones(grid, false);
  // Ties go to the zone met first in i-fastest order, so the result does not depend on anything else.
  let largest = 1;
  for (let zone = 2; zone <= zones.count; zone++)
    if (zones.size[zone]! > zones.size[largest]!) largest = zone;
  const kept = new Uint8Array(box.size[0] * box.size[1] * box.size[2]);
  const [sx, sy, sz] = box.size;
  for (let k = 0, q = 0; k < sz; k++) {
    for (let j = 0; j < sy; j++) {
      let p = grid.pad + (j + grid.pad) * grid.strideJ + (k + grid.pad) * grid.strideK;
      for (let i = 0; i < sx; i++, p++, q++) kept[q] = zones.labels[p] === largest ? 1 : 0;
    }
  }
  pasteBox(mask, dims, box, kept);
  return zones.size[largest]!;
}
