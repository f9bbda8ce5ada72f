// CUDA scan kernels (cumsum, cumprod) over a ReduceDesc, mirroring cpu/reduce_scan.cpp. The
// running value (double for float32/float64, float for float16/bfloat16, int64 wrapping for
// integers) and its combine are red_ops::ScanOp in ctorch/ops/reduce_ops.h, shared with the CPU;
// the output dtype equals the input dtype.
//
// Two shapes:
// - one thread per row, serial along R: for short rows, and for scans along a strided dim over
//   many rows whose neighbours are adjacent in memory (each load is then coalesced);
// - one warp per row (or row chunk): 32 elements per step, an inclusive warp scan, plus the
//   running carry. When too few rows would keep the GPU busy, rows are cut into S chunks: pass 1
//   computes the chunk totals, pass 2 turns them into exclusive prefixes per row, pass 3 scans
//   each chunk from its prefix.
// Floating sums are regrouped (not strictly sequential like the CPU) only inside the double
// (float32/float64) or float (16-bit) accumulator, so stored results match to the last bit or
// so.
#include <cuda_runtime.h>

#include <algorithm>
#include <memory>
#include <type_traits>

#include "common.cuh"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/ops/reduce_kernel.h"
#include "ctorch/ops/reduce_ops.h"

namespace ctorch {
namespace cuda {

int reduce_device_of(const void* p);  // reduce.cu

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int64_t kMinChunk = 1024;  // elements per chunk when rows are split

template <class A>
__device__ __forceinline__ A shfl_up(A v, int d) {
  if constexpr (std::is_integral<A>::value) return A(__shfl_up_sync(0xffffffffu, (long long)v, d));
  else return __shfl_up_sync(0xffffffffu, v, d);
}
template <class A>
__device__ __forceinline__ A shfl_idx(A v, int lane) {
  if constexpr (std::is_integral<A>::value) return A(__shfl_sync(0xffffffffu, (long long)v, lane));
  else return __shfl_sync(0xffffffffu, v, lane);
}

// The kernel's copy of the desc fields plus the split plan.
struct ScanGeom {
  int n_outer;
  int64_t sizes[kMaxReduceDims], in_strides[kMaxReduceDims], out_strides[kMaxReduceDims];
  int64_t N, R, rs, ors;
  int64_t S, chunk;  // splits per row and elements per split
  __device__ __forceinline__ void offsets(int64_t o, int64_t& in_off, int64_t& out_off) const {
    in_off = 0;
    out_off = 0;
    for (int d = n_outer - 1; d >= 0; --d) {
      const int64_t q = o / sizes[d], i = o - q * sizes[d];
      in_off += i * in_strides[d];
      out_off += i * out_strides[d];
      o = q;
    }
  }
};

template <class T, bool Prod>
__global__ void __launch_bounds__(kThreads) scan_serial_kernel(ScanGeom g, const T* in, T* out) {
  using Op = red_ops::ScanOp<T, Prod>;
  using A = typename Op::acc_t;
  for (int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < g.N; o += int64_t(blockDim.x) * gridDim.x) {
    int64_t io, oo;
    g.offsets(o, io, oo);
    const T* p = in + io;
    T* q = out + oo;
    A acc = Op::init();
    for (int64_t r = 0; r < g.R; ++r) {
      acc = Op::combine(acc, Op::load(p[r * g.rs]));
      q[r * g.ors] = Op::store(acc);
    }
  }
}

// One warp per item (row o, chunk s). totals: write only the chunk's total to carries[item];
// otherwise scan into out starting from carries[item] (identity when carries is null).
template <class T, bool Prod>
__global__ void __launch_bounds__(kThreads) scan_warp_kernel(ScanGeom g, const T* in, T* out,
                                                             red_ops::scan_acc_t<T>* carries, bool totals) {
  using Op = red_ops::ScanOp<T, Prod>;
  using A = typename Op::acc_t;
  const int lane = int(threadIdx.x & 31);
  const int64_t items = g.N * g.S;
  for (int64_t item = int64_t(blockIdx.x) * kWarps + (threadIdx.x >> 5); item < items;
       item += int64_t(gridDim.x) * kWarps) {  // uniform across the warp
    const int64_t o = item / g.S, s = item - o * g.S;
    int64_t io, oo;
    g.offsets(o, io, oo);
    const int64_t begin = s * g.chunk, end = begin + g.chunk < g.R ? begin + g.chunk : g.R;
    A carry = (!totals && carries) ? carries[item] : Op::init();
    for (int64_t base = begin; base < end; base += 32) {
      const int64_t i = base + lane;
      A x = i < end ? Op::load(in[io + i * g.rs]) : Op::init();
#pragma unroll
      for (int d = 1; d < 32; d *= 2) {
        const A y = shfl_up(x, d);
        if (lane >= d) x = Op::combine(y, x);
      }
      x = Op::combine(carry, x);
      if (!totals && i < end) out[oo + i * g.ors] = Op::store(x);
      carry = shfl_idx(x, 31);
    }
    if (totals && lane == 0) carries[item] = carry;
  }
}

// Chunk totals -> exclusive prefixes, one thread per row.
template <class A, bool Prod>
__global__ void __launch_bounds__(kThreads) scan_carry_kernel(A* c, int64_t N, int64_t S) {
  for (int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < N; o += int64_t(blockDim.x) * gridDim.x) {
    A run = Prod ? A(1) : A(0);
    for (int64_t s = 0; s < S; ++s) {
      const A t = c[o * S + s];
      c[o * S + s] = run;
      run = red_ops::sum_combine<Prod>(run, t);
    }
  }
}

template <class T, bool Prod>
void scan_launch(const ReduceDesc& d) {
  using A = red_ops::scan_acc_t<T>;
  if (d.outer_numel <= 0 || d.reduce_size <= 0) return;
  ScanGeom g{};
  g.n_outer = d.n_outer;
  for (int i = 0; i < d.n_outer; ++i) {
    g.sizes[i] = d.outer_sizes[i];
    g.in_strides[i] = d.outer_strides[i];
    g.out_strides[i] = d.out_outer_strides[i];
  }
  g.N = d.outer_numel;
  g.R = d.reduce_size;
  g.rs = d.reduce_stride;
  g.ors = d.out_reduce_stride;
  g.S = 1;
  g.chunk = g.R;
  const int dev = reduce_device_of(d.out);
  DeviceGuard guard(dev);
  cudaStream_t s = stream_of(dev);
  const int sms = sm_count();
  const int64_t cap = int64_t(sms) * 32;
  const T* in = static_cast<const T*>(d.in);
  T* out = static_cast<T*>(d.out);
  const int last = d.n_outer - 1;
  const bool columns = last >= 0 && d.outer_strides[last] == 1 && d.out_outer_strides[last] == 1 && g.rs != 1 && g.R > 1;
  if (g.R <= 16 || (columns && g.N >= int64_t(sms) * 256)) {
    const int64_t blocks = (g.N + kThreads - 1) / kThreads;
    scan_serial_kernel<T, Prod><<<unsigned(std::min(blocks, cap)), kThreads, 0, s>>>(g, in, out);
    CT_CUDA_LAUNCH_CHECK();
    return;
  }
  const int64_t target = int64_t(sms) * (2048 / 32);  // resident warps
  if (g.N < target && g.R >= 2 * kMinChunk) {
    const int64_t S = std::min((target + g.N - 1) / g.N, g.R / kMinChunk);
    g.chunk = ((g.R + S - 1) / S + 31) / 32 * 32;
    g.S = (g.R + g.chunk - 1) / g.chunk;
  }
  const int64_t blocks = (g.N * g.S + kWarps - 1) / kWarps;
  const unsigned grid = unsigned(std::min(blocks, cap));
  Storage buf;  // chunk carries; freed after the launches (the allocator is stream-ordered)
  A* carries = nullptr;
  if (g.S > 1) {
    buf = std::make_shared<StorageImpl>(size_t(g.N * g.S) * sizeof(A), Device(kCUDA, dev));
    carries = static_cast<A*>(buf->data());
    scan_warp_kernel<T, Prod><<<grid, kThreads, 0, s>>>(g, in, out, carries, true);
    CT_CUDA_LAUNCH_CHECK();
    const int64_t rb = (g.N + kThreads - 1) / kThreads;
    scan_carry_kernel<A, Prod><<<unsigned(std::min(rb, cap)), kThreads, 0, s>>>(carries, g.N, g.S);
    CT_CUDA_LAUNCH_CHECK();
  }
  scan_warp_kernel<T, Prod><<<grid, kThreads, 0, s>>>(g, in, out, carries, false);
  CT_CUDA_LAUNCH_CHECK();
}

template <bool Prod>
void scan_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Prod ? "cumprod" : "cumsum", [&] { scan_launch<scalar_t, Prod>(d); });
}

}  // namespace

void register_scan_kernels() {
  reg(OpId::cumsum, reinterpret_cast<void*>(static_cast<ReduceFn*>(&scan_kernel<false>)));
  reg(OpId::cumprod, reinterpret_cast<void*>(static_cast<ReduceFn*>(&scan_kernel<true>)));
}

}  // namespace cuda
}  // namespace ctorch
