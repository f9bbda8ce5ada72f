#!/usr/bin/env bash
# The one command that runs every test: builds the package (with the C++ tests), runs ctest and
# the emulated CUDA kernel checks (tools/cuda_emu), builds and runs the C++ example against the
# installed package, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
$PY -m pip install -q scikit-build-core pybind11 ninja cmake numpy pytest scikit-learn
start=$(date +%s)
$PY -m pip install --no-build-isolation -q -C cmake.define.CTORCH_BUILD_TESTS=ON -C build-dir=build/test .
echo "== build + install: $(( $(date +%s) - start )) s"
ctest --test-dir build/test --output-on-failure
# The CUDA kernels' logic, run on the CPU by an emulated runtime against the CPU kernels (no GPU
# needed; about 10 minutes on 2 cores).
start=$(date +%s)
CTORCH_LIB_DIR=build/test timeout 1800 bash tools/cuda_emu/run.sh > build/cuda_emu.log 2>&1 ||
  { tail -40 build/cuda_emu.log; echo "CUDA emulation failed (log: build/cuda_emu.log)"; exit 1; }
grep -E '^TOTAL' build/cuda_emu.log
echo "== CUDA emulation: $(( $(date +%s) - start )) s"
prefix=$($PY -c "import ctorch.utils; print(ctorch.utils.cmake_prefix_path)")
cmake -S examples/cpp -B build/example -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build/example
./build/example/tensor_demo
# The demos, with a small step count (scikit-learn provides the offline digits dataset).
if $PY -c "import sklearn" 2>/dev/null; then
  $PY examples/mlp_digits.py --epochs 30 --min-acc 0.95
  $PY examples/train_digits.py --epochs 50
else
  echo "scikit-learn missing: demos skipped"
fi
# Run pytest from outside the tree so the installed package (not python/ctorch) is imported.
(cd tests/python && $PY -m pytest -q -p no:cacheprovider "$@" .)
