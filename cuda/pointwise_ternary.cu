// CUDA kernels of clamp, where, lerp, addcmul and addcdiv (rows: ctorch/ops/pointwise_rows.h).
#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

void register_ternary_kernels() { rows::register_ternary_rows<CudaLaunch>(); }

}  // namespace cuda
}  // namespace ctorch
