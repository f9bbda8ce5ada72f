// CPU kernels of the generic binary rows (comparisons, logical, bitwise, shifts, maximum,
// minimum, atan2): the vectorised loop over each row's functor. See pointwise_binary.cpp.
#include "pointwise-inl.h"

namespace ctorch {
namespace cpu {

namespace {
template <OpId op, template <class> class F>
void row_kernel(TensorIter& it) {
  binary_kernel<F>(it, CpuName{op});
}

template <OpId op, template <class> class F>
void register_row() {
  if constexpr (!is_arith_binary(op)) register_kernel(op, kCPU, reinterpret_cast<void*>(&row_kernel<op, F>));
}
}  // namespace

void register_binary_generic_kernels() {
#define CT_BINARY(name, F, kind) register_row<OpId::name, func::F>();
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
}

}  // namespace cpu
}  // namespace ctorch
