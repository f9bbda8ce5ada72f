// CPU reduction kernels: sum, prod, mean, amax/amin, max/min with indices, argmax/argmin, var,
// norm, all/any, logsumexp. The math and the op table are ctorch/ops/reduce_ops.h (shared with
// CUDA); layout and threading live in reduce-inl.h; this file adds the CPU-only vectorised paths
// for unit-stride float rows.
#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/reduce_ops.h"
#include "reduce-inl.h"
#include "reduce_vec.h"
#include "vec_math.h"

namespace ctorch {
namespace cpu {
namespace red {

template <class T>
constexpr bool kF32or64 = std::is_same<T, float>::value || std::is_same<T, double>::value;

// float32/float64 sums (not prod): vectorised pairwise sums.
template <class T>
struct FastRow<red_ops::SumOp<T, false>> : std::integral_constant<bool, kF32or64<T>> {
  using Op = red_ops::SumOp<T, false>;
  static typename Op::acc_t run(const Op&, const T* p, int64_t n) {
    if constexpr (std::is_same<T, float>::value) return vred::sum_f32(p, n);
    else if constexpr (std::is_same<T, double>::value) return vred::sum_f64(p, n);
    else return 0;
  }
};

// float32/float64 amax/amin (exact, NaN propagates).
template <class T, bool Max>
struct FastRow<red_ops::ExtremeOp<T, Max>> : std::integral_constant<bool, kF32or64<T>> {
  using Op = red_ops::ExtremeOp<T, Max>;
  static typename Op::acc_t run(const Op& op, const T* p, int64_t n) {
    if constexpr (std::is_same<T, float>::value) return Max ? vred::max_f32(p, n) : vred::min_f32(p, n);
    else if constexpr (std::is_same<T, double>::value) return Max ? vred::max_f64(p, n) : vred::min_f64(p, n);
    else return op.init();
  }
};

// float32 logsumexp: max, then sum(exp(x - max)) with the vectorised exp and pairwise sums
// (chunk sums accumulate in double). Gives the accumulator LseOp::merge/write expect.
template <class T>
struct FastRow<red_ops::LseOp<T>> : std::integral_constant<bool, std::is_same<T, float>::value> {
  using Op = red_ops::LseOp<T>;
  static typename Op::acc_t run(const Op& op, const T* p, int64_t n) {
    if constexpr (std::is_same<T, float>::value) {
      const float m = vred::max_f32(p, n);
      if (m != m) return {m, m};  // NaN propagates through write()
      if (m == Op::neg_inf()) return op.init();
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
      return op.init();
    }
  }
};

}  // namespace red

namespace {
struct CpuLaunch {
  template <class T, class Op>
  static void run(const ReduceDesc& d, const Op& op) {
    red::run<T>(d, op);
  }
};
}  // namespace

void register_scan_kernels();

void register_reduce_kernels() {
  red_ops::register_reduce_ops<CpuLaunch>(
      [](OpId op, ReduceFn* f) { register_kernel(op, kCPU, reinterpret_cast<void*>(f)); });
  register_scan_kernels();
}

}  // namespace cpu
}  // namespace ctorch
