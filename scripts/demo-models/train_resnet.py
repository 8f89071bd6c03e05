"""Trains the demo ResNet50 on the card's crops (ground-truth gland box + margin, resized, windowed) of
phantoms drawn on varied scanner grids, and measures the held-out AUC for severe vs not severe.
"""
import time

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

from networks import ResNet3D50
from phantoms import load
from preprocess import resnet_input

# Training crops move each box side by up to this much, so that a U-Net mask a little off the truth still works.
JITTER_MM = 8.0
JITTERED_COPIES = 2


def jitter(rng, spacing):
    def side():
        return tuple(int(round(rng.uniform(-JITTER_MM, JITTER_MM) / spacing[a])) for a in range(3))

    return side(), side()


def crops(entries, margin_mm, size_ijk, window, rng=None):
    """Inputs N x C x 1 x D x H x W and labels N: per phantom the exact crop, plus JITTERED_COPIES jittered
    ones when `rng` is given (C = 1 + JITTERED_COPIES); training draws one of the C each epoch."""
    xs, ys = [], []
    for entry in entries:
        hu, mask = load(entry)
        copies = [resnet_input(entry, hu, mask, margin_mm, size_ijk, window)]
        for _ in range(JITTERED_COPIES if rng is not None else 0):
            copies.append(resnet_input(entry, hu, mask, margin_mm, size_ijk, window, jitter(rng, entry['spacing'])))
        xs.append(np.stack(copies)[:, None])
        ys.append(entry['sap'])
    return np.stack(xs), np.array(ys, dtype=np.float32)


def train(x, y, epochs, batch, lr, seed, log):
    rng = np.random.RandomState(seed)
    torch.manual_seed(seed)
    model = ResNet3D50()
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * (len(x) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps, pct_start=0.15)
    # Two severe variants in seven: weigh the positives up to balance the loss.
    pos_weight = torch.tensor((len(y) - y.sum()) / max(1.0, y.sum()))
    started = time.time()
    for epoch in range(1, epochs + 1):
        model.train()
        order = rng.permutation(len(x))
        total = 0.0
        for b in range(len(x) // batch):
            idx = order[b * batch : (b + 1) * batch]
            xb = torch.from_numpy(x[idx, rng.randint(x.shape[1], size=len(idx))])
            # Small scanner-to-scanner shifts in calibration and contrast, in normalised units.
            xb = xb * torch.empty(len(idx), 1, 1, 1, 1).uniform_(0.95, 1.05) + torch.empty(
                len(idx), 1, 1, 1, 1
            ).uniform_(-0.02, 0.02)
            logit, _ = model(xb)
            loss = F.binary_cross_entropy_with_logits(logit, torch.from_numpy(y[idx]), pos_weight=pos_weight)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item()
        log(f'resnet epoch {epoch}/{epochs} loss {total / (len(x) // batch):.4f} ({time.time() - started:.0f} s)')
    model.eval()
    return model


@torch.no_grad()
def held_out_auc(model, x, y):
    exact = x[:, 0]
    logits = torch.cat([model(torch.from_numpy(exact[n : n + 16]))[0] for n in range(0, len(x), 16)]).numpy()
    return float(roc_auc_score(y, logits)), logits
