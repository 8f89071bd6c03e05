"""Builds the two demo image models from scratch, reproducibly (fixed seeds, two CPU threads):

  models/demo/unet/   3D U-Net that segments the pancreas of synthetic CT phantoms
  models/demo/resnet/ narrow 3D ResNet50 that separates severe from not-severe phantoms (revised Atlanta)

each as model.onnx + model.pt (state dict) + model-card.json (core/inference/model-card.ts), then the parity
fixtures (make-parity-fixtures.py). Phantoms are drawn by export-phantoms.ts into --work and kept between
runs (delete it after changing core/phantom).

Reproduce from a clean clone (Debian or Ubuntu, Node 20):
  apt-get install python3-torch python3-onnx python3-scipy python3-sklearn && npm ci
  /usr/bin/python3 scripts/demo-models/train.py
Call /usr/bin/python3 explicitly: another python3 on PATH may not see Debian's packages.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

import settings as S
import train_resnet
import train_unet
from export_onnx import INTENDED_USE, export_resnet, export_unet, write_card
from networks import RESNET_BASE_WIDTH, RESNET_BLOCKS, UNET_BASE_WIDTH, UNET_LEVELS, parameter_count
from phantoms import HERE, REPO, export

COMMAND = '/usr/bin/python3 scripts/demo-models/train.py'
VERSION = 'demo-1'
SEED = 20251126
THREADS = 2

UNET_STEPS = 1000
UNET_BATCH = 2
UNET_LR = 3e-3
RESNET_EPOCHS = 20
RESNET_BATCH = 16
RESNET_LR = 2e-3

UNET_NAMES = {'input': 'ct', 'output': 'logits'}
RESNET_NAMES = {'input': 'crop', 'probability': 'sap_logit', 'features': 'features'}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work', default=os.path.join(REPO, '.local', 'demo-models'), help='phantom cache')
    parser.add_argument('--out', default=os.path.join(REPO, 'models', 'demo'))
    parser.add_argument('--only', choices=['unet', 'resnet'], help='rebuild one network (each has its own seed)')
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    started = time.time()

    def log(message):
        print(f'[{time.time() - started:6.0f} s] {message}', flush=True)

    summary = {}
    if args.only != 'resnet':
        summary['unet_dice_mean'] = build_unet(args, log)
    if args.only != 'unet':
        summary['resnet_auc'] = build_resnet(args, log)
    subprocess.run([sys.executable, os.path.join(HERE, 'make-parity-fixtures.py')], check=True)
    summary['minutes'] = round((time.time() - started) / 60, 1)
    log(json.dumps(summary))


def build_unet(args, log):
    grid = ('--spacing', str(S.UNET_SPACING_MM))
    train_set = export(os.path.join(args.work, 'unet-train'), S.UNET_TRAIN_SEEDS, *grid)
    held_out = export(os.path.join(args.work, 'unet-held-out'), S.UNET_HELD_OUT_SEEDS, *grid)
    log(f'unet phantoms ready: {len(train_set)} training, {len(held_out)} held out')
    started = time.time()
    patch_dhw = tuple(reversed(S.UNET_TRAIN_PATCH_IJK))
    model = train_unet.train(train_set, S.UNET_HU_WINDOW, patch_dhw, UNET_STEPS, UNET_BATCH, UNET_LR, SEED, log)
    log(f'unet trained in {(time.time() - started) / 60:.1f} min')
    dice = train_unet.held_out_dice(
        model, held_out, S.UNET_HU_WINDOW, tuple(reversed(S.UNET_PATCH_IJK)), S.UNET_OVERLAP, log
    )
    log(f'unet held-out Dice mean {np.mean(dice):.4f} min {np.min(dice):.4f}')
    outdir = os.path.join(args.out, 'unet')
    sha = export_unet(model, outdir, S.ONNX_OPSET, UNET_NAMES['input'], UNET_NAMES['output'])
    write_card(outdir, unet_card(model, sha, len(train_set), len(held_out), dice))
    return float(np.mean(dice))


def build_resnet(args, log):
    grid = ('--varied-grids', '--region-margin-mm', str(S.RESNET_REGION_MARGIN_MM))
    train_set = export(os.path.join(args.work, 'resnet-train'), S.RESNET_TRAIN_SEEDS, *grid)
    held_out = export(os.path.join(args.work, 'resnet-held-out'), S.RESNET_HELD_OUT_SEEDS, *grid)
    crop = (S.RESNET_CROP_MARGIN_MM, S.RESNET_INPUT_IJK, S.RESNET_HU_WINDOW)
    x_train, y_train = train_resnet.crops(train_set, *crop, rng=np.random.RandomState(SEED))
    x_held, y_held = train_resnet.crops(held_out, *crop)
    log(f'resnet crops: {len(x_train)} training ({int(y_train.sum())} severe), {len(x_held)} held out')
    started = time.time()
    model = train_resnet.train(x_train, y_train, RESNET_EPOCHS, RESNET_BATCH, RESNET_LR, SEED, log)
    log(f'resnet trained in {(time.time() - started) / 60:.1f} min')
    auc, _ = train_resnet.held_out_auc(model, x_held, y_held)
    log(f'resnet held-out AUC {auc:.4f}')
    outdir = os.path.join(args.out, 'resnet')
    sha = export_resnet(
        model,
        outdir,
        S.ONNX_OPSET,
        tuple(reversed(S.RESNET_INPUT_IJK)),
        RESNET_NAMES['input'],
        (RESNET_NAMES['probability'], RESNET_NAMES['features']),
    )
    facts = {'n_train': len(train_set), 'n_held_out': len(held_out), 'n_held_out_severe': int(y_held.sum())}
    write_card(outdir, resnet_card(model, sha, auc, facts))
    return auc


def common_card(name, sha, window, description):
    return {
        'schemaVersion': 1,
        'name': name,
        'version': VERSION,
        'file': 'model.onnx',
        'sha256': sha,
        'synthetic': True,
        'intendedUse': INTENDED_USE,
        'intensity': {'huWindow': list(window), 'normalisation': {'type': 'unit'}},
        'description': description,
    }


def unet_card(model, sha, n_train, n_held_out, dice):
    description = (
        f'3D U-Net ({UNET_LEVELS} levels, base width {UNET_BASE_WIDTH}, BatchNorm, '
        f'{parameter_count(model):,} parameters; patch sizes must be multiples of 8) trained from scratch on '
        f'{n_train} synthetic phantoms (seeds {S.UNET_TRAIN_SEEDS}, drawn at {S.UNET_SPACING_MM} mm isotropic, '
        'the seven severity variants of the fusion cohort, a third contrast-enhanced) for '
        f'{UNET_STEPS} steps of {UNET_BATCH} random {"x".join(map(str, S.UNET_TRAIN_PATCH_IJK))} (i, j, k) '
        'patches, four in five on the gland (Adam, one-cycle learning rate, BCE + soft Dice, blur and '
        'intensity augmentation; BatchNorm statistics re-estimated at the end) on '
        f'{THREADS} CPU threads. Held-out '
        f'Dice {np.mean(dice):.3f} (mean; min {np.min(dice):.3f}) on {n_held_out} phantoms (seeds '
        f'{S.UNET_HELD_OUT_SEEDS}) at model spacing through this sliding window, threshold 0.5 and the '
        f'largest component. Reproduce: {COMMAND}'
    )
    return {
        **common_card('sap-demo-unet', sha, S.UNET_HU_WINDOW, description),
        'kind': 'unet',
        'spacingMm': [S.UNET_SPACING_MM] * 3,
        'input': {'name': UNET_NAMES['input']},
        'patch': {'size': list(S.UNET_PATCH_IJK), 'overlap': S.UNET_OVERLAP},
        'output': {
            'name': UNET_NAMES['output'],
            'kind': 'logits',
            'channels': 1,
            'foregroundChannel': 0,
            'threshold': 0.5,
        },
    }


def resnet_card(model, sha, auc, facts):
    description = (
        f'3D ResNet50 (bottleneck blocks {"-".join(map(str, RESNET_BLOCKS))}, base width '
        f'{RESNET_BASE_WIDTH} instead of 64, stem 7x7x7 stride 2 without max-pool, {parameter_count(model):,} '
        f'parameters, {model.feature_length} pooled features) trained from scratch on crops of '
        f'{facts["n_train"]} synthetic phantoms (seeds {S.RESNET_TRAIN_SEEDS}, seeded scanner grids '
        'of 0.75-2.5 mm in-plane and 1.25-5 mm slices, the fusion cohort variants: 2 in 7 severe) made '
        f'exactly as at run time from the ground-truth mask, plus {train_resnet.JITTERED_COPIES} copies per '
        f'phantom with each box side moved up to {train_resnet.JITTER_MM:.0f} mm; {RESNET_EPOCHS} epochs '
        f'(AdamW, one-cycle learning rate, weighted BCE) on {THREADS} CPU threads. Held-out AUC {auc:.3f} '
        f'(severe vs not severe) on '
        f'{facts["n_held_out"]} phantoms ({facts["n_held_out_severe"]} severe; seeds '
        f'{S.RESNET_HELD_OUT_SEEDS}). Output {RESNET_NAMES["probability"]} is a logit. Reproduce: {COMMAND}'
    )
    return {
        **common_card('sap-demo-resnet50', sha, S.RESNET_HU_WINDOW, description),
        'kind': 'resnet',
        'input': {'name': RESNET_NAMES['input'], 'size': list(S.RESNET_INPUT_IJK)},
        'cropMarginMm': S.RESNET_CROP_MARGIN_MM,
        'outputs': {
            'probability': {'name': RESNET_NAMES['probability'], 'kind': 'logit'},
            'features': {'name': RESNET_NAMES['features'], 'length': model.feature_length},
        },
        'architecture': {'blocks': list(RESNET_BLOCKS), 'baseWidth': RESNET_BASE_WIDTH},
    }


if __name__ == '__main__':
    main()
