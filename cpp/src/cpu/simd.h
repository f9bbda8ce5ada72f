#pragma once
// Run-time ISA selection for the CPU kernels. The library is built for baseline x86-64 (-O2,
// no -march), so hot loops are compiled a second and third time inside
// `#pragma GCC target(CT_TARGET_AVX512 / CT_TARGET_AVX2)` regions and picked here.
#include <cstdlib>
#include <cstring>

namespace ctorch {
namespace cpu {

#define CT_TARGET_AVX512 "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi,bmi2,f16c"
#define CT_TARGET_AVX2 "avx2,fma,bmi,bmi2,f16c"

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

// Rows at least this large (output bytes) are written with streaming stores: they cannot stay
// in cache anyway, and skipping the read-for-ownership saves a third of the traffic of x + y.
constexpr long kStreamBytes = 1L << 20;

}  // namespace cpu
}  // namespace ctorch
