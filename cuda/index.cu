// CUDA kernels of the indexing rows: restrided gathers/scatters (See Note [Restrided indexing] in
// ctorch/ops/index_kernels.h), masked_fill, masked_select, nonzero and the contiguous cat fast path.
// Same signatures and semantics as src/cpu/index.cpp; the differences a GPU forces are:
//  - Bounds: each thread validates its indices; the first bad one (value, operand) goes to an
//    ErrorSlot and that element is skipped. The host does not wait: the error is raised at the
//    next wait for the stream (See Note [Asynchronous kernel errors] in common.cuh). Other
//    (valid) elements are still written, where the CPU stops at the first bad element.
//  - Scatter/index_put with assignment and duplicate indices: one of the writes wins, not
//    necessarily the last (PyTorch's CUDA kernels are nondeterministic there too).
//  - Accumulation uses atomics, so float sums may round differently from the CPU's serial order.
//  - Under torch.use_deterministic_algorithms(True) both of those run on one thread in the
//    iterator's order instead: the CPU's result, bit for bit, at a serial kernel's speed.
//  - masked_select / nonzero need one host sync to learn the result size.
// Most kernels move bytes, so they are instantiated per element size, not per dtype; only the
// accumulating scatter dispatches on dtype.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "ctorch/core/context.h"
#include "ctorch/core/convert.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index_kernels.h"
#include "loops.cuh"

namespace ctorch {
namespace cuda {

namespace {

// ---- small device helpers ----

template <int N> struct UInt;
template <> struct UInt<1> { using type = uint8_t; };
template <> struct UInt<2> { using type = uint16_t; };
template <> struct UInt<4> { using type = uint32_t; };
template <> struct UInt<8> { using type = unsigned long long; };
template <int N> using uint_t = typename UInt<N>::type;

template <class To, class From>
__device__ __forceinline__ To bit_as(From f) {
  static_assert(sizeof(To) == sizeof(From), "bit_as: sizes differ");
  To t;
  memcpy(&t, &f, sizeof(To));
  return t;
}

// a * b without fusing into a following add: the CPU build computes alpha * v and the sum
// separately, and nvcc would otherwise contract `d + alpha * v` into one fma.
template <class C>
__device__ __forceinline__ C mul_nofma(C a, C b) { return C(a * b); }
__device__ __forceinline__ float mul_nofma(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double mul_nofma(double a, double b) { return __dmul_rn(a, b); }

// The reductions of the CPU's scatter_kernel (mode 1 add, 2 multiply, 3 add alpha * v), in the
// same compute types so integer wrap-around and 16-bit float rounding match.
template <class T, class C>
__device__ __forceinline__ T dev_combine(T d, C v, int mode, C alpha) {
  if (mode == 1) return T(C(d) + v);
  if (mode == 2) return T(C(d) * v);
  return T(C(d) + mul_nofma(alpha, v));
}
__device__ __forceinline__ bool dev_combine(bool d, bool v, int mode, bool alpha) {
  return mode == 2 ? (d && v) : (d || (v && (mode == 1 || alpha)));
}

// *p = f(*p) atomically with a compare-and-swap loop. 1- and 2-byte elements CAS the aligned
// 32-bit word that contains them (allocations are at least 4-byte aligned and padded, so the
// word lies inside the allocation); little-endian: byte k of the word is bits [8k, 8k + 8).
template <class T, class F>
__device__ void atomic_rmw(T* p, const F& f) {
  if constexpr (sizeof(T) == 8) {
    auto* a = reinterpret_cast<unsigned long long*>(p);
    unsigned long long old = *a, assumed;
    do {
      assumed = old;
      old = atomicCAS(a, assumed, bit_as<unsigned long long>(f(bit_as<T>(assumed))));
    } while (assumed != old);
  } else if constexpr (sizeof(T) == 4) {
    auto* a = reinterpret_cast<unsigned int*>(p);
    unsigned int old = *a, assumed;
    do {
      assumed = old;
      old = atomicCAS(a, assumed, bit_as<unsigned int>(f(bit_as<T>(assumed))));
    } while (assumed != old);
  } else {
    using U = uint_t<sizeof(T)>;
    const uintptr_t addr = reinterpret_cast<uintptr_t>(p);
    auto* w = reinterpret_cast<unsigned int*>(addr & ~uintptr_t(3));
    const unsigned int shift = unsigned(addr & 3) * 8u;
    const unsigned int mask = ((1u << (8 * sizeof(T))) - 1u) << shift;
    unsigned int old = *w, assumed;
    do {
      assumed = old;
      const T cur = bit_as<T>(U((assumed & mask) >> shift));
      const unsigned int nb = unsigned(bit_as<U>(f(cur))) << shift;
      old = atomicCAS(w, assumed, (assumed & ~mask) | (nb & mask));
    } while (assumed != old);
  }
}

// Native atomicAdd where the hardware has one for T (add modes only); wrap-around integer adds
// equal the CPU's T(C(d) + v).
template <class T>
struct HasAtomicAdd {
  static constexpr bool value = std::is_same<T, float>::value || std::is_same<T, double>::value ||
                                std::is_same<T, int32_t>::value || std::is_same<T, int64_t>::value;
};
__device__ __forceinline__ void native_add(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void native_add(double* p, double v) { atomicAdd(p, v); }
__device__ __forceinline__ void native_add(int32_t* p, int32_t v) { atomicAdd(reinterpret_cast<int*>(p), int(v)); }
__device__ __forceinline__ void native_add(int64_t* p, int64_t v) {
  atomicAdd(reinterpret_cast<unsigned long long*>(p), static_cast<unsigned long long>(v));
}

template <class T>
__device__ __forceinline__ void atomic_combine(T* p, compute_t<T> v, int mode, compute_t<T> alpha) {
  using C = compute_t<T>;
  if constexpr (HasAtomicAdd<T>::value) {
    if (mode != 2) {
      native_add(p, mode == 1 ? v : mul_nofma(alpha, v));
      return;
    }
  }
  atomic_rmw(p, [=](T d) { return dev_combine(d, C(v), mode, C(alpha)); });
}

// ---- restrided gather / scatter ----
// One thread per element of the iterator: operands 0 and 1 are the two data tensors, 2.. the
// int64 index operands. `op(a, b, extra)` gets the element's addresses in operands 0 and 1 and
// the byte offset the indices select (added to whichever operand was restrided).

template <class U>
struct GatherOp {  // out[i] = src[i + extra]
  __device__ __forceinline__ void operator()(char* a, const char* b, int64_t extra) const {
    *reinterpret_cast<U*>(a) = *reinterpret_cast<const U*>(b + extra);
  }
};
template <class U>
struct AssignOp {  // dst[i + extra] = src[i]
  __device__ __forceinline__ void operator()(char* a, const char* b, int64_t extra) const {
    *reinterpret_cast<U*>(a + extra) = *reinterpret_cast<const U*>(b);
  }
};
template <class T>
struct AccumOp {  // dst[i + extra] (+=, *=, += alpha *) src[i]
  int mode;
  compute_t<T> alpha;
  __device__ __forceinline__ void operator()(char* a, const char* b, int64_t extra) const {
    atomic_combine(reinterpret_cast<T*>(a + extra), compute_t<T>(*reinterpret_cast<const T*>(b)), mode, alpha);
  }
};

// Writes whose result depends on the order of duplicate indices: plain stores (the last one
// wins) and floating-point accumulation (rounding). Integer accumulation is exact in any order.
template <class Op>
struct OrderSensitive : std::false_type {};
template <class U>
struct OrderSensitive<AssignOp<U>> : std::true_type {};
template <class T>
struct OrderSensitive<AccumOp<T>> : std::integral_constant<bool, !std::is_integral<T>::value> {};

// NT = 2 + number of index operands it may hold; g.n <= NT - 2 selects how many are read.
// serial: thread 0 of block 0 visits every element in iteration order (deterministic mode).
template <int NT, class index_t, class Op>
__global__ void index_kernel(OffsetCalc<NT, index_t> calc, int64_t n, PtrArray<NT> ptrs, IndexGeom g,
                             unsigned long long* err, Op op, bool serial) {
  const int64_t first = serial ? (blockIdx.x == 0 && threadIdx.x == 0 ? 0 : n)
                               : int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t step = serial ? 1 : int64_t(blockDim.x) * gridDim.x;
  // 64-bit loop counter: an int32 one could overflow on its last stride when n is near 2^31.
  for (int64_t i = first; i < n; i += step) {
    index_t off[NT];
    calc.get(index_t(i), off);
    int64_t extra = 0;
    bool ok = true;
#pragma unroll
    for (int k = 0; k < NT - 2; ++k) {
      if (k < g.n && ok) {
        const int64_t v = *reinterpret_cast<const int64_t*>(ptrs.p[2 + k] + off[2 + k]);
        const int64_t size = g.sizes[k];
        const int64_t w = (v < 0 && g.wrap_negative) ? v + size : v;
        if (w < 0 || w >= size) {
          report_error(err, v, k);
          ok = false;
        } else {
          extra += w * g.strides[k];
        }
      }
    }
    if (ok) op(ptrs.p[0] + int64_t(off[0]), ptrs.p[1] + int64_t(off[1]), extra);
  }
}

template <int NT, class index_t, class Op>
void launch_index_nt(TensorIter& it, const IndexGeom& g, unsigned long long* err, cudaStream_t s, const Op& op,
                     bool serial) {
  OffsetCalc<NT, index_t> calc(it);
  PtrArray<NT> ptrs{};
  for (int k = 0; k < NT; ++k) {
    const bool used = k < it.ntensors();
    ptrs.p[k] = used ? it.data(k) : nullptr;
    if (!used)  // operands the iterator does not hold: offsets stay 0 (and are never read)
      for (int d = 0; d < calc.ndim; ++d) calc.strides[d][k] = 0;
  }
  const int64_t n = it.numel();
  index_kernel<NT, index_t><<<serial ? 1 : grid_for(n), serial ? 32 : kBlock, 0, s>>>(calc, n, ptrs, g, err, op, serial);
  CT_CUDA_LAUNCH_CHECK();
}

// Runs `op` over the iterator without waiting: a bad index is reported at the next wait for the
// stream (or right away under CUDA_LAUNCH_BLOCKING=1).
template <class Op>
void launch_index(TensorIter& it, const IndexGeom& g, const Op& op) {
  if (it.numel() == 0) return;
  CT_CHECK(g.n >= 1 && g.n <= IndexGeom::kMax && it.ntensors() == 2 + g.n,
           "index: expected 2 data operands and ", g.n, " index operands, got ", it.ntensors(), " operands");
  DeviceGuard guard(it.device());
  cudaStream_t s = stream_of(it.device());
  ErrorSlot slot = ErrorSlot::acquire(-1, s, [g](int64_t value, int operand) { index_out_of_bounds(g, operand, value); });
  constexpr int kAll = 2 + IndexGeom::kMax;
  // torch.use_deterministic_algorithms: one thread in the CPU kernel's order, so duplicate
  // indices resolve exactly as on the CPU (slow; PyTorch's deterministic paths cost too).
  const bool serial = OrderSensitive<Op>::value && determinism().enabled.load(std::memory_order_relaxed);
  if (!can_use_32bit(it)) launch_index_nt<kAll, int64_t>(it, g, slot.dev, s, op, serial);
  else if (g.n == 1) launch_index_nt<3, int32_t>(it, g, slot.dev, s, op, serial);
  else launch_index_nt<kAll, int32_t>(it, g, slot.dev, s, op, serial);
  slot.launched();  // bounds errors surface at the next wait (Note [Asynchronous kernel errors])
}

// index / index_select / gather: operands (out, src restrided, idx...).
void index_cuda(TensorIter& it, const IndexGeom& g, int) {
  switch (itemsize(it.dtype(0))) {
    case 1: return launch_index(it, g, GatherOp<uint8_t>{});
    case 2: return launch_index(it, g, GatherOp<uint16_t>{});
    case 4: return launch_index(it, g, GatherOp<uint32_t>{});
    case 8: return launch_index(it, g, GatherOp<unsigned long long>{});
    default: CT_CHECK(false, "index: unsupported element size ", itemsize(it.dtype(0)));
  }
}

// scatter / scatter_add / index_put: operands (dst restrided, src, idx...), all inputs.
void scatter_cuda(TensorIter& it, const IndexGeom& g, int mode) {
  if (it.numel() == 0) return;
  if (mode == 0) {
    switch (itemsize(it.dtype(0))) {
      case 1: return launch_index(it, g, AssignOp<uint8_t>{});
      case 2: return launch_index(it, g, AssignOp<uint16_t>{});
      case 4: return launch_index(it, g, AssignOp<uint32_t>{});
      case 8: return launch_index(it, g, AssignOp<unsigned long long>{});
      default: CT_CHECK(false, "scatter: unsupported element size ", itemsize(it.dtype(0)));
    }
  }
  CT_DISPATCH_ALL(it.dtype(0), "scatter", [&] {
    using ct = compute_t<scalar_t>;
    const ct alpha = ct(it.scalars[0].to<scalar_t>());
    launch_index(it, g, AccumOp<scalar_t>{mode, alpha});
  });
}

// ---- masked_fill ----
// Inputs (self, mask broadcast to self): self[i] = value where mask[i]. The value is converted
// to self's dtype on the host; the kernel only stores its bytes.
template <class U>
struct MaskedFillBody {
  char* self;
  const char* mask;
  U v;
  __device__ __forceinline__ void operator()(int64_t, const int64_t* off) const {
    if (*reinterpret_cast<const uint8_t*>(mask + off[1])) *reinterpret_cast<U*>(self + off[0]) = v;
  }
};

template <class U>
void masked_fill_launch(TensorIter& it, const unsigned char* bits) {
  U v;
  std::memcpy(&v, bits, sizeof(U));
  launch_offsets<2>(it, MaskedFillBody<U>{it.data(0), it.data(1), v});
}

void masked_fill_cuda(TensorIter& it) {
  unsigned char bits[8] = {};
  int64_t size = 0;
  CT_DISPATCH_ALL(it.dtype(0), "masked_fill_", [&] {
    const scalar_t v = it.scalars[0].to<scalar_t>();
    std::memcpy(bits, &v, sizeof(scalar_t));
    size = int64_t(sizeof(scalar_t));
  });
  switch (size) {
    case 1: return masked_fill_launch<uint8_t>(it, bits);
    case 2: return masked_fill_launch<uint16_t>(it, bits);
    case 4: return masked_fill_launch<uint32_t>(it, bits);
    default: return masked_fill_launch<unsigned long long>(it, bits);
  }
}

// ---- stream compaction (masked_select, nonzero) ----
// Block b owns the elements [b * chunk, (b + 1) * chunk) (chunk a multiple of kBlock). Pass 1
// counts each block's selected elements; the host scans the counts (one sync) and allocates the
// result; pass 2 walks each block's range in tiles of kBlock, ranking the selected elements with
// a warp ballot and per-warp totals, so the output is in row-major order like the CPU's.

// Selected when the element's bits under `mask` are not all zero: != 0 for integers and bool,
// and for floats with the sign bit masked off (-0.0 is zero, NaN and subnormals are not).
template <int N>
struct NonzeroPred {
  const uint_t<N>* p;
  uint_t<N> mask;
  __device__ __forceinline__ bool operator()(int64_t i) const { return (p[i] & mask) != 0; }
};

__device__ __forceinline__ long long block_sum(long long v) {
  __shared__ long long warp_sums[kBlock / 32];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) warp_sums[warp] = v;
  __syncthreads();
  long long total = 0;
  if (threadIdx.x == 0)
    for (int w = 0; w < kBlock / 32; ++w) total += warp_sums[w];
  return total;  // valid in thread 0
}

template <class Pred>
__global__ void __launch_bounds__(kBlock) count_kernel(Pred pred, int64_t n, int64_t chunk, long long* counts) {
  const int64_t b = int64_t(blockIdx.x) * chunk, e = b + chunk < n ? b + chunk : n;
  long long c = 0;
  for (int64_t i = b + threadIdx.x; i < e; i += kBlock) c += pred(i) ? 1 : 0;
  c = block_sum(c);
  if (threadIdx.x == 0) counts[blockIdx.x] = c;
}

template <class Pred, class Emit>
__global__ void __launch_bounds__(kBlock) compact_kernel(Pred pred, Emit emit, int64_t n, int64_t chunk,
                                                         const long long* offsets) {
  __shared__ int warp_counts[kBlock / 32];
  const int64_t b = int64_t(blockIdx.x) * chunk, e = b + chunk < n ? b + chunk : n;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t base = offsets[blockIdx.x];
  for (int64_t t = b; t < e; t += kBlock) {  // uniform trip count: every thread reaches the ballots
    const int64_t i = t + threadIdx.x;
    const bool sel = i < e && pred(i);
    const unsigned int ballot = __ballot_sync(0xffffffffu, sel);
    if (lane == 0) warp_counts[warp] = __popc(ballot);
    __syncthreads();
    int before = 0, total = 0;
    for (int w = 0; w < kBlock / 32; ++w) {
      const int c = warp_counts[w];
      before += w < warp ? c : 0;
      total += c;
    }
    if (sel) emit(i, base + before + __popc(ballot & ((1u << lane) - 1u)));
    base += total;
    __syncthreads();  // warp_counts is rewritten by the next tile
  }
}

struct Compaction {
  int64_t n = 0, chunk = 0, total = 0;
  int nblocks = 0;
  Tensor offsets;  // device int64, per block: exclusive prefix of the counts (after count())
};

// Pass 1: counts per block, copied back and scanned on the host; offsets go back to the device.
template <class Pred>
Compaction compaction_count(const Pred& pred, int64_t n, Device dev, cudaStream_t s) {
  Compaction c;
  c.n = n;
  const int64_t tiles = (n + kBlock - 1) / kBlock;
  int64_t nb = std::max<int64_t>(1, std::min<int64_t>(tiles, int64_t(sm_count()) * 8));
  c.chunk = ((tiles + nb - 1) / nb) * kBlock;
  c.nblocks = int((n + c.chunk - 1) / c.chunk);
  c.offsets = empty({c.nblocks}, TensorOptions(kInt64).device(dev));
  auto* dcounts = static_cast<long long*>(c.offsets.data_ptr());
  count_kernel<<<c.nblocks, kBlock, 0, s>>>(pred, n, c.chunk, dcounts);
  CT_CUDA_LAUNCH_CHECK();
  std::vector<long long> h(size_t(c.nblocks));
  CT_CUDA_CHECK(cudaMemcpyAsync(h.data(), dcounts, h.size() * sizeof(long long), cudaMemcpyDeviceToHost, s));
  check_implicit_sync();
  sync_stream(dev.index, s);
  long long run = 0;
  for (auto& v : h) {
    const long long cnt = v;
    v = run;
    run += cnt;
  }
  c.total = run;
  // From pageable memory the call returns once h is staged, so h may go out of scope after it.
  CT_CUDA_CHECK(cudaMemcpyAsync(dcounts, h.data(), h.size() * sizeof(long long), cudaMemcpyHostToDevice, s));
  return c;
}

template <class Pred, class Emit>
void compaction_write(const Compaction& c, const Pred& pred, const Emit& emit, cudaStream_t s) {
  if (c.total == 0) return;
  compact_kernel<<<c.nblocks, kBlock, 0, s>>>(pred, emit, c.n, c.chunk,
                                              static_cast<const long long*>(c.offsets.data_ptr()));
  CT_CUDA_LAUNCH_CHECK();
}

template <class U>
struct SelectEmit {
  const U* src;
  U* out;
  __device__ __forceinline__ void operator()(int64_t i, int64_t pos) const { out[pos] = src[i]; }
};

template <class U>
Tensor masked_select_run(const Tensor& self, const Tensor& mask, cudaStream_t s) {
  NonzeroPred<1> pred{static_cast<const uint8_t*>(mask.data_ptr()), 0xff};
  Compaction c = compaction_count(pred, self.numel(), self.device(), s);
  Tensor out = empty({c.total}, self.options());
  compaction_write(c, pred, SelectEmit<U>{static_cast<const U*>(self.data_ptr()), static_cast<U*>(out.data_ptr())},
                   s);
  return out;
}

// self and mask contiguous with equal shapes, mask bool; the selected elements of self, 1-D.
Tensor masked_select_cuda(const Tensor& self, const Tensor& mask) {
  if (self.numel() == 0) return empty({0}, self.options());
  DeviceGuard guard(self.device());
  cudaStream_t s = stream_of(self.device());
  switch (self.element_size()) {
    case 1: return masked_select_run<uint8_t>(self, mask, s);
    case 2: return masked_select_run<uint16_t>(self, mask, s);
    case 4: return masked_select_run<uint32_t>(self, mask, s);
    default: return masked_select_run<unsigned long long>(self, mask, s);
  }
}

constexpr int kNonzeroMaxDims = 25;

// Row-major coordinates of element i into column d of a [ndim, total] int64 buffer.
struct NonzeroEmit {
  long long* out;
  int64_t total;
  int nd;
  int64_t sizes[kNonzeroMaxDims];
  __device__ __forceinline__ void operator()(int64_t i, int64_t pos) const {
    for (int d = nd - 1; d >= 0; --d) {
      const int64_t q = i / sizes[d];
      out[d * total + pos] = i - q * sizes[d];
      i = q;
    }
  }
};

template <int N>
Tensor nonzero_run(const Tensor& self, uint_t<N> mask, cudaStream_t s) {
  NonzeroPred<N> pred{static_cast<const uint_t<N>*>(self.data_ptr()), mask};
  Compaction c = compaction_count(pred, self.numel(), self.device(), s);
  const int64_t nd = self.dim();
  Tensor cols = empty({nd, c.total}, TensorOptions(kInt64).device(self.device()));
  if (nd > 0) {
    NonzeroEmit emit{static_cast<long long*>(cols.data_ptr()), c.total, int(nd), {}};
    for (int64_t d = 0; d < nd; ++d) emit.sizes[d] = self.sizes()[d];
    compaction_write(c, pred, emit, s);
  }
  return cols;
}

// Coordinates of the non-zeros of a contiguous tensor: [n, ndim] int64 with column-major strides
// (column k contiguous), as the CPU kernel and PyTorch.
Tensor nonzero_cuda(const Tensor& self) {
  const int64_t nd = self.dim();
  CT_CHECK(nd <= kNonzeroMaxDims, "nonzero is not supported for tensors with more than ", kNonzeroMaxDims,
           " dimensions");
  if (self.numel() == 0) return empty({nd, 0}, TensorOptions(kInt64).device(self.device())).transpose(0, 1);
  DeviceGuard guard(self.device());
  cudaStream_t s = stream_of(self.device());
  Tensor cols;
  switch (self.dtype()) {
    case kBool:
    case kUInt8:
    case kInt8: cols = nonzero_run<1>(self, 0xffu, s); break;
    case kInt16: cols = nonzero_run<2>(self, 0xffffu, s); break;
    case kFloat16:
    case kBFloat16: cols = nonzero_run<2>(self, 0x7fffu, s); break;
    case kInt32: cols = nonzero_run<4>(self, 0xffffffffu, s); break;
    case kFloat32: cols = nonzero_run<4>(self, 0x7fffffffu, s); break;
    case kInt64: cols = nonzero_run<8>(self, ~0ull, s); break;
    case kFloat64: cols = nonzero_run<8>(self, 0x7fffffffffffffffull, s); break;
    default:
      throw Error(str_cat("\"nonzero_cuda\" not implemented for '", dtype_legacy_name(self.dtype()), "'"));
  }
  return cols.transpose(0, 1);
}

// ---- cat fast path ----
// Every input and out contiguous with one dtype: out is `outer` rows of `row` bytes, input i
// fills bytes [off_i, off_i + width_i) of each row from its own dense [outer, width_i] slab.
// One launch copies up to kCatBatch inputs (blockIdx.y picks the input) in units of U, the
// widest of 1..16 bytes that divides every width, offset, row and pointer.
constexpr int kCatBatch = 16;
struct CatBatch {
  const char* src[kCatBatch];
  int64_t width[kCatBatch];  // in units
  int64_t off[kCatBatch];    // in units
  int n = 0;
};

template <class U, class index_t>
__global__ void cat_kernel(CatBatch b, char* out, index_t row, index_t outer) {
  const int k = blockIdx.y;
  const index_t w = index_t(b.width[k]), total = w * outer;
  const U* src = reinterpret_cast<const U*>(b.src[k]);
  U* dst = reinterpret_cast<U*>(out) + b.off[k];
  for (int64_t j64 = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; j64 < int64_t(total);
       j64 += int64_t(blockDim.x) * gridDim.x) {
    const index_t j = index_t(j64), r = j / w;
    dst[r * row + (j - r * w)] = src[j];
  }
}

template <class U>
void cat_launch(const CatBatch& b, char* out, int64_t row, int64_t outer, int64_t max_total, cudaStream_t s) {
  const dim3 grid(unsigned(grid_for(max_total)), unsigned(b.n));
  if (row * outer <= int64_t(INT32_MAX))
    cat_kernel<U, int32_t><<<grid, kBlock, 0, s>>>(b, out, int32_t(row), int32_t(outer));
  else
    cat_kernel<U, int64_t><<<grid, kBlock, 0, s>>>(b, out, row, outer);
  CT_CUDA_LAUNCH_CHECK();
}

void cat_cuda(Tensor& out, const std::vector<Tensor>& ins, int64_t dim) {
  const int64_t isz = out.element_size();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= out.sizes()[d];
  for (int64_t d = dim + 1; d < out.dim(); ++d) inner *= out.sizes()[d];
  const int64_t row = out.sizes()[dim] * inner * isz;
  if (row == 0 || outer == 0) return;
  DeviceGuard guard(out.device());
  cudaStream_t s = stream_of(out.device());
  char* o = static_cast<char*>(out.data_ptr());
  struct Part {
    const char* src;
    int64_t width, off;  // bytes
  };
  std::vector<Part> parts;
  int64_t off = 0;
  uint64_t align = uint64_t(row) | uint64_t(reinterpret_cast<uintptr_t>(o));
  for (const auto& t : ins) {
    const int64_t w = t.sizes()[dim] * inner * isz;
    if (w > 0) {
      parts.push_back({static_cast<const char*>(t.data_ptr()), w, off});
      align |= uint64_t(w) | uint64_t(off) | uint64_t(reinterpret_cast<uintptr_t>(t.data_ptr()));
    }
    off += w;
  }
  if (outer == 1) {  // one row: each input is one contiguous range of out
    for (const auto& p : parts)
      CT_CUDA_CHECK(cudaMemcpyAsync(o + p.off, p.src, size_t(p.width), cudaMemcpyDeviceToDevice, s));
    return;
  }
  const int64_t unit = std::min<int64_t>(16, int64_t(align & (~align + 1)));
  for (size_t first = 0; first < parts.size(); first += kCatBatch) {
    CatBatch b{};
    int64_t max_total = 0;
    for (size_t i = first; i < parts.size() && b.n < kCatBatch; ++i, ++b.n) {
      b.src[b.n] = parts[i].src;
      b.width[b.n] = parts[i].width / unit;
      b.off[b.n] = parts[i].off / unit;
      max_total = std::max(max_total, b.width[b.n] * outer);
    }
    const int64_t row_u = row / unit;
    switch (unit) {
      case 16: cat_launch<uint4>(b, o, row_u, outer, max_total, s); break;
      case 8: cat_launch<unsigned long long>(b, o, row_u, outer, max_total, s); break;
      case 4: cat_launch<uint32_t>(b, o, row_u, outer, max_total, s); break;
      case 2: cat_launch<uint16_t>(b, o, row_u, outer, max_total, s); break;
      default: cat_launch<uint8_t>(b, o, row_u, outer, max_total, s); break;
    }
  }
}

}  // namespace

void register_index_kernels() {
  reg(OpId::cat, reinterpret_cast<void*>(&cat_cuda));
  reg(OpId::index_select, reinterpret_cast<void*>(&index_cuda));
  reg(OpId::gather, reinterpret_cast<void*>(&index_cuda));
  reg(OpId::index, reinterpret_cast<void*>(&index_cuda));
  reg(OpId::scatter, reinterpret_cast<void*>(&scatter_cuda));
  reg(OpId::scatter_add, reinterpret_cast<void*>(&scatter_cuda));
  reg(OpId::index_put, reinterpret_cast<void*>(&scatter_cuda));
  reg(OpId::masked_fill, reinterpret_cast<void*>(&masked_fill_cuda));
  reg(OpId::masked_select, reinterpret_cast<void*>(&masked_select_cuda));
  reg(OpId::nonzero, reinterpret_cast<void*>(&nonzero_cuda));
}

}  // namespace cuda
}  // namespace ctorch
