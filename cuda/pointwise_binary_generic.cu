// CUDA kernels of the generic binary rows (comparisons, logical, bitwise, shifts, maximum,
// minimum, atan2): the row's functor over a TensorIter. See pointwise_binary.cu for the rest.
#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

namespace {
template <OpId op, template <class> class F>
void row_kernel(TensorIter& it) {
  binary_kernel<F>(it, CudaName{op});
}

template <OpId op, template <class> class F>
void register_row() {
  if constexpr (!is_arith_binary(op)) reg(op, reinterpret_cast<void*>(&row_kernel<op, F>));
}
}  // namespace

void register_binary_generic_kernels() {
#define CT_BINARY(name, F, kind) register_row<OpId::name, func::F>();
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
}

}  // namespace cuda
}  // namespace ctorch
