// Instantiates reduce_vec-inl.h for AVX-512, AVX2 and baseline SSE2 (see reduce_vec.h).
#include "reduce_vec.h"

#include <cstring>

#include "simd.h"

// Vectors pass by value only between inlined helpers.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ctorch {
namespace cpu {
namespace vred {

#if defined(__x86_64__)
CT_BEGIN_AVX512
namespace avx512 {
#define CT_VBYTES 64
#include "reduce_vec-inl.h"
#undef CT_VBYTES
}  // namespace avx512
CT_END_TARGET

CT_BEGIN_AVX2
namespace avx2 {
#define CT_VBYTES 32
#include "reduce_vec-inl.h"
#undef CT_VBYTES
}  // namespace avx2
CT_END_TARGET
#endif

namespace base {
#define CT_VBYTES 16
#include "reduce_vec-inl.h"
#undef CT_VBYTES
}  // namespace base

template <class T>
T sum_any(const T* p, int64_t n) {
#if defined(__x86_64__)
  if (cpu_isa() == kIsaAvx512) return avx512::sum_tree(p, n);
  if (cpu_isa() == kIsaAvx2) return avx2::sum_tree(p, n);
#endif
  return base::sum_tree(p, n);
}

template <bool Max, class T>
T extreme_any(const T* p, int64_t n) {
#if defined(__x86_64__)
  if (cpu_isa() == kIsaAvx512) return avx512::extreme_run<Max>(p, n);
  if (cpu_isa() == kIsaAvx2) return avx2::extreme_run<Max>(p, n);
#endif
  return base::extreme_run<Max>(p, n);
}

float sum_f32(const float* p, int64_t n) { return sum_any(p, n); }
double sum_f64(const double* p, int64_t n) { return sum_any(p, n); }
float max_f32(const float* p, int64_t n) { return extreme_any<true>(p, n); }
float min_f32(const float* p, int64_t n) { return extreme_any<false>(p, n); }
double max_f64(const double* p, int64_t n) { return extreme_any<true>(p, n); }
double min_f64(const double* p, int64_t n) { return extreme_any<false>(p, n); }

}  // namespace vred
}  // namespace cpu
}  // namespace ctorch
