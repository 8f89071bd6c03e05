"""Parity fixtures for test/inference/parity.test.ts: the committed demo networks run in PyTorch (eval mode,
from model.pt) on fixed inputs; inputs and outputs are written as little-endian float32 files with an index,
test/fixtures/inference/parity.json. onnxruntime-node must reproduce the outputs from model.onnx.

  /usr/bin/python3 scripts/demo-models/make-parity-fixtures.py   (train.py runs it after exporting)

Inputs are real phantom data (one held-out phantom per network, drawn by export-phantoms.ts), so the outputs
span the values that matter (gland and background logits, a trained feature vector). The U-Net input is a
24x40x32 (D, H, W) block on the gland: non-cubic and unlike both the training and the card's patch, so the
ONNX graph's dynamic spatial axes are exercised. The ResNet input is the card's crop of its phantom.
"""
import json
import os

import numpy as np
import torch

import settings as S
from export_onnx import write_json
from networks import ResNet3D50, UNet3D
from phantoms import REPO, export, load
from preprocess import normalise, resnet_input

OUT = os.path.join(REPO, 'test', 'fixtures', 'inference')
MODELS = os.path.join(REPO, 'models', 'demo')
WORK = os.path.join(REPO, '.local', 'demo-models', 'parity')
UNET_BLOCK_DHW = (24, 40, 32)
UNET_SEED = '1101'
RESNET_SEED = '2301'


def network(model, name):
    model.load_state_dict(torch.load(os.path.join(MODELS, name, 'model.pt'), map_location='cpu'))
    return model.eval()


def unet_block(unet_card):
    """A block centred on the gland of a phantom drawn at the U-Net's spacing, windowed as its card says."""
    spacing = unet_card['spacingMm'][0]
    entry = export(os.path.join(WORK, 'unet'), UNET_SEED, '--spacing', str(spacing))[0]
    hu, mask = load(entry)
    centre = [int(c.mean()) for c in np.nonzero(mask)]
    start = [max(0, min(hu.shape[a] - UNET_BLOCK_DHW[a], centre[a] - UNET_BLOCK_DHW[a] // 2)) for a in range(3)]
    block = hu[tuple(slice(start[a], start[a] + UNET_BLOCK_DHW[a]) for a in range(3))]
    return normalise(block, unet_card['intensity']['huWindow'])[None, None]


def resnet_block(resnet_card):
    """The card's crop (ground-truth gland box + margin, resized, windowed) of a phantom on a scanner grid."""
    margin = max(resnet_card['cropMarginMm'], S.RESNET_REGION_MARGIN_MM)
    entry = export(
        os.path.join(WORK, 'resnet'), RESNET_SEED, '--varied-grids', '--region-margin-mm', str(margin)
    )[0]
    hu, mask = load(entry)
    window = resnet_card['intensity']['huWindow']
    crop = resnet_input(entry, hu, mask, resnet_card['cropMarginMm'], resnet_card['input']['size'], window)
    return crop[None, None]


def card(name):
    with open(os.path.join(MODELS, name, 'model-card.json')) as f:
        return json.load(f)


def tensor_entry(name, array, file):
    array = np.ascontiguousarray(array, dtype='<f4')
    array.tofile(os.path.join(OUT, file))
    return {'name': name, 'shape': list(array.shape), 'file': file}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    unet_card = card('unet')
    resnet_card = card('resnet')
    unet_input = unet_block(unet_card)
    resnet_crop = resnet_block(resnet_card)
    with torch.no_grad():
        logits = network(UNet3D(), 'unet')(torch.from_numpy(unet_input)).numpy()
        sap, features = network(ResNet3D50(), 'resnet')(torch.from_numpy(resnet_crop))
    index = {
        'generatedBy': 'scripts/demo-models/make-parity-fixtures.py',
        'torch': torch.__version__,
        'unet': {
            'model': 'models/demo/unet/model.onnx',
            'input': tensor_entry(unet_card['input']['name'], unet_input, 'unet-input.f32'),
            'outputs': [tensor_entry(unet_card['output']['name'], logits, 'unet-output.f32')],
        },
        'resnet': {
            'model': 'models/demo/resnet/model.onnx',
            'input': tensor_entry(resnet_card['input']['name'], resnet_crop, 'resnet-input.f32'),
            'outputs': [
                tensor_entry(resnet_card['outputs']['probability']['name'], sap.numpy(), 'resnet-sap.f32'),
                tensor_entry(resnet_card['outputs']['features']['name'], features.numpy(), 'resnet-features.f32'),
            ],
        },
    }
    write_json(os.path.join(OUT, 'parity.json'), index)
    print(f'wrote parity fixtures to {os.path.relpath(OUT, REPO)}')


if __name__ == '__main__':
    main()
