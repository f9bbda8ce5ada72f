#!/usr/bin/env bash
# The one command that runs every test: builds the package (with the C++ tests), runs ctest,
# builds and runs the C++ example against the installed package, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
$PY -m pip install -q scikit-build-core pybind11 ninja cmake numpy pytest
start=$(date +%s)
$PY -m pip install --no-build-isolation -q -C cmake.define.CTORCH_BUILD_TESTS=ON -C build-dir=build/test .
echo "== build + install: $(( $(date +%s) - start )) s"
ctest --test-dir build/test --output-on-failure
prefix=$($PY -c "import ctorch.utils; print(ctorch.utils.cmake_prefix_path)")
cmake -S examples/cpp -B build/example -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build/example
./build/example/tensor_demo
# Run pytest from outside the tree so the installed package (not python/ctorch) is imported.
(cd tests/python && $PY -m pytest -q -p no:cacheprovider "$@" .)
