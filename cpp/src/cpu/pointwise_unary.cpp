// CPU kernels of the unary pointwise rows (CT_UNARY in op_table.def) and round(decimals), and the
// registration entry point of every pointwise kernel family (rows: ctorch/ops/pointwise_rows.h).
#include "pointwise-inl.h"

namespace ctorch {
namespace cpu {

void register_binary_kernels();
void register_binary_generic_kernels();
void register_ternary_kernels();

void register_pointwise_kernels() {
  rows::register_unary_rows<CpuLaunch>();
  register_binary_kernels();
  register_binary_generic_kernels();
  register_ternary_kernels();
}

}  // namespace cpu
}  // namespace ctorch
