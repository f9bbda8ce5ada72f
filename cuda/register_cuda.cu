// CUDA side of the dispatcher: registers the device allocator and every CUDA kernel family.
// Runs once from ctorch::init() whether or not a GPU is present; the allocator and the runtime
// calls report "no driver / no device" when one is used without a GPU.
#include "common.cuh"

namespace ctorch {
namespace cuda {

Allocator* device_allocator();
void register_copy_kernels();
void register_pointwise_kernels();
void register_reduce_kernels();
void register_linalg_kernels();
void register_index_kernels();
void register_random_kernels();

bool register_kernels() {
  cuda_allocator_slot() = device_allocator();
  register_copy_kernels();
  register_pointwise_kernels();
  register_reduce_kernels();
  register_linalg_kernels();
  register_index_kernels();
  register_random_kernels();
  return true;
}

}  // namespace cuda
}  // namespace ctorch
