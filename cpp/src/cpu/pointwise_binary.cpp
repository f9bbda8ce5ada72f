// CPU kernels of the arithmetic binary rows (add/sub/mul/div, the division variants, pow); the
// generic rows are compiled in pointwise_binary_generic.cpp (split to keep each TU's compile time
// down: every row is compiled for three ISAs). Rows: ctorch/ops/pointwise_rows.h.
#include "pointwise-inl.h"

namespace ctorch {
namespace cpu {

void register_binary_kernels() { rows::register_binary_rows<CpuLaunch, true>(); }

}  // namespace cpu
}  // namespace ctorch
