// CPU GEMM (OpId::gemm): one strided batched kernel, see ops/gemm_kernel.h.
// Floating types take a packed, cache-blocked path (BLIS loop order: jobs over (N block, M
// blocks), k blocks, B micro-panels, A micro-panels) around a register-blocked micro-kernel
// picked at run time (AVX-512, AVX2+FMA or baseline SSE2). float16/bfloat16 are packed as float
// and accumulate in float. Matrix-vector shapes use a dot/axpy loop; small products and integers
// a row loop without packing.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ctorch/core/parallel.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/gemm_kernel.h"

namespace ctorch {
namespace cpu {

namespace {

// Note [GEMM micro-kernel]
// An MR x NR tile of C is held in MR*NV vectors (GCC vector extensions, so each target gets its
// own instructions, FMA where enabled). Per k step it loads NV vectors of packed B and broadcasts
// one packed A value per row. The finished tile is combined into `out` (unit column stride):
// full tiles go straight into C; edge tiles go to a scratch tile the caller copies out, so they
// need no special code (panels are zero-padded).
template <class C>
struct TileOut {
  C* c;
  int64_t ldc;
  C alpha, beta;
  int mode;  // 0: c += alpha*acc, 1: c = alpha*acc, 2: c = beta*c + alpha*acc
};

template <class C, int VL, int MR, int NV>
__attribute__((always_inline)) inline void micro_body(int64_t kc, const C* __restrict a, const C* __restrict b,
                                                      const TileOut<C>& o) {
  typedef C V __attribute__((vector_size(VL * sizeof(C))));
  constexpr int NR = VL * NV;
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {  // C lines are usually cold: start fetching them now
    __builtin_prefetch(o.c + i * o.ldc);
    __builtin_prefetch(o.c + i * o.ldc + NR - 1);
  }
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = V{};
  for (int64_t k = 0; k < kc; ++k) {
    V bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) std::memcpy(&bv[j], b + j * VL, sizeof(V));
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      V av = a[i] - V{};  // broadcast (x - 0 folds away; 0 + x would not, for -0)
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] += av * bv[j];
    }
    a += MR;
    b += NR;
  }
  const V alpha = o.alpha - V{}, beta = o.beta - V{};
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      C* p = o.c + i * o.ldc + j * VL;
      V r = alpha * acc[i][j], cv;
      if (o.mode != 1) {
        std::memcpy(&cv, p, sizeof(V));
        r += o.mode == 0 ? cv : beta * cv;
      }
      std::memcpy(p, &r, sizeof(V));
    }
}

#define CT_MICRO(name, tgt, C, VL, MR, NV)                                                       \
  __attribute__((target(tgt))) void name(int64_t kc, const C* a, const C* b, const TileOut<C>& o) { \
    micro_body<C, VL, MR, NV>(kc, a, b, o);                                                      \
  }
#if defined(__x86_64__)
CT_MICRO(uk_f32_avx512, "avx512f,avx2,fma", float, 16, 12, 2)
CT_MICRO(uk_f64_avx512, "avx512f,avx2,fma", double, 8, 12, 2)
CT_MICRO(uk_f32_avx2, "avx2,fma", float, 8, 6, 2)
CT_MICRO(uk_f64_avx2, "avx2,fma", double, 4, 6, 2)
#endif
void uk_f32_base(int64_t kc, const float* a, const float* b, const TileOut<float>& o) {
  micro_body<float, 4, 4, 2>(kc, a, b, o);
}
void uk_f64_base(int64_t kc, const double* a, const double* b, const TileOut<double>& o) {
  micro_body<double, 2, 4, 2>(kc, a, b, o);
}
#undef CT_MICRO

template <class C>
struct Micro {
  int mr, nr;
  void (*fn)(int64_t, const C*, const C*, const TileOut<C>&);
};

// CTORCH_GEMM_ISA=base|avx2|avx512 caps the choice (tests run every path on one machine).
int isa_level() {
  static const int level = [] {
    int cap = 2;
    if (const char* e = std::getenv("CTORCH_GEMM_ISA")) {
      std::string s(e);
      cap = s == "base" ? 0 : s == "avx2" ? 1 : 2;
    }
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (cap >= 2 && __builtin_cpu_supports("avx512f")) return 2;
    if (cap >= 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
  }();
  return level;
}

template <class C>
Micro<C> pick_micro();
template <>
Micro<float> pick_micro<float>() {
#if defined(__x86_64__)
  if (isa_level() == 2) return {12, 32, &uk_f32_avx512};
  if (isa_level() == 1) return {6, 16, &uk_f32_avx2};
#endif
  return {4, 8, &uk_f32_base};
}
template <>
Micro<double> pick_micro<double>() {
#if defined(__x86_64__)
  if (isa_level() == 2) return {12, 16, &uk_f64_avx512};
  if (isa_level() == 1) return {6, 8, &uk_f64_avx2};
#endif
  return {4, 4, &uk_f64_base};
}

template <class T, class C>
inline C cv(T v) {
  return C(compute_t<T>(v));
}

// A block (mc x kc, strides rs/cs) -> MR-row panels, k-major inside a panel, zero-padded.
template <class T, class C>
void pack_a(const T* A, int64_t rs, int64_t cs, int64_t mc, int64_t kc, int mr, C* dst) {
  for (int64_t i0 = 0; i0 < mc; i0 += mr) {
    const int64_t mi = std::min<int64_t>(mr, mc - i0);
    const T* base = A + i0 * rs;
    for (int64_t k = 0; k < kc; ++k, dst += mr) {
      const T* src = base + k * cs;
      int64_t i = 0;
      if (std::is_same<T, C>::value && rs == 1 && mi == mr) {  // column-major A: a straight copy
        std::memcpy(dst, src, sizeof(C) * size_t(mr));
        continue;
      }
      for (; i < mi; ++i) dst[i] = cv<T, C>(src[i * rs]);
      for (; i < mr; ++i) dst[i] = C(0);
    }
  }
}

// B block (kc x nc) -> NR-column panels, k-major inside a panel, zero-padded.
template <class T, class C>
void pack_b(const T* B, int64_t rs, int64_t cs, int64_t kc, int64_t nc, int nr, C* dst) {
  for (int64_t j0 = 0; j0 < nc; j0 += nr) {
    const int64_t nj = std::min<int64_t>(nr, nc - j0);
    const T* base = B + j0 * cs;
    for (int64_t k = 0; k < kc; ++k, dst += nr) {
      const T* src = base + k * rs;
      int64_t j = 0;
      if (std::is_same<T, C>::value && cs == 1 && nj == nr) {  // row-major B: a straight copy
        std::memcpy(dst, src, sizeof(C) * size_t(nr));
        continue;
      }
      if (cs == 1)
        for (; j < nj; ++j) dst[j] = cv<T, C>(src[j]);
      else
        for (; j < nj; ++j) dst[j] = cv<T, C>(src[j * cs]);
      for (; j < nr; ++j) dst[j] = C(0);
    }
  }
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

template <class C>
struct Buffers {
  std::vector<C> a, b, ws;
};

// Packed A block (mi x kc) times packed B block (kc x ni) into c (strides rs, cs); `mode` as in
// TileOut. Full tiles with unit column stride go straight into c, edge tiles through `tile`.
template <class T, class C>
void macro_kernel(const Micro<C>& uk, int64_t mi, int64_t ni, int64_t kc, const C* ap, const C* bp, T* c,
                  int64_t rs, int64_t cs, C alpha, C beta, int mode, C* tile) {
  const int mr = uk.mr, nr = uk.nr;
  for (int64_t jr = 0; jr < ni; jr += nr) {
    const int64_t nj = std::min<int64_t>(nr, ni - jr);
    for (int64_t ir = 0; ir < mi; ir += mr) {
      const int64_t m_ = std::min<int64_t>(mr, mi - ir);
      const C* a = ap + ir * kc;
      const C* b = bp + jr * kc;
      T* cp = c + ir * rs + jr * cs;
      if constexpr (std::is_same<T, C>::value) {
        if (m_ == mr && nj == nr && cs == 1) {
          uk.fn(kc, a, b, TileOut<C>{cp, rs, alpha, beta, mode});
          continue;
        }
      }
      uk.fn(kc, a, b, TileOut<C>{tile, nr, C(1), C(0), 1});
      for (int64_t i = 0; i < m_; ++i) {
        T* row = cp + i * rs;
        const C* t = tile + i * nr;
        for (int64_t j = 0; j < nj; ++j) {
          C v = alpha * t[j];
          if (mode == 0) v += C(compute_t<T>(row[j * cs]));
          else if (mode == 2) v += beta * C(compute_t<T>(row[j * cs]));
          row[j * cs] = T(v);
        }
      }
    }
  }
}

template <class T, class C>
void gemm_packed(const GemmDesc& g) {
  const Micro<C> uk = pick_micro<C>();
  const int mr = uk.mr, nr = uk.nr;
  const int64_t M = g.M, N = g.N, K = g.K;
  // Packed A block (mc x KC, ~240 KB) stays in L2, a B micro-panel (KC x NR) in L1.
  const int64_t KC = 256;
  const int64_t mc_max = std::max<int64_t>(mr, (int64_t(960 / sizeof(C)) / mr) * mr);
  const int64_t nc_max = int64_t(8192 / sizeof(C));
  // Balanced block sizes; split N further when the job grid is too small for the threads.
  int64_t mb = ceil_div(M, mc_max);
  const int64_t mc = round_up(ceil_div(M, mb), mr);
  mb = ceil_div(M, mc);
  int64_t nb = ceil_div(N, nc_max);
  const int64_t nthreads = get_num_threads();
  while (g.batch * mb * nb < 2 * nthreads && ceil_div(N, nb * 2) >= 4 * nr) nb *= 2;
  const int64_t nc = round_up(ceil_div(N, nb), nr);
  nb = ceil_div(N, nc);
  const int64_t jobs = g.batch * mb * nb;

  const T* A = static_cast<const T*>(g.a);
  const T* B = static_cast<const T*>(g.b);
  T* Cm = static_cast<T*>(g.c);
  const C alpha = C(g.alpha.to_double()), beta = C(g.beta.to_double());
  const int first_mode = beta == C(0) ? 1 : 2;
  constexpr bool direct = std::is_same<T, C>::value;  // else accumulate in a C workspace

  parallel_for(0, jobs, 1, [&](int64_t j0, int64_t j1) {
    static thread_local Buffers<C> buf;
    buf.a.resize(size_t(mc * KC));
    buf.b.resize(size_t(KC * nc));
    if (!direct) buf.ws.resize(size_t(mc * nc));
    C tile[16 * 32];
    // Jobs are ordered (batch, N block, M block): a thread's run of M blocks under one N block
    // packs each B block once. The workspace path (float16/bfloat16) takes one M block at a time.
    for (int64_t job = j0; job < j1;) {
      const int64_t bi = job / (mb * nb), rem = job % (mb * nb);
      const int64_t ib0 = rem % mb, n0 = (rem / mb) * nc, ni = std::min(nc, N - n0);
      const int64_t run = direct ? std::min(j1 - job, mb - ib0) : 1;
      job += run;
      for (int64_t pc = 0; pc < K; pc += KC) {
        const int64_t kc = std::min(KC, K - pc);
        pack_b(B + bi * g.b_bs + n0 * g.b_cs + pc * g.b_rs, g.b_rs, g.b_cs, kc, ni, nr, buf.b.data());
        for (int64_t ib = ib0; ib < ib0 + run; ++ib) {
          const int64_t i0 = ib * mc, mi = std::min(mc, M - i0);
          pack_a(A + bi * g.a_bs + i0 * g.a_rs + pc * g.a_cs, g.a_rs, g.a_cs, mi, kc, mr, buf.a.data());
          T* Cb = Cm + bi * g.c_bs + i0 * g.c_rs + n0 * g.c_cs;
          if constexpr (direct)
            macro_kernel<T, C>(uk, mi, ni, kc, buf.a.data(), buf.b.data(), Cb, g.c_rs, g.c_cs, alpha, beta,
                               pc == 0 ? first_mode : 0, tile);
          else
            macro_kernel<C, C>(uk, mi, ni, kc, buf.a.data(), buf.b.data(), buf.ws.data(), nc, 1, C(1), C(0),
                               pc == 0 ? 1 : 0, tile);
        }
      }
      if constexpr (!direct) {  // C = beta*C + alpha*workspace, rounded once
        const int64_t i0 = ib0 * mc, mi = std::min(mc, M - i0);
        T* Cb = Cm + bi * g.c_bs + i0 * g.c_rs + n0 * g.c_cs;
        for (int64_t i = 0; i < mi; ++i)
          for (int64_t j = 0; j < ni; ++j) {
            T* p = Cb + i * g.c_rs + j * g.c_cs;
            C v = alpha * buf.ws[size_t(i * nc + j)];
            *p = T(first_mode == 1 ? v : beta * C(compute_t<T>(*p)) + v);
          }
      }
    }
  });
}

// Accumulator conversions: integers go through int64 into wrapping uint64 arithmetic.
template <class Acc, class T>
inline Acc to_acc(T v) {
  if constexpr (std::is_same<Acc, uint64_t>::value) return uint64_t(int64_t(v));
  else return Acc(compute_t<T>(v));
}
template <class T, class Acc>
inline T from_acc(Acc v) {
  if constexpr (std::is_same<Acc, uint64_t>::value) return T(int64_t(v));
  else return T(compute_t<T>(v));
}
template <class T, class Acc>
struct Scale {  // out = alpha*v (+ beta*old unless beta == 0, where C is write-only)
  Acc alpha, beta;
  bool beta0;
  T operator()(Acc v, T old) const { return from_acc<T>(Acc(alpha * v + (beta0 ? Acc(0) : Acc(beta * to_acc<Acc>(old))))); }
};
template <class T, class Acc>
Scale<T, Acc> make_scale(const GemmDesc& g) {
  if constexpr (std::is_same<Acc, uint64_t>::value) {
    Acc a = to_acc<Acc>(g.alpha.to<T>()), b = to_acc<Acc>(g.beta.to<T>());
    return {a, b, b == 0};
  } else {
    Acc a = Acc(g.alpha.to_double()), b = Acc(g.beta.to_double());
    return {a, b, b == Acc(0)};
  }
}

// y[i] = beta*y[i] + alpha * sum_k A[i,k] x[k] for i < m (one matrix-vector product per batch).
template <class T, class C>
void gemv(const GemmDesc& g, const T* A, int64_t ars, int64_t acs, int64_t abs_, const T* x, int64_t xs,
          int64_t xbs, T* y, int64_t ys, int64_t ybs, int64_t m) {
  const int64_t K = g.K;
  const Scale<T, C> put = make_scale<T, C>(g);
  for (int64_t b = 0; b < g.batch; ++b) {
    const T* Ab = A + b * abs_;
    const T* xb = x + b * xbs;
    T* yb = y + b * ybs;
    if (acs == 1 || ars != 1) {  // dot form: rows of A are contiguous (or nothing is)
      parallel_for(0, m, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(K, 1)), [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const T* r = Ab + i * ars;
          C l[16] = {};  // independent lanes; the unrolled contiguous loop becomes vector code
          int64_t k = 0;
          if (acs == 1 && xs == 1) {
            for (; k + 16 <= K; k += 16)
#pragma GCC unroll 16
              for (int q = 0; q < 16; ++q) l[q] += cv<T, C>(r[k + q]) * cv<T, C>(xb[k + q]);
          }
          for (; k < K; ++k) l[k & 15] += cv<T, C>(r[k * acs]) * cv<T, C>(xb[k * xs]);
          for (int st = 1; st < 16; st *= 2)
            for (int q = 0; q + st < 16; q += 2 * st) l[q] += l[q + st];
          yb[i * ys] = put(l[0], yb[i * ys]);
        }
      });
    } else {  // axpy form: columns of A are contiguous
      constexpr int64_t kChunk = 512;
      parallel_for(0, ceil_div(m, kChunk), 1, [&](int64_t c0, int64_t c1) {
        C acc[kChunk];
        for (int64_t c = c0; c < c1; ++c) {
          const int64_t i0 = c * kChunk, n = std::min(kChunk, m - i0);
          std::fill(acc, acc + n, C(0));
          for (int64_t k = 0; k < K; ++k) {
            const C xk = cv<T, C>(xb[k * xs]);
            const T* col = Ab + i0 + k * acs;
#pragma omp simd
            for (int64_t i = 0; i < n; ++i) acc[i] += xk * cv<T, C>(col[i]);
          }
          for (int64_t i = 0; i < n; ++i) yb[(i0 + i) * ys] = put(acc[i], yb[(i0 + i) * ys]);
        }
      });
    }
  }
}

// Row-by-row product without packing: small matrices (packing would dominate) and integers
// (Acc = uint64: wraps like PyTorch, exact modulo 2^bits after truncation).
template <class T, class Acc>
void gemm_rows(const GemmDesc& g) {
  const T* A = static_cast<const T*>(g.a);
  const T* B = static_cast<const T*>(g.b);
  T* Cm = static_cast<T*>(g.c);
  const Scale<T, Acc> put = make_scale<T, Acc>(g);
  const int64_t rows = g.batch * g.M, N = g.N, K = g.K;
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, N * K)), [&](int64_t r0, int64_t r1) {
    std::vector<Acc> acc(static_cast<size_t>(N));
    Acc* ac = acc.data();
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / g.M, i = r % g.M;
      const T* a = A + b * g.a_bs + i * g.a_rs;
      const T* bm = B + b * g.b_bs;
      std::fill(acc.begin(), acc.end(), Acc(0));
      for (int64_t k = 0; k < K; ++k) {
        const Acc av = to_acc<Acc>(a[k * g.a_cs]);
        const T* brow = bm + k * g.b_rs;
        if (g.b_cs == 1) {
#pragma omp simd
          for (int64_t j = 0; j < N; ++j) ac[j] += av * to_acc<Acc>(brow[j]);
        } else {
          for (int64_t j = 0; j < N; ++j) ac[j] += av * to_acc<Acc>(brow[j * g.b_cs]);
        }
      }
      T* c = Cm + b * g.c_bs + i * g.c_rs;
      for (int64_t j = 0; j < N; ++j) c[j * g.c_cs] = put(ac[j], c[j * g.c_cs]);
    }
  });
}

template <class T, class C>
void gemm_floating(const GemmDesc& g) {
  const T* A = static_cast<const T*>(g.a);
  const T* B = static_cast<const T*>(g.b);
  T* Cm = static_cast<T*>(g.c);
  if (g.N == 1)  // C[:,0] = A @ B[:,0]  (K == 0 gives beta*C on every path)
    return gemv<T, C>(g, A, g.a_rs, g.a_cs, g.a_bs, B, g.b_rs, g.b_bs, Cm, g.c_rs, g.c_bs, g.M);
  if (g.M == 1)  // C[0,:] = B^T @ A[0,:]
    return gemv<T, C>(g, B, g.b_cs, g.b_rs, g.b_bs, A, g.a_cs, g.a_bs, Cm, g.c_cs, g.c_bs, g.N);
  if (g.K == 0 || g.M * g.N * g.K <= 48 * 48 * 48) return gemm_rows<T, C>(g);
  gemm_packed<T, C>(g);
}

void gemm_kernel(const GemmDesc& g) {
  if (g.batch == 0 || g.M == 0 || g.N == 0) return;
  switch (g.dtype) {
    case kFloat32: return gemm_floating<float, float>(g);
    case kFloat64: return gemm_floating<double, double>(g);
    case kFloat16: return gemm_floating<Half, float>(g);
    case kBFloat16: return gemm_floating<BFloat16, float>(g);
    default: break;
  }
  CT_DISPATCH_NUMERIC(g.dtype, "addmm_impl_cpu_", [&] {
    if constexpr (std::is_integral<scalar_t>::value) gemm_rows<scalar_t, uint64_t>(g);
  });
}

}  // namespace

void register_linalg_kernels() {
  register_kernel(OpId::gemm, kCPU, reinterpret_cast<void*>(static_cast<GemmFn*>(&gemm_kernel)));
}

}  // namespace cpu
}  // namespace ctorch
