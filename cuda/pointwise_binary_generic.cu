// CUDA kernels of the generic binary rows (comparisons, logical, bitwise, shifts, maximum,
// minimum, atan2). See pointwise_binary.cu.
#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

void register_binary_generic_kernels() { rows::register_binary_rows<CudaLaunch, false>(); }

}  // namespace cuda
}  // namespace ctorch
