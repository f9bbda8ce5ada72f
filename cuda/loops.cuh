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
__device__ __forceinline__ void dstore(char* p, V v) {
  if constexpr (std::is_same<T, bool>::value) *reinterpret_cast<bool*>(p) = bool(v);
  else *reinterpret_cast<T*>(p) = T(v);
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

// out = f(in...) at one element; Out and In are storage types.
template <class Out, class F, class... In>
struct PointwiseBody {
  static constexpr int NT = sizeof...(In) + 1;
  PtrArray<NT> ptrs;
  F f;
  template <class off_t, size_t... I>
  __device__ __forceinline__ void at(const off_t* off, std::index_sequence<I...>) const {
    dstore<Out>(ptrs.p[0] + off[0], f(dload<In>(ptrs.p[I + 1] + off[I + 1])...));
  }
  template <class off_t>
  __device__ __forceinline__ void operator()(const off_t* off) const { at(off, std::index_sequence_for<In...>{}); }
  // Dense operands: element i lives at i * sizeof(T) in each.
  template <size_t... I>
  __device__ __forceinline__ void dense(int64_t i, std::index_sequence<I...>) const {
    dstore<Out>(ptrs.p[0] + i * int64_t(sizeof(Out)), f(dload<In>(ptrs.p[I + 1] + i * int64_t(sizeof(In)))...));
  }
  __device__ __forceinline__ void dense(int64_t i) const { dense(i, std::index_sequence_for<In...>{}); }
};

template <class Body>
__global__ void dense_kernel(Body b, int64_t n) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x)
    b.dense(i);
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
  const int grid = grid_for(n);
  if (it.is_contiguous())
    dense_kernel<<<grid, kBlock, 0, s>>>(body, n);
  else if (can_use_32bit(it))
    strided_kernel<NT, int32_t><<<grid, kBlock, 0, s>>>(OffsetCalc<NT, int32_t>(it), int32_t(n), body);
  else
    strided_kernel<NT, int64_t><<<grid, kBlock, 0, s>>>(OffsetCalc<NT, int64_t>(it), n, body);
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
