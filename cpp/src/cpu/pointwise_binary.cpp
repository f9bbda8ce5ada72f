// CPU kernels of the arithmetic binary rows with their own kernels (add/sub/mul/div, the
// division variants, pow); the generic rows live in pointwise_binary_generic.cpp (split to keep
// each TU's compile time down: every row is compiled for three ISAs).
#include <atomic>

#include "pointwise-inl.h"

namespace ctorch {
namespace cpu {

namespace {

// a + alpha * b (alpha in it.scalars[0], already validated by the front end). alpha == 1 takes
// the plain loop (same result as the fused form, and it vectorises).
template <template <class> class F>
void alpha_kernel(TensorIter& it, const char* op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    F<C> f;
    f.alpha = C(it.scalars[0].to<T>());  // float16 rounds alpha first, as PyTorch
    if constexpr (!std::is_same<T, bool>::value) {
      if (f.alpha == C(1)) {
        constexpr bool is_add = std::is_same<F<C>, func::Add<C>>::value;
        cpu_kernel<T, T, T>(it, [](C a, C b) { return is_add ? C(a + b) : C(a - b); });
        return;
      }
    }
    cpu_kernel<T, T, T>(it, f);
  });
}

// float16/bfloat16 with a one-element divisor or factor: PyTorch uses that operand's original
// value in float (it.scalars[0], flagged by scalars[1]) instead of rounding it to 16 bits.
template <template <class> class F>
bool reduced_scalar_kernel(TensorIter& it) {
  if (!it.scalars[1].to_bool()) return false;
  ScalarType dt = it.dtype(1);
  if (dt != kFloat16 && dt != kBFloat16) return false;
  float b = float(it.scalars[0].to_double());
  F<float> f;
  auto g = [f, b](float a, float) { return f(a, b); };
  if (dt == kFloat16) cpu_kernel<Half, Half, Half>(it, g);
  else cpu_kernel<BFloat16, BFloat16, BFloat16>(it, g);
  return true;
}

// Integer division by zero raises like PyTorch; floats follow IEEE. FR is the functor with
// float16 rounding of intermediates (DivFloorIn/DivTruncIn), or F itself.
template <template <class> class F, template <class, class> class FR = func::DivTruncIn>
void div_like_kernel(TensorIter& it, const char* op, bool rounds = false) {
  if (reduced_scalar_kernel<F>(it)) return;
  dispatch_set<func::TypeSet::NoBool>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (!std::is_same<T, C>::value) {
      if (rounds) {
        cpu_kernel<T, T, T>(it, FR<C, T>{});
        return;
      }
    }
    if constexpr (std::is_integral<T>::value) {
      std::atomic<bool> zero{false};
      F<C> f;
      cpu_kernel<T, T, T>(it, [&zero, f](C a, C b) {
        if (b == C(0)) zero.store(true, std::memory_order_relaxed);
        return f(a, b);
      });
      if (zero.load()) throw Error("ZeroDivisionError");
    } else {
      cpu_kernel<T, T, T>(it, F<C>{});
    }
  });
}

void add_kernel(TensorIter& it) { alpha_kernel<func::Add>(it, "add_cpu"); }
void sub_kernel(TensorIter& it) { alpha_kernel<func::Sub>(it, "sub_cpu"); }
void div_trunc_kernel(TensorIter& it) { div_like_kernel<func::DivTrunc>(it, "div_trunc_cpu", true); }
void div_floor_kernel(TensorIter& it) {
  div_like_kernel<func::DivFloor, func::DivFloorIn>(it, "div_floor_cpu", true);
}
void fmod_kernel(TensorIter& it) { div_like_kernel<func::Fmod>(it, "fmod_cpu"); }
void remainder_kernel(TensorIter& it) { div_like_kernel<func::Remainder>(it, "remainder_cpu"); }

// scalars[1] == true: the exponent is a Python scalar (scalars[0]); floating dtypes then take
// PyTorch's fast paths (x*x, sqrt, 1/x, ...), whose rounding differs from pow().
void pow_kernel(TensorIter& it) {
  dispatch_set<func::TypeSet::NoBool>(it.dtype(1), "pow", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (std::is_floating_point<C>::value) {
      if (it.scalars[1].to_bool()) {
        double e = it.scalars[0].to_double();
        func::PowScalar<C> f{C(T(e)), 0};  // float16 rounds the exponent first, as PyTorch
        f.mode = e == 2.0 ? 1 : e == 3.0 ? 2 : e == 0.5 ? 3 : e == -0.5 ? 4 : e == -1.0 ? 5 : e == -2.0 ? 6 : 0;
        // The common modes get their own loop so the mode switch leaves the inner loop.
        if (f.mode == 1) cpu_kernel<T, T, T>(it, [](C a, C) { return a * a; });
        else if (f.mode == 3) cpu_kernel<T, T, T>(it, [](C a, C) { return ct_math::sqrt(a); });
        else cpu_kernel<T, T, T>(it, [f](C a, C) { return f(a); });
        return;
      }
    }
    cpu_kernel<T, T, T>(it, func::Pow<C>{});
  });
}

template <OpId op, template <class> class F>
void row_kernel(TensorIter& it) {
  if constexpr (op == OpId::mul || op == OpId::div) {
    if (!reduced_scalar_kernel<F>(it)) binary_kernel<F>(it, CpuName{op});
  } else if constexpr (op == OpId::add) add_kernel(it);
  else if constexpr (op == OpId::sub) sub_kernel(it);
  else if constexpr (op == OpId::div_trunc) div_trunc_kernel(it);
  else if constexpr (op == OpId::div_floor) div_floor_kernel(it);
  else if constexpr (op == OpId::fmod) fmod_kernel(it);
  else if constexpr (op == OpId::remainder) remainder_kernel(it);
  else if constexpr (op == OpId::pow) pow_kernel(it);
}

template <OpId op, template <class> class F>
void register_row() {
  if constexpr (is_arith_binary(op)) register_kernel(op, kCPU, reinterpret_cast<void*>(&row_kernel<op, F>));
}

}  // namespace

void register_binary_generic_kernels();

void register_binary_kernels() {
#define CT_BINARY(name, F, kind) register_row<OpId::name, func::F>();
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
  register_binary_generic_kernels();
}

}  // namespace cpu
}  // namespace ctorch
