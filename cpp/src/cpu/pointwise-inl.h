#pragma once
// Shared helpers of the CPU pointwise kernel TUs: the launcher of the shared pointwise rows
// (ctorch/ops/pointwise_rows.h) and its CPU-only fast paths. Only pointwise_*.cpp include this.
#include <algorithm>
#include <atomic>
#include <ostream>
#include <type_traits>

#include "ctorch/dispatch/registry.h"
#include "ctorch/dispatch/type_set.h"
#include "ctorch/ops/functors.h"
#include "ctorch/ops/pointwise_rows.h"
#include "loops-inl.h"
#include "vec_math.h"

namespace ctorch {
namespace cpu {

using ::ctorch::dispatch_set;
using ::ctorch::type_in_set;
using ::ctorch::not_implemented;
template <class R, class T> using out_t = ::ctorch::out_t<R, T>;

// Kernel name in NotImplementedError messages: PyTorch's "<op>_cpu".
struct CpuName {
  OpId op;
};
inline std::ostream& operator<<(std::ostream& os, CpuName n) { return os << op_name(n.op) << "_cpu"; }

// float32 rows of these functors use the vectorised array functions of vec_math.h.
template <template <class> class F> struct VmathOf { static constexpr int value = -1; };
#define CT_VMATH_OF(F, fn) \
  template <> struct VmathOf<func::F> { static constexpr int value = int(vmath::Fn::fn); };
CT_VMATH_OF(Exp, exp)
CT_VMATH_OF(Log, log)
CT_VMATH_OF(Sin, sin)
CT_VMATH_OF(Cos, cos)
CT_VMATH_OF(Tanh, tanh)
CT_VMATH_OF(Sigmoid, sigmoid)
CT_VMATH_OF(Log1p, log1p)
CT_VMATH_OF(Sqrt, sqrt)
CT_VMATH_OF(Rsqrt, rsqrt)
#undef CT_VMATH_OF

// Strided rows go through a contiguous buffer so every layout gets the same results.
inline void vmath_kernel(TensorIter& it, vmath::ArrayFn fn) {
  it.for_each([fn](char** p, const int64_t* st, int64_t n) {
    if (st[0] == 4 && st[1] == 4) return fn(reinterpret_cast<const float*>(p[1]), reinterpret_cast<float*>(p[0]), n);
    constexpr int64_t kChunk = 256;
    float buf[kChunk];
    for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
      const int64_t m = std::min(kChunk, n - i0);
      for (int64_t i = 0; i < m; ++i) buf[i] = *reinterpret_cast<const float*>(p[1] + (i0 + i) * st[1]);
      fn(buf, buf, m);
      for (int64_t i = 0; i < m; ++i) *reinterpret_cast<float*>(p[0] + (i0 + i) * st[0]) = buf[i];
    }
  }, 8192);
}

// The CPU launcher of the shared pointwise rows (ctorch/ops/pointwise_rows.h).
struct CpuLaunch {
  using Name = CpuName;
  static constexpr DeviceType kDevice = kCPU;
  static constexpr const char* kAddcmulName = "addcmul_cpu_out";
  static constexpr const char* kAddcdivName = "addcdiv_cpu";
  static constexpr const char* kRoundName = "round_cpu";

  template <class Out, class... In, class F>
  static void run(TensorIter& it, const F& f) {
    cpu_kernel<Out, In...>(it, f);
  }
  template <class T, class F>
  static void run_int_div(TensorIter& it, const F& f) {
    using C = compute_t<T>;
    std::atomic<bool> zero{false};
    cpu_kernel<T, T, T>(it, [&zero, f](C a, C b) {
      if (b == C(0)) zero.store(true, std::memory_order_relaxed);
      return f(a, b);
    });
    if (zero.load()) throw Error("ZeroDivisionError");
  }
  // float32 rows of the vec_math functions run the vectorised array code.
  template <template <class> class F>
  static bool unary_special(TensorIter& it) {
    if constexpr (VmathOf<F>::value >= 0) {
      if (it.dtype(0) == kFloat32 && it.dtype(1) == kFloat32) {
        vmath_kernel(it, vmath::get(vmath::Fn(VmathOf<F>::value)));
        return true;
      }
    }
    return false;
  }
  static bool clamp_special(TensorIter& it);  // pointwise_ternary.cpp: number bounds
};

}  // namespace cpu
}  // namespace ctorch
