// CPU reduction kernels: sum, prod, mean, amax/amin, max/min with indices, argmax/argmin, var,
// norm, all/any, logsumexp. Layout and threading live in reduce-inl.h.
#include "ctorch/dispatch/registry.h"
#include "reduce-inl.h"
#include "reduce_vec.h"
#include "vec_math.h"

namespace ctorch {
namespace cpu {

namespace {
using namespace red;

// Stores a value to out[o] as T, or as int64 when the front end asked for an int64 result.
template <class T>
struct Store {
  void* out;
  bool to_long;
  template <class V>
  void operator()(int64_t o, V v) const {
    if (to_long) static_cast<int64_t*>(out)[o] = int64_t(v);
    else static_cast<T*>(out)[o] = T(compute_t<T>(v));
  }
};

// ---- sum / mean / prod ----
template <class T, bool Prod>
struct SumOp {
  using acc_t = acc_type_t<T>;
  Store<T> st;
  double scale;  // 1/R for mean
  acc_t init() const { return acc_t(Prod ? 1 : 0); }
  // Integer accumulation wraps like PyTorch (done in uint64 to stay defined).
  static acc_t combine(acc_t a, acc_t b) {
    if constexpr (std::is_integral<acc_t>::value)
      return acc_t(Prod ? uint64_t(a) * uint64_t(b) : uint64_t(a) + uint64_t(b));
    else return Prod ? a * b : a + b;
  }
  void step(acc_t& a, compute_t<T> v, int64_t) const { a = combine(a, acc_t(v)); }
  void merge(acc_t& a, const acc_t& b) const { a = combine(a, b); }
  static constexpr bool kFastRow = !Prod && (std::is_same<T, float>::value || std::is_same<T, double>::value);
  acc_t fast_row(const T* p, int64_t n) const {
    if constexpr (std::is_same<T, float>::value) return vred::sum_f32(p, n);
    else if constexpr (std::is_same<T, double>::value) return vred::sum_f64(p, n);
    else return acc_t(0);
  }
  void write(int64_t o, acc_t a) const {
    if constexpr (std::is_floating_point<acc_t>::value) {
      if (scale != 1) a = acc_t(a * acc_t(scale));
    }
    st(o, a);
  }
};

template <bool Prod>
void sum_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Prod ? "prod" : "sum", [&] {
    SumOp<scalar_t, Prod> op{{d.out, d.out_dtype != d.in_dtype}, 1.0};
    run<scalar_t>(d, op);
  });
}

void mean_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "mean", [&] {
    SumOp<scalar_t, false> op{{d.out, false}, 1.0 / double(d.reduce_size)};
    if (d.reduce_size == 0) op.scale = std::numeric_limits<double>::quiet_NaN();
    run<scalar_t>(d, op);
  });
}

// ---- amax / amin (NaN propagates) ----
template <class V, bool Max>
inline V lowest() {
  if constexpr (std::is_same<V, bool>::value) return !Max;
  else if constexpr (std::is_floating_point<V>::value)
    return Max ? -std::numeric_limits<V>::infinity() : std::numeric_limits<V>::infinity();
  else return Max ? std::numeric_limits<V>::lowest() : std::numeric_limits<V>::max();
}

template <class T, bool Max>
struct ExtremeOp {
  using acc_t = compute_t<T>;
  T* out;
  acc_t init() const { return lowest<acc_t, Max>(); }
  void step(acc_t& a, acc_t v, int64_t) const {
    bool take = Max ? (v > a) : (v < a);
    a = (take || is_nan(v)) ? v : a;
  }
  void merge(acc_t& a, const acc_t& b) const { step(a, b, 0); }
  void write(int64_t o, acc_t a) const { out[o] = T(a); }
  static constexpr bool kFastRow = std::is_same<T, float>::value || std::is_same<T, double>::value;
  acc_t fast_row(const T* p, int64_t n) const {
    if constexpr (std::is_same<T, float>::value) return Max ? vred::max_f32(p, n) : vred::min_f32(p, n);
    else if constexpr (std::is_same<T, double>::value) return Max ? vred::max_f64(p, n) : vred::min_f64(p, n);
    else return init();
  }
};

template <bool Max>
void extreme_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Max ? "amax" : "amin", [&] {
    run<scalar_t>(d, ExtremeOp<scalar_t, Max>{static_cast<scalar_t*>(d.out)});
  });
}

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
  T* vals;         // may be null (argmax)
  int64_t* idxs;
  acc_t init() const { return {lowest<V, Max>(), -1}; }
  static bool better(V v, V a) {  // strictly better than the current value
    if (is_nan(a)) return false;
    return is_nan(v) || (Max ? v > a : v < a);
  }
  void step(acc_t& a, V v, int64_t i) const {
    if (a.i < 0 || better(v, a.v)) a = {v, i};
  }
  void merge(acc_t& a, const acc_t& b) const {
    if (b.i < 0) return;
    if (a.i < 0 || better(b.v, a.v)) {
      a = b;
      return;
    }
    bool same = (b.v == a.v) || (is_nan(a.v) && is_nan(b.v));
    if (same && b.i < a.i) a = b;
  }
  void write(int64_t o, const acc_t& a) const {
    if (vals) vals[o] = T(a.v);
    idxs[o] = a.i;
  }
};

template <bool Max>
void arg_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Max ? "max" : "min", [&] {
    ArgOp<scalar_t, Max> op{static_cast<scalar_t*>(d.out), static_cast<int64_t*>(d.out2)};
    run<scalar_t>(d, op);
  });
}
// argmax/argmin: out holds the int64 indices.
template <bool Max>
void argonly_kernel(const ReduceDesc& d) {
  CT_DISPATCH_NUMERIC(d.in_dtype, Max ? "argmax" : "argmin", [&] {
    ArgOp<scalar_t, Max> op{nullptr, static_cast<int64_t*>(d.out)};
    run<scalar_t>(d, op);
  });
}

// ---- var / std: Welford in double, Chan's merge ----
struct Welford {
  double mean, m2;
  int64_t n;
};
template <class T>
struct VarOp {
  using acc_t = Welford;
  T* out;
  T* mean_out;
  double correction;
  bool take_sqrt;
  acc_t init() const { return {0, 0, 0}; }
  void step(acc_t& a, compute_t<T> v, int64_t) const {
    double x = double(v);
    a.n += 1;
    double delta = x - a.mean;
    a.mean += delta / double(a.n);
    a.m2 += delta * (x - a.mean);
  }
  void merge(acc_t& a, const acc_t& b) const {
    if (b.n == 0) return;
    if (a.n == 0) {
      a = b;
      return;
    }
    double n = double(a.n + b.n), delta = b.mean - a.mean;
    a.mean += delta * double(b.n) / n;
    a.m2 += b.m2 + delta * delta * double(a.n) * double(b.n) / n;
    a.n += b.n;
  }
  void write(int64_t o, const acc_t& a) const {
    double div = std::max(0.0, double(a.n) - correction);
    double var = a.m2 / div;
    out[o] = T(compute_t<T>(take_sqrt ? std::sqrt(var) : var));
    if (mean_out) mean_out[o] = T(compute_t<T>(a.n == 0 ? std::numeric_limits<double>::quiet_NaN() : a.mean));
  }
};

void var_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "var", [&] {
    VarOp<scalar_t> op{static_cast<scalar_t*>(d.out), static_cast<scalar_t*>(d.out2), d.correction,
                       (d.flags & 1) != 0};
    run<scalar_t>(d, op);
  });
}

// ---- vector norms ----
enum NormMode { kP0, kP1, kP2, kPInf, kPNegInf, kPGeneral };
template <class T, int Mode>
struct NormOp {
  using acc_t = compute_t<T>;
  T* out;
  acc_t p;
  acc_t init() const { return Mode == kPNegInf ? std::numeric_limits<acc_t>::infinity() : acc_t(0); }
  void step(acc_t& a, acc_t v, int64_t) const {
    acc_t x = std::abs(v);
    if (Mode == kP0) a += acc_t(v != 0);
    else if (Mode == kP1) a += x;
    else if (Mode == kP2) a += x * x;
    else if (Mode == kPInf) a = (x > a || is_nan(x)) ? x : a;
    else if (Mode == kPNegInf) a = (x < a || is_nan(x)) ? x : a;
    else a += std::pow(x, p);
  }
  void merge(acc_t& a, const acc_t& b) const {
    if (Mode == kPInf || Mode == kPNegInf) step(a, b, 0);
    else a += b;
  }
  void write(int64_t o, acc_t a) const {
    if (Mode == kP2) a = std::sqrt(a);
    else if (Mode == kPGeneral) a = std::pow(a, acc_t(1) / p);
    out[o] = T(a);
  }
};

void norm_kernel(const ReduceDesc& d) {
  double p = d.p;
  CT_DISPATCH_FLOATING(d.in_dtype, "norm", [&] {
    using A = compute_t<scalar_t>;
    scalar_t* out = static_cast<scalar_t*>(d.out);
    if (p == 0) run<scalar_t>(d, NormOp<scalar_t, kP0>{out, A(p)});
    else if (p == 1) run<scalar_t>(d, NormOp<scalar_t, kP1>{out, A(p)});
    else if (p == 2) run<scalar_t>(d, NormOp<scalar_t, kP2>{out, A(p)});
    else if (std::isinf(p) && p > 0) run<scalar_t>(d, NormOp<scalar_t, kPInf>{out, A(p)});
    else if (std::isinf(p)) run<scalar_t>(d, NormOp<scalar_t, kPNegInf>{out, A(p)});
    else run<scalar_t>(d, NormOp<scalar_t, kPGeneral>{out, A(p)});
  });
}

// ---- all / any: bool or uint8 results (both one byte of 0/1) ----
template <class T, bool All>
struct LogicalOp {
  using acc_t = uint8_t;  // 0/1, branch-free
  uint8_t* out;
  acc_t init() const { return All; }
  void step(acc_t& a, compute_t<T> v, int64_t) const {
    acc_t nz = v != compute_t<T>(0);
    a = All ? (a & nz) : (a | nz);
  }
  void merge(acc_t& a, acc_t b) const { a = All ? (a & b) : (a | b); }
  void write(int64_t o, acc_t a) const { out[o] = a; }
};

template <bool All>
void logical_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, All ? "all" : "any", [&] {
    run<scalar_t>(d, LogicalOp<scalar_t, All>{static_cast<uint8_t*>(d.out)});
  });
}

// ---- logsumexp: online max-shifted sum; -inf rows give -inf, +inf gives +inf, NaN propagates ----
template <class A>
struct MaxSum {
  A m, s;
};
template <class T>
struct LseOp {
  using A = compute_t<T>;
  using acc_t = MaxSum<A>;
  T* out;
  static constexpr A kNegInf = -std::numeric_limits<A>::infinity();
  acc_t init() const { return {kNegInf, A(0)}; }
  // float32 unit-stride rows: max, then sum(exp(x - max)) with the vectorised exp and pairwise
  // sums (chunk sums accumulate in double).
  static constexpr bool kFastRow = std::is_same<T, float>::value;
  acc_t fast_row(const T* p, int64_t n) const {
    if constexpr (std::is_same<T, float>::value) {
      const float m = vred::max_f32(p, n);
      if (m != m) return {m, m};  // NaN propagates through write()
      if (m == kNegInf) return init();
      if (m == std::numeric_limits<float>::infinity()) return {m, 1.f};
      static const vmath::ArrayFn exp_fn = vmath::get(vmath::Fn::exp);
      constexpr int64_t kChunk = 1024;
      float buf[kChunk];
      double s = 0;
      for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
        const int64_t len = std::min(kChunk, n - i0);
        for (int64_t i = 0; i < len; ++i) buf[i] = p[i0 + i] - m;
        exp_fn(buf, buf, len);
        s += double(vred::sum_f32(buf, len));
      }
      return {m, float(s)};
    } else {
      return init();
    }
  }
  void step(acc_t& a, A v, int64_t) const {
    // A NaN is sticky: it must survive a later larger value (which rescales s).
    if (v == kNegInf || is_nan(a.s)) return;
    if (is_nan(v)) {
      a.s = v;
      return;
    }
    if (v > a.m) {
      a.s = (a.m == kNegInf ? A(0) : a.s * std::exp(a.m - v)) + A(1);
      a.m = v;
    } else if (v == a.m) {
      a.s += A(1);
    } else {
      a.s += std::exp(v - a.m);  // NaN v makes s NaN
    }
  }
  void merge(acc_t& a, const acc_t& b) const {
    A m = std::max(a.m, b.m);
    if (is_nan(a.s) || is_nan(b.s)) {
      a.s = std::numeric_limits<A>::quiet_NaN();
      return;
    }
    if (m == kNegInf) return;
    A fa = a.m == m ? A(1) : std::exp(a.m - m), fb = b.m == m ? A(1) : std::exp(b.m - m);
    a.s = a.s * fa + b.s * fb;
    a.m = m;
  }
  void write(int64_t o, const acc_t& a) const {
    A r;
    if (is_nan(a.s)) r = a.s;
    else if (a.m == kNegInf || std::isinf(a.m)) r = a.m;
    else r = a.m + std::log(a.s);
    out[o] = T(r);
  }
};

void logsumexp_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "logsumexp", [&] {
    run<scalar_t>(d, LseOp<scalar_t>{static_cast<scalar_t*>(d.out)});
  });
}

}  // namespace

void register_scan_kernels();

void register_reduce_kernels() {
  auto reg = [](OpId op, ReduceFn* f) { register_kernel(op, kCPU, reinterpret_cast<void*>(f)); };
  reg(OpId::sum, &sum_kernel<false>);
  reg(OpId::prod, &sum_kernel<true>);
  reg(OpId::mean, &mean_kernel);
  reg(OpId::amax, &extreme_kernel<true>);
  reg(OpId::amin, &extreme_kernel<false>);
  reg(OpId::max_dim, &arg_kernel<true>);
  reg(OpId::min_dim, &arg_kernel<false>);
  reg(OpId::argmax, &argonly_kernel<true>);
  reg(OpId::argmin, &argonly_kernel<false>);
  reg(OpId::var, &var_kernel);
  reg(OpId::norm, &norm_kernel);
  reg(OpId::all, &logical_kernel<true>);
  reg(OpId::any, &logical_kernel<false>);
  reg(OpId::logsumexp, &logsumexp_kernel);
  register_scan_kernels();
}

}  // namespace cpu
}  // namespace ctorch
