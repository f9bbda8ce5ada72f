// CUDA reduction kernels over a ReduceDesc (see Note [Reduction layout]): sum, prod, mean,
// amax/amin, max/min with indices, argmax/argmin, var/std, norm, all/any, logsumexp. Each op
// mirrors cpu/reduce.cpp: the same accumulation types, NaN rules, first-index ties and
// empty-row values. Scans (cumsum, cumprod) live in scan.cu.
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
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>

#include "common.cuh"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/ops/functors.h"
#include "ctorch/ops/reduce_kernel.h"

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

// Accumulators with more than one field (argmax, var, logsumexp) and their warp shuffles.
template <class V>
struct ValIdx {
  V v;
  int64_t i;  // -1: empty
};
struct Welford {
  double mean, m2;
  int64_t n;
};
template <class A>
struct MaxSum {
  A m, s;  // m is never NaN: a NaN input makes s NaN
};

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

template <class V>
__device__ __forceinline__ bool is_nan(V v) {
  if constexpr (std::is_floating_point<V>::value) return v != v;
  else return false;
}

// Accumulation type of sum/prod/mean: float for float16/bfloat16/float32, double for float64,
// int64 for integers and bool (as the CPU).
template <class T> struct AccOf { using type = int64_t; };
template <> struct AccOf<float> { using type = float; };
template <> struct AccOf<Half> { using type = float; };
template <> struct AccOf<BFloat16> { using type = float; };
template <> struct AccOf<double> { using type = double; };

// ---- sum / mean / prod ----
template <class T, bool Prod>
struct SumOp {
  using acc_t = typename AccOf<T>::type;
  void* out;
  bool to_long;  // integral input summed into an int64 result
  double scale;  // 1/R for mean
  __device__ acc_t init() const { return acc_t(Prod ? 1 : 0); }
  // Integer accumulation wraps like PyTorch (in uint64 to stay defined).
  __device__ static acc_t combine(acc_t a, acc_t b) {
    if constexpr (std::is_integral<acc_t>::value)
      return acc_t(Prod ? uint64_t(a) * uint64_t(b) : uint64_t(a) + uint64_t(b));
    else return Prod ? a * b : a + b;
  }
  __device__ void step(acc_t& a, compute_t<T> v, int64_t) const { a = combine(a, acc_t(v)); }
  __device__ void merge(acc_t& a, const acc_t& b) const { a = combine(a, b); }
  __device__ void write(int64_t o, acc_t a) const {
    if constexpr (std::is_floating_point<acc_t>::value) {
      if (scale != 1) a = acc_t(a * acc_t(scale));
    }
    if (to_long) static_cast<int64_t*>(out)[o] = int64_t(a);
    else static_cast<T*>(out)[o] = T(compute_t<T>(a));
  }
};

template <bool Prod>
void sum_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Prod ? "prod" : "sum", [&] {
    launch<scalar_t>(d, SumOp<scalar_t, Prod>{d.out, d.out_dtype != d.in_dtype, 1.0});
  });
}

void mean_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "mean", [&] {
    const double scale = d.reduce_size == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / double(d.reduce_size);
    launch<scalar_t>(d, SumOp<scalar_t, false>{d.out, false, scale});
  });
}

// ---- amax / amin (NaN propagates) ----
template <class V, bool Max>
__device__ __forceinline__ V lowest() {
  if constexpr (std::is_same<V, bool>::value) return !Max;
  else if constexpr (std::is_floating_point<V>::value)
    return Max ? -std::numeric_limits<V>::infinity() : std::numeric_limits<V>::infinity();
  else return Max ? std::numeric_limits<V>::lowest() : std::numeric_limits<V>::max();
}

template <class T, bool Max>
struct ExtremeOp {
  using acc_t = compute_t<T>;
  T* out;
  __device__ acc_t init() const { return lowest<acc_t, Max>(); }
  __device__ void step(acc_t& a, acc_t v, int64_t) const {
    const bool take = Max ? (v > a) : (v < a);
    a = (take || is_nan(v)) ? v : a;
  }
  __device__ void merge(acc_t& a, const acc_t& b) const { step(a, b, 0); }
  __device__ void write(int64_t o, acc_t a) const { out[o] = T(a); }
};

template <bool Max>
void extreme_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Max ? "amax" : "amin", [&] {
    launch<scalar_t>(d, ExtremeOp<scalar_t, Max>{static_cast<scalar_t*>(d.out)});
  });
}

// ---- max/min with indices, argmax/argmin: first index on ties, first NaN wins ----
template <class T, bool Max>
struct ArgOp {
  using V = compute_t<T>;
  using acc_t = ValIdx<V>;
  T* vals;  // null for argmax/argmin
  int64_t* idxs;
  __device__ acc_t init() const { return {lowest<V, Max>(), -1}; }
  __device__ static bool better(V v, V a) {  // strictly better than the current value
    if (is_nan(a)) return false;
    return is_nan(v) || (Max ? v > a : v < a);
  }
  __device__ void step(acc_t& a, V v, int64_t i) const {
    if (a.i < 0 || better(v, a.v)) a = {v, i};
  }
  // Order-free: equal values (or two NaNs) keep the smaller index, so lanes and splits may
  // combine in any order.
  __device__ void merge(acc_t& a, const acc_t& b) const {
    if (b.i < 0) return;
    if (a.i < 0 || better(b.v, a.v)) {
      a = b;
      return;
    }
    const bool same = (b.v == a.v) || (is_nan(a.v) && is_nan(b.v));
    if (same && b.i < a.i) a = b;
  }
  __device__ void write(int64_t o, const acc_t& a) const {
    if (vals) vals[o] = T(a.v);
    idxs[o] = a.i;
  }
};

template <bool Max>
void arg_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Max ? "max" : "min", [&] {
    launch<scalar_t>(d, ArgOp<scalar_t, Max>{static_cast<scalar_t*>(d.out), static_cast<int64_t*>(d.out2)});
  });
}
// argmax/argmin: out holds the int64 indices.
template <bool Max>
void argonly_kernel(const ReduceDesc& d) {
  CT_DISPATCH_NUMERIC(d.in_dtype, Max ? "argmax" : "argmin", [&] {
    launch<scalar_t>(d, ArgOp<scalar_t, Max>{nullptr, static_cast<int64_t*>(d.out)});
  });
}

// ---- var / std: Welford in double, Chan's merge ----
template <class T>
struct VarOp {
  using acc_t = Welford;
  T* out;
  T* mean_out;  // may be null
  double correction;
  bool take_sqrt;
  __device__ acc_t init() const { return {0, 0, 0}; }
  __device__ void step(acc_t& a, compute_t<T> v, int64_t) const {
    const double x = double(v);
    a.n += 1;
    const double delta = x - a.mean;
    a.mean += delta / double(a.n);
    a.m2 += delta * (x - a.mean);
  }
  __device__ void merge(acc_t& a, const acc_t& b) const {
    if (b.n == 0) return;
    if (a.n == 0) {
      a = b;
      return;
    }
    const double n = double(a.n + b.n), delta = b.mean - a.mean;
    a.mean += delta * double(b.n) / n;
    a.m2 += b.m2 + delta * delta * double(a.n) * double(b.n) / n;
    a.n += b.n;
  }
  __device__ void write(int64_t o, const acc_t& a) const {
    const double dof = double(a.n) - correction;
    const double var = a.m2 / (dof > 0 ? dof : 0.0);  // dof <= 0: inf, or NaN for 0/0
    out[o] = T(compute_t<T>(take_sqrt ? ct_math::sqrt(var) : var));
    if (mean_out)
      mean_out[o] = T(compute_t<T>(a.n == 0 ? std::numeric_limits<double>::quiet_NaN() : a.mean));
  }
};

void var_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "var", [&] {
    launch<scalar_t>(d, VarOp<scalar_t>{static_cast<scalar_t*>(d.out), static_cast<scalar_t*>(d.out2), d.correction,
                                        (d.flags & 1) != 0});
  });
}

// ---- vector norms (accumulate in the compute type, like the CPU) ----
enum NormMode { kP0, kP1, kP2, kPInf, kPNegInf, kPGeneral };
template <class T, int Mode>
struct NormOp {
  using acc_t = compute_t<T>;
  T* out;
  acc_t p;
  __device__ acc_t init() const { return Mode == kPNegInf ? std::numeric_limits<acc_t>::infinity() : acc_t(0); }
  __device__ void step(acc_t& a, acc_t v, int64_t) const {
    const acc_t x = ct_math::fabs(v);
    if (Mode == kP0) a += acc_t(v != acc_t(0));
    else if (Mode == kP1) a += x;
    else if (Mode == kP2) a += x * x;
    else if (Mode == kPInf) a = (x > a || is_nan(x)) ? x : a;
    else if (Mode == kPNegInf) a = (x < a || is_nan(x)) ? x : a;
    else a += ct_math::pow(x, p);
  }
  __device__ void merge(acc_t& a, const acc_t& b) const {
    if (Mode == kPInf || Mode == kPNegInf) step(a, b, 0);  // b >= 0 or NaN, so |b| == b
    else a += b;
  }
  __device__ void write(int64_t o, acc_t a) const {
    if (Mode == kP2) a = ct_math::sqrt(a);
    else if (Mode == kPGeneral) a = ct_math::pow(a, acc_t(1) / p);
    out[o] = T(a);
  }
};

void norm_kernel(const ReduceDesc& d) {
  const double p = d.p;
  CT_DISPATCH_FLOATING(d.in_dtype, "norm", [&] {
    using A = compute_t<scalar_t>;
    scalar_t* out = static_cast<scalar_t*>(d.out);
    if (p == 0) launch<scalar_t>(d, NormOp<scalar_t, kP0>{out, A(p)});
    else if (p == 1) launch<scalar_t>(d, NormOp<scalar_t, kP1>{out, A(p)});
    else if (p == 2) launch<scalar_t>(d, NormOp<scalar_t, kP2>{out, A(p)});
    else if (std::isinf(p) && p > 0) launch<scalar_t>(d, NormOp<scalar_t, kPInf>{out, A(p)});
    else if (std::isinf(p)) launch<scalar_t>(d, NormOp<scalar_t, kPNegInf>{out, A(p)});
    else launch<scalar_t>(d, NormOp<scalar_t, kPGeneral>{out, A(p)});
  });
}

// ---- all / any: bool or uint8 results (both one byte of 0/1) ----
template <class T, bool All>
struct LogicalOp {
  using acc_t = uint8_t;
  uint8_t* out;
  __device__ acc_t init() const { return All; }
  __device__ void step(acc_t& a, compute_t<T> v, int64_t) const {
    const acc_t nz = v != compute_t<T>(0);  // NaN counts as true
    a = All ? acc_t(a & nz) : acc_t(a | nz);
  }
  __device__ void merge(acc_t& a, const acc_t& b) const { a = All ? acc_t(a & b) : acc_t(a | b); }
  __device__ void write(int64_t o, acc_t a) const { out[o] = a; }
};

template <bool All>
void logical_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, All ? "all" : "any", [&] {
    launch<scalar_t>(d, LogicalOp<scalar_t, All>{static_cast<uint8_t*>(d.out)});
  });
}

// ---- logsumexp: online max-shifted sum; -inf rows give -inf, +inf gives +inf, NaN propagates ----
template <class T>
struct LseOp {
  using A = compute_t<T>;
  using acc_t = MaxSum<A>;
  T* out;
  __device__ static A neg_inf() { return -std::numeric_limits<A>::infinity(); }
  __device__ acc_t init() const { return {neg_inf(), A(0)}; }
  // NaN is sticky (the CPU's step can drop a NaN that precedes every finite value of a lane).
  __device__ void step(acc_t& a, A v, int64_t) const {
    if (v == neg_inf() || is_nan(a.s)) return;
    if (is_nan(v)) {
      a.s = v;
      return;
    }
    if (v > a.m) {
      a.s = (a.m == neg_inf() ? A(0) : a.s * ct_math::exp(a.m - v)) + A(1);
      a.m = v;
    } else if (v == a.m) {
      a.s += A(1);
    } else {
      a.s += ct_math::exp(v - a.m);
    }
  }
  __device__ void merge(acc_t& a, const acc_t& b) const {
    const A m = a.m < b.m ? b.m : a.m;
    if (is_nan(a.s) || is_nan(b.s)) {
      a.s = std::numeric_limits<A>::quiet_NaN();
      return;
    }
    if (m == neg_inf()) return;
    const A fa = a.m == m ? A(1) : ct_math::exp(a.m - m), fb = b.m == m ? A(1) : ct_math::exp(b.m - m);
    a.s = a.s * fa + b.s * fb;
    a.m = m;
  }
  __device__ void write(int64_t o, const acc_t& a) const {
    A r;
    if (is_nan(a.s)) r = a.s;
    else if (ct_math::isinf(a.m)) r = a.m;
    else r = a.m + ct_math::log(a.s);
    out[o] = T(r);
  }
};

void logsumexp_kernel(const ReduceDesc& d) {
  CT_DISPATCH_FLOATING(d.in_dtype, "logsumexp", [&] {
    launch<scalar_t>(d, LseOp<scalar_t>{static_cast<scalar_t*>(d.out)});
  });
}

}  // namespace

void register_reduce_kernels() {
  auto r = [](OpId op, ReduceFn* f) { reg(op, reinterpret_cast<void*>(f)); };
  r(OpId::sum, &sum_kernel<false>);
  r(OpId::prod, &sum_kernel<true>);
  r(OpId::mean, &mean_kernel);
  r(OpId::amax, &extreme_kernel<true>);
  r(OpId::amin, &extreme_kernel<false>);
  r(OpId::max_dim, &arg_kernel<true>);
  r(OpId::min_dim, &arg_kernel<false>);
  r(OpId::argmax, &argonly_kernel<true>);
  r(OpId::argmin, &argonly_kernel<false>);
  r(OpId::var, &var_kernel);
  r(OpId::norm, &norm_kernel);
  r(OpId::all, &logical_kernel<true>);
  r(OpId::any, &logical_kernel<false>);
  r(OpId::logsumexp, &logsumexp_kernel);
  register_scan_kernels();
}

}  // namespace cuda
}  // namespace ctorch
