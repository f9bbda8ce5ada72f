// CUDA kernels of the arithmetic binary rows (add/sub/mul/div, the division variants, pow); the
// generic rows are compiled in pointwise_binary_generic.cu. Rows: ctorch/ops/pointwise_rows.h.
#include "pointwise.cuh"

namespace ctorch {
namespace cuda {

void register_binary_kernels() { rows::register_binary_rows<CudaLaunch, true>(); }

}  // namespace cuda
}  // namespace ctorch
