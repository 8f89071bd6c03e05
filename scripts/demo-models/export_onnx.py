"""Writes a trained network as model.pt (state dict), model.onnx and model-card.json (core/inference/model-card.ts)."""
import hashlib
import json
import os
import re

import torch

INTENDED_USE = 'Synthetic demo model trained on computer-generated phantoms; not for clinical use.'


def export_unet(model, outdir, opset, input_name, output_name):
    example = torch.zeros(1, 1, 16, 16, 16)
    spatial = {0: 'batch', 2: 'depth', 3: 'height', 4: 'width'}
    axes = {input_name: spatial, output_name: spatial}
    return _export(model, outdir, example, opset, [input_name], [output_name], axes)


def export_resnet(model, outdir, opset, input_dhw, input_name, output_names):
    example = torch.zeros(1, 1, *input_dhw)
    axes = {input_name: {0: 'batch'}, output_names[0]: {0: 'batch'}, output_names[1]: {0: 'batch'}}
    return _export(model, outdir, example, opset, [input_name], list(output_names), axes)


def _export(model, outdir, example, opset, input_names, output_names, dynamic_axes):
    os.makedirs(outdir, exist_ok=True)
    model.eval()
    torch.save(model.state_dict(), os.path.join(outdir, 'model.pt'))
    path = os.path.join(outdir, 'model.onnx')
    torch.onnx.export(
        model,
        example,
        path,
        opset_version=opset,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        do_constant_folding=True,
    )
    return sha256(path)


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_card(outdir, card):
    write_json(os.path.join(outdir, 'model-card.json'), card)


def write_json(path, value):
    """JSON as prettier prints it (printWidth 110): objects expanded, short arrays of scalars on one line."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    text = re.sub(r'\[\s+([^\[\]{}"]*?)\s+\]', lambda m: '[' + re.sub(r',\s+', ', ', m.group(1)) + ']', text)
    with open(path, 'w') as f:
        f.write(text + '\n')
