#pragma once
// Internal: the one signature of every reduction and scan kernel (CPU today, CUDA later).
//
// Note [Reduction layout]
// The front end (src/ops/reduce.cpp) permutes the reduced dims innermost and coalesces, so a
// kernel sees the input as [outer..., R]: `outer` is a few dims in the output's logical order
// (n_outer <= kMaxReduceDims, element strides into the input) and R is ONE strided dim. When
// the reduced dims cannot be merged into one the front end copies the input first. Reduction
// outputs are contiguous over the outer index o (out[o]); scans write out with their own
// strides. Kernels never look at tensor shapes beyond this struct.
#include <cstdint>

#include "ctorch/core/dtype.h"

namespace ctorch {

constexpr int kMaxReduceDims = 8;

struct ReduceDesc {
  const void* in = nullptr;
  ScalarType in_dtype = kFloat32;
  // Reductions: out[o] (contiguous). max_dim/min_dim/argmax also write int64 indices to out2;
  // var writes the mean to out2 when it is non-null.
  void* out = nullptr;
  ScalarType out_dtype = kFloat32;
  void* out2 = nullptr;

  int n_outer = 0;  // 0: a single output
  int64_t outer_sizes[kMaxReduceDims] = {};
  int64_t outer_strides[kMaxReduceDims] = {};      // input, elements
  int64_t out_outer_strides[kMaxReduceDims] = {};  // scans only: output, elements
  int64_t outer_numel = 1;
  int64_t reduce_size = 1;
  int64_t reduce_stride = 0;      // input, elements
  int64_t out_reduce_stride = 0;  // scans only

  // Op parameters: norm order p; var correction; flag bit 0 = take the square root (std).
  double p = 2;
  double correction = 1;
  int flags = 0;

  // Element offset in the input of outer index o (row-major over outer_sizes).
  int64_t in_offset(int64_t o) const { return offset(o, outer_strides); }
  int64_t out_offset(int64_t o) const { return offset(o, out_outer_strides); }

 private:
  int64_t offset(int64_t o, const int64_t* st) const {
    int64_t off = 0;
    for (int d = n_outer - 1; d >= 0; --d) {
      int64_t s = outer_sizes[d];
      off += (o % s) * st[d];
      o /= s;
    }
    return off;
  }
};

using ReduceFn = void(const ReduceDesc&);

}  // namespace ctorch
