#pragma once
// Internal (kernel TUs only): what each pointwise row runs for a given dtype -- the dtype set, the
// special cases (alpha == 1, 16-bit values with a one-element float operand, integer division by
// zero, pow's scalar-exponent fast paths) -- written once for the CPU and CUDA kernels. The math
// is functors.h; the loop is the launcher L, a struct with
//   using Name = ...;  // prints "<op>_cpu" / "<op>_cuda" in NotImplementedError messages
//   template <class Out, class... In, class F> static void run(TensorIter&, const F&);  // out = f(in...)
//   template <class T, class F> static void run_int_div(TensorIter&, const F&);  // throws ZeroDivisionError
//   unary_special<F>(it), clamp_special(it): device fast paths that may take the row over;
//   kDevice, kAddcmulName, kAddcdivName, kRoundName.
#include <cmath>
#include <type_traits>

#include "ctorch/dispatch/registry.h"
#include "ctorch/dispatch/type_set.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/functors.h"

namespace ctorch {
namespace rows {

// Rows with kernels of their own below; the other binary rows are generic.
constexpr bool is_arith_binary(OpId op) {
  return op == OpId::add || op == OpId::sub || op == OpId::mul || op == OpId::div || op == OpId::div_trunc ||
         op == OpId::div_floor || op == OpId::fmod || op == OpId::remainder || op == OpId::pow;
}

template <class L, template <class> class F, class Name>
void unary(TensorIter& it, const Name& op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    L::template run<out_t<decltype(F<C>{}(C{})), T>, T>(it, F<C>{});
  });
}

template <class L, template <class> class F, class Name>
void binary(TensorIter& it, const Name& op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    L::template run<out_t<decltype(F<C>{}(C{}, C{})), T>, T, T>(it, F<C>{});
  });
}

template <class C, bool Sub>
struct PlainAddSub {
  CT_HD C operator()(C a, C b) const { return Sub ? C(a - b) : C(a + b); }
};

// a + alpha * b (alpha in it.scalars[0], validated by the front end). alpha == 1 takes the plain
// form (the same result as the fused one, and it vectorises).
template <class L, template <class> class F, class Name>
void alpha(TensorIter& it, const Name& op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    F<C> f;
    f.alpha = C(it.scalars[0].to<T>());  // float16 rounds alpha first, as PyTorch
    if constexpr (!std::is_same<T, bool>::value) {
      if (f.alpha == C(1)) {
        L::template run<T, T, T>(it, PlainAddSub<C, !std::is_same<F<C>, func::Add<C>>::value>{});
        return;
      }
    }
    L::template run<T, T, T>(it, f);
  });
}

template <template <class> class F>
struct WithScalar {
  float b;
  CT_HD float operator()(float a, float) const { return F<float>{}(a, b); }
};

// float16/bfloat16 with a one-element divisor or factor: PyTorch uses that operand's original
// value in float (it.scalars[0], flagged by scalars[1]) instead of rounding it to 16 bits.
template <class L, template <class> class F>
bool reduced_scalar(TensorIter& it) {
  if (!it.scalars[1].to_bool()) return false;
  ScalarType dt = it.dtype(1);
  if (dt != kFloat16 && dt != kBFloat16) return false;
  WithScalar<F> g{float(it.scalars[0].to_double())};
  if (dt == kFloat16) L::template run<Half, Half, Half>(it, g);
  else L::template run<BFloat16, BFloat16, BFloat16>(it, g);
  return true;
}

// Integer division by zero raises like PyTorch's CPU kernels; floats follow IEEE. FR is the
// functor with float16 rounding of intermediates (DivFloorIn/DivTruncIn).
template <class L, template <class> class F, template <class, class> class FR = func::DivTruncIn, class Name>
void div_like(TensorIter& it, const Name& op, bool rounds = false) {
  if (reduced_scalar<L, F>(it)) return;
  dispatch_set<func::TypeSet::NoBool>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (!std::is_same<T, C>::value) {
      if (rounds) {
        L::template run<T, T, T>(it, FR<C, T>{});
        return;
      }
    }
    if constexpr (std::is_integral<T>::value) L::template run_int_div<T>(it, F<C>{});
    else L::template run<T, T, T>(it, F<C>{});
  });
}

template <class C>
struct Square {
  CT_HD C operator()(C a, C) const { return a * a; }
};
template <class C>
struct SqrtOfFirst {
  CT_HD C operator()(C a, C) const { return ct_math::sqrt(a); }
};
template <class C>
struct PowOfFirst {
  func::PowScalar<C> f;
  CT_HD C operator()(C a, C) const { return f(a); }
};

// scalars[1] == true: the exponent is a Python scalar (scalars[0]); floating dtypes then take
// PyTorch's fast paths (x*x, sqrt, 1/x, ...), whose rounding differs from pow().
template <class L>
void pow(TensorIter& it) {
  dispatch_set<func::TypeSet::NoBool>(it.dtype(1), "pow", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (std::is_floating_point<C>::value) {
      if (it.scalars[1].to_bool()) {
        double e = it.scalars[0].to_double();
        func::PowScalar<C> f{C(T(e)), 0};  // float16 rounds the exponent first, as PyTorch
        f.mode = e == 2.0 ? 1 : e == 3.0 ? 2 : e == 0.5 ? 3 : e == -0.5 ? 4 : e == -1.0 ? 5 : e == -2.0 ? 6 : 0;
        // The common modes get their own loop so the mode switch leaves the inner loop.
        if (f.mode == 1) L::template run<T, T, T>(it, Square<C>{});
        else if (f.mode == 3) L::template run<T, T, T>(it, SqrtOfFirst<C>{});
        else L::template run<T, T, T>(it, PowOfFirst<C>{f});
        return;
      }
    }
    L::template run<T, T, T>(it, func::Pow<C>{});
  });
}

// The kernel of an arithmetic binary row (is_arith_binary).
template <class L, OpId op, template <class> class F>
void arith(TensorIter& it) {
  using N = typename L::Name;
  if constexpr (op == OpId::mul || op == OpId::div) {
    if (!reduced_scalar<L, F>(it)) binary<L, F>(it, N{op});
  } else if constexpr (op == OpId::add || op == OpId::sub) alpha<L, F>(it, N{op});
  else if constexpr (op == OpId::div_trunc) div_like<L, func::DivTrunc, func::DivTruncIn>(it, N{op}, true);
  else if constexpr (op == OpId::div_floor) div_like<L, func::DivFloor, func::DivFloorIn>(it, N{op}, true);
  else if constexpr (op == OpId::fmod || op == OpId::remainder) div_like<L, F>(it, N{op});
  else if constexpr (op == OpId::pow) pow<L>(it);
}

// The kernel of any binary row.
template <class L, OpId op, template <class> class F>
void binary_row(TensorIter& it) {
  if constexpr (is_arith_binary(op)) arith<L, op, F>(it);
  else binary<L, F>(it, typename L::Name{op});
}

// The kernel of a unary row; L::unary_special may take over (the CPU's vectorised float math).
template <class L, OpId op, template <class> class F>
void unary_row(TensorIter& it) {
  if (L::template unary_special<F>(it)) return;
  unary<L, F>(it, typename L::Name{op});
}

// ---- the ternary rows ----
// clamp: inputs self [, min] [, max]; scalars[0] / scalars[1] say whether min / max are present.
template <class L, class Name>
void clamp(TensorIter& it, const Name& op) {
  bool has_min = it.scalars[0].to_bool(), has_max = it.scalars[1].to_bool();
  dispatch_set<func::TypeSet::All>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if constexpr (!std::is_same<T, bool>::value) {  // bool: one bound only (checked by the front end)
      if (has_min && has_max) {
        L::template run<T, T, T, T>(it, func::Clamp<C>{});
        return;
      }
    }
    if (has_min) L::template run<T, T, T>(it, func::ClampMin<C>{});
    else L::template run<T, T, T>(it, func::ClampMax<C>{});
  });
}

// where: inputs cond (bool), a, b (both in the result dtype).
template <class L, class Name>
void where(TensorIter& it, const Name& op) {
  dispatch_set<func::TypeSet::All>(it.dtype(2), op, [&](auto tag) {
    using T = decltype(tag);
    L::template run<T, bool, T, T>(it, func::Where<compute_t<T>>{});
  });
}

template <class C>
struct LerpScalar {
  C w;
  CT_HD C operator()(C s, C e) const { return func::Lerp<C>{}(s, e, w); }
};

// lerp: inputs start, end [, weight]; without a weight tensor the weight is scalars[0], kept in
// the compute type (not rounded to a float16 weight) as PyTorch does.
template <class L>
void lerp(TensorIter& it) {
  dispatch_set<func::TypeSet::Floating>(it.dtype(1), "lerp_kernel", [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    if (it.ntensors() == 4) L::template run<T, T, T, T>(it, func::Lerp<C>{});
    else L::template run<T, T, T>(it, LerpScalar<C>{C(it.scalars[0].to_double())});
  });
}

template <class L, template <class> class F>
void addc(TensorIter& it, const char* op) {
  dispatch_set<func::TypeSetOf<F>::value>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    F<C> f;
    f.value = it.scalars[0].to<C>();
    L::template run<T, T, T, T>(it, f);
  });
}

// round(x, decimals): scalars[0] = decimals.
template <class L>
void round_decimals(TensorIter& it, const char* op) {
  dispatch_set<func::TypeSet::Floating>(it.dtype(1), op, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    int64_t d = it.scalars[0].to_long();
    func::RoundDecimals<C> f;
    f.neg = d < 0;
    f.ten_pow = C(std::pow(10.0, double(d < 0 ? -d : d)));
    L::template run<T, T>(it, f);
  });
}

template <class L> void clamp_row(TensorIter& it) {
  if (!L::clamp_special(it)) clamp<L>(it, typename L::Name{OpId::clamp});
}
template <class L> void where_row(TensorIter& it) { where<L>(it, typename L::Name{OpId::where}); }
template <class L> void lerp_row(TensorIter& it) { lerp<L>(it); }
template <class L> void addcmul_row(TensorIter& it) { addc<L, func::Addcmul>(it, L::kAddcmulName); }
template <class L> void addcdiv_row(TensorIter& it) { addc<L, func::Addcdiv>(it, L::kAddcdivName); }
template <class L> void round_decimals_row(TensorIter& it) { round_decimals<L>(it, L::kRoundName); }

// Registration, split so that each kernel TU compiles one share of the rows.
template <class L>
void register_unary_rows() {
#define CT_UNARY(name, F, kind) \
  register_kernel(OpId::name, L::kDevice, reinterpret_cast<void*>(&unary_row<L, OpId::name, func::F>));
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
  register_kernel(OpId::round_decimals, L::kDevice, reinterpret_cast<void*>(&round_decimals_row<L>));
}

template <class L, bool Arith>
void register_binary_rows() {
#define CT_BINARY(name, F, kind)                  \
  if constexpr (is_arith_binary(OpId::name) == Arith) \
    register_kernel(OpId::name, L::kDevice, reinterpret_cast<void*>(&binary_row<L, OpId::name, func::F>));
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
}

template <class L>
void register_ternary_rows() {
  register_kernel(OpId::clamp, L::kDevice, reinterpret_cast<void*>(&clamp_row<L>));
  register_kernel(OpId::where, L::kDevice, reinterpret_cast<void*>(&where_row<L>));
  register_kernel(OpId::lerp, L::kDevice, reinterpret_cast<void*>(&lerp_row<L>));
  register_kernel(OpId::addcmul, L::kDevice, reinterpret_cast<void*>(&addcmul_row<L>));
  register_kernel(OpId::addcdiv, L::kDevice, reinterpret_cast<void*>(&addcdiv_row<L>));
}

}  // namespace rows
}  // namespace ctorch
