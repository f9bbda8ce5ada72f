#pragma once
// Run-time ISA selection for the CPU kernels. The library is built for baseline x86-64 (-O2,
// no -march), so hot loops are compiled a second and third time inside
// `#pragma GCC target(CT_TARGET_AVX512 / CT_TARGET_AVX2)` regions and picked here.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "ctorch/core/parallel.h"

namespace ctorch {
namespace cpu {

#define CT_TARGET_AVX512 "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi,bmi2,f16c"
#define CT_TARGET_AVX2 "avx2,fma,bmi,bmi2,f16c"
// Region forms (a #pragma does not expand macros; _Pragma does). Functions and templates
// defined between CT_BEGIN_* and CT_END_TARGET are compiled for that ISA; default-target inline
// functions (the functors) inline into them.
#define CT_BEGIN_AVX512 \
  _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi,bmi2,f16c\")")
#define CT_BEGIN_AVX2 _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,fma,bmi,bmi2,f16c\")")
#define CT_END_TARGET _Pragma("GCC pop_options")

enum Isa : int { kIsaBase = 0, kIsaAvx2 = 1, kIsaAvx512 = 2 };

// Best ISA of this CPU, capped by CTORCH_CPU_ISA=base|avx2|avx512 (tests run every path).
inline int cpu_isa() {
  static const int level = [] {
    int cap = kIsaAvx512;
    if (const char* e = std::getenv("CTORCH_CPU_ISA"))
      cap = std::strcmp(e, "base") == 0 ? kIsaBase : std::strcmp(e, "avx2") == 0 ? kIsaAvx2 : kIsaAvx512;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (cap >= kIsaAvx512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
      return int(kIsaAvx512);
    if (cap >= kIsaAvx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return int(kIsaAvx2);
#endif
    return int(kIsaBase);
  }();
  return level;
}

// Whether a row of `bytes` output (not aliasing an input) is written with streaming stores.
// Only for outputs too large for the last-level cache (whole op >= 48 MB across the threads):
// there the read-for-ownership would cost a third of the traffic of x + y. Smaller outputs stay
// cached for the op that reads them next.
constexpr int64_t kStreamTotalBytes = int64_t(48) << 20;
inline bool use_stream(int64_t bytes) {
  if (bytes < (int64_t(2) << 20)) return false;
  return bytes * get_num_threads() >= kStreamTotalBytes;
}

}  // namespace cpu
}  // namespace ctorch
