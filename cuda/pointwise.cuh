#pragma once
// Shared by the CUDA pointwise TUs: the generic unary/binary kernels over a row's functor (the
// same functor object the CPU kernels run), dispatched over the row's dtype set.
#include "ctorch/dispatch/type_set.h"
#include "ctorch/ops/functors.h"
#include "loops.cuh"

namespace ctorch {
namespace cuda {

template <template <class> class F, class Name>
void unary_kernel(TensorIter& it, const Name& op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    using Out = out_t<decltype(F<C>{}(C{})), T>;
    gpu_kernel<Out, T>(it, F<C>{});
  });
}

template <template <class> class F, class Name>
void binary_kernel(TensorIter& it, const Name& op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    using Out = out_t<decltype(F<C>{}(C{}, C{})), T>;
    gpu_kernel<Out, T, T>(it, F<C>{});
  });
}

// Binary rows with kernels of their own (pointwise_binary.cu); the rest are generic.
constexpr bool is_arith_binary(OpId op) {
  return op == OpId::add || op == OpId::sub || op == OpId::mul || op == OpId::div || op == OpId::div_trunc ||
         op == OpId::div_floor || op == OpId::fmod || op == OpId::remainder || op == OpId::pow;
}

}  // namespace cuda
}  // namespace ctorch
