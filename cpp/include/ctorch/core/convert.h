#pragma once
// Element conversion between storage types, shared by the CPU and CUDA copy kernels:
// through the compute types (16-bit floats via float), bool as "!= 0".
#include <cstdint>
#include <type_traits>

#include "ctorch/core/dtype.h"
#include "ctorch/core/macros.h"

namespace ctorch {

// Floats go to 8/16-bit integers through int64, so out-of-range values wrap (-1.0 -> 255 for uint8)
// like PyTorch on every device; a direct conversion saturates on GPUs.
template <class To, class From>
CT_HD To convert(From v) {
  if constexpr (std::is_same<To, bool>::value) return compute_t<From>(v) != compute_t<From>(0);
  else if constexpr (std::is_integral<To>::value && sizeof(To) < 4 && !std::is_integral<From>::value)
    return To(int64_t(compute_t<From>(v)));
  else return To(compute_t<To>(compute_t<From>(v)));
}

}  // namespace ctorch
