// CUDA kernels of clamp, where, lerp, addcmul and addcdiv (see cpu/pointwise_ternary.cpp).
#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

namespace {

// Inputs: self [, min] [, max]; scalars[0] / scalars[1] say whether min / max are present.
void clamp_kernel(TensorIter& it) {
  bool has_min = it.scalars[0].to_bool(), has_max = it.scalars[1].to_bool();
  dispatch_set<func::TypeSet::All>(it.dtype(1), "clamp_cuda", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (!std::is_same<T, bool>::value) {  // bool: one bound only (checked by the front end)
      if (has_min && has_max) {
        gpu_kernel<T, T, T, T>(it, func::Clamp<C>{});
        return;
      }
    }
    if (has_min) gpu_kernel<T, T, T>(it, func::ClampMin<C>{});
    else gpu_kernel<T, T, T>(it, func::ClampMax<C>{});
  });
}

// Inputs: cond (bool), a, b (both in the result dtype).
void where_kernel(TensorIter& it) {
  dispatch_set<func::TypeSet::All>(it.dtype(2), "where_cuda", [&](auto tag) {
    using T = decltype(tag);
    gpu_kernel<T, bool, T, T>(it, func::Where<compute_t<T>>{});
  });
}

template <class C>
struct LerpScalar {
  C w;
  CT_HD C operator()(C s, C e) const { return func::Lerp<C>{}(s, e, w); }
};

// Inputs: start, end [, weight]; without a weight tensor the weight is scalars[0] in the compute type.
void lerp_kernel(TensorIter& it) {
  dispatch_set<func::TypeSet::Floating>(it.dtype(1), "lerp_kernel", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if (it.ntensors() == 4) gpu_kernel<T, T, T, T>(it, func::Lerp<C>{});
    else gpu_kernel<T, T, T>(it, LerpScalar<C>{C(it.scalars[0].to_double())});
  });
}

template <template <class> class F>
void addc_kernel(TensorIter& it, const char* op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    F<C> f;
    f.value = it.scalars[0].to<C>();
    gpu_kernel<T, T, T, T>(it, f);
  });
}
void addcmul_kernel(TensorIter& it) { addc_kernel<func::Addcmul>(it, "addcmul_cuda"); }
void addcdiv_kernel(TensorIter& it) { addc_kernel<func::Addcdiv>(it, "addcdiv_cuda"); }

}  // namespace

void register_ternary_kernels() {
  reg(OpId::clamp, reinterpret_cast<void*>(&clamp_kernel));
  reg(OpId::where, reinterpret_cast<void*>(&where_kernel));
  reg(OpId::lerp, reinterpret_cast<void*>(&lerp_kernel));
  reg(OpId::addcmul, reinterpret_cast<void*>(&addcmul_kernel));
  reg(OpId::addcdiv, reinterpret_cast<void*>(&addcdiv_kernel));
}

}  // namespace cuda
}  // namespace ctorch
