// CPU kernels of the generic binary rows (comparisons, logical, bitwise, shifts, maximum,
// minimum, atan2). See pointwise_binary.cpp.
#include "pointwise-inl.h"

namespace ctorch {
namespace cpu {

void register_binary_generic_kernels() { rows::register_binary_rows<CpuLaunch, false>(); }

}  // namespace cpu
}  // namespace ctorch
