// CUDA GEMM (OpId::gemm): C[b] = beta*C[b] + alpha * A[b] @ B[b] with arbitrary element strides,
// the same GemmFn as the CPU kernel (ops/gemm_kernel.h, cpu/gemm.cpp).
//
// Note [CUDA GEMM design]
// Two back ends:
//  * cuBLAS, loaded at run time with dlopen. The build machines have no cuBLAS (nor its headers),
//    and linking it would tie the library to one CUDA major version and to a ~700 MB dependency.
//    At first use we look for libcublas.so.13 / .so.12 / .so ($CTORCH_CUBLAS_PATH, the loader's
//    normal search, the nvidia-cublas wheels' site-packages/nvidia/{cu13,cublas}/lib found by
//    walking up from this library's directory, /usr/local/cuda/lib64) and resolve four C
//    symbols; the few enum values are declared below. Used for float32/float64 (and
//    float16/bfloat16 accumulating in float) when the layout maps onto column-major BLAS: C needs
//    a unit row or column stride (unit column stride = row-major C, computed as C^T = B^T A^T),
//    and A and B each need a unit stride in one dimension with a leading dimension that does not
//    overlap (size-1 dimensions accept any stride). Everything else (integers, broadcast or sliced
//    inner strides, K == 0, sizes over 2^31) goes to our own kernels. TF32 and reduced-precision
//    half/bfloat16 reductions follow torch.backends.cuda.matmul (core/context.h; PyTorch's
//    defaults: TF32 off, reduced reductions allowed). One handle per device, created lazily, bound to the current stream per call.
//    CTORCH_CUBLAS=0 forces our kernels (tests and benchmarks).
//  * Our own kernels, for every dtype the CPU supports: a shared-memory tiled kernel (64x64 block
//    tile, 4x4 per thread, K tile 16, next tile prefetched into registers) reading A and B
//    through their strides, and matrix-vector kernels for N == 1 / M == 1 (like the CPU). Integers
//    accumulate in wrapping unsigned arithmetic of at least 32 bits, which equals the CPU's uint64
//    accumulation modulo 2^bits of the type.
// beta == 0 never reads C (NaNs there do not propagate), as on the CPU and in BLAS.
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <library_types.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>
#include <type_traits>

#include "common.cuh"
#include "ctorch/core/context.h"
#include "ctorch/core/half.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/ops/gemm_kernel.h"

namespace ctorch {
namespace cuda {

namespace {

// ---------------------------------------------------------------------------------------------
// Accumulation types and the epilogue (shared by every kernel below)
// ---------------------------------------------------------------------------------------------

// float for float/half/bfloat16, double for double; integers wrap in uint32 (<= 32-bit types) or
// uint64, exact modulo 2^bits after the final truncation.
template <class T, bool = std::is_integral<T>::value>
struct AccOf {
  using type = compute_t<T>;
};
template <class T>
struct AccOf<T, true> {
  using type = std::conditional_t<(sizeof(T) > 4), uint64_t, uint32_t>;
};
template <class T>
using acc_t = typename AccOf<T>::type;

template <class Acc, class T>
__host__ __device__ __forceinline__ Acc to_acc(T v) {
  if constexpr (std::is_integral<Acc>::value) return Acc(int64_t(v));  // sign-extend, then wrap
  else return Acc(compute_t<T>(v));
}
template <class T, class Acc>
__device__ __forceinline__ T from_acc(Acc v) {
  if constexpr (std::is_integral<Acc>::value) return T(std::make_signed_t<Acc>(v));  // truncate
  else return T(v);  // rounds once to half/bfloat16
}

// out = alpha*v (+ beta*old unless beta == 0, where C is write-only).
template <class Acc>
struct Scale {
  Acc alpha, beta;
  bool beta0;
  template <class T>
  __device__ __forceinline__ void put(T* p, Acc v) const {
    Acc r = alpha * v;
    if (!beta0) r = r + beta * to_acc<Acc>(*p);
    *p = from_acc<T>(r);
  }
};

// alpha/beta as the CPU converts them: floating types through double into the accumulator type,
// integers truncated to the dtype first.
template <class T>
Scale<acc_t<T>> make_scale(const GemmDesc& g) {
  using Acc = acc_t<T>;
  Acc a, b;
  if constexpr (std::is_integral<T>::value) {
    a = to_acc<Acc>(g.alpha.to<T>());
    b = to_acc<Acc>(g.beta.to<T>());
  } else {
    a = Acc(g.alpha.to_double());
    b = Acc(g.beta.to_double());
  }
  return {a, b, b == Acc(0)};
}

// ---------------------------------------------------------------------------------------------
// Tiled kernel
// ---------------------------------------------------------------------------------------------

constexpr int kBM = 64, kBN = 64, kBK = 16;  // block tile; 16x16 threads, 4x4 outputs each
constexpr int kThreads = 256;
constexpr int kLoads = kBM * kBK / kThreads;  // elements of each operand tile a thread loads
static_assert(kBM == kBN && kLoads == 4, "tile shape assumed below");

template <class T, class Acc>
struct TiledParams {
  const T* a;
  const T* b;
  T* c;
  int64_t M, N, K, batch;
  int64_t a_bs, a_rs, a_cs, b_bs, b_rs, b_cs, c_bs, c_rs, c_cs;
  Scale<Acc> scale;
};

// Grid: x over N tiles, y over M tiles, z over batches, each grid-strided (gridDim.y/z <= 65535).
// Thread (tx, ty) owns C rows m0 + ty + 16i and columns n0 + tx + 16j: shared reads of the B tile
// are consecutive across a half-warp, A tile reads are broadcasts, C stores coalesce when
// c_cs == 1. Out-of-range tile elements load as 0 and are never stored.
template <class T, class Acc>
__global__ void __launch_bounds__(kThreads) gemm_tiled_kernel(TiledParams<T, Acc> p) {
  __shared__ Acc As[kBK][kBM + 1];  // +1: the k-fast stores below hit distinct banks
  __shared__ Acc Bs[kBK][kBN + 1];
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;

  // Which tile element each thread loads: consecutive threads walk the operand's unit-stride
  // dimension when it has one (coalesced), any layout is correct.
  const bool a_kfast = p.a_cs == 1 && p.a_rs != 1;
  const bool b_nfast = !(p.b_rs == 1 && p.b_cs != 1);
  int am[kLoads], ak[kLoads], bk[kLoads], bn[kLoads];
#pragma unroll
  for (int r = 0; r < kLoads; ++r) {
    const int e = tid + r * kThreads;
    am[r] = a_kfast ? e / kBK : e % kBM;
    ak[r] = a_kfast ? e % kBK : e / kBM;
    bn[r] = b_nfast ? e % kBN : e / kBK;
    bk[r] = b_nfast ? e / kBN : e % kBK;
  }

  const int64_t m_tiles = (p.M + kBM - 1) / kBM, n_tiles = (p.N + kBN - 1) / kBN;
  for (int64_t bz = blockIdx.z; bz < p.batch; bz += gridDim.z) {
    const T* A = p.a + bz * p.a_bs;
    const T* B = p.b + bz * p.b_bs;
    T* C = p.c + bz * p.c_bs;
    for (int64_t mt = blockIdx.y; mt < m_tiles; mt += gridDim.y) {
      for (int64_t nt = blockIdx.x; nt < n_tiles; nt += gridDim.x) {
        const int64_t m0 = mt * kBM, n0 = nt * kBN;
        Acc acc[4][4];
#pragma unroll
        for (int i = 0; i < 4; ++i)
#pragma unroll
          for (int j = 0; j < 4; ++j) acc[i][j] = Acc(0);

        Acc ra[kLoads], rb[kLoads];
        auto load = [&](int64_t k0) {
#pragma unroll
          for (int r = 0; r < kLoads; ++r) {
            const int64_t gm = m0 + am[r], gka = k0 + ak[r];
            ra[r] = (gm < p.M && gka < p.K) ? to_acc<Acc>(A[gm * p.a_rs + gka * p.a_cs]) : Acc(0);
            const int64_t gn = n0 + bn[r], gkb = k0 + bk[r];
            rb[r] = (gn < p.N && gkb < p.K) ? to_acc<Acc>(B[gkb * p.b_rs + gn * p.b_cs]) : Acc(0);
          }
        };
        load(0);
        for (int64_t k0 = 0; k0 < p.K; k0 += kBK) {
#pragma unroll
          for (int r = 0; r < kLoads; ++r) {
            As[ak[r]][am[r]] = ra[r];
            Bs[bk[r]][bn[r]] = rb[r];
          }
          __syncthreads();
          if (k0 + kBK < p.K) load(k0 + kBK);  // global loads in flight during the math
#pragma unroll
          for (int kk = 0; kk < kBK; ++kk) {
            Acc av[4], bv[4];
#pragma unroll
            for (int i = 0; i < 4; ++i) av[i] = As[kk][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; ++j) bv[j] = Bs[kk][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
              for (int j = 0; j < 4; ++j) acc[i][j] += av[i] * bv[j];
          }
          __syncthreads();
        }

#pragma unroll
        for (int i = 0; i < 4; ++i) {
          const int64_t m = m0 + ty + 16 * i;
          if (m >= p.M) continue;
#pragma unroll
          for (int j = 0; j < 4; ++j) {
            const int64_t n = n0 + tx + 16 * j;
            if (n < p.N) p.scale.put(C + m * p.c_rs + n * p.c_cs, acc[i][j]);
          }
        }
      }
    }
  }
}

template <class T>
void launch_tiled(const GemmDesc& g, cudaStream_t s) {
  using Acc = acc_t<T>;
  TiledParams<T, Acc> p{static_cast<const T*>(g.a), static_cast<const T*>(g.b), static_cast<T*>(g.c),
                        g.M, g.N, g.K, g.batch,
                        g.a_bs, g.a_rs, g.a_cs, g.b_bs, g.b_rs, g.b_cs, g.c_bs, g.c_rs, g.c_cs,
                        make_scale<T>(g)};
  const int64_t m_tiles = (g.M + kBM - 1) / kBM, n_tiles = (g.N + kBN - 1) / kBN;
  dim3 grid(unsigned(std::min<int64_t>(n_tiles, INT_MAX)), unsigned(std::min<int64_t>(m_tiles, 65535)),
            unsigned(std::min<int64_t>(g.batch, 65535)));
  gemm_tiled_kernel<T, Acc><<<grid, kThreads, 0, s>>>(p);
  CT_CUDA_LAUNCH_CHECK();
}

// ---------------------------------------------------------------------------------------------
// Matrix-vector kernels: y[b][i] = beta*y + alpha * sum_k A[b][i, k] x[b][k] for i < rows
// ---------------------------------------------------------------------------------------------

template <class T, class Acc>
struct GemvParams {
  const T* a;
  int64_t a_rs, a_cs, a_bs;
  const T* x;
  int64_t x_s, x_bs;
  T* y;
  int64_t y_s, y_bs;
  int64_t rows, K, batch;
  Scale<Acc> scale;
};

template <class Acc>
__device__ __forceinline__ Acc warp_sum(Acc v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Dot form: G lanes (a warp, or the whole block for few long rows) per output; coalesced when
// A's rows are contiguous (a_cs == 1).
template <int G, class T, class Acc>
__global__ void __launch_bounds__(kThreads) gemv_dot_kernel(GemvParams<T, Acc> p) {
  constexpr int R = kThreads / G;  // outputs per block and pass
  __shared__ Acc part[kThreads / 32];
  const int lane = threadIdx.x % G, grp = threadIdx.x / G;
  const int64_t total = p.rows * p.batch;
  for (int64_t base = int64_t(blockIdx.x) * R; base < total; base += int64_t(gridDim.x) * R) {
    const int64_t item = base + grp;
    const int64_t b = item / p.rows, i = item % p.rows;
    Acc s = Acc(0);
    if (item < total) {
      const T* a = p.a + b * p.a_bs + i * p.a_rs;
      const T* x = p.x + b * p.x_bs;
      for (int64_t k = lane; k < p.K; k += G) s += to_acc<Acc>(a[k * p.a_cs]) * to_acc<Acc>(x[k * p.x_s]);
    }
    s = warp_sum(s);
    if constexpr (G > 32) {  // combine the block's warps (block-uniform branch)
      if (threadIdx.x % 32 == 0) part[threadIdx.x / 32] = s;
      __syncthreads();
      if (threadIdx.x < 32) s = warp_sum(threadIdx.x < G / 32 ? part[threadIdx.x] : Acc(0));
      __syncthreads();
    }
    if (lane == 0 && item < total) p.scale.put(p.y + b * p.y_bs + i * p.y_s, s);
  }
}

// Column form, for column-major A (a_rs == 1): 32 consecutive outputs per block (coalesced rows),
// K split over the block's 8 warps and summed in shared memory.
template <class T, class Acc>
__global__ void __launch_bounds__(kThreads) gemv_cols_kernel(GemvParams<T, Acc> p) {
  constexpr int kSlices = kThreads / 32;
  __shared__ Acc part[kSlices][33];
  const int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
  const int64_t total = p.rows * p.batch;
  for (int64_t base = int64_t(blockIdx.x) * 32; base < total; base += int64_t(gridDim.x) * 32) {
    const int64_t item = base + tx;
    const int64_t b = item / p.rows, i = item % p.rows;
    Acc s = Acc(0);
    if (item < total) {
      const T* a = p.a + b * p.a_bs + i * p.a_rs;
      const T* x = p.x + b * p.x_bs;
      for (int64_t k = ty; k < p.K; k += kSlices) s += to_acc<Acc>(a[k * p.a_cs]) * to_acc<Acc>(x[k * p.x_s]);
    }
    part[ty][tx] = s;
    __syncthreads();
    if (ty == 0 && item < total) {
      Acc t = part[0][tx];
#pragma unroll
      for (int q = 1; q < kSlices; ++q) t += part[q][tx];
      p.scale.put(p.y + b * p.y_bs + i * p.y_s, t);
    }
    __syncthreads();
  }
}

template <class T>
void launch_gemv(const GemmDesc& g, const T* A, int64_t ars, int64_t acs, int64_t abs_, const T* x, int64_t xs,
                 int64_t xbs, T* y, int64_t ys, int64_t ybs, int64_t rows, cudaStream_t s) {
  using Acc = acc_t<T>;
  GemvParams<T, Acc> p{A, ars, acs, abs_, x, xs, xbs, y, ys, ybs, rows, g.K, g.batch, make_scale<T>(g)};
  const int64_t total = rows * g.batch;
  if (ars == 1 && acs != 1 && rows > 1) {
    gemv_cols_kernel<T, Acc><<<grid_for(total * 8), kThreads, 0, s>>>(p);
  } else if (total < 4 * int64_t(sm_count()) && g.K >= 1024) {  // few long rows: a block each
    gemv_dot_kernel<kThreads, T, Acc><<<grid_for(total * kThreads), kThreads, 0, s>>>(p);
  } else {
    gemv_dot_kernel<32, T, Acc><<<grid_for(total * 32), kThreads, 0, s>>>(p);
  }
  CT_CUDA_LAUNCH_CHECK();
}

template <class T>
void own_gemm(const GemmDesc& g, cudaStream_t s) {
  const T* A = static_cast<const T*>(g.a);
  const T* B = static_cast<const T*>(g.b);
  T* C = static_cast<T*>(g.c);
  if (g.N == 1)  // C[:,0] = A @ B[:,0]
    return launch_gemv<T>(g, A, g.a_rs, g.a_cs, g.a_bs, B, g.b_rs, g.b_bs, C, g.c_rs, g.c_bs, g.M, s);
  if (g.M == 1)  // C[0,:] = B^T @ A[0,:]
    return launch_gemv<T>(g, B, g.b_cs, g.b_rs, g.b_bs, A, g.a_cs, g.a_bs, C, g.c_cs, g.c_bs, g.N, s);
  launch_tiled<T>(g, s);
}

// ---------------------------------------------------------------------------------------------
// cuBLAS, loaded at run time
// ---------------------------------------------------------------------------------------------
namespace blas {

// From cublas_api.h (CUDA 11.0-13.x; stable C ABI, documented in the cuBLAS "Data types
// reference"): cublasStatus_t, cublasOperation_t, cublasComputeType_t, cublasGemmAlgo_t and
// cublasMath_t values. Enums travel as int in the C ABI. cudaDataType values (CUDA_R_32F, ...)
// come from library_types.h, which ships with the CUDA runtime headers.
using Handle = void*;  // cublasHandle_t (struct cublasContext*)
constexpr int kStatusSuccess = 0, kStatusArchMismatch = 8, kStatusNotSupported = 15;
constexpr int kOpN = 0, kOpT = 1;
constexpr int kCompute32F = 68, kCompute64F = 70, kCompute32FFastTF32 = 77;
constexpr int kGemmDefault = -1;
constexpr int kDefaultMath = 0, kTF32TensorOpMath = 3, kDisallowReducedPrecisionReduction = 16;

using CreateFn = int (*)(Handle*);
using SetStreamFn = int (*)(Handle, cudaStream_t);
using SetMathModeFn = int (*)(Handle, int);
// cublasGemmStridedBatchedEx(handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA, B,
//   Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo)
using GemmExFn = int (*)(Handle, int, int, int, int, int, const void*, const void*, int, int, long long,
                       const void*, int, int, long long, const void*, void*, int, int, long long, int, int, int);

struct Lib {
  CreateFn create = nullptr;
  SetStreamFn set_stream = nullptr;
  SetMathModeFn set_math_mode = nullptr;  // optional
  GemmExFn gemm = nullptr;
};

const char* const kNames[] = {"libcublas.so.13", "libcublas.so.12", "libcublas.so"};

void* open_path(const std::string& path) {
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) dlerror();  // clear
  return h;
}

// A directory from a wheel or a toolkit: load libcublasLt from there first (global), so that
// libcublas finds it even without an RPATH; the loader matches it by soname.
void* open_in_dir(const std::string& dir) {
  for (const char* name : kNames) {
    const std::string n(name);
    const std::string lt = dir + "/libcublasLt" + n.substr(std::string("libcublas").size());
    void* ltp = dlopen(lt.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!ltp) dlerror();
    if (void* h = open_path(dir + "/" + n)) return h;
  }
  return nullptr;
}

void* find_library() {
  if (const char* e = std::getenv("CTORCH_CUBLAS_PATH")) {  // a file or a directory
    if (*e) {
      if (void* h = open_path(e)) return h;
      if (void* h = open_in_dir(e)) return h;
    }
  }
  for (const char* name : kNames)
    if (void* h = open_path(name)) return h;
  // pip wheels: <site-packages>/nvidia/cu13/lib (CUDA 13) or nvidia/cublas/lib (CUDA 12), found
  // from the directory of this library (<site-packages>/ctorch/...).
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&find_library), &info) && info.dli_fname) {
    std::string dir(info.dli_fname);
    for (int up = 0; up < 6; ++up) {
      const size_t slash = dir.find_last_of('/');
      if (slash == std::string::npos || slash == 0) break;
      dir.resize(slash);
      for (const char* sub : {"/nvidia/cu13/lib", "/nvidia/cublas/lib"})
        if (void* h = open_in_dir(dir + sub)) return h;
    }
  }
  return open_in_dir("/usr/local/cuda/lib64");
}

const Lib& lib() {
  static const Lib l = [] {
    Lib r;
    void* h = find_library();
    if (!h) return r;
    auto sym = [&](const char* name) { return dlsym(h, name); };
    r.create = reinterpret_cast<CreateFn>(sym("cublasCreate_v2"));
    r.set_stream = reinterpret_cast<SetStreamFn>(sym("cublasSetStream_v2"));
    r.set_math_mode = reinterpret_cast<SetMathModeFn>(sym("cublasSetMathMode"));
    r.gemm = reinterpret_cast<GemmExFn>(sym("cublasGemmStridedBatchedEx"));
    if (!r.create || !r.set_stream || !r.gemm) r = Lib();  // unusable: stay on our kernels
    return r;
  }();
  return l;
}

bool enabled() {
  const char* e = std::getenv("CTORCH_CUBLAS");  // read per call: tests flip it at run time
  if (e && e[0] == '0' && e[1] == '\0') return false;
  return lib().gemm != nullptr;
}

// One handle per device, created on first use with that device current. Calls are serialised:
// a handle is bound to one stream at a time (set per call), and the enqueue is cheap.
constexpr int kMaxDevices = 64;
std::mutex g_mu;
Handle g_handles[kMaxDevices] = {};
bool g_failed[kMaxDevices] = {};

const char* status_name(int st) {
  switch (st) {
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
  }
}

// A rows x cols operand (element (r, c) at r*rs + c*cs) as a column-major BLAS operand:
// op N with ld = cs (unit row stride) or op T with ld = rs (unit column stride). The leading
// dimension of a size-1 dimension is free, so it is set to the smallest valid value.
struct Operand {
  int op;
  int64_t ld;
};
bool as_operand(int64_t rows, int64_t cols, int64_t rs, int64_t cs, Operand* o) {
  if ((rs == 1 || rows == 1) && (cols == 1 || cs >= std::max<int64_t>(1, rows))) {
    *o = {kOpN, cols == 1 ? std::max<int64_t>(1, rows) : cs};
    return o->ld <= INT_MAX;
  }
  if ((cs == 1 || cols == 1) && (rows == 1 || rs >= std::max<int64_t>(1, cols))) {
    *o = {kOpT, rows == 1 ? std::max<int64_t>(1, cols) : rs};
    return o->ld <= INT_MAX;
  }
  return false;
}

// Runs the product through cuBLAS; false when cuBLAS is off or unavailable, or the dtype or
// layout does not map (the caller then runs our kernels).
bool try_gemm(const GemmDesc& g, int dev, cudaStream_t stream) {
  int dtype;
  switch (g.dtype) {
    case kFloat32: dtype = CUDA_R_32F; break;
    case kFloat64: dtype = CUDA_R_64F; break;
    case kFloat16: dtype = CUDA_R_16F; break;
    case kBFloat16: dtype = CUDA_R_16BF; break;
    default: return false;
  }
  if (g.K == 0 || dev < 0 || dev >= kMaxDevices || !enabled()) return false;
  if (g.M > INT_MAX || g.N > INT_MAX || g.K > INT_MAX || g.batch > INT_MAX) return false;

  // C column-major: C = A B. C row-major (unit column stride): C^T = B^T A^T, i.e. swap the
  // operands and read every matrix transposed.
  const bool direct = (g.c_rs == 1 || g.M == 1) && (g.N == 1 || g.c_cs >= std::max<int64_t>(1, g.M));
  const bool transposed = !direct && (g.c_cs == 1 || g.N == 1) && (g.M == 1 || g.c_rs >= std::max<int64_t>(1, g.N));
  if (!direct && !transposed) return false;
  int64_t m, n, ldc;
  Operand x, y;
  const void *xp, *yp;
  int64_t x_bs, y_bs;
  if (direct) {
    m = g.M, n = g.N, ldc = g.N == 1 ? std::max<int64_t>(1, g.M) : g.c_cs;
    if (!as_operand(g.M, g.K, g.a_rs, g.a_cs, &x) || !as_operand(g.K, g.N, g.b_rs, g.b_cs, &y)) return false;
    xp = g.a, x_bs = g.a_bs, yp = g.b, y_bs = g.b_bs;
  } else {
    m = g.N, n = g.M, ldc = g.M == 1 ? std::max<int64_t>(1, g.N) : g.c_rs;
    if (!as_operand(g.N, g.K, g.b_cs, g.b_rs, &x) || !as_operand(g.K, g.M, g.a_cs, g.a_rs, &y)) return false;
    xp = g.b, x_bs = g.b_bs, yp = g.a, y_bs = g.a_bs;
  }
  if (ldc > INT_MAX) return false;
  if (g.batch == 1) x_bs = y_bs = 0;
  const int64_t c_bs = g.batch == 1 ? 0 : g.c_bs;

  // alpha/beta as the CPU converts them (through double); beta == 0 leaves C unread.
  const bool dbl = g.dtype == kFloat64;
  double da = g.alpha.to_double(), db = g.beta.to_double();
  if (db == 0) db = 0;  // -0.0 -> 0
  float fa = float(da), fb = float(db);
  if (fb == 0.f) fb = 0.f;
  const void* alpha = dbl ? static_cast<const void*>(&da) : static_cast<const void*>(&fa);
  const void* beta = dbl ? static_cast<const void*>(&db) : static_cast<const void*>(&fb);
  // torch.backends.cuda.matmul: TF32 for float32 when allowed; half/bfloat16 reductions in
  // reduced precision unless disallowed (PyTorch's defaults: no TF32, reduced reductions on).
  const BlasFlags& flags = blas_flags();
  const bool tf32 = g.dtype == kFloat32 && flags.allow_tf32.load(std::memory_order_relaxed);
  const int compute = dbl ? kCompute64F : tf32 ? kCompute32FFastTF32 : kCompute32F;
  // (the disallow bit only matters for half types; PyTorch sets it only for them)
  const bool exact = (g.dtype == kFloat16 && !flags.allow_fp16_reduced.load(std::memory_order_relaxed)) ||
                     (g.dtype == kBFloat16 && !flags.allow_bf16_reduced.load(std::memory_order_relaxed));
  const int math = (tf32 ? kTF32TensorOpMath : kDefaultMath) | (exact ? kDisallowReducedPrecisionReduction : 0);

  const Lib& l = lib();
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_failed[dev]) return false;
  Handle& h = g_handles[dev];
  if (!h) {
    if (l.create(&h) != kStatusSuccess || !h) {  // no memory / unusable device: our kernels
      h = nullptr;
      g_failed[dev] = true;
      return false;
    }
  }
  if (l.set_math_mode) l.set_math_mode(h, math);  // per call: the flags may change at any time
  int st = l.set_stream(h, stream);
  if (st == kStatusSuccess)
    st = l.gemm(h, x.op, y.op, int(m), int(n), int(g.K), alpha, xp, dtype, int(x.ld), (long long)x_bs, yp, dtype,
                int(y.ld), (long long)y_bs, beta, g.c, dtype, int(ldc), (long long)c_bs, int(g.batch), compute,
                kGemmDefault);
  if (st == kStatusSuccess) return true;
  if (st == kStatusNotSupported || st == kStatusArchMismatch) return false;  // e.g. bf16 on an old GPU
  throw Error(str_cat("CUDA error: ", status_name(st), " when calling `cublasGemmStridedBatchedEx(handle, ",
                      x.op == kOpN ? "N" : "T", ", ", y.op == kOpN ? "N" : "T", ", m=", m, ", n=", n, ", k=", g.K,
                      ", lda=", x.ld, ", ldb=", y.ld, ", ldc=", ldc, ", batch=", g.batch, ")`"));
}

}  // namespace blas

// The device that holds C (GemmDesc carries pointers only); the current device as a fallback.
int device_of(const void* p) {
  cudaPointerAttributes attr;
  if (p && cudaPointerGetAttributes(&attr, p) == cudaSuccess &&
      (attr.type == cudaMemoryTypeDevice || attr.type == cudaMemoryTypeManaged) && attr.device >= 0)
    return attr.device;
  cudaGetLastError();
  return current_device();
}

void gemm_kernel(const GemmDesc& g) {
  if (g.batch == 0 || g.M == 0 || g.N == 0) return;
  const int dev = device_of(g.c);
  DeviceGuard guard(dev);
  cudaStream_t s = stream_of(dev);
  if (blas::try_gemm(g, dev, s)) return;
  CT_DISPATCH_NUMERIC(g.dtype, "addmm_cuda", [&] { own_gemm<scalar_t>(g, s); });
}

}  // namespace

std::string gemm_backend() { return blas::enabled() ? "cublas" : "ctorch"; }

void register_linalg_kernels() { reg(OpId::gemm, reinterpret_cast<void*>(static_cast<GemmFn*>(&gemm_kernel))); }

}  // namespace cuda
}  // namespace ctorch
