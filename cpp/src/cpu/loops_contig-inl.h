// Body of the vectorised row loop. NO include guard: loops-inl.h includes it once per ISA,
// inside a namespace and a `#pragma GCC target` region, with
//   CT_STREAM_CHUNK(dst, src)  non-temporal copy of CT_STREAM_BYTES from aligned src to aligned dst.

// out[i] = f(in...[i]) for i < len, inputs starting at element `off` (a ScalarLast input stays
// on its one element).
template <bool ScalarLast, class Out, class... In, class F, size_t... I>
__attribute__((noinline)) void span(Out* out, char* const* ptrs, int64_t off, int64_t len, const F& f,
                                      std::index_sequence<I...>) {
  constexpr size_t N = sizeof...(In);
  std::tuple<const In*...> in{reinterpret_cast<const In*>(ptrs[I + 1]) + ((ScalarLast && I + 1 == N) ? 0 : off)...};
#pragma omp simd
  for (int64_t i = 0; i < len; ++i)
    out[i] = Out(f(compute_t<In>(std::get<I>(in)[(ScalarLast && I + 1 == N) ? 0 : i])...));
}

// Huge rows (see use_stream): compute 4 KB at a time into an L1 buffer, then stream it out
// (no read-for-ownership of the destination). In-place rows keep normal stores: their lines
// are already cached.
template <bool ScalarLast, class Out, class... In, class F, size_t... I>
void contig(char** ptrs, int64_t n, const F& f, std::index_sequence<I...> seq) {
  Out* out = reinterpret_cast<Out*>(ptrs[0]);
  const uintptr_t mis = reinterpret_cast<uintptr_t>(out) % CT_STREAM_BYTES;
  if (!use_stream(n * int64_t(sizeof(Out))) || mis % sizeof(Out) != 0 || ((ptrs[I + 1] == ptrs[0]) || ...)) {
    span<ScalarLast, Out, In...>(out, ptrs, 0, n, f, seq);
    return;
  }
  constexpr int64_t kBuf = 4096, kElems = kBuf / int64_t(sizeof(Out));
  alignas(64) unsigned char buf[kBuf];
  int64_t i = mis ? int64_t((CT_STREAM_BYTES - mis) / sizeof(Out)) : 0;
  span<ScalarLast, Out, In...>(out, ptrs, 0, i, f, seq);
  constexpr size_t N = sizeof...(In);
  for (; i + kElems <= n; i += kElems) {
    // Inputs of the chunk after next: the hardware prefetcher alone leaves the loop
    // latency-bound on a single core.
    const char* ahead[] = {ptrs[I + 1] + (i + 2 * kElems) * int64_t(sizeof(In))...};
    const int64_t bytes[] = {kElems * int64_t(sizeof(In))...};
    for (size_t k = 0; k < N - (ScalarLast ? 1 : 0); ++k)
      for (int64_t b = 0; b < bytes[k]; b += 64) _mm_prefetch(ahead[k] + b, _MM_HINT_T0);
    span<ScalarLast, Out, In...>(reinterpret_cast<Out*>(buf), ptrs, i, kElems, f, seq);
    char* dst = reinterpret_cast<char*>(out + i);
    for (int64_t b = 0; b < kBuf; b += CT_STREAM_BYTES) CT_STREAM_CHUNK(dst + b, buf + b);
  }
  span<ScalarLast, Out, In...>(out + i, ptrs, i, n - i, f, seq);
  _mm_sfence();
}
