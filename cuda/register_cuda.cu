// CUDA side of the dispatcher. Kernels for the op table arrive with the CUDA foundation issue;
// for now this TU proves the toolchain path (nvcc, static cudart) builds and links.
#include <cuda_runtime.h>

#include "ctorch/dispatch/registry.h"

namespace ctorch {
namespace cuda {

CT_API int device_count() {
  int n = 0;
  // Without a driver (error 35) or a device this reports 0 instead of failing the import.
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

bool register_kernels() { return true; }

}  // namespace cuda
}  // namespace ctorch
