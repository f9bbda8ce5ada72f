#pragma once
// Shared by every .cu file: error checking, the device guard, the current stream, launch sizes,
// and the kernel name used in NotImplementedError messages ("abs_cuda").
#include <cuda_runtime.h>

#include <cstdint>
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

// Device-side error reporting for kernels that validate data (index bounds): a kernel writes the
// first offending value with atomicCAS; check() copies it back (synchronising the stream).
// Slot 0 holds a flag, slot 1 the value, slot 2 the operand number.
struct ErrorSlot {
  Storage buf;                        // keeps the device words alive
  unsigned long long* dev = nullptr;  // 3 entries, zeroed on acquire
  static ErrorSlot acquire(cudaStream_t s);
  // Returns true when a kernel reported; fills value and operand.
  bool check(cudaStream_t s, int64_t* value, int* operand) const;
};
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
