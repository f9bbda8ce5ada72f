#pragma once
// CPU elementwise loops over a TensorIter. Only kernel TUs include this file.
// cpu_kernel<Out, In...>(iter, f): f takes compute_t<In>... and returns something convertible to Out.
// Contiguous rows (and rows whose last input is one broadcast value, x * 2) run a vectorised
// loop; for float/double/int32/int64 inputs it is compiled three times (AVX-512, AVX2, SSE2)
// and picked by cpu_isa(). Other rows use byte strides.
#include <immintrin.h>

#include <cstring>
#include <tuple>
#include <utility>

#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/iter/tensor_iter.h"
#include "simd.h"

namespace ctorch {
namespace cpu {

template <class T>
inline compute_t<T> load(const char* p) {
  return compute_t<T>(*reinterpret_cast<const T*>(p));
}
template <class T, class V>
inline void store(char* p, V v) {
  *reinterpret_cast<T*>(p) = T(v);
}

// Types whose contiguous loops get ISA clones (the wide-vector payoff is there; 8/16-bit
// types would triple compile time for little use).
template <class T>
constexpr bool kSimdType = std::is_same<T, float>::value || std::is_same<T, double>::value ||
                           std::is_same<T, int32_t>::value || std::is_same<T, int64_t>::value;

#if defined(__x86_64__)
CT_BEGIN_AVX512
namespace avx512 {
#define CT_STREAM_CHUNK(d, s) _mm512_stream_si512(reinterpret_cast<__m512i*>(d), _mm512_load_si512(s))
#define CT_STREAM_BYTES 64
#include "loops_contig-inl.h"
#undef CT_STREAM_CHUNK
#undef CT_STREAM_BYTES
}  // namespace avx512
CT_END_TARGET

CT_BEGIN_AVX2
namespace avx2 {
#define CT_STREAM_CHUNK(d, s) \
  _mm256_stream_si256(reinterpret_cast<__m256i*>(d), _mm256_load_si256(reinterpret_cast<const __m256i*>(s)))
#define CT_STREAM_BYTES 32
#include "loops_contig-inl.h"
#undef CT_STREAM_CHUNK
#undef CT_STREAM_BYTES
}  // namespace avx2
CT_END_TARGET
#endif

namespace base {
#define CT_STREAM_CHUNK(d, s) \
  _mm_stream_si128(reinterpret_cast<__m128i*>(d), _mm_load_si128(reinterpret_cast<const __m128i*>(s)))
#define CT_STREAM_BYTES 16
#include "loops_contig-inl.h"
#undef CT_STREAM_CHUNK
#undef CT_STREAM_BYTES
}  // namespace base

// Vectorised row: ScalarLast means the last input has stride 0.
template <bool ScalarLast, class Out, class... In, class F, size_t... I>
inline void contig_row(char** ptrs, int64_t n, const F& f, std::index_sequence<I...> seq) {
#if defined(__x86_64__)
  if constexpr ((kSimdType<In> && ...)) {
    const int isa = cpu_isa();
    if (isa == kIsaAvx512) return avx512::contig<ScalarLast, Out, In...>(ptrs, n, f, seq);
    if (isa == kIsaAvx2) return avx2::contig<ScalarLast, Out, In...>(ptrs, n, f, seq);
  }
#endif
  base::contig<ScalarLast, Out, In...>(ptrs, n, f, seq);
}

template <class Out, class... In, class F, size_t... I>
inline void basic_loop(char** ptrs, const int64_t* st, int64_t n, const F& f, std::index_sequence<I...> seq) {
  bool contig = st[0] == int64_t(sizeof(Out)) && ((st[I + 1] == int64_t(sizeof(In))) && ...);
  if (contig) return contig_row<false, Out, In...>(ptrs, n, f, seq);
  // tensor-op-scalar (last input broadcast with stride 0, e.g. x * 2, x.add_(1)): still vectorises.
  constexpr size_t N = sizeof...(In);
  if constexpr (N >= 2) {
    bool scalar_last = st[0] == int64_t(sizeof(Out)) &&
                       ((I + 1 == N ? st[I + 1] == 0 : st[I + 1] == int64_t(sizeof(In))) && ...);
    if (scalar_last) return contig_row<true, Out, In...>(ptrs, n, f, seq);
  }
  for (int64_t i = 0; i < n; ++i)
    store<Out>(ptrs[0] + i * st[0], f(load<In>(ptrs[I + 1] + i * st[I + 1])...));
}

template <class Out, class... In, class F>
void cpu_kernel(TensorIter& it, const F& f, int64_t grain = 32768) {
  it.for_each(
      [&](char** ptrs, const int64_t* st, int64_t n) {
        basic_loop<Out, In...>(ptrs, st, n, f, std::index_sequence_for<In...>{});
      },
      grain);
}

}  // namespace cpu
}  // namespace ctorch
