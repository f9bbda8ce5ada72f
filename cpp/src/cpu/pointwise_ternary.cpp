// CPU kernels of clamp, where, lerp, addcmul and addcdiv.
#include "pointwise-inl.h"

namespace ctorch {
namespace cpu {

namespace {

// Whether operand k is one value broadcast over the whole iteration (e.g. a Python number).
bool is_constant(const TensorIter& it, int k) {
  if (it.numel() == 0) return false;
  for (int d = 0; d < it.ndim(); ++d)
    if (it.strides(k)[d] != 0) return false;
  return true;
}

// Runs f(self) over operands 0 (out) and 1 (self) only; the other operands were hoisted by the caller.
template <class T, class F>
void first_input_kernel(TensorIter& it, const F& f) {
  it.for_each([&](char** p, const int64_t* st, int64_t n) { basic_loop<T, T>(p, st, n, f, std::index_sequence<0>{}); });
}

// Inputs: self [, min] [, max]; scalars[0] / scalars[1] say whether min / max are present.
void clamp_kernel(TensorIter& it) {
  bool has_min = it.scalars[0].to_bool(), has_max = it.scalars[1].to_bool();
  dispatch_set<func::TypeSet::All>(it.dtype(1), "clamp_cpu", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (!std::is_same<T, bool>::value) {  // bool: one bound only (checked by the front end)
      if (has_min && has_max && is_constant(it, 2) && is_constant(it, 3)) {  // clamp(x, lo, hi) with numbers
        C lo = load<T>(it.data(2)), hi = load<T>(it.data(3));
        if (lo == lo && hi == hi) {  // Clamp without the NaN-bound cases: two selects, vectorises
          first_input_kernel<T>(it, [lo, hi](C a) {
            C r = a < lo ? lo : a;  // a NaN fails both tests and stays
            return r > hi ? hi : r;
          });
          return;
        }
        first_input_kernel<T>(it, [lo, hi](C a) { return func::Clamp<C>{}(a, lo, hi); });
        return;
      }
      if (has_min && has_max) {
        cpu_kernel<T, T, T, T>(it, func::Clamp<C>{});
        return;
      }
    }
    if (has_min) cpu_kernel<T, T, T>(it, func::ClampMin<C>{});
    else cpu_kernel<T, T, T>(it, func::ClampMax<C>{});
  });
}

// Inputs: cond (bool), a, b (both in the result dtype).
void where_kernel(TensorIter& it) {
  dispatch_set<func::TypeSet::All>(it.dtype(2), "where_cpu", [&](auto tag) {
    using T = decltype(tag);
    cpu_kernel<T, bool, T, T>(it, func::Where<compute_t<T>>{});
  });
}

// Inputs: start, end [, weight]; without a weight tensor the weight is scalars[0], kept in the
// compute type (not rounded to a float16 weight) as PyTorch does.
void lerp_kernel(TensorIter& it) {
  dispatch_set<func::TypeSet::Floating>(it.dtype(1), "lerp_kernel", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if (it.ntensors() == 4) {
      cpu_kernel<T, T, T, T>(it, func::Lerp<C>{});
    } else {
      C w = C(it.scalars[0].to_double());
      cpu_kernel<T, T, T>(it, [w](C s, C e) { return func::Lerp<C>{}(s, e, w); });
    }
  });
}

template <template <class> class F>
void addc_kernel(TensorIter& it, const char* op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    F<C> f;
    f.value = it.scalars[0].to<C>();
    cpu_kernel<T, T, T, T>(it, f);
  });
}
void addcmul_kernel(TensorIter& it) { addc_kernel<func::Addcmul>(it, "addcmul_cpu_out"); }
void addcdiv_kernel(TensorIter& it) { addc_kernel<func::Addcdiv>(it, "addcdiv_cpu"); }

}  // namespace

void register_ternary_kernels() {
  register_kernel(OpId::clamp, kCPU, reinterpret_cast<void*>(&clamp_kernel));
  register_kernel(OpId::where, kCPU, reinterpret_cast<void*>(&where_kernel));
  register_kernel(OpId::lerp, kCPU, reinterpret_cast<void*>(&lerp_kernel));
  register_kernel(OpId::addcmul, kCPU, reinterpret_cast<void*>(&addcmul_kernel));
  register_kernel(OpId::addcdiv, kCPU, reinterpret_cast<void*>(&addcdiv_kernel));
}

}  // namespace cpu
}  // namespace ctorch
