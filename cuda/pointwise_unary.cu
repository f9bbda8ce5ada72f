// CUDA kernels of the unary pointwise rows (CT_UNARY in op_table.def) and round(decimals), and
// the registration entry point of every pointwise family.
#include <cmath>

#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

namespace {
#define CT_UNARY(name, F, kind) \
  void name##_kernel(TensorIter& it) { unary_kernel<func::F>(it, CudaName{OpId::name}); }
#define CT_OP(name)
#include "ctorch/ops/op_table.def"

void round_decimals_kernel(TensorIter& it) {
  dispatch_set<func::TypeSet::Floating>(it.dtype(1), "round_cuda", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    int64_t d = it.scalars[0].to_long();
    func::RoundDecimals<C> f;
    f.neg = d < 0;
    f.ten_pow = C(std::pow(10.0, double(d < 0 ? -d : d)));
    gpu_kernel<T, T>(it, f);
  });
}
}  // namespace

void register_binary_kernels();
void register_binary_generic_kernels();
void register_ternary_kernels();

void register_pointwise_kernels() {
#define CT_UNARY(name, F, kind) reg(OpId::name, reinterpret_cast<void*>(&name##_kernel));
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
  reg(OpId::round_decimals, reinterpret_cast<void*>(&round_decimals_kernel));
  register_binary_kernels();
  register_binary_generic_kernels();
  register_ternary_kernels();
}

}  // namespace cuda
}  // namespace ctorch
