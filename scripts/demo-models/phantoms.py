"""Phantom sets for the demo models: drawn by export-phantoms.ts (TypeScript, the project's own generator),
read here as numpy arrays shaped (k, j, i), i.e. the tensor layout D, H, W.
"""
import json
import os
import subprocess

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))


def export(outdir, seeds, *grid_args):
    """Runs the exporter unless `outdir` already holds the same set (its arguments are recorded beside it)."""
    args = ['--seeds', seeds, *grid_args]
    stamp = os.path.join(outdir, 'arguments.json')
    if os.path.exists(stamp):
        with open(stamp) as f:
            if json.load(f) == args and os.path.exists(os.path.join(outdir, 'index.json')):
                return load_index(outdir)
    subprocess.run(
        ['npx', 'tsx', os.path.join(HERE, 'export-phantoms.ts'), outdir, *args],
        cwd=REPO,
        check=True,
    )
    with open(stamp, 'w') as f:
        json.dump(args, f)
    return load_index(outdir)


def load_index(outdir):
    with open(os.path.join(outdir, 'index.json')) as f:
        entries = json.load(f)['phantoms']
    for entry in entries:
        entry['dir'] = outdir
    return entries


def load(entry):
    """(HU int16, mask uint8) of the written region, each shaped (k, j, i)."""
    shape = tuple(reversed(entry['shape']))
    hu = np.fromfile(os.path.join(entry['dir'], entry['volume']), dtype='<i2').reshape(shape)
    mask = np.fromfile(os.path.join(entry['dir'], entry['mask']), dtype=np.uint8).reshape(shape)
    return hu, mask
