#!/usr/bin/env bash
# Runs the CUDA launcher, copy, pointwise and index kernels on the CPU (no GPU needed) and compares
# them with the CPU kernels through the ordinary C++ front ends. A developer tool, not part of CI.
#   usage: bash tools/cuda_emu/run.sh     (needs a CPU build in build/dev; EMU_SMS=N sets the
#                                          emulated SM count, default 2)
# How: xform.py copies cuda/{common,loops,pointwise}.cuh and cuda/{copy,index,runtime}.cu, rewriting
# every <<<>>> launch into emu::launch (inc/cuda_runtime.h: blocks on host threads, barriers for
# __syncthreads, emulated shuffles/ballots, real atomics); harness.cpp links them with build/dev's
# libctorch, backs "cuda" storage with host memory and runs every check twice (32- and 64-bit paths).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/cuda_emu
mkdir -p "$out/gen"
[ -e "$root/build/dev/libctorch.so" ] || { echo "build the CPU library first (build/dev)"; exit 1; }
for f in common.cuh loops.cuh pointwise.cuh; do python3 "$here/xform.py" "$root/cuda/$f" "$out/gen/$f"; done
for f in copy index runtime; do python3 "$here/xform.py" "$root/cuda/$f.cu" "$out/gen/$f.cpp"; done
CXX="g++ -std=c++20 -O1 -w -I$here/inc -I$out/gen -I$root/cpp/include -fPIC"
for f in copy index runtime; do $CXX -c "$out/gen/$f.cpp" -o "$out/gen/$f.o"; done
$CXX -c "$here/pointwise_emu.cpp" -o "$out/gen/pointwise_emu.o"
$CXX -c "$here/harness.cpp" -o "$out/harness.o"
g++ -rdynamic "$out/harness.o" "$out"/gen/{runtime,copy,index,pointwise_emu}.o -o "$out/harness" \
  -L"$root/build/dev" -lctorch -Wl,-rpath,"$root/build/dev" -pthread
"$out/harness"
