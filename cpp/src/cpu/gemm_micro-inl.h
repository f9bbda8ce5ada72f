#pragma once
// GEMM micro-kernels (included by gemm.cpp only). See Note [GEMM micro-kernel].
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace ctorch {
namespace cpu {
namespace gemm {

// Note [GEMM micro-kernel]
// acc[i][j] = sum_k a[k*MR + i] * b[k*NR + j] over one packed A micro-panel (MR rows, k-major)
// and one packed B micro-panel (NR columns, k-major, 64-byte aligned). The MR x NR tile lives in
// registers: NR/VL vectors per row, one broadcast of A per row and k step. The finished tile is
// combined into C (row stride ldc, unit column stride) as selected by `mode`:
//   0: c += alpha*acc   1: c = alpha*acc   2: c = beta*c + alpha*acc
// Edge tiles go to a scratch tile (mode 1, ldc = NR) that the caller copies out.
template <class C>
struct Tile {
  C* c;
  int64_t ldc;
  C alpha, beta;
  int mode;
};

template <class C>
using MicroFn = void (*)(int64_t kc, const C* a, const C* b, const Tile<C>& t);

// Prefetch distance for the A micro-panel, which streams from L2 (B's micro-panel stays in L1).
constexpr int kPrefetchA = 768;  // bytes

#if defined(__x86_64__)
// ---- AVX-512: float32 MR x 32 and float64 MR x 16 (two zmm per row) ----
#define CT_AVX512_KERNEL(NAME, C, VT, SUF, VL)                                                          \
  template <int MR>                                                                                     \
  __attribute__((target("avx512f,avx2,fma"))) void NAME(int64_t kc, const C* a, const C* b,             \
                                                        const Tile<C>& t) {                             \
    constexpr int NR = 2 * VL;                                                                          \
    C* const c = t.c;                                                                                   \
    const int64_t ldc = t.ldc;                                                                          \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                             \
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);                            \
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);                   \
    }                                                                                                   \
    VT c0[MR], c1[MR];                                                                                  \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) c0[i] = c1[i] = _mm512_setzero_##SUF();       \
    int64_t k = 0;                                                                                      \
    for (; k + 4 <= kc; k += 4) {                                                                       \
      _Pragma("GCC unroll 4") for (int p = 0; p < 4 * MR * int(sizeof(C)); p += 64)                      \
        _mm_prefetch(reinterpret_cast<const char*>(a) + kPrefetchA + p, _MM_HINT_T0);                   \
      _Pragma("GCC unroll 4") for (int u = 0; u < 4; ++u) {                                             \
        const VT b0 = _mm512_load_##SUF(b + u * NR), b1 = _mm512_load_##SUF(b + u * NR + VL);           \
        _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                         \
          const VT av = _mm512_set1_##SUF(a[u * MR + i]);                                               \
          c0[i] = _mm512_fmadd_##SUF(av, b0, c0[i]);                                                    \
          c1[i] = _mm512_fmadd_##SUF(av, b1, c1[i]);                                                    \
        }                                                                                               \
      }                                                                                                 \
      a += 4 * MR;                                                                                      \
      b += 4 * NR;                                                                                      \
    }                                                                                                   \
    for (; k < kc; ++k) {                                                                               \
      const VT b0 = _mm512_load_##SUF(b), b1 = _mm512_load_##SUF(b + VL);                               \
      _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                           \
        const VT av = _mm512_set1_##SUF(a[i]);                                                          \
        c0[i] = _mm512_fmadd_##SUF(av, b0, c0[i]);                                                      \
        c1[i] = _mm512_fmadd_##SUF(av, b1, c1[i]);                                                      \
      }                                                                                                 \
      a += MR;                                                                                          \
      b += NR;                                                                                          \
    }                                                                                                   \
    const VT al = _mm512_set1_##SUF(t.alpha), be = _mm512_set1_##SUF(t.beta);                          \
    const int mode = t.mode;                                                                            \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                             \
      C* p = c + i * ldc;                                                                               \
      VT r0 = _mm512_mul_##SUF(al, c0[i]), r1 = _mm512_mul_##SUF(al, c1[i]);                            \
      if (mode == 0) {                                                                                  \
        r0 = _mm512_add_##SUF(r0, _mm512_loadu_##SUF(p));                                               \
        r1 = _mm512_add_##SUF(r1, _mm512_loadu_##SUF(p + VL));                                          \
      } else if (mode == 2) {                                                                           \
        r0 = _mm512_fmadd_##SUF(be, _mm512_loadu_##SUF(p), r0);                                         \
        r1 = _mm512_fmadd_##SUF(be, _mm512_loadu_##SUF(p + VL), r1);                                    \
      }                                                                                                 \
      _mm512_storeu_##SUF(p, r0);                                                                       \
      _mm512_storeu_##SUF(p + VL, r1);                                                                  \
    }                                                                                                   \
  }
CT_AVX512_KERNEL(uk_avx512_f32, float, __m512, ps, 16)
CT_AVX512_KERNEL(uk_avx512_f64, double, __m512d, pd, 8)
#undef CT_AVX512_KERNEL

// ---- AVX2+FMA: float32 6 x 16 and float64 6 x 8 (two ymm per row) ----
#define CT_AVX2_KERNEL(NAME, C, VT, SUF, VL)                                                            \
  template <int MR>                                                                                     \
  __attribute__((target("avx2,fma"))) void NAME(int64_t kc, const C* a, const C* b, const Tile<C>& t) { \
    constexpr int NR = 2 * VL;                                                                          \
    C* const c = t.c;                                                                                   \
    const int64_t ldc = t.ldc;                                                                          \
    VT c0[MR], c1[MR];                                                                                  \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) c0[i] = c1[i] = _mm256_setzero_##SUF();       \
    for (int64_t k = 0; k < kc; ++k) {                                                                  \
      const VT b0 = _mm256_load_##SUF(b), b1 = _mm256_load_##SUF(b + VL);                               \
      _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                           \
        const VT av = _mm256_set1_##SUF(a[i]);                                                          \
        c0[i] = _mm256_fmadd_##SUF(av, b0, c0[i]);                                                      \
        c1[i] = _mm256_fmadd_##SUF(av, b1, c1[i]);                                                      \
      }                                                                                                 \
      a += MR;                                                                                          \
      b += NR;                                                                                          \
    }                                                                                                   \
    const VT al = _mm256_set1_##SUF(t.alpha), be = _mm256_set1_##SUF(t.beta);                          \
    const int mode = t.mode;                                                                            \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                             \
      C* p = c + i * ldc;                                                                               \
      VT r0 = _mm256_mul_##SUF(al, c0[i]), r1 = _mm256_mul_##SUF(al, c1[i]);                            \
      if (mode == 0) {                                                                                  \
        r0 = _mm256_add_##SUF(r0, _mm256_loadu_##SUF(p));                                               \
        r1 = _mm256_add_##SUF(r1, _mm256_loadu_##SUF(p + VL));                                          \
      } else if (mode == 2) {                                                                           \
        r0 = _mm256_fmadd_##SUF(be, _mm256_loadu_##SUF(p), r0);                                         \
        r1 = _mm256_fmadd_##SUF(be, _mm256_loadu_##SUF(p + VL), r1);                                    \
      }                                                                                                 \
      _mm256_storeu_##SUF(p, r0);                                                                       \
      _mm256_storeu_##SUF(p + VL, r1);                                                                  \
    }                                                                                                   \
  }
CT_AVX2_KERNEL(uk_avx2_f32, float, __m256, ps, 8)
CT_AVX2_KERNEL(uk_avx2_f64, double, __m256d, pd, 4)
#undef CT_AVX2_KERNEL
#endif

// ---- portable fallback (GCC vector extensions; SSE2 on x86-64) ----
template <class C, int VL, int MR>
void uk_base(int64_t kc, const C* a, const C* b, const Tile<C>& t) {
  typedef C V __attribute__((vector_size(VL * sizeof(C))));
  constexpr int NR = 2 * VL;
  V acc[MR][2];
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = V{};
  for (int64_t k = 0; k < kc; ++k) {
    V b0, b1;
    std::memcpy(&b0, b, sizeof(V));
    std::memcpy(&b1, b + VL, sizeof(V));
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      V av = a[i] - V{};  // broadcast (x - 0 folds away; 0 + x would not, for -0)
      acc[i][0] += av * b0;
      acc[i][1] += av * b1;
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) {
      C* p = t.c + i * t.ldc + j;
      C r = t.alpha * acc[i][j / VL][j % VL];
      if (t.mode == 0) r += *p;
      else if (t.mode == 2) r += t.beta * *p;
      *p = r;
    }
}

}  // namespace gemm
}  // namespace cpu
}  // namespace ctorch
