// CUDA reduction kernels over a ReduceDesc (see Note [Reduction layout]): sum, prod, mean,
// amax/amin, max/min with indices, argmax/argmin, var/std, norm, all/any, logsumexp. The ops
// (accumulation types, NaN rules, first-index ties, empty-row values) and the op table are
// ctorch/ops/reduce_ops.h, shared with cpu/reduce.cpp; this file is the launcher. Scans
// (cumsum, cumprod) live in scan.cu.
//
// One kernel shape serves every op: a block of 256 threads is O outputs x RL lanes per output.
// - Rows (the usual case): the lanes of an output are adjacent threads, so a warp reads
//   consecutive elements of a row and the lanes combine with warp shuffles (plus shared memory
//   across warps when RL > 32).
// - Columns (adjacent outputs adjacent in memory, reduced dim strided): the outputs are the
//   adjacent threads, so a warp reads consecutive outputs of one input row; lanes combine with a
//   shared-memory tree.
// When too few blocks would run (few outputs, long rows), each row is cut into S chunks whose
// partial accumulators a second kernel merges. Every lane folds its elements in leaves of kLeaf
// before adding a leaf to its running value, and lanes/chunks combine as trees, so float sums
// stay close to the CPU's pairwise sums. Results are deterministic (fixed partition and order).
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

int reduce_device_of(const void* p);  // also used by scan.cu
void register_scan_kernels();         // scan.cu

// The desc carries no device: it is the one holding the output (device memory, never null when
// a kernel runs); the current device when the pointer is unknown to the driver.
int reduce_device_of(const void* p) {
  cudaPointerAttributes a{};
  cudaError_t e = p ? cudaPointerGetAttributes(&a, p) : cudaErrorInvalidValue;
  if (e == cudaSuccess && (a.type == cudaMemoryTypeDevice || a.type == cudaMemoryTypeManaged)) return a.device;
  if (e != cudaSuccess && p) (void)cudaGetLastError();  // not sticky; keep it from surfacing later
  return current_device();
}

namespace {

constexpr int kThreads = 256;
constexpr int kLeaf = 32;           // elements a lane folds before adding them to its running value
constexpr int64_t kMinPerLane = 64;  // a split gives each lane at least this many elements

int64_t pow2_at_least(int64_t n) {
  int64_t p = 1;
  while (p < n) p *= 2;
  return p;
}

// How the threads of a block map to outputs and lanes.
struct Lanes {
  int O, RL;  // O * RL == kThreads, both powers of two
  bool col;   // true: outputs are the adjacent threads
};

// The kernel's copy of the desc fields it needs, plus the launch plan.
struct Geometry {
  int n_outer;
  int64_t sizes[kMaxReduceDims], strides[kMaxReduceDims];
  int64_t N, R, rs;
  int64_t S, chunk;  // splits per output and elements per split
  Lanes lanes;
  __device__ __forceinline__ int64_t offset(int64_t o) const {
    int64_t off = 0;
    for (int d = n_outer - 1; d >= 0; --d) {
      const int64_t q = o / sizes[d];
      off += (o - q * sizes[d]) * strides[d];
      o = q;
    }
    return off;
  }
};

__device__ __forceinline__ void lane_ids(Lanes L, int t, int& ol, int& rl) {
  if (L.col) {
    ol = t % L.O;
    rl = t / L.O;
  } else {
    ol = t / L.RL;
    rl = t % L.RL;
  }
}

// Warp shuffles of the accumulators (the multi-field ones are red_ops::ValIdx, Welford, MaxSum).
using red_ops::MaxSum;
using red_ops::ValIdx;
using red_ops::Welford;

template <class V>
__device__ __forceinline__ V shfl_xor(V v, int m) {
  static_assert(std::is_arithmetic<V>::value, "an accumulator struct needs its own shfl_xor");
  if constexpr (std::is_floating_point<V>::value) return __shfl_xor_sync(0xffffffffu, v, m);
  else if constexpr (sizeof(V) == 8) return V(__shfl_xor_sync(0xffffffffu, (long long)v, m));
  else return V(__shfl_xor_sync(0xffffffffu, int(v), m));
}
template <class V>
__device__ __forceinline__ ValIdx<V> shfl_xor(const ValIdx<V>& a, int m) {
  return {shfl_xor(a.v, m), shfl_xor(a.i, m)};
}
__device__ __forceinline__ Welford shfl_xor(const Welford& a, int m) {
  return {shfl_xor(a.mean, m), shfl_xor(a.m2, m), shfl_xor(a.n, m)};
}
template <class A>
__device__ __forceinline__ MaxSum<A> shfl_xor(const MaxSum<A>& a, int m) {
  return {shfl_xor(a.m, m), shfl_xor(a.s, m)};
}

// Combines the RL lane values of each output; lane 0 (rl == 0) returns the total. Every thread of
// the block must call it (it synchronises when lanes span warps or columns are in use).
template <class Op, class A>
__device__ __forceinline__ A combine_lanes(const Op& op, A acc, A* sm, Lanes L, int t, int rl) {
  if (L.RL == 1) return acc;
  if (!L.col) {
    const int w = L.RL < 32 ? L.RL : 32;
    for (int m = w / 2; m > 0; m /= 2) op.merge(acc, shfl_xor(acc, m));
    if (L.RL <= 32) return acc;
    if ((t & 31) == 0) sm[t >> 5] = acc;
    __syncthreads();
    if (rl == 0)
      for (int k = 1; k < L.RL / 32; ++k) op.merge(acc, sm[(t >> 5) + k]);
    __syncthreads();  // sm is reused by the next item
    return acc;
  }
  sm[t] = acc;  // t == rl * O + ol
  __syncthreads();
  for (int h = L.RL / 2; h > 0; h /= 2) {
    if (rl < h) op.merge(sm[t], sm[t + h * L.O]);
    __syncthreads();
  }
  acc = sm[t];
  __syncthreads();
  return acc;
}

template <class T>
__device__ __forceinline__ compute_t<T> ld(const T* p) {
  return compute_t<T>(*p);
}

// Folds elements i, i + step, ... < end of a row (element stride rs); four loads in flight.
template <class T, class Op>
__device__ __forceinline__ typename Op::acc_t fold_range(const Op& op, const T* p, int64_t rs, int64_t i, int64_t end, int step) {
  using A = typename Op::acc_t;
  A acc = op.init();
  const int64_t st = int64_t(step) * rs;
  const T* q = p + i * rs;
  while (i < end) {
    A leaf = op.init();
    int k = 0;
    for (; k < kLeaf && i + 3 * step < end; k += 4, i += 4 * step, q += 4 * st) {
      const compute_t<T> v0 = ld(q), v1 = ld(q + st), v2 = ld(q + 2 * st), v3 = ld(q + 3 * st);
      op.step(leaf, v0, i);
      op.step(leaf, v1, i + step);
      op.step(leaf, v2, i + 2 * step);
      op.step(leaf, v3, i + 3 * step);
    }
    for (; k < kLeaf && i < end; ++k, i += step, q += st) op.step(leaf, ld(q), i);
    op.merge(acc, leaf);
  }
  return acc;
}

// Pass 1: item = (group of O outputs, split s). With S == 1 it writes the results directly.
template <class T, class Op>
__global__ void __launch_bounds__(kThreads) reduce_kernel(Geometry g, const T* in, Op op, typename Op::acc_t* part) {
  using A = typename Op::acc_t;
  __shared__ __align__(16) unsigned char raw[kThreads * sizeof(A)];
  A* sm = reinterpret_cast<A*>(raw);
  const int t = int(threadIdx.x);
  int ol, rl;
  lane_ids(g.lanes, t, ol, rl);
  const int64_t items = (g.N + g.lanes.O - 1) / g.lanes.O * g.S;
  for (int64_t item = blockIdx.x; item < items; item += gridDim.x) {  // uniform across the block
    const int64_t grp = item / g.S, s = item - grp * g.S;
    const int64_t o = grp * g.lanes.O + ol;
    A acc = op.init();
    if (o < g.N) {
      const int64_t begin = s * g.chunk, end = begin + g.chunk < g.R ? begin + g.chunk : g.R;
      acc = fold_range(op, in + g.offset(o), g.rs, begin + rl, end, g.lanes.RL);
    }
    acc = combine_lanes(op, acc, sm, g.lanes, t, rl);
    if (rl == 0 && o < g.N) {
      if (g.S == 1) op.write(o, acc);
      else part[o * g.S + s] = acc;
    }
  }
}

// Pass 2: merges the S partials of each output (row layout over part[o * S + s]).
template <class Op>
__global__ void __launch_bounds__(kThreads) finish_kernel(const typename Op::acc_t* part, int64_t N, int64_t S,
                                                          Lanes L, Op op) {
  using A = typename Op::acc_t;
  __shared__ __align__(16) unsigned char raw[kThreads * sizeof(A)];
  A* sm = reinterpret_cast<A*>(raw);
  const int t = int(threadIdx.x);
  int ol, rl;
  lane_ids(L, t, ol, rl);
  const int64_t groups = (N + L.O - 1) / L.O;
  for (int64_t grp = blockIdx.x; grp < groups; grp += gridDim.x) {
    const int64_t o = grp * L.O + ol;
    A acc = op.init();
    if (o < N)
      for (int64_t s = rl; s < S; s += L.RL) op.merge(acc, part[o * S + s]);
    acc = combine_lanes(op, acc, sm, L, t, rl);
    if (rl == 0 && o < N) op.write(o, acc);
  }
}

// Host: copies the desc's shape fields and picks lanes and splits.
Geometry plan(const ReduceDesc& d, int sms) {
  Geometry g{};
  g.n_outer = d.n_outer;
  for (int i = 0; i < d.n_outer; ++i) {
    g.sizes[i] = d.outer_sizes[i];
    g.strides[i] = d.outer_strides[i];
  }
  g.N = d.outer_numel;
  g.R = d.reduce_size;
  g.rs = d.reduce_stride;
  const int last = d.n_outer - 1;
  const int64_t L = last >= 0 ? d.outer_sizes[last] : 1;
  const bool col = last >= 0 && d.outer_strides[last] == 1 && g.rs != 1 && g.R > 1 && L > 1;
  int RL;
  if (!col) {
    RL = int(std::min<int64_t>(kThreads, pow2_at_least(std::max<int64_t>(g.R, 1))));
  } else if (g.N >= int64_t(sms) * 2048) {
    RL = 1;  // one thread per output already fills the GPU, and each load is coalesced
  } else {
    // Up to 32 adjacent outputs per warp row; the rest of the block splits the reduced dim.
    RL = kThreads / int(std::min<int64_t>(32, pow2_at_least(L)));
    while (RL > 1 && RL / 2 >= g.R) RL /= 2;
  }
  g.lanes = Lanes{kThreads / RL, RL, col && RL > 1};
  g.S = 1;
  g.chunk = std::max<int64_t>(g.R, 1);
  const int64_t blocks = (g.N + g.lanes.O - 1) / g.lanes.O;
  const int64_t target = int64_t(sms) * (2048 / kThreads);  // one full wave of resident blocks
  if (blocks < target) {
    int64_t S = std::min((target + blocks - 1) / blocks, g.R / (int64_t(RL) * kMinPerLane));
    if (S > 1) {
      int64_t chunk = (g.R + S - 1) / S;
      chunk = (chunk + RL - 1) / RL * RL;  // every split starts on lane 0
      g.chunk = chunk;
      g.S = (g.R + chunk - 1) / chunk;
    }
  }
  return g;
}

template <class T, class Op>
void launch(const ReduceDesc& d, const Op& op) {
  using A = typename Op::acc_t;
  if (d.outer_numel <= 0) return;
  const int dev = reduce_device_of(d.out);
  DeviceGuard guard(dev);
  cudaStream_t s = stream_of(dev);
  const int sms = sm_count();
  const Geometry g = plan(d, sms);
  const int64_t cap = int64_t(sms) * 32;
  const int64_t items = (g.N + g.lanes.O - 1) / g.lanes.O * g.S;
  Storage buf;  // partials; freed after the launches (the allocator is stream-ordered)
  A* part = nullptr;
  if (g.S > 1) {
    buf = std::make_shared<StorageImpl>(size_t(g.N * g.S) * sizeof(A), Device(kCUDA, dev));
    part = static_cast<A*>(buf->data());
  }
  reduce_kernel<T, Op><<<unsigned(std::min(items, cap)), kThreads, 0, s>>>(g, static_cast<const T*>(d.in), op, part);
  CT_CUDA_LAUNCH_CHECK();
  if (g.S > 1) {
    const int RL = int(std::min<int64_t>(kThreads, pow2_at_least(g.S)));
    const Lanes L{kThreads / RL, RL, false};
    const int64_t groups = (g.N + L.O - 1) / L.O;
    finish_kernel<Op><<<unsigned(std::min(groups, cap)), kThreads, 0, s>>>(part, g.N, g.S, L, op);
    CT_CUDA_LAUNCH_CHECK();
  }
}

struct CudaLaunch {
  template <class T, class Op>
  static void run(const ReduceDesc& d, const Op& op) {
    launch<T>(d, op);
  }
};

}  // namespace

void register_reduce_kernels() {
  red_ops::register_reduce_ops<CudaLaunch>([](OpId op, ReduceFn* f) { reg(op, reinterpret_cast<void*>(f)); });
  register_scan_kernels();
}

}  // namespace cuda
}  // namespace ctorch
