#pragma once
// Internal: the one matrix-product kernel signature (OpId::gemm), shared by CPU and CUDA.
//   C[b] = beta * C[b] + alpha * A[b] @ B[b]   for b < batch; A[b] is M x K, B[b] is K x N.
// Strides are in elements and may be anything (0 for broadcast batches, transposed or sliced
// operands), so callers never copy to get a layout. beta == 0 means C is write-only (NaNs in C
// are ignored, like BLAS). A, B and C share one dtype; integer alpha/beta are truncated to it.
#include <cstdint>

#include "ctorch/core/dtype.h"
#include "ctorch/core/scalar.h"

namespace ctorch {

struct GemmDesc {
  ScalarType dtype = kFloat32;
  int64_t batch = 1, M = 0, N = 0, K = 0;
  const void* a = nullptr;
  int64_t a_bs = 0, a_rs = 0, a_cs = 0;  // batch, row (M) and column (K) strides
  const void* b = nullptr;
  int64_t b_bs = 0, b_rs = 0, b_cs = 0;  // rows K, columns N
  void* c = nullptr;
  int64_t c_bs = 0, c_rs = 0, c_cs = 0;
  Scalar alpha = 1, beta = 0;
};

using GemmFn = void(const GemmDesc&);

}  // namespace ctorch
