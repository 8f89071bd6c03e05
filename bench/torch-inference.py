"""PyTorch reference timing of the demo networks (models/demo/*/model.pt), for comparison with onnxruntime.

  /usr/bin/python3 bench/torch-inference.py <input.json>

input.json (shapes are D, H, W = k, j, i; every field but "unet"/"resnet" optional):
  {
    "threads": 2,                                   torch.set_num_threads, default 2
    "repeats": 3,                                   timed runs after one warm-up; the fastest counts
    "unet": {"patch": [48, 96, 96], "count": 12},   or a list of such objects
    "resnet": {"input": [40, 40, 48]}
  }
Each unet entry runs `count` forward passes of one 1x1xDxHxW patch (batch 1, as the sliding window does);
the ResNet one forward pass of 1x1xDxHxW. Inputs are seeded uniform [0, 1] values (timing does not depend
on them) unless an entry names "data": a raw little-endian float32 file of exactly that shape, relative to
input.json.

Prints one JSON line: {"unetMs": total over all unet entries, "resnetMs": ..., "unet": [{"patch", "count",
"ms", "msPerPatch"}], "resnet": {"input", "ms"}, "threads", "repeats", "torch"}; ms are wall milliseconds.
"""
import json
import os
import sys
import time

import numpy as np
import torch

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
sys.path.insert(0, os.path.join(REPO, 'scripts', 'demo-models'))
from networks import ResNet3D50, UNet3D  # noqa: E402


def network(cls, name):
    model = cls()
    path = os.path.join(REPO, 'models', 'demo', name, 'model.pt')
    model.load_state_dict(torch.load(path, map_location='cpu'))
    return model.eval()


def input_tensor(entry, dhw, base, rng):
    shape = (1, 1, *dhw)
    if 'data' in entry:
        data = np.fromfile(os.path.join(base, entry['data']), dtype='<f4')
        return torch.from_numpy(data.reshape(shape).copy())
    return torch.from_numpy(rng.uniform(0, 1, shape).astype(np.float32))


def best_ms(fn, repeats):
    fn()  # warm-up: first calls allocate and pick kernels
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: torch-inference.py <input.json>')
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    base = os.path.dirname(os.path.abspath(sys.argv[1]))
    threads = int(spec.get('threads', 2))
    repeats = int(spec.get('repeats', 3))
    torch.set_num_threads(threads)
    rng = np.random.RandomState(0)
    unet_entries = spec['unet'] if isinstance(spec['unet'], list) else [spec['unet']]
    unet = network(UNet3D, 'unet')
    resnet = network(ResNet3D50, 'resnet')
    result = {'unet': [], 'threads': threads, 'repeats': repeats, 'torch': torch.__version__}
    with torch.inference_mode():
        for entry in unet_entries:
            x = input_tensor(entry, entry['patch'], base, rng)
            count = int(entry['count'])

            def patches():
                for _ in range(count):
                    unet(x)

            ms = best_ms(patches, repeats)
            result['unet'].append({'patch': entry['patch'], 'count': count, 'ms': ms, 'msPerPatch': ms / count})
        x = input_tensor(spec['resnet'], spec['resnet']['input'], base, rng)
        result['resnet'] = {'input': spec['resnet']['input'], 'ms': best_ms(lambda: resnet(x), repeats)}
    result['unetMs'] = sum(e['ms'] for e in result['unet'])
    result['resnetMs'] = result['resnet']['ms']
    print(json.dumps(result))


if __name__ == '__main__':
    main()
