#pragma once
// CPU emulation of the CUDA runtime/device features used by loops.cuh, copy.cu, index.cu,
// pointwise.cuh, reduce.cu, scan.cu, gemm.cu, random.cu, allocator.cu and runtime.cu (test
// only). Device memory is host memory with a configurable capacity (emu::capacity). Blocks run one after another; the threads of a block
// run either sequentially (kernels without block/warp sync) or on real threads with barriers.
#include <atomic>
#include <barrier>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
typedef int cudaError_t;
enum {
  cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2, cudaErrorInsufficientDriver = 35,
  cudaErrorNoDevice = 100, cudaErrorNotReady = 600
};
typedef struct CUstream_st* cudaStream_t;
typedef struct CUevent_st* cudaEvent_t;
enum cudaMemoryType { cudaMemoryTypeUnregistered = 0, cudaMemoryTypeHost = 1, cudaMemoryTypeDevice = 2, cudaMemoryTypeManaged = 3 };
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice, cudaMemcpyDefault };
enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount = 16 };
enum { cudaStreamNonBlocking = 1, cudaEventDisableTiming = 2, cudaEventBlockingSync = 1, cudaHostAllocDefault = 0 };
struct cudaPointerAttributes { cudaMemoryType type; int device; void* devicePointer; void* hostPointer; };
struct cudaUUID_t { char bytes[16]; };
struct cudaDeviceProp {
  char name[256]; int major, minor; size_t totalGlobalMem; int multiProcessorCount, warpSize, l2CacheSize;
  int pciBusID, pciDeviceID, pciDomainID, maxThreadsPerMultiProcessor, regsPerMultiprocessor, integrated, isMultiGpuBoard;
  size_t sharedMemPerBlock, sharedMemPerBlockOptin, sharedMemPerMultiprocessor; cudaUUID_t uuid;
};
struct uint4 { unsigned x, y, z, w; };
struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {}
};
namespace emu {
inline int sms() { const char* e = getenv("EMU_SMS"); return e ? atoi(e) : 2; }
inline int cur_dev = 0;
inline long memcpys = 0, memsets = 0, syncs = 0;
}
namespace emu {
inline size_t capacity = size_t(64) << 20, used = 0;  // device memory the fake cudaMalloc hands out
inline std::map<void*, size_t> dev_allocs;
inline std::set<const void*> host_allocs;
inline long mallocs = 0, frees = 0;
inline bool events_ready = true;  // false: cudaEventQuery reports cudaErrorNotReady
}  // namespace emu
inline cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* a, const void* p) {
  a->type = emu::host_allocs.count(p) ? cudaMemoryTypeHost : cudaMemoryTypeDevice;
  a->device = 0;
  return cudaSuccess;
}
inline cudaError_t cudaMalloc(void** p, size_t n) {
  if (emu::used + n > emu::capacity) { *p = nullptr; return cudaErrorMemoryAllocation; }
  *p = std::aligned_alloc(256, (n + 255) / 256 * 256);
  emu::used += n;
  emu::dev_allocs[*p] = n;
  ++emu::mallocs;
  return cudaSuccess;
}
inline cudaError_t cudaFree(void* p) {
  auto it = emu::dev_allocs.find(p);
  if (it == emu::dev_allocs.end()) { fprintf(stderr, "emu: cudaFree of an unknown pointer\n"); abort(); }
  emu::used -= it->second;
  emu::dev_allocs.erase(it);
  std::free(p);
  ++emu::frees;
  return cudaSuccess;
}
inline cudaError_t cudaMemGetInfo(size_t* f, size_t* t) { *t = emu::capacity; *f = emu::capacity - emu::used; return cudaSuccess; }
inline cudaError_t cudaHostAlloc(void** p, size_t n, unsigned) { *p = std::malloc(n); emu::host_allocs.insert(*p); return cudaSuccess; }
inline cudaError_t cudaFreeHost(void* p) { emu::host_allocs.erase(p); std::free(p); return cudaSuccess; }
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
inline const char* cudaGetErrorString(cudaError_t) { return "emu"; }
inline cudaError_t cudaGetDeviceCount(int* n) { *n = 1; return cudaSuccess; }
inline cudaError_t cudaGetDevice(int* d) { *d = emu::cur_dev; return cudaSuccess; }
inline cudaError_t cudaSetDevice(int d) { if (d != 0) { fprintf(stderr, "emu: set_device %d\n", d); abort(); } emu::cur_dev = d; return cudaSuccess; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int) { std::memset(p, 0, sizeof(*p)); std::strcpy(p->name, "emu"); p->major = 9; p->multiProcessorCount = emu::sms(); p->warpSize = 32; return cudaSuccess; }
inline cudaError_t cudaDeviceGetAttribute(int* v, cudaDeviceAttr, int) { *v = emu::sms(); return cudaSuccess; }
inline cudaError_t cudaDeviceCanAccessPeer(int* r, int d, int p) { *r = 0; (void)d; (void)p; return cudaSuccess; }  // one emulated device
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
inline cudaError_t cudaStreamCreateWithPriority(cudaStream_t* s, unsigned, int) { *s = reinterpret_cast<cudaStream_t>(new char); return cudaSuccess; }
inline cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { ++emu::syncs; return cudaSuccess; }
inline cudaError_t cudaStreamQuery(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaStreamWaitEvent(cudaStream_t, cudaEvent_t, unsigned) { return cudaSuccess; }
inline cudaError_t cudaDeviceGetStreamPriorityRange(int* lo, int* hi) { *lo = 0; *hi = -5; return cudaSuccess; }
inline cudaError_t cudaEventCreateWithFlags(cudaEvent_t* e, unsigned) { *e = reinterpret_cast<cudaEvent_t>(new char); return cudaSuccess; }
inline cudaError_t cudaEventDestroy(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventQuery(cudaEvent_t) { return emu::events_ready ? cudaSuccess : cudaErrorNotReady; }
inline cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t, cudaEvent_t) { *ms = 0; return cudaSuccess; }
inline cudaError_t cudaMemsetAsync(void* p, int v, size_t n, cudaStream_t) { ++emu::memsets; std::memset(p, v, n); return cudaSuccess; }
inline cudaError_t cudaMemset(void* p, int v, size_t n) { ++emu::memsets; std::memset(p, v, n); return cudaSuccess; }
inline cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind, cudaStream_t) { ++emu::memcpys; if (n) std::memmove(d, s, n); return cudaSuccess; }
inline cudaError_t cudaMemcpyPeerAsync(void* d, int, const void* s, int, size_t n, cudaStream_t) { std::memmove(d, s, n); return cudaSuccess; }

namespace emu {
struct Ctx { dim3 tid, bid, bdim, gdim; };
inline thread_local Ctx ctx;
inline std::barrier<>* block_bar = nullptr;
inline std::vector<std::unique_ptr<std::barrier<>>> warp_bars;
inline uint64_t xbuf[1024];
inline long launches = 0, threaded_launches = 0;
inline bool threaded_now = false;
template <class V, class F>
V exch(V v, F src) {
  if (!threaded_now) { fprintf(stderr, "emu: warp op in a sequential launch\n"); abort(); }
  const int t = int(ctx.tid.x), lane = t & 31, w = t >> 5;
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(V));
  xbuf[t] = bits;
  warp_bars[size_t(w)]->arrive_and_wait();
  int s = src(lane);
  if (s < 0 || s > 31) s = lane;
  uint64_t r = xbuf[w * 32 + s];
  warp_bars[size_t(w)]->arrive_and_wait();
  V out;
  std::memcpy(&out, &r, sizeof(V));
  return out;
}
inline unsigned ballot(bool p) {
  if (!threaded_now) { fprintf(stderr, "emu: ballot in a sequential launch\n"); abort(); }
  const int t = int(ctx.tid.x), w = t >> 5;
  xbuf[t] = p;
  warp_bars[size_t(w)]->arrive_and_wait();
  unsigned r = 0;
  for (int l = 0; l < 32; ++l) r |= unsigned(xbuf[w * 32 + l] != 0) << l;
  warp_bars[size_t(w)]->arrive_and_wait();
  return r;
}
template <class F>
void launch(dim3 grid, long long block, bool threaded, F body) {
  ++launches;
  if (grid.x < 1 || grid.y < 1 || grid.y > 65535 || grid.z < 1 || grid.z > 65535 || block < 1 || block > 1024 || block % 32) {
    fprintf(stderr, "bad launch %u %u %lld\n", grid.x, grid.y, block); abort();
  }
  if (!threaded) {
    for (unsigned bz = 0; bz < grid.z; ++bz)
      for (unsigned by = 0; by < grid.y; ++by)
        for (unsigned b = 0; b < grid.x; ++b)
          for (long long t = 0; t < block; ++t) {
            ctx.tid = dim3(unsigned(t)); ctx.bid = dim3(b, by, bz); ctx.bdim = dim3(unsigned(block)); ctx.gdim = grid;
            body();
          }
    return;
  }
  ++threaded_launches;
  threaded_now = true;
  std::barrier<> bb(block);
  block_bar = &bb;
  warp_bars.clear();
  for (int w = 0; w < block / 32; ++w) warp_bars.emplace_back(new std::barrier<>(32));
  std::vector<std::thread> th;
  for (int t = 0; t < block; ++t)
    th.emplace_back([&, t] {
      for (unsigned bz = 0; bz < grid.z; ++bz)
        for (unsigned by = 0; by < grid.y; ++by)
          for (unsigned b = 0; b < grid.x; ++b) {
            ctx.tid = dim3(unsigned(t)); ctx.bid = dim3(b, by, bz); ctx.bdim = dim3(unsigned(block)); ctx.gdim = grid;
            body();
            bb.arrive_and_wait();
          }
    });
  for (auto& x : th) x.join();
  threaded_now = false;
}
}  // namespace emu
#define threadIdx (emu::ctx.tid)
#define blockIdx (emu::ctx.bid)
#define blockDim (emu::ctx.bdim)
#define gridDim (emu::ctx.gdim)
inline void __syncthreads() {
  if (!emu::threaded_now) { fprintf(stderr, "emu: __syncthreads in a sequential launch\n"); abort(); }
  emu::block_bar->arrive_and_wait();
}
template <class V> V __shfl_xor_sync(unsigned, V v, int m) { return emu::exch(v, [&](int l) { return l ^ m; }); }
template <class V> V __shfl_up_sync(unsigned, V v, int d) { return emu::exch(v, [&](int l) { return l - d; }); }
template <class V> V __shfl_down_sync(unsigned, V v, int d) { return emu::exch(v, [&](int l) { return l + d; }); }
template <class V> V __shfl_sync(unsigned, V v, int s) { return emu::exch(v, [&](int) { return s; }); }
inline unsigned __ballot_sync(unsigned, bool p) { return emu::ballot(p); }
inline int __popc(unsigned v) { return __builtin_popcount(v); }
inline float __fmul_rn(float a, float b) { volatile float r = a * b; return r; }
inline double __dmul_rn(double a, double b) { volatile double r = a * b; return r; }
template <class T> T atomicCAS_impl(T* p, T cmp, T val) { __atomic_compare_exchange_n(p, &cmp, val, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return cmp; }
inline unsigned atomicCAS(unsigned* p, unsigned c, unsigned v) { return atomicCAS_impl(p, c, v); }
inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long c, unsigned long long v) { return atomicCAS_impl(p, c, v); }
inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
template <class F, class U> F atomic_fadd(F* p, F v) {
  U* a = reinterpret_cast<U*>(p);
  U old = __atomic_load_n(a, __ATOMIC_SEQ_CST);
  for (;;) {
    F f; std::memcpy(&f, &old, sizeof f);
    volatile F nf = f + v;  // no fma / excess precision
    F n2 = nf; U nu; std::memcpy(&nu, &n2, sizeof nu);
    if (__atomic_compare_exchange_n(a, &old, nu, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return f;
  }
}
inline float atomicAdd(float* p, float v) { return atomic_fadd<float, uint32_t>(p, v); }
inline double atomicAdd(double* p, double v) { return atomic_fadd<double, uint64_t>(p, v); }
