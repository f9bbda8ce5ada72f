// CUDA runtime plumbing: errors, devices, the per-thread current stream, streams and events.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "common.cuh"
#include "ctorch/core/context.h"
#include "ctorch/iter/tensor_iter.h"

namespace ctorch {
namespace cuda {

void throw_cuda_error(cudaError_t e, const char* what) {
  cudaGetLastError();  // clear a sticky-free error so later calls are not blamed
  if (e == cudaErrorMemoryAllocation) throw OutOfMemoryError(str_cat("CUDA out of memory (", what, ")"));
  throw Error(str_cat("CUDA error: ", cudaGetErrorString(e), " (", what, ")"));
}

namespace {
constexpr int kMaxDevices = 64;
// -1 until queried; the count never changes during a process.
int query_count(cudaError_t* err) {
  static cudaError_t e = cudaSuccess;
  static int n = [] {
    int c = 0;
    e = cudaGetDeviceCount(&c);
    if (e != cudaSuccess) {
      cudaGetLastError();
      c = 0;
    }
    return std::min(c, kMaxDevices);
  }();
  if (err) *err = e;
  return n;
}
thread_local cudaStream_t t_current[kMaxDevices] = {};  // null = legacy default stream
}  // namespace

int device_count() { return query_count(nullptr); }

void check_available() {
  cudaError_t e;
  if (query_count(&e) > 0) return;
  if (e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice) {
    if (e == cudaErrorNoDevice) throw Error("No CUDA GPUs are available");
    throw Error(
        "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver "
        "from http://www.nvidia.com/Download/index.aspx");
  }
  if (e != cudaSuccess) throw Error(str_cat("CUDA driver initialization failed: ", cudaGetErrorString(e)));
  throw Error("No CUDA GPUs are available");
}

void check_device(int index) {
  check_available();
  if (index < 0 || index >= device_count()) throw Error("CUDA error: invalid device ordinal");
}

int current_device() {
  check_available();
  int d = 0;
  CT_CUDA_CHECK(cudaGetDevice(&d));
  return d;
}

void set_device(int index) {
  check_device(index);
  CT_CUDA_CHECK(cudaSetDevice(index));
}

Device resolve(Device d) {
  if (!d.is_cuda()) return d;
  if (d.index < 0) return Device(kCUDA, current_device());
  check_device(d.index);
  return d;
}

DeviceGuard::DeviceGuard(int index) {
  if (index < 0) return;
  int cur = 0;
  CT_CUDA_CHECK(cudaGetDevice(&cur));
  if (cur != index) {
    CT_CUDA_CHECK(cudaSetDevice(index));
    prev_ = cur;
  }
}
DeviceGuard::~DeviceGuard() {
  if (prev_ >= 0) cudaSetDevice(prev_);
}

DeviceProps device_properties(int index) {
  check_device(index);
  cudaDeviceProp p;
  CT_CUDA_CHECK(cudaGetDeviceProperties(&p, index));
  DeviceProps r;
  r.name = p.name;
  r.major = p.major;
  r.minor = p.minor;
  r.total_memory = int64_t(p.totalGlobalMem);
  r.multi_processor_count = p.multiProcessorCount;
  r.warp_size = p.warpSize;
  r.l2_cache_size = p.l2CacheSize;
  r.pci_bus_id = p.pciBusID;
  r.pci_device_id = p.pciDeviceID;
  r.pci_domain_id = p.pciDomainID;
  r.max_threads_per_multi_processor = p.maxThreadsPerMultiProcessor;
  r.regs_per_multiprocessor = p.regsPerMultiprocessor;
  r.shared_memory_per_block = int64_t(p.sharedMemPerBlock);
  r.shared_memory_per_block_optin = int64_t(p.sharedMemPerBlockOptin);
  r.shared_memory_per_multiprocessor = int64_t(p.sharedMemPerMultiprocessor);
  r.is_integrated = p.integrated != 0;
  r.is_multi_gpu_board = p.isMultiGpuBoard != 0;
  char u[64];
  const auto* b = reinterpret_cast<const unsigned char*>(p.uuid.bytes);
  std::snprintf(u, sizeof u, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  r.uuid = u;
  return r;
}

bool can_device_access_peer(int device, int peer) {
  check_device(device);
  check_device(peer);
  int r = 0;
  CT_CUDA_CHECK(cudaDeviceCanAccessPeer(&r, device, peer));
  return r != 0;
}

int sm_count() {
  static int counts[kMaxDevices] = {};
  int d = 0;
  cudaGetDevice(&d);
  if (counts[d] == 0) {
    int c = 0;
    CT_CUDA_CHECK(cudaDeviceGetAttribute(&c, cudaDevAttrMultiProcessorCount, d));
    counts[d] = std::max(c, 1);
  }
  return counts[d];
}

int grid_for(int64_t n, int block) {
  int64_t blocks = (n + block - 1) / block;
  int64_t cap = int64_t(sm_count()) * (2048 / block) * 4;  // a few waves; the loops stride the rest
  return int(std::max<int64_t>(1, std::min(blocks, cap)));
}

bool can_use_32bit(const TensorIter& it) {
  const int64_t lim = int64_t(INT32_MAX);
  if (it.numel() > lim) return false;
  for (int k = 0; k < it.ntensors(); ++k) {
    int64_t span = 0;
    for (int d = 0; d < it.ndim(); ++d) span += (it.shape()[d] - 1) * std::abs(it.strides(k)[d]);
    if (span > lim) return false;
  }
  return true;
}

void synchronize(int device) { sync_device(device < 0 ? current_device() : device); }

// ---- streams ----
uintptr_t current_stream(int device) {
  if (device < 0) device = current_device();
  else if (device >= device_count()) check_device(device);  // throws; keeps t_current in bounds
  return reinterpret_cast<uintptr_t>(t_current[device]);
}
void set_current_stream(int device, uintptr_t stream) {
  if (device < 0) device = current_device();
  check_device(device);
  t_current[device] = reinterpret_cast<cudaStream_t>(stream);
}
uintptr_t stream_create(int device, int priority) {
  DeviceGuard g(device < 0 ? current_device() : device);
  cudaStream_t s;
  CT_CUDA_CHECK(cudaStreamCreateWithPriority(&s, cudaStreamNonBlocking, priority));
  return reinterpret_cast<uintptr_t>(s);
}
void stream_destroy(int device, uintptr_t stream) {
  if (!stream) return;
  DeviceGuard g(device);
  cudaStreamDestroy(reinterpret_cast<cudaStream_t>(stream));
}
void stream_synchronize(int device, uintptr_t stream) {
  DeviceGuard g(device < 0 ? current_device() : device);
  check_implicit_sync();  // torch reports Stream.synchronize() too
  sync_stream(device < 0 ? current_device() : device, reinterpret_cast<cudaStream_t>(stream));
}
bool stream_query(int device, uintptr_t stream) {
  DeviceGuard g(device < 0 ? current_device() : device);
  cudaError_t e = cudaStreamQuery(reinterpret_cast<cudaStream_t>(stream));
  if (e == cudaErrorNotReady) {
    cudaGetLastError();
    return false;
  }
  CT_CUDA_CHECK(e);
  return true;
}
void stream_wait_event(int device, uintptr_t stream, uintptr_t event) {
  DeviceGuard g(device < 0 ? current_device() : device);
  CT_CUDA_CHECK(cudaStreamWaitEvent(reinterpret_cast<cudaStream_t>(stream), reinterpret_cast<cudaEvent_t>(event), 0));
}
std::pair<int, int> stream_priority_range() {
  check_available();
  int lo = 0, hi = 0;  // CUDA calls them least and greatest: greatest is the most negative
  CT_CUDA_CHECK(cudaDeviceGetStreamPriorityRange(&lo, &hi));
  return {lo, hi};
}

// ---- events ----
uintptr_t event_create(int device, bool enable_timing, bool blocking) {
  DeviceGuard g(device < 0 ? current_device() : device);
  unsigned flags = (enable_timing ? 0u : unsigned(cudaEventDisableTiming)) | (blocking ? unsigned(cudaEventBlockingSync) : 0u);
  cudaEvent_t e;
  CT_CUDA_CHECK(cudaEventCreateWithFlags(&e, flags));
  return reinterpret_cast<uintptr_t>(e);
}
void event_destroy(int device, uintptr_t event) {
  if (!event) return;
  DeviceGuard g(device);
  cudaEventDestroy(reinterpret_cast<cudaEvent_t>(event));
}
void event_record(int device, uintptr_t event, uintptr_t stream) {
  DeviceGuard g(device < 0 ? current_device() : device);
  CT_CUDA_CHECK(cudaEventRecord(reinterpret_cast<cudaEvent_t>(event), reinterpret_cast<cudaStream_t>(stream)));
}
void event_synchronize(uintptr_t event) { CT_CUDA_CHECK(cudaEventSynchronize(reinterpret_cast<cudaEvent_t>(event))); }
bool event_query(uintptr_t event) {
  cudaError_t e = cudaEventQuery(reinterpret_cast<cudaEvent_t>(event));
  if (e == cudaErrorNotReady) {
    cudaGetLastError();
    return false;
  }
  CT_CUDA_CHECK(e);
  return true;
}
double event_elapsed_ms(uintptr_t start, uintptr_t end) {
  float ms = 0;
  CT_CUDA_CHECK(cudaEventElapsedTime(&ms, reinterpret_cast<cudaEvent_t>(start), reinterpret_cast<cudaEvent_t>(end)));
  return ms;
}

}  // namespace cuda
}  // namespace ctorch
