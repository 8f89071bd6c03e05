"""The two demo networks, importable by the trainer, the parity-fixture maker and bench/torch-inference.py.

Tensors are NCDHW with D = k (axial), H = j, W = i of the canonical volume (core/inference/model-card.ts).

- UNet3D: a small 3D U-Net, 4 resolution levels (3 poolings), two 3x3x3 conv + BatchNorm + ReLU per level,
  transposed-conv upsampling, one logit channel (sigmoid = pancreas). D, H and W must be multiples of 8.
- ResNet3D50: 3D ResNet50 (bottleneck blocks 3-4-6-3, expansion 4) at a narrow base width; stem 7x7x7
  stride 2 without max-pool, so a small crop still has 3-4 voxels per axis at the last stage. Returns the SAP
  logit (one per case) and the global-average-pooled features (base_width * 32 values).
"""
import torch
from torch import nn

UNET_BASE_WIDTH = 8
UNET_LEVELS = 4
RESNET_BLOCKS = (3, 4, 6, 3)
RESNET_BASE_WIDTH = 8


def _conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv3d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm3d(c_out),
        nn.ReLU(inplace=True),
        nn.Conv3d(c_out, c_out, 3, padding=1, bias=False),
        nn.BatchNorm3d(c_out),
        nn.ReLU(inplace=True),
    )


class UNet3D(nn.Module):
    def __init__(self, base_width=UNET_BASE_WIDTH, levels=UNET_LEVELS):
        super().__init__()
        widths = [base_width * 2**n for n in range(levels)]
        self.down = nn.ModuleList()
        c_in = 1
        for w in widths:
            self.down.append(_conv_block(c_in, w))
            c_in = w
        self.pool = nn.MaxPool3d(2)
        self.up = nn.ModuleList()
        self.merge = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose3d(w * 2, w, 2, stride=2))
            self.merge.append(_conv_block(w * 2, w))
        self.head = nn.Conv3d(widths[0], 1, 1)

    def forward(self, x):
        skips = []
        for n, block in enumerate(self.down):
            x = block(x if n == 0 else self.pool(x))
            skips.append(x)
        x = skips.pop()
        for up, merge in zip(self.up, self.merge):
            x = merge(torch.cat([up(x), skips.pop()], dim=1))
        return self.head(x)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, c_in, width, stride):
        super().__init__()
        c_out = width * self.expansion
        self.body = nn.Sequential(
            nn.Conv3d(c_in, width, 1, bias=False),
            nn.BatchNorm3d(width),
            nn.ReLU(inplace=True),
            nn.Conv3d(width, width, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm3d(width),
            nn.ReLU(inplace=True),
            nn.Conv3d(width, c_out, 1, bias=False),
            nn.BatchNorm3d(c_out),
        )
        self.shortcut = (
            nn.Identity()
            if stride == 1 and c_in == c_out
            else nn.Sequential(nn.Conv3d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm3d(c_out))
        )
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


class ResNet3D50(nn.Module):
    def __init__(self, base_width=RESNET_BASE_WIDTH, blocks=RESNET_BLOCKS):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv3d(1, base_width, 7, stride=2, padding=3, bias=False),
            nn.BatchNorm3d(base_width),
            nn.ReLU(inplace=True),
        )
        stages = []
        c_in = base_width
        for n, count in enumerate(blocks):
            width = base_width * 2**n
            for b in range(count):
                stages.append(Bottleneck(c_in, width, 2 if b == 0 and n > 0 else 1))
                c_in = width * Bottleneck.expansion
        self.stages = nn.Sequential(*stages)
        self.feature_length = c_in
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(c_in, 1)

    def forward(self, x):
        features = self.stages(self.stem(x)).mean(dim=(2, 3, 4))
        return self.fc(self.dropout(features)).squeeze(1), features


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())
