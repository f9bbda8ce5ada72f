// Instantiates vec_math-inl.h for AVX-512, AVX2+FMA and baseline SSE2 (see vec_math.h).
#include "vec_math.h"

#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "simd.h"

// The vector helpers pass vectors by value between always-inline functions only.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ctorch {
namespace cpu {
namespace vmath {

#define CT_VMATH_TABLE {exp_f32, log_f32, sin_f32, cos_f32, tanh_f32, sigmoid_f32, log1p_f32, sqrt_f32, rsqrt_f32}

#if defined(__x86_64__)
CT_BEGIN_AVX512
namespace avx512 {
#define CT_VW 16
#define CT_VFMA(a, b, c) ((vf)_mm512_fmadd_ps((__m512)(a), (__m512)(b), (__m512)(c)))
#define CT_VSTREAM(p, v) _mm512_stream_ps(p, (__m512)(v))
#define CT_VANY(m) (_mm512_test_epi32_mask((__m512i)(m), (__m512i)(m)) != 0)
#define CT_VSQRT(v) ((vf)_mm512_maskz_sqrt_ps(0xffff, (__m512)(v)))  // _mm512_sqrt_ps trips -Wmaybe-uninitialized
#define CT_VLO 0, 1, 2, 3, 4, 5, 6, 7
#define CT_VHI 8, 9, 10, 11, 12, 13, 14, 15
#define CT_VALL 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#include "vec_math-inl.h"
#include "vec_math_undef-inl.h"
const ArrayFn table[] = CT_VMATH_TABLE;
}  // namespace avx512
CT_END_TARGET

CT_BEGIN_AVX2
namespace avx2 {
#define CT_VW 8
#define CT_VFMA(a, b, c) ((vf)_mm256_fmadd_ps((__m256)(a), (__m256)(b), (__m256)(c)))
#define CT_VSTREAM(p, v) _mm256_stream_ps(p, (__m256)(v))
#define CT_VANY(m) (_mm256_movemask_ps((__m256)(m)) != 0)
#define CT_VSQRT(v) ((vf)_mm256_sqrt_ps((__m256)(v)))
#define CT_VLO 0, 1, 2, 3
#define CT_VHI 4, 5, 6, 7
#define CT_VALL 0, 1, 2, 3, 4, 5, 6, 7
#include "vec_math-inl.h"
#include "vec_math_undef-inl.h"
const ArrayFn table[] = CT_VMATH_TABLE;
}  // namespace avx2
CT_END_TARGET
#endif

namespace base {
#define CT_VW 4
#define CT_VFMA(a, b, c) ((a) * (b) + (c))
#define CT_VSTREAM(p, v) _mm_stream_ps(p, (__m128)(v))
#define CT_VANY(m) (_mm_movemask_ps((__m128)(m)) != 0)
#define CT_VSQRT(v) ((vf)_mm_sqrt_ps((__m128)(v)))
#define CT_VLO 0, 1
#define CT_VHI 2, 3
#define CT_VALL 0, 1, 2, 3
#include "vec_math-inl.h"
#include "vec_math_undef-inl.h"
const ArrayFn table[] = CT_VMATH_TABLE;
}  // namespace base

ArrayFn get(Fn f) {
#if defined(__x86_64__)
  if (cpu_isa() == kIsaAvx512) return avx512::table[int(f)];
  if (cpu_isa() == kIsaAvx2) return avx2::table[int(f)];
#endif
  return base::table[int(f)];
}

}  // namespace vmath
}  // namespace cpu
}  // namespace ctorch
