// Copy (with dtype conversion), fill and arange kernels.
#include <emmintrin.h>

#include "ctorch/core/convert.h"
#include "ctorch/dispatch/registry.h"
#include "loops-inl.h"

namespace ctorch {
namespace cpu {

namespace {
// ---- blocked transpose (x.t().contiguous() and friends) ----
// Iteration dims 0 and 1 are swapped between the operands: the output is dense along dim 0 and
// the input along dim 1. Blocks of one cache line square (16x16 floats) are staged in L1, so
// every input and output line is read or written whole, once (row strides are often powers of
// two: partially written lines of a larger tile would evict each other). The next block's input
// lines are prefetched (a 16 KB row stride defeats the hardware prefetcher); huge outputs are
// written with streaming stores.
constexpr int64_t kTile = 64;

template <bool Stream>
inline void put4(float* p, __m128 v) {
  if (Stream) _mm_stream_ps(p, v);
  else _mm_storeu_ps(p, v);
}
template <bool Stream>
inline void put2(double* p, __m128d v) {
  if (Stream) _mm_stream_pd(p, v);
  else _mm_storeu_pd(p, v);
}

// Transposes one full B x B block from buf (row r = input row) to d (row c = output row).
template <class E, bool Stream>
inline void transpose_block(const E* buf, E* d, int64_t os1) {
  constexpr int B = 64 / int(sizeof(E));
  if constexpr (sizeof(E) == 4) {
    for (int c = 0; c < B; c += 4)
      for (int r = 0; r < B; r += 4) {
        const float* q = reinterpret_cast<const float*>(buf + r * B + c);
        __m128 r0 = _mm_load_ps(q), r1 = _mm_load_ps(q + B), r2 = _mm_load_ps(q + 2 * B), r3 = _mm_load_ps(q + 3 * B);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        float* o = reinterpret_cast<float*>(d + r + c * os1);
        put4<Stream>(o, r0);
        put4<Stream>(o + os1, r1);
        put4<Stream>(o + 2 * os1, r2);
        put4<Stream>(o + 3 * os1, r3);
      }
  } else if constexpr (sizeof(E) == 8) {
    for (int c = 0; c < B; c += 2)
      for (int r = 0; r < B; r += 2) {
        const double* q = reinterpret_cast<const double*>(buf + r * B + c);
        __m128d r0 = _mm_load_pd(q), r1 = _mm_load_pd(q + B);
        double* o = reinterpret_cast<double*>(d + r + c * os1);
        put2<Stream>(o, _mm_unpacklo_pd(r0, r1));
        put2<Stream>(o + os1, _mm_unpackhi_pd(r0, r1));
      }
  } else {
    for (int c = 0; c < B; ++c)
      for (int r = 0; r < B; ++r) d[r + c * os1] = buf[r * B + c];
  }
}

template <class E>
void transpose_tile(const char* in, int64_t is0, char* out, int64_t os1, int64_t n0, int64_t n1, bool stream) {
  // out[i0 + i1*os1] = in[i0*is0 + i1] (element units), i0 < n0, i1 < n1.
  constexpr int B = 64 / int(sizeof(E));
  const E* src = reinterpret_cast<const E*>(in);
  E* dst = reinterpret_cast<E*>(out);
  alignas(64) E buf[B * B];
  stream = stream && sizeof(E) >= 4 && (os1 * int64_t(sizeof(E))) % 64 == 0;
  for (int64_t b0 = 0; b0 < n0; b0 += B)
    for (int64_t b1 = 0; b1 < n1; b1 += B) {
      const int64_t m0 = std::min<int64_t>(B, n0 - b0), m1 = std::min<int64_t>(B, n1 - b1);
      const E* s = src + b0 * is0 + b1;
      E* d = dst + b0 + b1 * os1;
      if (m0 < B || m1 < B) {
        for (int64_t i1 = 0; i1 < m1; ++i1)
          for (int64_t i0 = 0; i0 < m0; ++i0) d[i0 + i1 * os1] = s[i0 * is0 + i1];
        continue;
      }
      const E* next = b1 + 2 * B <= n1 ? s + B : src + std::min<int64_t>(b0 + B, n0 - 1) * is0;
      for (int r = 0; r < B; ++r) _mm_prefetch(reinterpret_cast<const char*>(next + r * is0), _MM_HINT_T0);
      for (int r = 0; r < B; ++r) std::memcpy(buf + r * B, s + r * is0, 64);
      if (stream && reinterpret_cast<uintptr_t>(d) % 64 == 0) transpose_block<E, true>(buf, d, os1);
      else transpose_block<E, false>(buf, d, os1);
    }
}

// Same-dtype copy whose two innermost iteration dims are transposed between output and input.
bool try_transpose_copy(TensorIter& it, int64_t isz) {
  if (it.ndim() < 2 || it.numel() < 4096) return false;
  const int64_t* os = it.strides(0);
  const int64_t* is = it.strides(1);
  const int64_t n0 = it.shape()[0], n1 = it.shape()[1];
  if (os[0] != isz || is[1] != isz || is[0] == isz || n0 < 8 || n1 < 8) return false;
  if (os[1] % isz || is[0] % isz) return false;
  const int64_t os1 = os[1] / isz, is0 = is[0] / isz;
  const int nd = it.ndim();
  const int64_t slices = it.numel() / (n0 * n1), tb0 = (n0 + kTile - 1) / kTile, tb1 = (n1 + kTile - 1) / kTile;
  const bool stream = use_stream(it.numel() * isz / std::max(1, get_num_threads()));
  auto tiles = [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      int64_t rem = t / (tb0 * tb1), tile = t % (tb0 * tb1);
      const char* in = it.data(1);
      char* out = it.data(0);
      for (int d = 2; d < nd; ++d) {  // outer dims of this 2-D slice
        const int64_t idx = rem % it.shape()[d];
        rem /= it.shape()[d];
        in += idx * is[d];
        out += idx * os[d];
      }
      const int64_t a0 = (tile / tb1) * kTile, a1 = (tile % tb1) * kTile;
      const int64_t m0 = std::min(kTile, n0 - a0), m1 = std::min(kTile, n1 - a1);
      in += a0 * is[0] + a1 * isz;
      out += a0 * isz + a1 * os[1];
      switch (isz) {
        case 1: transpose_tile<uint8_t>(in, is0, out, os1, m0, m1, stream); break;
        case 2: transpose_tile<uint16_t>(in, is0, out, os1, m0, m1, stream); break;
        case 4: transpose_tile<uint32_t>(in, is0, out, os1, m0, m1, stream); break;
        default: transpose_tile<uint64_t>(in, is0, out, os1, m0, m1, stream); break;
      }
    }
    if (stream) _mm_sfence();  // streaming stores are visible before the threads join
  };
  const int64_t ntiles = slices * tb0 * tb1;
  parallel_for(0, ntiles, std::max<int64_t>(1, kGrainSize / (kTile * kTile)), tiles);
  return true;
}

void copy_kernel(TensorIter& it) {
  ScalarType dst = it.dtype(0), src = it.dtype(1);
  if (dst == src && itemsize(dst) <= 8 && try_transpose_copy(it, itemsize(dst))) return;
  if (dst == src) {
    int64_t isz = itemsize(dst);
    it.for_each([isz](char** p, const int64_t* s, int64_t n) {
      if (s[0] == isz && s[1] == isz) {
        std::memcpy(p[0], p[1], size_t(n * isz));
        return;
      }
      for (int64_t i = 0; i < n; ++i) std::memcpy(p[0] + i * s[0], p[1] + i * s[1], size_t(isz));
    });
    return;
  }
  CT_DISPATCH_ALL(dst, "copy_", [&] {
    using to_t = scalar_t;
    CT_DISPATCH_ALL(src, "copy_", [&] {
      using from_t = scalar_t;
      it.for_each([](char** p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; ++i)
          *reinterpret_cast<to_t*>(p[0] + i * s[0]) = convert<to_t>(*reinterpret_cast<const from_t*>(p[1] + i * s[1]));
      });
    });
  });
}

void fill_kernel(TensorIter& it) {
  CT_DISPATCH_ALL(it.dtype(0), "fill_", [&] {
    scalar_t v = it.scalars[0].to<scalar_t>();
    it.for_each([v](char** p, const int64_t* s, int64_t n) {
      if (s[0] == int64_t(sizeof(scalar_t))) {
        scalar_t* o = reinterpret_cast<scalar_t*>(p[0]);
        for (int64_t i = 0; i < n; ++i) o[i] = v;
        return;
      }
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<scalar_t*>(p[0] + i * s[0]) = v;
    });
  });
}

// out[i] = start + i * step, computed in double (int64 in integer dtypes) like PyTorch.
void arange_kernel(TensorIter& it) {
  CT_DISPATCH_NUMERIC(it.dtype(0), "arange", [&] {
    double start = it.scalars[0].to_double(), step = it.scalars[1].to_double();
    int64_t istart = it.scalars[0].to_long(), istep = it.scalars[1].to_long();
    bool integral = !is_floating(it.dtype(0));
    char* base = it.data(0);
    int64_t stride = it.numel() > 1 ? it.strides(0)[0] : 0;
    parallel_for(0, it.numel(), 32768, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        scalar_t v = integral ? scalar_t(istart + i * istep) : scalar_t(compute_t<scalar_t>(start + double(i) * step));
        *reinterpret_cast<scalar_t*>(base + i * stride) = v;
      }
    });
  });
}
}  // namespace

void register_copy_kernels() {
  register_kernel(OpId::copy, kCPU, reinterpret_cast<void*>(&copy_kernel));
  register_kernel(OpId::fill, kCPU, reinterpret_cast<void*>(&fill_kernel));
  register_kernel(OpId::arange_fill, kCPU, reinterpret_cast<void*>(&arange_kernel));
}

}  // namespace cpu
}  // namespace ctorch
