#pragma once
// CUDA elementwise launch machinery over a TensorIter: the only shape-aware code on the device
// side. gpu_kernel<Out, In...>(iter, f) runs out = f(in...) with f a host+device functor from
// functors.h (the same object the CPU kernels call), in compute types (compute_t<T>).
//
// Layout: TensorIter has already broadcast, promoted and coalesced the operands into <= 16 dims
// (innermost first) with byte strides. Dense operands take a flat loop; others an offset
// calculator that divides the linear index by each dim. Indexing is 32-bit when every byte
// offset fits, otherwise 64-bit (tensors over 2^31 elements or bytes).
#include <cuda_runtime.h>

#include <type_traits>
#include <utility>

#include "common.cuh"
#include "ctorch/core/dtype.h"
#include "ctorch/iter/tensor_iter.h"

namespace ctorch {
namespace cuda {

template <class T>
__device__ __forceinline__ compute_t<T> dload(const char* p) {
  return compute_t<T>(*reinterpret_cast<const T*>(p));
}
template <class T, class V>
__device__ __forceinline__ T to_storage(V v) {
  if constexpr (std::is_same<T, bool>::value) return bool(v);
  else return T(v);
}
template <class T, class V>
__device__ __forceinline__ void dstore(char* p, V v) {
  *reinterpret_cast<T*>(p) = to_storage<T>(v);
}

// VEC elements moved by one (at most 16-byte) load or store.
template <class T, int VEC>
struct alignas(sizeof(T) * VEC) VecOf {
  T v[VEC];
};
// Elements per vector for a functor's operands: 16 bytes of the widest one (at most 8 elements);
// 1 (no vector path) for 16-byte element types.
template <class... T>
constexpr int vec_size() {
  size_t m = 1;
  for (size_t s : {sizeof(T)...}) m = s > m ? s : m;
  return m >= 16 ? 1 : int(16 / m > 8 ? 8 : 16 / m);
}

// Byte offsets of NT operands for a linear element index.
template <int NT, class index_t>
struct OffsetCalc {
  int ndim = 0;
  index_t sizes[TensorIter::kMaxDims];
  index_t strides[TensorIter::kMaxDims][NT];

  __host__ explicit OffsetCalc(const TensorIter& it) {
    ndim = it.ndim();
    for (int d = 0; d < ndim; ++d) {
      sizes[d] = index_t(it.shape()[d]);
      for (int k = 0; k < NT; ++k) strides[d][k] = index_t(it.strides(k)[d]);
    }
  }
  __device__ __forceinline__ void get(index_t linear, index_t* off) const {
#pragma unroll
    for (int k = 0; k < NT; ++k) off[k] = 0;
    for (int d = 0; d < ndim; ++d) {
      index_t q = linear / sizes[d];
      index_t i = linear - q * sizes[d];
      linear = q;
#pragma unroll
      for (int k = 0; k < NT; ++k) off[k] += i * strides[d][k];
    }
  }
};

template <int NT>
struct PtrArray {
  char* p[NT];
};

// True when every byte offset and the element count fit in int32 (the fast index path).
bool can_use_32bit(const TensorIter& it);

// out = f(in...) at one element; Out and In are storage types. In the flat layouts (dense(),
// vec()) an input whose bit is set in `bcast` is one value read for every element (a scalar
// operand, stride 0).
template <class Out, class F, class... In>
struct PointwiseBody {
  static constexpr int NT = sizeof...(In) + 1;
  PtrArray<NT> ptrs;
  F f;
  unsigned bcast = 0;
  template <class off_t, size_t... I>
  __device__ __forceinline__ void at(const off_t* off, std::index_sequence<I...>) const {
    dstore<Out>(ptrs.p[0] + off[0], f(dload<In>(ptrs.p[I + 1] + off[I + 1])...));
  }
  template <class off_t>
  __device__ __forceinline__ void operator()(const off_t* off) const { at(off, std::index_sequence_for<In...>{}); }
  // Flat operands: element i lives at i * sizeof(T) in each (at 0 in a broadcast input).
  template <size_t... I>
  __device__ __forceinline__ void dense(int64_t i, std::index_sequence<I...>) const {
    dstore<Out>(ptrs.p[0] + i * int64_t(sizeof(Out)),
                f(dload<In>(ptrs.p[I + 1] + ((bcast >> I) & 1u ? 0 : i * int64_t(sizeof(In))))...));
  }
  __device__ __forceinline__ void dense(int64_t i) const { dense(i, std::index_sequence_for<In...>{}); }

  // Vector j (elements j*VEC ... j*VEC+VEC-1) with one load per input and one store.
  template <class T, int VEC>
  __device__ __forceinline__ VecOf<T, VEC> vload(const char* p, int64_t j, bool b) const {
    if (b) {
      VecOf<T, VEC> r;
      const T x = *reinterpret_cast<const T*>(p);
#pragma unroll
      for (int e = 0; e < VEC; ++e) r.v[e] = x;
      return r;
    }
    return reinterpret_cast<const VecOf<T, VEC>*>(p)[j];
  }
  template <int VEC, class... V>
  __device__ __forceinline__ void vec_apply(int64_t j, const V&... in) const {
    VecOf<Out, VEC> o;
#pragma unroll
    for (int e = 0; e < VEC; ++e) o.v[e] = to_storage<Out>(f(compute_t<In>(in.v[e])...));
    reinterpret_cast<VecOf<Out, VEC>*>(ptrs.p[0])[j] = o;
  }
  template <int VEC, size_t... I>
  __device__ __forceinline__ void vec(int64_t j, std::index_sequence<I...>) const {
    vec_apply<VEC>(j, vload<In, VEC>(ptrs.p[I + 1], j, (bcast >> I) & 1u)...);
  }
  template <int VEC>
  __device__ __forceinline__ void vec(int64_t j) const { vec<VEC>(j, std::index_sequence_for<In...>{}); }
};

template <class Body>
__global__ void dense_kernel(Body b, int64_t n) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x)
    b.dense(i);
}

// Flat operands: whole vectors when every operand is 16-byte aligned, then (or else) element by
// element. One kernel for both cases keeps the number of instantiations down.
template <int VEC, class Body>
__global__ void flat_kernel(Body b, int64_t n, bool aligned) {
  const int64_t nv = aligned ? n / VEC : 0, step = int64_t(blockDim.x) * gridDim.x;
  const int64_t t = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  for (int64_t j = t; j < nv; j += step) b.template vec<VEC>(j);
  for (int64_t i = nv * VEC + t; i < n; i += step) b.dense(i);
}

template <int NT, class index_t, class Body>
__global__ void strided_kernel(OffsetCalc<NT, index_t> calc, index_t n, Body b) {
  // The counter is 64-bit: in the 32-bit path i + stride may pass INT32_MAX before the exit test.
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < int64_t(n); i += int64_t(blockDim.x) * gridDim.x) {
    index_t off[NT];
    calc.get(index_t(i), off);
    b(off);
  }
}

// Launches f over the iterator on the current stream of its device. Out and In are storage types.
template <class Out, class... In, class F>
void gpu_kernel(TensorIter& it, const F& f) {
  using Body = PointwiseBody<Out, F, In...>;
  constexpr int NT = Body::NT;
  const int64_t n = it.numel();
  if (n == 0) return;
  DeviceGuard guard(it.device());
  cudaStream_t s = stream_of(it.device());
  Body body{{}, f};
  for (int k = 0; k < NT; ++k) body.ptrs.p[k] = it.data(k);
  // Flat: one dim where the output and every input are dense, or inputs are broadcast scalars
  // (x * 2, x + bias[0]: their stride is 0).
  bool flat = n <= 1 || it.ndim() == 1;
  bool aligned = true;
  for (int k = 0; k < NT && flat && n > 1; ++k) {
    const int64_t st = it.strides(k)[0];
    if (k > 0 && st == 0) body.bcast |= 1u << (k - 1);
    else flat = st == itemsize(it.dtype(k));
    if (st != 0) aligned = aligned && reinterpret_cast<uintptr_t>(it.data(k)) % 16 == 0;
  }
  constexpr int VEC = vec_size<Out, In...>();
  if (flat && VEC > 1) {
    aligned = aligned && n >= 2 * VEC;
    flat_kernel<VEC><<<grid_for(aligned ? (n + VEC - 1) / VEC : n), kBlock, 0, s>>>(body, n, aligned);
  } else if (flat)
    dense_kernel<<<grid_for(n), kBlock, 0, s>>>(body, n);
  else if (can_use_32bit(it))
    strided_kernel<NT, int32_t><<<grid_for(n), kBlock, 0, s>>>(OffsetCalc<NT, int32_t>(it), int32_t(n), body);
  else
    strided_kernel<NT, int64_t><<<grid_for(n), kBlock, 0, s>>>(OffsetCalc<NT, int64_t>(it), n, body);
  CT_CUDA_LAUNCH_CHECK();
}

// Generic strided loop for kernels with their own body: body(linear_index, byte_offsets[NT]) on
// device. Used by copy, indexing and other kernels whose per-element work is not a plain functor.
template <int NT, class index_t, class Body>
__global__ void offsets_kernel(OffsetCalc<NT, index_t> calc, index_t n, Body body) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < int64_t(n); i += int64_t(blockDim.x) * gridDim.x) {
    index_t off[NT];
    calc.get(index_t(i), off);
    int64_t off64[NT];
#pragma unroll
    for (int k = 0; k < NT; ++k) off64[k] = int64_t(off[k]);
    body(int64_t(i), off64);
  }
}

template <int NT, class Body>
void launch_offsets(TensorIter& it, const Body& body) {
  const int64_t n = it.numel();
  if (n == 0) return;
  DeviceGuard guard(it.device());
  cudaStream_t s = stream_of(it.device());
  const int grid = grid_for(n);
  if (can_use_32bit(it))
    offsets_kernel<NT, int32_t><<<grid, kBlock, 0, s>>>(OffsetCalc<NT, int32_t>(it), int32_t(n), body);
  else
    offsets_kernel<NT, int64_t><<<grid, kBlock, 0, s>>>(OffsetCalc<NT, int64_t>(it), n, body);
  CT_CUDA_LAUNCH_CHECK();
}

}  // namespace cuda
}  // namespace ctorch
