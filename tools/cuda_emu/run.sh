#!/usr/bin/env bash
# Runs the CUDA launcher, copy, pointwise, index, reduction, scan, GEMM and random kernels on
# the CPU (no GPU needed) and compares them with the CPU kernels through the ordinary C++ front ends. A developer tool, not part of CI.
#   usage: bash tools/cuda_emu/run.sh     (needs a CPU build in build/dev; EMU_SMS=N sets the
#                                          emulated SM count, default 2;
#                                          EMU_TESTS=reduce,gemm runs a subset)
# How: xform.py copies cuda/*.cuh and cuda/*.cu except register_cuda.cu, rewriting
# every <<<>>> launch into emu::launch (inc/cuda_runtime.h: blocks on host threads, barriers for
# __syncthreads, emulated shuffles/ballots, real atomics); harness.cpp links them with build/dev's
# libctorch, backs "cuda" storage with host memory and runs every check twice (32- and 64-bit paths).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/cuda_emu
mkdir -p "$out/gen"
units="copy index reduce scan gemm random runtime allocator pointwise_unary pointwise_binary pointwise_binary_generic pointwise_ternary"
[ -e "$root/build/dev/libctorch.so" ] || { echo "build the CPU library first (build/dev)"; exit 1; }
for f in common.cuh loops.cuh pointwise.cuh philox.cuh; do python3 "$here/xform.py" "$root/cuda/$f" "$out/gen/$f"; done
for f in $units; do python3 "$here/xform.py" "$root/cuda/$f.cu" "$out/gen/$f.cpp"; done
CXX="g++ -std=c++20 -O1 -w -I$here/inc -I$out/gen -I$root/cpp/include -fPIC"
export CXX out here
{ for f in $units; do echo "$out/gen/$f"; done; echo "$out/harness"; } |
  xargs -P 2 -I{} bash -c 'src={}.cpp; [ "{}" = "$out/harness" ] && src=$here/harness.cpp; $CXX -c "$src" -o {}.o'
g++ -rdynamic "$out/harness.o" $(for f in $units; do echo "$out/gen/$f.o"; done) -o "$out/harness" \
  -L"$root/build/dev" -lctorch -Wl,-rpath,"$root/build/dev" -pthread
"$out/harness"
