"""Whole-volume segmentation as the runtime does it, for the held-out Dice: overlapping patches blended with a
Gaussian weight (nnU-Net's, sigma = patch / 8), sigmoid, threshold 0.5, largest connected component.
"""
import math

import numpy as np
import torch
from scipy import ndimage


def gaussian_weight(patch_dhw):
    axes = [np.exp(-0.5 * ((np.arange(n) - (n - 1) / 2) / (n / 8)) ** 2) for n in patch_dhw]
    w = axes[0][:, None, None] * axes[1][None, :, None] * axes[2][None, None, :]
    w = w / w.max()
    return np.maximum(w, w[w > 0].min()).astype(np.float32)


def window_starts(size, patch, overlap):
    """Evenly spaced starts from 0 to size - patch, neighbours at most patch * (1 - overlap) apart."""
    if size < patch:
        raise ValueError(f'volume ({size}) smaller than the patch ({patch})')
    count = math.ceil((size - patch) / (patch * (1 - overlap))) + 1
    if count == 1:
        return [0]
    return [round(n * (size - patch) / (count - 1)) for n in range(count)]


@torch.no_grad()
def probability(model, volume_dhw, patch_dhw, overlap):
    """Blended foreground probability of a normalised (k, j, i) volume."""
    weight = gaussian_weight(patch_dhw)
    total = np.zeros(volume_dhw.shape, np.float32)
    norm = np.zeros(volume_dhw.shape, np.float32)
    starts = [window_starts(volume_dhw.shape[a], patch_dhw[a], overlap) for a in range(3)]
    for d in starts[0]:
        for h in starts[1]:
            for w in starts[2]:
                region = (slice(d, d + patch_dhw[0]), slice(h, h + patch_dhw[1]), slice(w, w + patch_dhw[2]))
                x = torch.from_numpy(np.ascontiguousarray(volume_dhw[region]))[None, None]
                p = torch.sigmoid(model(x))[0, 0].numpy()
                total[region] += p * weight
                norm[region] += weight
    return total / norm


def largest_component(binary):
    labels, count = ndimage.label(binary, structure=np.ones((3, 3, 3)))
    if count == 0:
        return binary
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return labels == sizes.argmax()


def dice(a, b):
    a = a.astype(bool)
    b = b.astype(bool)
    return 2 * np.logical_and(a, b).sum() / max(1, a.sum() + b.sum())
