#!/usr/bin/env bash
# GPU timings of the inference pipeline: U-Net + full-width 3D ResNet50 on a 512×512×300 phantom with
# onnxruntime's CUDA provider, every stage from decoding volume.nii.gz to encoding mask.nii.gz (the CPU
# stages of `npm run bench -- inference` plus the networks); target < 1 s per study on one H100. Run from
# a clone on a CUDA machine
# (driver, CUDA 12 and cuDNN 9 libraries installed, e.g. the inference image or a Deep Learning AMI):
#
#   bench/gpu.sh [extra arguments for bench/gpu-inference.ts, e.g. --repeats 5 --resnet demo]
#
# Fails with a message, and exit code 1, where there is no GPU or no CUDA provider.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "bench/gpu.sh: $*" >&2
  exit 1
}

command -v nvidia-smi >/dev/null 2>&1 || fail "nvidia-smi not found: this machine has no NVIDIA driver; run on a CUDA machine"
nvidia-smi -L >/dev/null 2>&1 || fail "nvidia-smi sees no GPU: $(nvidia-smi -L 2>&1 | head -1)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

[ -f models/demo/unet/model-card.json ] && [ -f models/demo/resnet/model-card.json ] ||
  fail "models/demo/unet and models/demo/resnet are missing (scripts/demo-models trains them)"

# onnxruntime-node's npm package holds the CPU library only; its install script fetches the CUDA 12
# provider (NuGet Microsoft.ML.OnnxRuntime.Gpu.Linux) beside it, as the Dockerfile does.
ORT_BIN=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
if [ ! -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ]; then
  echo "installing onnxruntime-node's CUDA execution provider"
  ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install ||
    fail "the CUDA provider download failed (it needs api.nuget.org); copy libonnxruntime_providers_{cuda,shared}.so into $ORT_BIN"
  [ -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ] || fail "the CUDA provider is still missing from $ORT_BIN"
fi

# The CUDA provider links against cuDNN 9 and cuBLAS 12: say so plainly instead of a dlopen error later.
for lib in libcudnn.so.9 libcublasLt.so.12 libcudart.so.12; do
  found=$(ldconfig -p 2>/dev/null | grep -c "$lib" || true)
  for dir in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }}; do
    [ -e "$dir/$lib" ] && found=1
  done
  if [ "$found" = 0 ]; then
    fail "$lib not found (ldconfig or LD_LIBRARY_PATH): install CUDA 12 and cuDNN 9 runtime libraries"
  fi
done

exec npx tsx bench/gpu-inference.ts --device cuda "$@"
