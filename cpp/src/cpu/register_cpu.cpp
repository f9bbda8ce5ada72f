// Explicit registration of every CPU kernel family (no static registrars; see design note P4).
#include "ctorch/dispatch/registry.h"

namespace ctorch {
namespace cpu {
void register_copy_kernels();
void register_pointwise_kernels();
void register_reduce_kernels();
void register_linalg_kernels();
void register_index_kernels();
void register_random_kernels();

void register_kernels() {
  register_copy_kernels();
  register_pointwise_kernels();
  register_reduce_kernels();
  register_linalg_kernels();
  register_index_kernels();
  register_random_kernels();
}
}  // namespace cpu
}  // namespace ctorch
