#pragma once
// Element conversion between storage types, shared by the CPU and CUDA copy kernels:
// through the compute types (16-bit floats via float), bool as "!= 0".
#include <type_traits>

#include "ctorch/core/dtype.h"
#include "ctorch/core/macros.h"

namespace ctorch {

template <class To, class From>
CT_HD To convert(From v) {
  if constexpr (std::is_same<To, bool>::value) return compute_t<From>(v) != compute_t<From>(0);
  else return To(compute_t<To>(compute_t<From>(v)));
}

}  // namespace ctorch
