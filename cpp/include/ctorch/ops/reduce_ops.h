#pragma once
// Internal (kernel TUs only): the math of every reduction and scan, written once for the CPU
// (cpu/reduce.cpp, cpu/reduce_scan.cpp) and CUDA (cuda/reduce.cu, cuda/scan.cu) kernels, plus the
// op table that builds each op from a ReduceDesc. A device supplies only its launcher L:
//   template <class T, class Op> static void run(const ReduceDesc&, const Op&);
// (layout, threading, fast paths) and registers the table with register_reduce_ops<L>.
//
// A reduction Op provides
//   using acc_t;  acc_t init() const;
//   void step(acc_t&, compute_t<T> v, int64_t idx) const;  // idx = position along R
//   void merge(acc_t& a, const acc_t& b) const;            // b covers later positions
//   void write(int64_t o, const acc_t&) const;
// Accumulation types, NaN rules, first-index ties and empty-row values follow PyTorch. No std::
// math here: ct_math (functors.h) calls the C functions nvcc also provides on device.
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ctorch/core/half.h"
#include "ctorch/core/macros.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/functors.h"
#include "ctorch/ops/reduce_kernel.h"

namespace ctorch {
namespace red_ops {

// Accumulation type of sum/prod/mean: float for float16/bfloat16/float32, double for float64,
// int64 for integers and bool.
template <class T> struct acc_of { using type = int64_t; };
template <> struct acc_of<float> { using type = float; };
template <> struct acc_of<Half> { using type = float; };
template <> struct acc_of<BFloat16> { using type = float; };
template <> struct acc_of<double> { using type = double; };
template <class T> using acc_type_t = typename acc_of<T>::type;

// Running value of cumsum/cumprod (as PyTorch on CPU): double for float32/float64, float for
// float16/bfloat16, int64 for integers.
template <class T> struct scan_acc_of { using type = int64_t; };
template <> struct scan_acc_of<float> { using type = double; };
template <> struct scan_acc_of<double> { using type = double; };
template <> struct scan_acc_of<Half> { using type = float; };
template <> struct scan_acc_of<BFloat16> { using type = float; };
template <class T> using scan_acc_t = typename scan_acc_of<T>::type;

template <class V>
CT_HD bool is_nan(V v) {
  if constexpr (std::is_floating_point<V>::value) return ct_math::isnan(v);
  else return false;
}

// a + b or a * b; integers wrap like PyTorch (computed in uint64 to stay defined).
template <bool Prod, class A>
CT_HD A sum_combine(A a, A b) {
  if constexpr (std::is_integral<A>::value)
    return A(Prod ? uint64_t(a) * uint64_t(b) : uint64_t(a) + uint64_t(b));
  else return Prod ? a * b : a + b;
}

// Identity of max (Max) or min: -inf / +inf for floats, the type's extreme otherwise.
template <class V, bool Max>
CT_HD V lowest() {
  if constexpr (std::is_same<V, bool>::value) return !Max;
  else if constexpr (std::is_floating_point<V>::value)
    return Max ? -std::numeric_limits<V>::infinity() : std::numeric_limits<V>::infinity();
  else return Max ? std::numeric_limits<V>::lowest() : std::numeric_limits<V>::max();
}

// ---- sum / mean / prod ----
template <class T, bool Prod>
struct SumOp {
  using acc_t = acc_type_t<T>;
  void* out;
  bool to_long;  // integral input summed into an int64 result
  double scale;  // 1/R for mean (NaN when R == 0)
  CT_HD acc_t init() const { return acc_t(Prod ? 1 : 0); }
  CT_HD void step(acc_t& a, compute_t<T> v, int64_t) const { a = sum_combine<Prod>(a, acc_t(v)); }
  CT_HD void merge(acc_t& a, const acc_t& b) const { a = sum_combine<Prod>(a, b); }
  CT_HD void write(int64_t o, acc_t a) const {
    if constexpr (std::is_floating_point<acc_t>::value) {
      if (scale != 1) a = acc_t(a * acc_t(scale));
    }
    if (to_long) static_cast<int64_t*>(out)[o] = int64_t(a);
    else static_cast<T*>(out)[o] = T(compute_t<T>(a));
  }
};

// ---- amax / amin (NaN propagates) ----
template <class T, bool Max>
struct ExtremeOp {
  using acc_t = compute_t<T>;
  T* out;
  CT_HD acc_t init() const { return lowest<acc_t, Max>(); }
  CT_HD void step(acc_t& a, acc_t v, int64_t) const {
    const bool take = Max ? (v > a) : (v < a);
    a = (take || is_nan(v)) ? v : a;
  }
  CT_HD void merge(acc_t& a, const acc_t& b) const { step(a, b, 0); }
  CT_HD void write(int64_t o, acc_t a) const { out[o] = T(a); }
};

// ---- max/min with indices, argmax/argmin: first index on ties, first NaN wins ----
template <class V>
struct ValIdx {
  V v;
  int64_t i;  // -1: empty
};

template <class T, bool Max>
struct ArgOp {
  using V = compute_t<T>;
  using acc_t = ValIdx<V>;
  T* vals;  // null for argmax/argmin
  int64_t* idxs;
  CT_HD acc_t init() const { return {lowest<V, Max>(), -1}; }
  CT_HD static bool better(V v, V a) {  // strictly better than the current value
    if (is_nan(a)) return false;
    return is_nan(v) || (Max ? v > a : v < a);
  }
  CT_HD void step(acc_t& a, V v, int64_t i) const {
    if (a.i < 0 || better(v, a.v)) a = {v, i};
  }
  // Order-free: equal values (or two NaNs) keep the smaller index, so lanes, chunks and splits
  // may combine in any order.
  CT_HD void merge(acc_t& a, const acc_t& b) const {
    if (b.i < 0) return;
    if (a.i < 0 || better(b.v, a.v)) {
      a = b;
      return;
    }
    const bool same = (b.v == a.v) || (is_nan(a.v) && is_nan(b.v));
    if (same && b.i < a.i) a = b;
  }
  CT_HD void write(int64_t o, const acc_t& a) const {
    if (vals) vals[o] = T(a.v);
    idxs[o] = a.i;
  }
};

// ---- var / std: Welford in double, Chan's merge ----
struct Welford {
  double mean, m2;
  int64_t n;
};

template <class T>
struct VarOp {
  using acc_t = Welford;
  T* out;
  T* mean_out;  // may be null
  double correction;
  bool take_sqrt;
  CT_HD acc_t init() const { return {0, 0, 0}; }
  CT_HD void step(acc_t& a, compute_t<T> v, int64_t) const {
    const double x = double(v);
    a.n += 1;
    const double delta = x - a.mean;
    a.mean += delta / double(a.n);
    a.m2 += delta * (x - a.mean);
  }
  CT_HD void merge(acc_t& a, const acc_t& b) const {
    if (b.n == 0) return;
    if (a.n == 0) {
      a = b;
      return;
    }
    const double n = double(a.n + b.n), delta = b.mean - a.mean;
    a.mean += delta * double(b.n) / n;
    a.m2 += b.m2 + delta * delta * double(a.n) * double(b.n) / n;
    a.n += b.n;
  }
  CT_HD void write(int64_t o, const acc_t& a) const {
    const double dof = double(a.n) - correction;
    const double var = a.m2 / (dof > 0 ? dof : 0.0);  // dof <= 0: inf, or NaN for 0/0
    out[o] = T(compute_t<T>(take_sqrt ? ct_math::sqrt(var) : var));
    if (mean_out) mean_out[o] = T(compute_t<T>(a.n == 0 ? ct_math::quiet_nan<double>() : a.mean));
  }
};

// ---- vector norms (accumulate in the compute type) ----
enum NormMode { kP0, kP1, kP2, kPInf, kPNegInf, kPGeneral };
template <class T, int Mode>
struct NormOp {
  using acc_t = compute_t<T>;
  T* out;
  acc_t p;
  CT_HD acc_t init() const { return Mode == kPNegInf ? std::numeric_limits<acc_t>::infinity() : acc_t(0); }
  CT_HD void step(acc_t& a, acc_t v, int64_t) const {
    const acc_t x = ct_math::fabs(v);
    if (Mode == kP0) a += acc_t(v != acc_t(0));
    else if (Mode == kP1) a += x;
    else if (Mode == kP2) a += x * x;
    else if (Mode == kPInf) a = (x > a || is_nan(x)) ? x : a;
    else if (Mode == kPNegInf) a = (x < a || is_nan(x)) ? x : a;
    else a += ct_math::pow(x, p);
  }
  CT_HD void merge(acc_t& a, const acc_t& b) const {
    if (Mode == kPInf || Mode == kPNegInf) step(a, b, 0);  // b >= 0 or NaN, so |b| == b
    else a += b;
  }
  CT_HD void write(int64_t o, acc_t a) const {
    if (Mode == kP2) a = ct_math::sqrt(a);
    else if (Mode == kPGeneral) a = ct_math::pow(a, acc_t(1) / p);
    out[o] = T(a);
  }
};

// ---- all / any: bool or uint8 results (both one byte of 0/1) ----
template <class T, bool All>
struct LogicalOp {
  using acc_t = uint8_t;  // 0/1, branch-free
  uint8_t* out;
  CT_HD acc_t init() const { return All; }
  CT_HD void step(acc_t& a, compute_t<T> v, int64_t) const {
    const acc_t nz = v != compute_t<T>(0);  // NaN counts as true
    a = All ? acc_t(a & nz) : acc_t(a | nz);
  }
  CT_HD void merge(acc_t& a, const acc_t& b) const { a = All ? acc_t(a & b) : acc_t(a | b); }
  CT_HD void write(int64_t o, acc_t a) const { out[o] = a; }
};

// ---- logsumexp: online max-shifted sum; -inf rows give -inf, +inf gives +inf, NaN propagates ----
template <class A>
struct MaxSum {
  A m, s;  // a NaN input makes s NaN (sticky)
};

template <class T>
struct LseOp {
  using A = compute_t<T>;
  using acc_t = MaxSum<A>;
  T* out;
  CT_HD static A neg_inf() { return -std::numeric_limits<A>::infinity(); }
  CT_HD acc_t init() const { return {neg_inf(), A(0)}; }
  CT_HD void step(acc_t& a, A v, int64_t) const {
    // A NaN is sticky: it must survive a later larger value (which rescales s).
    if (v == neg_inf() || is_nan(a.s)) return;
    if (is_nan(v)) {
      a.s = v;
      return;
    }
    if (v > a.m) {
      a.s = (a.m == neg_inf() ? A(0) : a.s * ct_math::exp(a.m - v)) + A(1);
      a.m = v;
    } else if (v == a.m) {
      a.s += A(1);
    } else {
      a.s += ct_math::exp(v - a.m);
    }
  }
  CT_HD void merge(acc_t& a, const acc_t& b) const {
    const A m = a.m < b.m ? b.m : a.m;
    if (is_nan(a.s) || is_nan(b.s)) {
      a.s = ct_math::quiet_nan<A>();
      return;
    }
    if (m == neg_inf()) return;
    const A fa = a.m == m ? A(1) : ct_math::exp(a.m - m), fb = b.m == m ? A(1) : ct_math::exp(b.m - m);
    a.s = a.s * fa + b.s * fb;
    a.m = m;
  }
  CT_HD void write(int64_t o, const acc_t& a) const {
    A r;
    if (is_nan(a.s)) r = a.s;
    else if (ct_math::isinf(a.m)) r = a.m;  // all -inf, or a +inf
    else r = a.m + ct_math::log(a.s);
    out[o] = T(r);
  }
};

// ---- cumsum / cumprod: the running value and its store ----
template <class T, bool Prod>
struct ScanOp {
  using acc_t = scan_acc_t<T>;
  CT_HD static acc_t init() { return acc_t(Prod ? 1 : 0); }
  CT_HD static acc_t load(T v) { return acc_t(compute_t<T>(v)); }
  CT_HD static acc_t combine(acc_t a, acc_t b) { return sum_combine<Prod>(a, b); }
  CT_HD static T store(acc_t a) { return T(compute_t<T>(a)); }
};

// ---------------------------------------------------------------- the op table (host)
// Each kernel reads its parameters from the desc, picks the dtype and hands the op to L::run.

template <class L, bool Prod>
void sum_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Prod ? "prod" : "sum", [&] {
    L::template run<scalar_t>(d, SumOp<scalar_t, Prod>{d.out, d.out_dtype != d.in_dtype, 1.0});
  });
}

template <class L>
void mean_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "mean", [&] {
    const double scale = d.reduce_size == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / double(d.reduce_size);
    L::template run<scalar_t>(d, SumOp<scalar_t, false>{d.out, false, scale});
  });
}

template <class L, bool Max>
void extreme_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Max ? "amax" : "amin", [&] {
    L::template run<scalar_t>(d, ExtremeOp<scalar_t, Max>{static_cast<scalar_t*>(d.out)});
  });
}

template <class L, bool Max>
void arg_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Max ? "max" : "min", [&] {
    L::template run<scalar_t>(d, ArgOp<scalar_t, Max>{static_cast<scalar_t*>(d.out), static_cast<int64_t*>(d.out2)});
  });
}

// argmax/argmin: out holds the int64 indices.
template <class L, bool Max>
void argonly_kernel(const ReduceDesc& d) {
  CT_DISPATCH_NUMERIC(d.in_dtype, Max ? "argmax" : "argmin", [&] {
    L::template run<scalar_t>(d, ArgOp<scalar_t, Max>{nullptr, static_cast<int64_t*>(d.out)});
  });
}

template <class L>
void var_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "var", [&] {
    L::template run<scalar_t>(d, VarOp<scalar_t>{static_cast<scalar_t*>(d.out), static_cast<scalar_t*>(d.out2),
                                                 d.correction, (d.flags & 1) != 0});
  });
}

template <class L>
void norm_kernel(const ReduceDesc& d) {
  const double p = d.p;
  CT_DISPATCH_FLOATING(d.in_dtype, "norm", [&] {
    using A = compute_t<scalar_t>;
    scalar_t* out = static_cast<scalar_t*>(d.out);
    if (p == 0) L::template run<scalar_t>(d, NormOp<scalar_t, kP0>{out, A(p)});
    else if (p == 1) L::template run<scalar_t>(d, NormOp<scalar_t, kP1>{out, A(p)});
    else if (p == 2) L::template run<scalar_t>(d, NormOp<scalar_t, kP2>{out, A(p)});
    else if (std::isinf(p) && p > 0) L::template run<scalar_t>(d, NormOp<scalar_t, kPInf>{out, A(p)});
    else if (std::isinf(p)) L::template run<scalar_t>(d, NormOp<scalar_t, kPNegInf>{out, A(p)});
    else L::template run<scalar_t>(d, NormOp<scalar_t, kPGeneral>{out, A(p)});
  });
}

template <class L, bool All>
void logical_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, All ? "all" : "any", [&] {
    L::template run<scalar_t>(d, LogicalOp<scalar_t, All>{static_cast<uint8_t*>(d.out)});
  });
}

template <class L>
void logsumexp_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "logsumexp", [&] {
    L::template run<scalar_t>(d, LseOp<scalar_t>{static_cast<scalar_t*>(d.out)});
  });
}

// Registers every reduction of launcher L through reg(op, kernel).
template <class L, class Reg>
void register_reduce_ops(Reg reg) {
  reg(OpId::sum, &sum_kernel<L, false>);
  reg(OpId::prod, &sum_kernel<L, true>);
  reg(OpId::mean, &mean_kernel<L>);
  reg(OpId::amax, &extreme_kernel<L, true>);
  reg(OpId::amin, &extreme_kernel<L, false>);
  reg(OpId::max_dim, &arg_kernel<L, true>);
  reg(OpId::min_dim, &arg_kernel<L, false>);
  reg(OpId::argmax, &argonly_kernel<L, true>);
  reg(OpId::argmin, &argonly_kernel<L, false>);
  reg(OpId::var, &var_kernel<L>);
  reg(OpId::norm, &norm_kernel<L>);
  reg(OpId::all, &logical_kernel<L, true>);
  reg(OpId::any, &logical_kernel<L, false>);
  reg(OpId::logsumexp, &logsumexp_kernel<L>);
}

}  // namespace red_ops
}  // namespace ctorch
