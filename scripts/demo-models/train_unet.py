"""Trains the demo U-Net on random patches of phantoms drawn at the model spacing, four in five centred on the
gland, and measures Dice on held-out phantoms through the runtime's sliding window.
"""
import time

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from networks import UNet3D
from phantoms import load
from preprocess import normalise
from sliding_window import dice, largest_component, probability

FOREGROUND_SHARE = 0.8
# Batches over which BatchNorm statistics are re-estimated after training: the running averages kept during
# training lag behind the last weights, which biases the eval-mode output (about -0.015 held-out Dice).
RECALIBRATION_BATCHES = 100


def load_set(entries, window):
    out = []
    for entry in entries:
        hu, mask = load(entry)
        out.append((normalise(hu, window), mask.astype(np.float32), np.argwhere(mask > 0)))
    return out


def sample_patch(rng, volume, mask, foreground, patch):
    size = volume.shape
    if rng.uniform() < FOREGROUND_SHARE:
        centre = foreground[rng.randint(len(foreground))]
        start = [int(np.clip(centre[a] - patch[a] // 2 + rng.randint(-patch[a] // 4, patch[a] // 4 + 1),
                             0, size[a] - patch[a])) for a in range(3)]
    else:
        start = [rng.randint(0, size[a] - patch[a] + 1) for a in range(3)]
    region = tuple(slice(start[a], start[a] + patch[a]) for a in range(3))
    x = volume[region].copy()
    # Resampling a finer scan to the model grid softens edges and noise: imitate it half the time.
    if rng.uniform() < 0.5:
        x = ndimage.gaussian_filter(x, sigma=rng.uniform(0.3, 0.9))
    x = x * rng.uniform(0.95, 1.05) + rng.uniform(-0.02, 0.02)
    return x, mask[region]


def soft_dice_loss(logits, target):
    p = torch.sigmoid(logits)
    inter = (p * target).sum()
    return 1 - (2 * inter + 1) / (p.sum() + target.sum() + 1)


def train(train_entries, window, patch_dhw, steps, batch, lr, seed, log):
    rng = np.random.RandomState(seed)
    torch.manual_seed(seed)
    data = load_set(train_entries, window)
    model = UNet3D()
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps, pct_start=0.1)
    model.train()
    started = time.time()
    running = 0.0
    for step in range(1, steps + 1):
        x, y = batch_of(rng, data, patch_dhw, batch)
        logits = model(x)
        loss = F.binary_cross_entropy_with_logits(logits, y) + soft_dice_loss(logits, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        running += loss.item()
        if step % 50 == 0:
            log(f'unet step {step}/{steps} loss {running / 50:.4f} ({time.time() - started:.0f} s)')
            running = 0.0
    recalibrate_batchnorm(model, lambda: batch_of(rng, data, patch_dhw, batch)[0])
    log(f'unet BatchNorm statistics re-estimated over {RECALIBRATION_BATCHES} batches')
    return model


def batch_of(rng, data, patch_dhw, batch):
    xs, ys = [], []
    for _ in range(batch):
        volume, mask, foreground = data[rng.randint(len(data))]
        x, y = sample_patch(rng, volume, mask, foreground, patch_dhw)
        xs.append(x)
        ys.append(y)
    return torch.from_numpy(np.stack(xs)[:, None]), torch.from_numpy(np.stack(ys)[:, None])


@torch.no_grad()
def recalibrate_batchnorm(model, next_input):
    """Equal-weight averages of the batch statistics over fresh batches, with the weights frozen."""
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm3d):
            module.reset_running_stats()
            module.momentum = None
    model.train()
    for _ in range(RECALIBRATION_BATCHES):
        model(next_input())
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm3d):
            module.momentum = 0.1
    model.eval()


def held_out_dice(model, entries, window, patch_dhw, overlap, log):
    scores = []
    for entry in entries:
        hu, mask = load(entry)
        p = probability(model, normalise(hu, window), patch_dhw, overlap)
        score = dice(largest_component(p > 0.5), mask)
        log(f"unet held-out seed {entry['seed']} ({'+'.join(entry['variants'])}): Dice {score:.4f}")
        scores.append(float(score))
    return scores
