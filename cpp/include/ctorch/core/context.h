#pragma once
// Process-wide switches set from Python (torch.backends.cuda.matmul, torch.set_float32_matmul_
// precision, torch.use_deterministic_algorithms). Atomics: read by kernels on any thread.
#include <atomic>
#include <string>

#include "ctorch/core/device.h"
#include "ctorch/core/macros.h"

namespace ctorch {

// Read at every CUDA GEMM launch; CPU kernels always compute in full precision, which every
// setting allows.
struct BlasFlags {
  std::atomic<bool> allow_tf32{false};          // float32 GEMMs may use TF32 tensor cores
  std::atomic<bool> allow_fp16_reduced{true};   // float16 GEMMs may reduce in reduced precision
  std::atomic<bool> allow_bf16_reduced{true};   // bfloat16 likewise
};
CT_API BlasFlags& blas_flags();

// torch.use_deterministic_algorithms: kernels whose result could depend on thread timing (CUDA
// index writes with duplicate indices) take an order-fixed path while `enabled` is set.
struct DeterminismFlags {
  std::atomic<bool> enabled{false};
  std::atomic<bool> warn_only{false};
};
CT_API DeterminismFlags& determinism();

// torch.cuda.set_sync_debug_mode: 0 off (the default), 1 warn, 2 error, wherever the host waits
// for the GPU without being asked to: a blocking copy to or from the host (.item(), .cpu(),
// .tolist()), nonzero and boolean masks, index bounds checks, Stream.synchronize().
CT_API std::atomic<int>& cuda_sync_debug_mode();
// Called at those points: a warning, or Error "called a synchronizing CUDA operation".
CT_API void check_implicit_sync();
// Warnings meant for the user. Python installs a handler that raises a UserWarning (and
// propagates the exception when warnings are errors); without one they go to stderr.
using WarningHandler = void (*)(const std::string& msg);
CT_API void set_warning_handler(WarningHandler h);
CT_API void warn(const std::string& msg);

// torch.set_default_device / `with torch.device(...)`: where factories without device= allocate
// (per thread, as in PyTorch). The C++ factories themselves take explicit options; the Python
// bindings consult this.
CT_API Device default_device();
CT_API void set_default_device(Device d);

}  // namespace ctorch
