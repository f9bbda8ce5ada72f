#pragma once
// CPU elementwise loops over a TensorIter. Only kernel TUs include this file.
// cpu_kernel<Out, In...>(iter, f): f takes compute_t<In>... and returns something convertible to Out.
// Contiguous rows take a branch the compiler vectorises; other rows use byte strides.
#include <cstring>
#include <utility>

#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/iter/tensor_iter.h"

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

template <class Out, class... In, class F, size_t... I>
inline void basic_loop(char** ptrs, const int64_t* st, int64_t n, const F& f, std::index_sequence<I...>) {
  bool contig = st[0] == int64_t(sizeof(Out)) && ((st[I + 1] == int64_t(sizeof(In))) && ...);
  if (contig) {
    Out* out = reinterpret_cast<Out*>(ptrs[0]);
    std::tuple<const In*...> in{reinterpret_cast<const In*>(ptrs[I + 1])...};
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) out[i] = Out(f(compute_t<In>(std::get<I>(in)[i])...));
    return;
  }
  // tensor-op-scalar (last input broadcast with stride 0, e.g. x * 2, x.add_(1)): still vectorises.
  constexpr size_t N = sizeof...(In);
  if constexpr (N >= 2) {
    bool scalar_last = st[0] == int64_t(sizeof(Out)) &&
                       ((I + 1 == N ? st[I + 1] == 0 : st[I + 1] == int64_t(sizeof(In))) && ...);
    if (scalar_last) {
      Out* out = reinterpret_cast<Out*>(ptrs[0]);
      std::tuple<const In*...> in{reinterpret_cast<const In*>(ptrs[I + 1])...};
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) out[i] = Out(f(compute_t<In>(std::get<I>(in)[I + 1 == N ? 0 : i])...));
      return;
    }
  }
  // A broadcast scalar operand (stride 0) is common: still a simple loop.
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
