#!/usr/bin/env bash
# One-call GPU check for a machine with an NVIDIA GPU, nvcc and (optionally) a CUDA build of torch:
# builds ctorch with CUDA for sm_90, runs the CUDA test files and the GPU benchmark.
# Logs go to $OUT (or ./gpu-out). Usage: bash tests/gpu/run_on_gpu.sh [--quick]
set -uo pipefail
OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT"
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee "$OUT/gpu.txt"
echo "== build" | tee "$OUT/build.log"
start=$(date +%s)
cmake -S . -B build/gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTORCH_CUDA=ON -DCTORCH_BUILD_TESTS=OFF \
  -DCTORCH_BUILD_PYTHON=ON -DPython_EXECUTABLE="$(command -v $PY)" \
  -Dpybind11_DIR="$($PY -m pybind11 --cmakedir)" >>"$OUT/build.log" 2>&1 &&
  ninja -C build/gpu >>"$OUT/build.log" 2>&1 || { tail -50 "$OUT/build.log"; exit 1; }
echo "build: $(( $(date +%s) - start )) s" | tee -a "$OUT/build.log"
# Use the fresh build in place (same layout as .ci/dev_link.sh).
cp build/gpu/_C*.so python/ctorch/ && mkdir -p python/ctorch/lib && cp -P build/gpu/libctorch.so* python/ctorch/lib/
export PYTHONPATH=$PWD/python
$PY -c "import ctorch; print('cuda available:', ctorch.cuda.is_available(), ctorch.cuda.get_device_name(), 'gemm:', ctorch._C._cuda_gemm_backend())" 2>&1 | tee "$OUT/smoke.txt"
echo "== smoke (CPU vs CUDA per kernel family), then the same under compute-sanitizer"
timeout 120 $PY tests/gpu/smoke.py 2>&1 | tee "$OUT/smoke_ops.txt"
timeout 300 compute-sanitizer --tool memcheck --print-limit 20 $PY tests/gpu/smoke.py > "$OUT/sanitizer.txt" 2>&1
tail -5 "$OUT/sanitizer.txt"
echo "== demo on cuda"
$PY examples/mlp_digits.py --device cuda 2>&1 | tail -2 | tee "$OUT/demo.txt"
echo "== tests"
timeout 420 $PY -m pytest -q --maxfail=30 --timeout 120 -p no:cacheprovider tests/python/test_cuda*.py > "$OUT/tests.log" 2>&1
tail -40 "$OUT/tests.log"
echo "== own GEMM kernel (CTORCH_CUBLAS=0)"
CTORCH_CUBLAS=0 timeout 120 $PY -m pytest -q --maxfail=10 -p no:cacheprovider tests/python/test_cuda_ops.py -k "mm or matmul" 2>&1 | tail -5
echo "== bench"
timeout 240 $PY bench/bench_cuda.py ${1:-} --json "$OUT/bench.json" 2>&1 | tee "$OUT/bench.txt"
