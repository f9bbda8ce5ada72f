#pragma once
// Process-wide switches of the matrix-multiply backends (torch.backends.cuda.matmul and
// torch.set_float32_matmul_precision). Read at every GEMM launch; CPU kernels ignore them (they
// always compute in full precision, which every setting allows).
#include <atomic>

#include "ctorch/core/macros.h"

namespace ctorch {

struct BlasFlags {
  std::atomic<bool> allow_tf32{false};          // float32 GEMMs may use TF32 tensor cores
  std::atomic<bool> allow_fp16_reduced{true};   // float16 GEMMs may reduce in reduced precision
  std::atomic<bool> allow_bf16_reduced{true};   // bfloat16 likewise
};

CT_API BlasFlags& blas_flags();

}  // namespace ctorch
