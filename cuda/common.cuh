#pragma once
// Shared by every .cu file: error checking, the device guard, the current stream, launch sizes,
// and the kernel name used in NotImplementedError messages ("abs_cuda").
#include <cuda_runtime.h>

#include <cstdint>
#include <functional>
#include <ostream>

#include "ctorch/core/check.h"
#include "ctorch/core/storage.h"
#include "ctorch/cuda/cuda_api.h"
#include "ctorch/dispatch/registry.h"

namespace ctorch {
namespace cuda {

// Throws ctorch::Error naming the failing call: "CUDA error: out of memory (cudaMalloc)".
[[noreturn]] void throw_cuda_error(cudaError_t e, const char* what);
#define CT_CUDA_CHECK(expr)                                   \
  do {                                                        \
    cudaError_t ct_err_ = (expr);                             \
    if (ct_err_ != cudaSuccess) ::ctorch::cuda::throw_cuda_error(ct_err_, #expr); \
  } while (0)
// After a launch: reports configuration errors (and earlier asynchronous faults).
#define CT_CUDA_LAUNCH_CHECK() CT_CUDA_CHECK(cudaGetLastError())

// Makes `index` the current device for the scope (no-op when it already is).
class DeviceGuard {
 public:
  explicit DeviceGuard(int index);
  explicit DeviceGuard(Device d) : DeviceGuard(d.index) {}
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int prev_ = -1;
};

// The calling thread's current stream on a device (index -1: current device).
inline cudaStream_t stream_of(int device) { return reinterpret_cast<cudaStream_t>(current_stream(device)); }
inline cudaStream_t stream_of(Device d) { return stream_of(d.index); }

constexpr int kBlock = 256;
// Grid for a grid-stride loop over n items: enough blocks to fill the GPU, never more than needed.
int grid_for(int64_t n, int block = kBlock);
int sm_count();

// Note [Asynchronous kernel errors]
// Kernels that validate data (index bounds, integer division by zero) report the first bad
// element (flag, value, operand) into an ErrorSlot; the host does not wait for them. Slots
// come from a ring per stream in device memory and are read wherever the host waits for that
// stream anyway (sync_stream: a blocking copy, .item(), nonzero; Stream.synchronize();
// synchronize()): the first report raises there, as AcceleratorError "CUDA error: device-side
// assert triggered" naming the op's error -- how PyTorch's device-side asserts surface, but
// without poisoning the context. With CUDA_LAUNCH_BLOCKING=1 the host waits after each such
// kernel and raises the op's own error (IndexError, ...) exactly as the CPU does.
struct ErrorSlot {
  unsigned long long* dev = nullptr;  // 3 words, zero until a kernel reports
  int device = 0;
  cudaStream_t stream = nullptr;
  // Takes a slot for a launch on `s`; `raise` throws the op's error for (value, operand).
  static ErrorSlot acquire(int device, cudaStream_t s, std::function<void(int64_t, int)> raise);
  // After the launch: in synchronous mode (CUDA_LAUNCH_BLOCKING) waits and raises the op's error.
  void launched() const;
};
// A non_blocking copy on `s` reads or writes the pinned block holding `p`: the block is not
// reused before the copy finishes (Note [Pinned host cache] in host_cache.cu). No-op for other
// memory.
void record_host_use(const void* p, cudaStream_t s);

// Waits for `s` and raises the first error its kernels reported (see the note above).
void sync_stream(int device, cudaStream_t s);
// Waits for the whole device, then raises the first error any of its streams reported.
void sync_device(int device);
CT_HD void report_error(unsigned long long* slot, int64_t value, int operand) {
#if defined(__CUDA_ARCH__)
  if (atomicCAS(slot, 0ull, 1ull) == 0ull) {
    slot[1] = static_cast<unsigned long long>(value);
    slot[2] = static_cast<unsigned long long>(operand);
  }
#else
  (void)slot, (void)value, (void)operand;
#endif
}

// Kernel name in NotImplementedError messages: PyTorch's "<op>_cuda".
struct CudaName {
  OpId op;
};
inline std::ostream& operator<<(std::ostream& os, CudaName n) { return os << op_name(n.op) << "_cuda"; }

inline void reg(OpId op, void* fn) { register_kernel(op, kCUDA, fn); }

}  // namespace cuda
}  // namespace ctorch
