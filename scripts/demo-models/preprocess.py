"""The input preparation the TypeScript runtime performs (core/inference/model-card.ts), done the same way
for training: HU window and normalisation, and the ResNet's crop around the gland resized to the card size.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def normalise(hu, window):
    """Clip to the HU window, then map to [0, 1] (the cards' `unit` normalisation)."""
    lo, hi = window
    return ((np.clip(hu.astype(np.float32), lo, hi) - lo) / (hi - lo)).astype(np.float32)


def js_round(x):
    """Math.round of JavaScript (halves up), which the runtime uses; Python's round() rounds halves to even."""
    return math.floor(x + 0.5)


def mask_bbox(mask):
    """Inclusive (lo, hi) voxel indices of the mask, in i, j, k order, from a (k, j, i) array."""
    nz = np.nonzero(mask)
    if len(nz[0]) == 0:
        raise ValueError('empty mask')
    lo = [int(a.min()) for a in reversed(nz)]
    hi = [int(a.max()) for a in reversed(nz)]
    return lo, hi


def crop_box(lo, hi, spacing, dims, margin_mm, jitter_voxels=((0, 0, 0), (0, 0, 0))):
    """The card's crop: bounding box grown by round(margin / spacing) voxels per side, clamped to the grid.
    `jitter_voxels` (training only) moves each side by a few voxels."""
    start, end = [], []
    for a in range(3):
        grow = js_round(margin_mm / spacing[a])
        start.append(max(0, lo[a] - grow + jitter_voxels[0][a]))
        end.append(min(dims[a] - 1, hi[a] + grow + jitter_voxels[1][a]))
    return start, end


def resize_trilinear(block, size_ijk):
    """(k, j, i) float32 block → (k, j, i) of size_ijk reversed, torch trilinear with align_corners=False."""
    x = torch.from_numpy(np.ascontiguousarray(block, dtype=np.float32))[None, None]
    out = F.interpolate(x, size=tuple(reversed(size_ijk)), mode='trilinear', align_corners=False)
    return out[0, 0].numpy()


def resnet_input(entry, hu, mask, margin_mm, size_ijk, window, jitter_voxels=((0, 0, 0), (0, 0, 0))):
    """The ResNet input (k, j, i) for one exported phantom region: HU crop → resize → window."""
    offset = entry['offset']
    lo, hi = mask_bbox(mask)
    lo = [lo[a] + offset[a] for a in range(3)]
    hi = [hi[a] + offset[a] for a in range(3)]
    start, end = crop_box(lo, hi, entry['spacing'], entry['dims'], margin_mm, jitter_voxels)
    local = [(start[a] - offset[a], end[a] - offset[a]) for a in range(3)]
    for a, (s, e) in enumerate(local):
        if s < 0 or e >= entry['shape'][a]:
            raise ValueError(f"phantom {entry['seed']}: crop leaves the exported region on axis {a}")
    block = hu[local[2][0] : local[2][1] + 1, local[1][0] : local[1][1] + 1, local[0][0] : local[0][1] + 1]
    return normalise(resize_trilinear(block.astype(np.float32), size_ijk), window)
