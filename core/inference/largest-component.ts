/**
 * Keeps the largest 26-connected region of a binary mask: the U-Net's stray false positives elsewhere in
 * the abdomen are dropped, the gland (one organ) stays. The labelling is the radiomics zone labelling
 * (equal grey level = inside the mask), run on the mask's bounding box only.
 */
import type { Vec3 } from '../imaging/volume';
import { labelZones } from '../imaging/grid/zones';
import { padGrid } from '../imaging/grid/padded-grid';
import { cropBox, maskBoundingBox, pasteBox, VoxelExtent } from '../imaging/grid/bounding-box';
import type { Box } from '../imaging/grid/types';

export interface LargestComponent {
  /** Voxels in the component kept (0 for an empty mask). */
  voxels: number;
  /** Its bounding box in the mask's grid; null for an empty mask. */
  box: Box | null;
}

/** Clears every voxel of `mask` (0/1, in place) outside its largest component; returns that size. */
export function keepLargestComponent(mask: Uint8Array, dims: Vec3): number {
  return keepLargestComponentIn(mask, dims, maskBoundingBox(mask, dims)).voxels;
}

/** `box` of `dims` moved by `offset`. */
function shifted(box: Box, offset: Vec3): Box {
  return { start: box.start.map((s, a) => s + offset[a]!) as Vec3, size: box.size };
}

/**
 * keepLargestComponent for a mask that is 0 outside `within` (a box of `dims`, null when the mask is
 * empty): only that box is read, so a CT-sized mask is not scanned for its bounding box again. Also
 * gives the kept component's bounding box.
 */
export function keepLargestComponentIn(mask: Uint8Array, dims: Vec3, within: Box | null): LargestComponent {
  if (within === null) return { voxels: 0, box: null };
  const region = cropBox(mask, dims, within);
  const inRegion = maskBoundingBox(region, within.size);
  if (inRegion === null) return { voxels: 0, box: null };
  const box = shifted(inRegion, within.start);
  const grid = padGrid(cropBox(region, within.size, inRegion), box.size, 1);
  const zones = labelZones(grid, false);
  // Ties go to the zone met first in i-fastest order, so the result does not depend on anything else.
  let largest = 1;
  for (let zone = 2; zone <= zones.count; zone++)
    if (zones.size[zone]! > zones.size[largest]!) largest = zone;
  const [sx, sy, sz] = box.size;
  const kept = new Uint8Array(sx * sy * sz);
  const extent = new VoxelExtent();
  for (let k = 0, q = 0; k < sz; k++) {
    for (let j = 0; j < sy; j++) {
      let p = grid.pad + (j + grid.pad) * grid.strideJ + (k + grid.pad) * grid.strideK;
      for (let i = 0; i < sx; i++, p++, q++) {
        if (zones.labels[p] !== largest) continue;
        kept[q] = 1;
        extent.add(i, j, k);
      }
    }
  }
  pasteBox(mask, dims, box, kept);
  const keptBox = extent.box()!;
  return { voxels: zones.size[largest]!, box: shifted(keptBox, box.start) };
}
