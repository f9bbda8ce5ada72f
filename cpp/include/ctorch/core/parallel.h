#pragma once
// Thread control. parallel_for (OpenMP, grain 32768 like PyTorch) is declared in tensor_iter.h.
#include "ctorch/core/macros.h"

namespace ctorch {
CT_API int get_num_threads();
CT_API void set_num_threads(int n);
CT_API bool in_parallel_region();
constexpr long kGrainSize = 32768;
}  // namespace ctorch
