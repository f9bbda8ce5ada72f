#!/usr/bin/env bash
# Runs every CUDA source file (launcher, copies, pointwise rows, indexing, reductions, scans, GEMM,
# random numbers, the caching allocator) on the CPU, no GPU needed, and compares the results with
# the CPU kernels through the ordinary C++ front ends. tests/run_all.sh runs it.
#   usage: bash tools/cuda_emu/run.sh   needs a libctorch build: build/dev, or CTORCH_LIB_DIR=dir
#     EMU_SMS=N      emulated SM count (default 2; 132 plans launches as on an H100)
#     EMU_TESTS=a,b  a subset: pointwise, copy, index, reduce, gemm, cublas, random, deterministic, allocator, async
# How: xform.py copies cuda/*.cuh and cuda/*.cu (not register_cuda.cu), rewriting every <<<>>>
# launch into emu::launch (inc/cuda_runtime.h: blocks on host threads, barriers for
# __syncthreads, emulated shuffles/ballots, real atomics, a fake cudaMalloc); harness.cpp links
# them with libctorch, and runs the TensorIter-launched checks twice (32- and 64-bit offsets).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/cuda_emu
mkdir -p "$out/gen"
units="copy index reduce scan gemm random runtime async_errors allocator host_cache pointwise_unary pointwise_binary pointwise_binary_generic pointwise_ternary"
lib=$(cd "${CTORCH_LIB_DIR:-$root/build/dev}" 2>/dev/null && pwd) || lib=${CTORCH_LIB_DIR:-$root/build/dev}
[ -e "$lib/libctorch.so" ] || { echo "build the CPU library first ($lib/libctorch.so)"; exit 1; }
for f in common.cuh loops.cuh pointwise.cuh philox.cuh; do python3 "$here/xform.py" "$root/cuda/$f" "$out/gen/$f"; done
for f in $units; do python3 "$here/xform.py" "$root/cuda/$f.cu" "$out/gen/$f.cpp"; done
CXX="g++ -std=c++20 -O1 -w -I$here/inc -I$out/gen -I$root/cpp/include -fPIC"
export CXX out here
{ for f in $units; do echo "$out/gen/$f"; done; echo "$out/harness"; } |
  xargs -P 2 -I{} bash -c 'src={}.cpp; [ "{}" = "$out/harness" ] && src=$here/harness.cpp; $CXX -c "$src" -o {}.o'
g++ -std=c++17 -O1 -shared -fPIC -I"$root/cpp/include" "$here/fake_cublas.cpp" -o "$out/libcublas_fake.so"
export CTORCH_CUBLAS_PATH=$out/libcublas_fake.so  # the cublas section: see fake_cublas.cpp
g++ -rdynamic "$out/harness.o" $(for f in $units; do echo "$out/gen/$f.o"; done) -o "$out/harness" \
  -L"$lib" -lctorch -Wl,-rpath,"$lib" -pthread -ldl
"$out/harness"
