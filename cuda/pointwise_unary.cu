// CUDA kernels of the unary pointwise rows and round(decimals), and the registration entry point
// of every pointwise family (rows: ctorch/ops/pointwise_rows.h).
#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

void register_binary_kernels();
void register_binary_generic_kernels();
void register_ternary_kernels();

void register_pointwise_kernels() {
  rows::register_unary_rows<CudaLaunch>();
  register_binary_kernels();
  register_binary_generic_kernels();
  register_ternary_kernels();
}

}  // namespace cuda
}  // namespace ctorch
