#pragma once
// GEMM micro-kernels (included by gemm.cpp only). See Note [GEMM micro-kernel].
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "ctorch/core/dtype.h"

namespace ctorch {
namespace cpu {
namespace gemm {

// Note [GEMM micro-kernel]
// acc[i][j] = sum_k a[k*MR + i] * b[k*NR + j] over one packed A micro-panel (MR rows, k-major)
// and one packed B micro-panel (NR columns, k-major, 64-byte aligned). The MR x NR tile lives in
// registers: NR/VL vectors per row, one broadcast of A per row and k step. The finished tile is
// combined into C (row stride ldc, unit column stride) as selected by `mode`:
//   0: c += alpha*acc   1: c = alpha*acc   2: c = beta*c + alpha*acc
// Edge tiles: the AVX-512 kernels store only the valid part (Tile::mv, nv) with masked stores;
// the others write a scratch tile (mode 1, ldc = NR) that the caller copies out.
template <class C>
struct Tile {
  C* c;
  int64_t ldc;
  C alpha, beta;
  int mode;
  int mv = 1 << 30, nv = 1 << 30;  // valid rows / columns (AVX-512 kernels store edge tiles masked)
};

template <class C>
using MicroFn = void (*)(int64_t kc, const C* a, const C* b, const Tile<C>& t);

// Prefetch distances (bytes) of the operand that streams from L2: A's micro-panel in loop order 0,
// B's in loop order 1 (PFB kernels); see Note [GEMM blocking] in gemm.cpp.
constexpr int kPrefetchA = 768;
constexpr int kPrefetchB = 1024;

#if defined(__x86_64__)
// ---- AVX-512: float32 MR x 32 and float64 MR x 16 (two zmm per row) ----
#define CT_AVX512_KERNEL(NAME, C, VT, SUF, VL, MASKT)                                                        \
  template <int MR, bool PFB, int U = 4>                                                                     \
  __attribute__((target("avx512f,avx2,fma"))) void NAME(int64_t kc, const C* a, const C* b,                  \
                                                        const Tile<C>& t) {                                  \
    constexpr int NR = 2 * VL;                                                                               \
    C* const c = t.c;                                                                                        \
    const int64_t ldc = t.ldc;                                                                               \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                                  \
      if (i >= t.mv) break;                                                                                  \
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);                                 \
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);                        \
    }                                                                                                        \
    VT c0[MR], c1[MR];                                                                                       \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) c0[i] = c1[i] = _mm512_setzero_##SUF();            \
    int64_t k = 0;                                                                                           \
    for (; k + U <= kc; k += U) {                                                                            \
      if (PFB) {                                                                                             \
        _Pragma("GCC unroll 8") for (int p = 0; p < U * NR * int(sizeof(C)); p += 64)                        \
          _mm_prefetch(reinterpret_cast<const char*>(b) + kPrefetchB + p, _MM_HINT_T0);                      \
      } else {                                                                                               \
        _Pragma("GCC unroll 4") for (int p = 0; p < U * MR * int(sizeof(C)); p += 64)                        \
          _mm_prefetch(reinterpret_cast<const char*>(a) + kPrefetchA + p, _MM_HINT_T0);                      \
      }                                                                                                      \
      _Pragma("GCC unroll 4") for (int u = 0; u < U; ++u) {                                                  \
        const VT b0 = _mm512_load_##SUF(b + u * NR), b1 = _mm512_load_##SUF(b + u * NR + VL);                \
        _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                              \
          const VT av = _mm512_set1_##SUF(a[u * MR + i]);                                                    \
          c0[i] = _mm512_fmadd_##SUF(av, b0, c0[i]);                                                         \
          c1[i] = _mm512_fmadd_##SUF(av, b1, c1[i]);                                                         \
        }                                                                                                    \
      }                                                                                                      \
      a += U * MR;                                                                                           \
      b += U * NR;                                                                                           \
    }                                                                                                        \
    for (; k < kc; ++k) {                                                                                    \
      const VT b0 = _mm512_load_##SUF(b), b1 = _mm512_load_##SUF(b + VL);                                    \
      _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                                \
        const VT av = _mm512_set1_##SUF(a[i]);                                                               \
        c0[i] = _mm512_fmadd_##SUF(av, b0, c0[i]);                                                           \
        c1[i] = _mm512_fmadd_##SUF(av, b1, c1[i]);                                                           \
      }                                                                                                      \
      a += MR;                                                                                               \
      b += NR;                                                                                               \
    }                                                                                                        \
    const VT al = _mm512_set1_##SUF(t.alpha), be = _mm512_set1_##SUF(t.beta);                                \
    const int mode = t.mode, mv = t.mv, nv = t.nv;                                                           \
    const MASKT k0 = MASKT(nv >= VL ? ~0u : (1u << nv) - 1);                                                 \
    const MASKT k1 = MASKT(nv >= 2 * VL ? ~0u : nv <= VL ? 0u : (1u << (nv - VL)) - 1);                      \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                                  \
      if (i >= mv) break;                                                                                    \
      C* p = c + i * ldc;                                                                                    \
      VT r0 = _mm512_mul_##SUF(al, c0[i]), r1 = _mm512_mul_##SUF(al, c1[i]);                                 \
      if (mode == 0) {                                                                                       \
        r0 = _mm512_add_##SUF(r0, _mm512_maskz_loadu_##SUF(k0, p));                                          \
        r1 = _mm512_add_##SUF(r1, _mm512_maskz_loadu_##SUF(k1, p + VL));                                     \
      } else if (mode == 2) {                                                                                \
        r0 = _mm512_fmadd_##SUF(be, _mm512_maskz_loadu_##SUF(k0, p), r0);                                    \
        r1 = _mm512_fmadd_##SUF(be, _mm512_maskz_loadu_##SUF(k1, p + VL), r1);                               \
      }                                                                                                      \
      _mm512_mask_storeu_##SUF(p, k0, r0);                                                                   \
      _mm512_mask_storeu_##SUF(p + VL, k1, r1);                                                              \
    }                                                                                                        \
  }
CT_AVX512_KERNEL(uk_avx512_f32, float, __m512, ps, 16, __mmask16)
CT_AVX512_KERNEL(uk_avx512_f64, double, __m512d, pd, 8, __mmask8)
#undef CT_AVX512_KERNEL

// ---- AVX-512 dot products for matrix-vector: out[r] = sum_k a[r*lda + k] * x[k], r < R ----
#define CT_AVX512_DOT(NAME, C, VT, SUF, VL, MASKT)                                                           \
  template <int R>                                                                                           \
  __attribute__((target("avx512f,avx2,fma"))) void NAME(const C* a, int64_t lda, const C* x, int64_t K,      \
                                                        C* out) {                                            \
    VT acc[R][2];                                                                                            \
    _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_##SUF();      \
    int64_t k = 0;                                                                                           \
    for (; k + 2 * VL <= K; k += 2 * VL) {                                                                   \
      const VT x0 = _mm512_loadu_##SUF(x + k), x1 = _mm512_loadu_##SUF(x + k + VL);                          \
      _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r) {                                                  \
        acc[r][0] = _mm512_fmadd_##SUF(_mm512_loadu_##SUF(a + r * lda + k), x0, acc[r][0]);                  \
        acc[r][1] = _mm512_fmadd_##SUF(_mm512_loadu_##SUF(a + r * lda + k + VL), x1, acc[r][1]);             \
      }                                                                                                      \
    }                                                                                                        \
    for (; k < K; k += VL) {                                                                                 \
      const MASKT m = MASKT(K - k >= VL ? ~0u : (1u << (K - k)) - 1);                                        \
      const VT x0 = _mm512_maskz_loadu_##SUF(m, x + k);                                                      \
      _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r)                                                    \
        acc[r][0] = _mm512_fmadd_##SUF(_mm512_maskz_loadu_##SUF(m, a + r * lda + k), x0, acc[r][0]);         \
    }                                                                                                        \
    _Pragma("GCC unroll 4") for (int r = 0; r < R; ++r) {                                                    \
      C l[VL];                                                                                               \
      _mm512_storeu_##SUF(l, _mm512_add_##SUF(acc[r][0], acc[r][1]));                                        \
      for (int st = 1; st < VL; st *= 2)                                                                     \
        for (int q = 0; q + st < VL; q += 2 * st) l[q] += l[q + st];                                         \
      out[r] = l[0];                                                                                         \
    }                                                                                                        \
  }
CT_AVX512_DOT(dot_avx512_f32, float, __m512, ps, 16, __mmask16)
CT_AVX512_DOT(dot_avx512_f64, double, __m512d, pd, 8, __mmask8)
#undef CT_AVX512_DOT

// ---- AVX2+FMA: float32 6 x 16 and float64 6 x 8 (two ymm per row) ----
#define CT_AVX2_KERNEL(NAME, C, VT, SUF, VL)                                                                 \
  template <int MR>                                                                                          \
  __attribute__((target("avx2,fma"))) void NAME(int64_t kc, const C* a, const C* b, const Tile<C>& t) {      \
    constexpr int NR = 2 * VL;                                                                               \
    C* const c = t.c;                                                                                        \
    const int64_t ldc = t.ldc;                                                                               \
    VT c0[MR], c1[MR];                                                                                       \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) c0[i] = c1[i] = _mm256_setzero_##SUF();            \
    for (int64_t k = 0; k < kc; ++k) {                                                                       \
      const VT b0 = _mm256_load_##SUF(b), b1 = _mm256_load_##SUF(b + VL);                                    \
      _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                                \
        const VT av = _mm256_set1_##SUF(a[i]);                                                               \
        c0[i] = _mm256_fmadd_##SUF(av, b0, c0[i]);                                                           \
        c1[i] = _mm256_fmadd_##SUF(av, b1, c1[i]);                                                           \
      }                                                                                                      \
      a += MR;                                                                                               \
      b += NR;                                                                                               \
    }                                                                                                        \
    const VT al = _mm256_set1_##SUF(t.alpha), be = _mm256_set1_##SUF(t.beta);                                \
    const int mode = t.mode;                                                                                 \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; ++i) {                                                  \
      C* p = c + i * ldc;                                                                                    \
      VT r0 = _mm256_mul_##SUF(al, c0[i]), r1 = _mm256_mul_##SUF(al, c1[i]);                                 \
      if (mode == 0) {                                                                                       \
        r0 = _mm256_add_##SUF(r0, _mm256_loadu_##SUF(p));                                                    \
        r1 = _mm256_add_##SUF(r1, _mm256_loadu_##SUF(p + VL));                                               \
      } else if (mode == 2) {                                                                                \
        r0 = _mm256_fmadd_##SUF(be, _mm256_loadu_##SUF(p), r0);                                              \
        r1 = _mm256_fmadd_##SUF(be, _mm256_loadu_##SUF(p + VL), r1);                                         \
      }                                                                                                      \
      _mm256_storeu_##SUF(p, r0);                                                                            \
      _mm256_storeu_##SUF(p + VL, r1);                                                                       \
    }                                                                                                        \
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

// ---- packing ----
// dst receives ceil(n / W) panels of kc x W (k-major inside a panel, zero-padded columns) from a
// kc x n block whose element (k, j) is src[k*ks + j*js]. A blocks pack with k = K index and
// j = row; B blocks with j = column.
template <class T, class C>
inline C to_c(T v) {
  return C(compute_t<T>(v));
}

// Unit js: each k contributes W contiguous values per panel; walk k outermost so the source is
// read row by row (sequential, TLB friendly) and the panels are written as parallel streams.
template <int W, class T, class C>
void pack_rows(const T* src, int64_t ks, int64_t kc, int64_t n, C* dst) {
  const int64_t full = n / W, rem = n % W;
  for (int64_t k = 0; k < kc; ++k) {
    const T* s = src + k * ks;
    C* d = dst + k * W;
    if (k + 4 < kc && n * kc >= 16384)  // big blocks: source rows are far apart, fetch ahead
      for (int64_t j = 0; j < n; j += 64 / int64_t(sizeof(T)))
        _mm_prefetch(reinterpret_cast<const char*>(s + 4 * ks + j), _MM_HINT_T0);
    for (int64_t p = 0; p < full; ++p, s += W, d += kc * W) {
      if constexpr (std::is_same<T, C>::value) {
        std::memcpy(d, s, sizeof(C) * W);  // constant size: inlined vector moves
      } else {
        for (int j = 0; j < W; ++j) d[j] = to_c<T, C>(s[j]);
      }
    }
    if (rem) {
      if constexpr (std::is_same<T, C>::value) {
        std::memcpy(d, s, sizeof(C) * size_t(rem));
        std::memset(static_cast<void*>(d + rem), 0, sizeof(C) * size_t(W - rem));
      } else {
        int j = 0;
        for (; j < rem; ++j) d[j] = to_c<T, C>(s[j]);
        for (; j < W; ++j) d[j] = C(0);
      }
    }
  }
}

// 4x4 (float) / 2x2 (double) register transposes: dst[k*W + j] = src[j*js + k], k contiguous.
inline void transpose_tile(const float* s, int64_t js, float* d, int W) {
  __m128 r0 = _mm_loadu_ps(s), r1 = _mm_loadu_ps(s + js), r2 = _mm_loadu_ps(s + 2 * js),
         r3 = _mm_loadu_ps(s + 3 * js);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(d, r0);
  _mm_storeu_ps(d + W, r1);
  _mm_storeu_ps(d + 2 * W, r2);
  _mm_storeu_ps(d + 3 * W, r3);
}
inline void transpose_tile(const double* s, int64_t js, double* d, int W) {
  __m128d r0 = _mm_loadu_pd(s), r1 = _mm_loadu_pd(s + js);
  _mm_storeu_pd(d, _mm_unpacklo_pd(r0, r1));
  _mm_storeu_pd(d + W, _mm_unpackhi_pd(r0, r1));
}

// Unit ks: panels are transposed in small register tiles, one panel at a time (its W source
// rows stream in parallel).
template <int W, class T, class C>
void pack_cols(const T* src, int64_t js, int64_t kc, int64_t n, C* dst) {
  constexpr int TS = sizeof(T) == 4 ? 4 : 2;  // tile side
  for (int64_t j0 = 0; j0 < n; j0 += W, dst += kc * W) {
    const int64_t w = std::min<int64_t>(W, n - j0);
    const T* s = src + j0 * js;
    int64_t k = 0;
    if constexpr (std::is_same<T, C>::value && (std::is_same<T, float>::value || std::is_same<T, double>::value) &&
                  W % TS == 0) {
      if (w == W) {
        for (; k + TS <= kc; k += TS) {
          if (k % (64 / sizeof(T)) == 0)  // two lines ahead along each source row
            for (int j = 0; j < W; ++j)
              _mm_prefetch(reinterpret_cast<const char*>(s + j * js + k + 128 / sizeof(T)), _MM_HINT_T0);
          for (int j = 0; j < W; j += TS) transpose_tile(s + j * js + k, js, dst + k * W + j, W);
        }
      }
    }
    for (; k < kc; ++k) {
      int64_t j = 0;
      for (; j < w; ++j) dst[k * W + j] = to_c<T, C>(s[j * js + k]);
      for (; j < W; ++j) dst[k * W + j] = C(0);
    }
  }
}

template <int W, class T, class C>
void pack_any(const T* src, int64_t ks, int64_t js, int64_t kc, int64_t n, C* dst) {
  if (js == 1) return pack_rows<W>(src, ks, kc, n, dst);
  if (ks == 1) return pack_cols<W>(src, js, kc, n, dst);
  for (int64_t j0 = 0; j0 < n; j0 += W, dst += kc * W) {
    const int64_t w = std::min<int64_t>(W, n - j0);
    for (int64_t k = 0; k < kc; ++k) {
      int64_t j = 0;
      for (; j < w; ++j) dst[k * W + j] = to_c<T, C>(src[k * ks + (j0 + j) * js]);
      for (; j < W; ++j) dst[k * W + j] = C(0);
    }
  }
}

template <class T, class C>
void pack(const T* src, int64_t ks, int64_t js, int64_t kc, int64_t n, int w, C* dst) {
  switch (w) {
    case 4: return pack_any<4>(src, ks, js, kc, n, dst);
    case 6: return pack_any<6>(src, ks, js, kc, n, dst);
    case 8: return pack_any<8>(src, ks, js, kc, n, dst);
    case 12: return pack_any<12>(src, ks, js, kc, n, dst);
    case 16: return pack_any<16>(src, ks, js, kc, n, dst);
    case 32: return pack_any<32>(src, ks, js, kc, n, dst);
    default: break;
  }
}

}  // namespace gemm
}  // namespace cpu
}  // namespace ctorch
