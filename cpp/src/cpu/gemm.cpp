// CPU GEMM (OpId::gemm): one strided batched kernel, see ops/gemm_kernel.h.
// Floating types take a packed, cache-blocked path around a register-blocked micro-kernel
// picked at run time (AVX-512 12x32 float / 12x16 double, AVX2+FMA 6x16 / 6x8, or baseline
// SSE2). See Note [GEMM blocking]. float16/bfloat16 are packed as float and accumulate in float.
// Matrix-vector shapes use dot (AVX-512) / axpy loops; tiny products and integers a row loop
// without packing.
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
#include "gemm_micro-inl.h"

namespace ctorch {
namespace cpu {

namespace {

using gemm::MicroFn;
using gemm::Tile;

// Note [GEMM blocking]
// K is split into kc blocks; per k block an A block (mc x kc) and a B block (kc x nc) are packed
// into micro-panels. Two loop orders around the micro-kernel:
//  order 1 (AVX-512): for each A micro-panel (MR x kc, kept in L1) sweep the B micro-panels of
//    the B block (kc x nc, kept in L2; the kernel prefetches B ahead). The A block may be large
//    (L3): its panels are each loaded once per B block. Blocks: kc 384/256, nc 512, mc all of M.
//  order 0 (AVX2, SSE2): for each B micro-panel (kc x NR, in L1) sweep the A micro-panels of the
//    A block (mc x kc, in L2).
// Sized for a 48 KB L1d and 2 MB L2 per core (Sapphire/Granite Rapids class: `lscpu`); they are
// only performance knobs, any values give the same results.
template <class C>
struct Micro {
  int mr, nr;
  MicroFn<C> fn, fn_pb;  // fn_pb prefetches B (order 1)
  bool masked_edges;     // stores partial tiles itself (Tile::mv, nv)
  int64_t kc, mc, nc;
  int order;
};

// CTORCH_GEMM_ISA (else CTORCH_CPU_ISA) = base|avx2|avx512 caps the choice (tests run every path
// on one machine).
int isa_level() {
  static const int level = [] {
    int cap = 2;
    const char* e = std::getenv("CTORCH_GEMM_ISA");
    if (!e) e = std::getenv("CTORCH_CPU_ISA");
    if (e) {
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
  static const Micro<float> m = [] {
#if defined(__x86_64__)
    if (isa_level() == 2)
      return Micro<float>{12, 32, &gemm::uk_avx512_f32<12, false>, &gemm::uk_avx512_f32<12, true>, true,
                          384, 4096, 512, 1};
    if (isa_level() == 1)
      return Micro<float>{6, 16, &gemm::uk_avx2_f32<6>, &gemm::uk_avx2_f32<6>, false, 256, 144, 4096, 0};
#endif
    return Micro<float>{4, 8, &gemm::uk_base<float, 4, 4>, &gemm::uk_base<float, 4, 4>, false, 256, 256, 4096, 0};
  }();
  return m;
}
template <>
Micro<double> pick_micro<double>() {
  static const Micro<double> m = [] {
#if defined(__x86_64__)
    if (isa_level() == 2)
      return Micro<double>{12, 16, &gemm::uk_avx512_f64<12, false>, &gemm::uk_avx512_f64<12, true>, true,
                           256, 4096, 512, 1};
    if (isa_level() == 1)
      return Micro<double>{6, 8, &gemm::uk_avx2_f64<6>, &gemm::uk_avx2_f64<6>, false, 256, 96, 2048, 0};
#endif
    return Micro<double>{4, 4, &gemm::uk_base<double, 2, 4>, &gemm::uk_base<double, 2, 4>, false, 256, 128, 2048, 0};
  }();
  return m;
}

template <class T, class C>
inline C cv(T v) {
  return C(compute_t<T>(v));
}

// A block (mc x kc, strides rs/cs) -> MR-row panels; B block (kc x nc) -> NR-column panels.
template <class T, class C>
void pack_a(const T* A, int64_t rs, int64_t cs, int64_t mc, int64_t kc, int mr, C* dst) {
  gemm::pack(A, cs, rs, kc, mc, mr, dst);
}
template <class T, class C>
void pack_b(const T* B, int64_t rs, int64_t cs, int64_t kc, int64_t nc, int nr, C* dst) {
  gemm::pack(B, rs, cs, kc, nc, nr, dst);
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// 64-byte aligned scratch that only grows (one per thread).
template <class C>
struct AlignedBuf {
  std::vector<C> store;
  C* get(int64_t n) {
    const size_t pad = 64 / sizeof(C);
    if (store.size() < size_t(n) + pad) store.resize(size_t(n) + pad);
    uintptr_t p = reinterpret_cast<uintptr_t>(store.data());
    return reinterpret_cast<C*>((p + 63) & ~uintptr_t(63));
  }
};
template <class C>
struct Buffers {
  AlignedBuf<C> a, b, ws;
};

// Packed A block (mi x kc) times packed B block (kc x ni) into c (strides rs, cs); `mode` as in
// Tile. Full tiles with unit column stride go straight into c, edge tiles through `tile`.
template <class T, class C>
void macro_kernel(const Micro<C>& uk, int64_t mi, int64_t ni, int64_t kc, const C* ap, const C* bp, T* c,
                  int64_t rs, int64_t cs, C alpha, C beta, int mode, C* tile) {
  const int mr = uk.mr, nr = uk.nr;
  const int64_t n_ir = ceil_div(mi, mr), n_jr = ceil_div(ni, nr);
  const MicroFn<C> fn = uk.order ? uk.fn_pb : uk.fn;
  for (int64_t t = 0; t < n_ir * n_jr; ++t) {
    const int64_t ir = (uk.order ? t / n_jr : t % n_ir) * mr, jr = (uk.order ? t % n_jr : t / n_ir) * nr;
    {
      const int64_t nj = std::min<int64_t>(nr, ni - jr);
      const int64_t m_ = std::min<int64_t>(mr, mi - ir);
      const C* a = ap + ir * kc;
      const C* b = bp + jr * kc;
      T* cp = c + ir * rs + jr * cs;
      if constexpr (std::is_same<T, C>::value) {
        if (cs == 1 && ((m_ == mr && nj == nr) || uk.masked_edges)) {
          fn(kc, a, b, Tile<C>{cp, rs, alpha, beta, mode, int(m_), int(nj)});
          continue;
        }
      }
      fn(kc, a, b, Tile<C>{tile, nr, C(1), C(0), 1});
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
  // Balanced block sizes (no sliver blocks); split further when the job grid is too small
  // for the threads: N first (each thread then packs only its share of B), then M.
  int64_t kb = ceil_div(K, uk.kc);
  const int64_t KC = round_up(ceil_div(K, kb), 4);
  int64_t mb = ceil_div(M, uk.mc);
  int64_t nb = ceil_div(N, uk.nc);
  // Threads only pay off from about a megaflop per thread (fork/join costs a few microseconds).
  const bool small = double(g.batch) * double(M) * double(N) * double(K) < 5e5;
  const int64_t nthreads = (small || in_parallel_region()) ? 1 : get_num_threads();
  while (g.batch * mb * nb < nthreads && ceil_div(N, nb * 2) >= 4 * nr) nb *= 2;
  while (g.batch * mb * nb < nthreads && ceil_div(M, mb * 2) >= 2 * mr) mb *= 2;
  const int64_t mc = round_up(ceil_div(M, mb), mr);
  mb = ceil_div(M, mc);
  const int64_t nc = round_up(ceil_div(N, nb), nr);
  nb = ceil_div(N, nc);
  const int64_t jobs = g.batch * mb * nb;

  const T* A = static_cast<const T*>(g.a);
  const T* B = static_cast<const T*>(g.b);
  T* Cm = static_cast<T*>(g.c);
  const C alpha = C(g.alpha.to_double()), beta = C(g.beta.to_double());
  const int first_mode = beta == C(0) ? 1 : 2;
  constexpr bool direct = std::is_same<T, C>::value;  // else accumulate in a C workspace

  parallel_for(0, jobs, small ? jobs : 1, [&](int64_t j0, int64_t j1) {
    static thread_local Buffers<C> buf;
    C* pa = buf.a.get(mc * KC);
    C* pb = buf.b.get(KC * nc);
    C* ws = direct ? nullptr : buf.ws.get(mc * nc);
    alignas(64) C tile[16 * 32];
    // Jobs are ordered (batch, outer block, inner block); the outer operand's packed block is
    // shared by a thread's run of inner blocks. Order 0: outer = B (N blocks), inner = A;
    // order 1 the reverse. The workspace path (float16/bfloat16) takes one block pair at a time.
    const bool a_outer = uk.order == 1;
    const int64_t n_in = a_outer ? nb : mb;
    auto pack_blk_a = [&](int64_t bi, int64_t ib, int64_t pc, int64_t kc) {
      const int64_t i0 = ib * mc;
      pack_a(A + bi * g.a_bs + i0 * g.a_rs + pc * g.a_cs, g.a_rs, g.a_cs, std::min(mc, M - i0), kc, mr, pa);
    };
    auto pack_blk_b = [&](int64_t bi, int64_t jb, int64_t pc, int64_t kc) {
      const int64_t n0 = jb * nc;
      pack_b(B + bi * g.b_bs + n0 * g.b_cs + pc * g.b_rs, g.b_rs, g.b_cs, kc, std::min(nc, N - n0), nr, pb);
    };
    for (int64_t job = j0; job < j1;) {
      const int64_t bi = job / (mb * nb), rem = job % (mb * nb);
      const int64_t io = rem / n_in, ii0 = rem % n_in;
      const int64_t run = direct ? std::min(j1 - job, n_in - ii0) : 1;
      job += run;
      for (int64_t pc = 0; pc < K; pc += KC) {
        const int64_t kc = std::min(KC, K - pc);
        if (a_outer) pack_blk_a(bi, io, pc, kc);
        else pack_blk_b(bi, io, pc, kc);
        for (int64_t ii = ii0; ii < ii0 + run; ++ii) {
          if (a_outer) pack_blk_b(bi, ii, pc, kc);
          else pack_blk_a(bi, ii, pc, kc);
          const int64_t i0 = (a_outer ? io : ii) * mc, mi = std::min(mc, M - i0);
          const int64_t n0 = (a_outer ? ii : io) * nc, ni = std::min(nc, N - n0);
          T* Cb = Cm + bi * g.c_bs + i0 * g.c_rs + n0 * g.c_cs;
          if constexpr (direct)
            macro_kernel<T, C>(uk, mi, ni, kc, pa, pb, Cb, g.c_rs, g.c_cs, alpha, beta,
                               pc == 0 ? first_mode : 0, tile);
          else
            macro_kernel<C, C>(uk, mi, ni, kc, pa, pb, ws, nc, 1, C(1), C(0), pc == 0 ? 1 : 0, tile);
        }
      }
      if constexpr (!direct) {  // C = beta*C + alpha*workspace, rounded once
        const int64_t i0 = (a_outer ? io : ii0) * mc, mi = std::min(mc, M - i0);
        const int64_t n0 = (a_outer ? ii0 : io) * nc, ni = std::min(nc, N - n0);
        T* Cb = Cm + bi * g.c_bs + i0 * g.c_rs + n0 * g.c_cs;
        for (int64_t i = 0; i < mi; ++i)
          for (int64_t j = 0; j < ni; ++j) {
            T* p = Cb + i * g.c_rs + j * g.c_cs;
            C v = alpha * ws[size_t(i * nc + j)];
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
#if defined(__x86_64__)
      if constexpr (std::is_same<T, C>::value && (std::is_same<T, float>::value || std::is_same<T, double>::value)) {
        if (acs == 1 && xs == 1 && isa_level() == 2) {
          auto dot = [](const T* a, int64_t lda, const T* x, int64_t k, T* out, bool four) {
            if constexpr (std::is_same<T, float>::value) four ? gemm::dot_avx512_f32<4>(a, lda, x, k, out)
                                                              : gemm::dot_avx512_f32<1>(a, lda, x, k, out);
            else four ? gemm::dot_avx512_f64<4>(a, lda, x, k, out) : gemm::dot_avx512_f64<1>(a, lda, x, k, out);
          };
          const int64_t grain = std::max<int64_t>(4, kGrainSize / std::max<int64_t>(K, 1));
          parallel_for(0, ceil_div(m, 4), std::max<int64_t>(1, grain / 4), [&](int64_t q0, int64_t q1) {
            for (int64_t i = q0 * 4; i < std::min(m, q1 * 4);) {
              T r[4];
              const bool four = i + 4 <= m;
              dot(Ab + i * ars, ars, xb, K, r, four);
              for (int q = 0; q < (four ? 4 : 1); ++q, ++i) yb[i * ys] = put(r[q], yb[i * ys]);
            }
          });
          continue;
        }
      }
#endif
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
  if (g.K == 0 || g.M * g.N * g.K <= 16 * 16 * 16) return gemm_rows<T, C>(g);
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
