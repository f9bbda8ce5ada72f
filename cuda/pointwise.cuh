#pragma once
// The CUDA launcher of the shared pointwise rows (ctorch/ops/pointwise_rows.h): the same row logic
// and functors as the CPU kernels, run by gpu_kernel.
#include "ctorch/ops/pointwise_rows.h"
#include "loops.cuh"

namespace ctorch {
namespace cuda {

// Integer division by zero: the kernel flags it and the host raises like the CPU kernel
// ("ZeroDivisionError") at the next wait, instead of returning garbage.
template <class F, class C>
struct CheckedIntDiv {
  F f;
  unsigned long long* slot;
  CT_HD C operator()(C a, C b) const {
    if (b == C(0)) {
      report_error(slot, 0, 0);
      return C(0);
    }
    return f(a, b);
  }
};

struct CudaLaunch {
  using Name = CudaName;
  static constexpr DeviceType kDevice = kCUDA;
  static constexpr const char* kAddcmulName = "addcmul_cuda";
  static constexpr const char* kAddcdivName = "addcdiv_cuda";
  static constexpr const char* kRoundName = "round_cuda";

  template <class Out, class... In, class F>
  static void run(TensorIter& it, const F& f) {
    gpu_kernel<Out, In...>(it, f);
  }
  template <class T, class F>
  static void run_int_div(TensorIter& it, const F& f) {
    if (it.numel() == 0) return;
    DeviceGuard g(it.device());
    cudaStream_t s = stream_of(it.device());
    ErrorSlot slot = ErrorSlot::acquire(-1, s, [](int64_t, int) { throw Error("ZeroDivisionError"); });
    gpu_kernel<T, T, T>(it, CheckedIntDiv<F, compute_t<T>>{f, slot.dev});
    slot.launched();
  }
  template <template <class> class F>
  static bool unary_special(TensorIter&) {
    return false;
  }
  static bool clamp_special(TensorIter&) { return false; }
};

}  // namespace cuda
}  // namespace ctorch
