#pragma once
// Host-side API of the CUDA part (no CUDA headers: the bindings and the CPU-only build include it).
// Implemented by cuda/*.cu when the build has nvcc; cpp/src/core/cuda_stub.cpp otherwise, where
// every call except the queries throws "Torch not compiled with CUDA enabled".
// Streams and events travel as opaque handles (cudaStream_t / cudaEvent_t cast to uintptr_t);
// stream 0 is the legacy default stream, as in PyTorch.
#include <cstdint>
#include <memory>
#include <string>

#include "ctorch/core/tensor.h"

namespace ctorch {
class Generator;
namespace cuda {

CT_API int device_count();  // 0 without a driver or a device (never throws)
// Throws "Torch not compiled with CUDA enabled" / "Found no NVIDIA driver ..." / invalid ordinal.
CT_API void check_available();
CT_API void check_device(int index);
CT_API int current_device();
CT_API void set_device(int index);
// Fills a device's -1 index with the current device.
CT_API Device resolve(Device d);

struct DeviceProps {
  std::string name;
  int major = 0, minor = 0;
  int64_t total_memory = 0;
  int multi_processor_count = 0;
  int warp_size = 32;
  int64_t l2_cache_size = 0;
  int pci_bus_id = 0, pci_device_id = 0, pci_domain_id = 0;
  int max_threads_per_multi_processor = 0, regs_per_multiprocessor = 0;
  int64_t shared_memory_per_block = 0, shared_memory_per_block_optin = 0, shared_memory_per_multiprocessor = 0;
  bool is_integrated = false, is_multi_gpu_board = false;
  std::string uuid;  // "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (nvidia-smi -L adds "GPU-")
};
CT_API DeviceProps device_properties(int index);

CT_API void synchronize(int device);  // -1: current

// Streams.
CT_API uintptr_t current_stream(int device);
CT_API void set_current_stream(int device, uintptr_t stream);
CT_API uintptr_t stream_create(int device, int priority);
CT_API void stream_destroy(int device, uintptr_t stream);
CT_API void stream_synchronize(int device, uintptr_t stream);
CT_API bool stream_query(int device, uintptr_t stream);
CT_API void stream_wait_event(int device, uintptr_t stream, uintptr_t event);
CT_API std::pair<int, int> stream_priority_range();

// Events.
CT_API uintptr_t event_create(int device, bool enable_timing, bool blocking);
CT_API void event_destroy(int device, uintptr_t event);
CT_API void event_record(int device, uintptr_t event, uintptr_t stream);
CT_API void event_synchronize(uintptr_t event);
CT_API bool event_query(uintptr_t event);
CT_API double event_elapsed_ms(uintptr_t start, uintptr_t end);

// Caching allocator statistics, with torch.cuda.memory_stats' names: each statistic has a
// current value, its peak, and the totals allocated and freed since the last reset, for all
// blocks and per pool (small_pool: blocks under 1 MiB; large_pool: the rest).
struct MemStat {
  int64_t current = 0, peak = 0, allocated = 0, freed = 0;
  void add(int64_t n) {
    current += n;
    allocated += n;
    if (current > peak) peak = current;
  }
  void sub(int64_t n) {
    current -= n;
    freed += n;
  }
};
enum MemPool { kPoolAll = 0, kPoolSmall = 1, kPoolLarge = 2 };
struct MemoryStats {
  MemStat allocated_bytes[3], reserved_bytes[3], active_bytes[3], requested_bytes[3];
  MemStat allocation[3], segment[3], active[3];  // counts of blocks
  int64_t num_alloc_retries = 0, num_ooms = 0, num_sync_all_streams = 0;
  int64_t num_device_alloc = 0, num_device_free = 0;  // cudaMalloc / cudaFree calls
  // Shorthands for the "all" pool.
  int64_t allocated() const { return allocated_bytes[kPoolAll].current; }
  int64_t reserved() const { return reserved_bytes[kPoolAll].current; }
};
CT_API MemoryStats memory_stats(int device);
CT_API void reset_peak_memory_stats(int device);
CT_API void reset_accumulated_memory_stats(int device);  // the allocated/freed totals and counters
// torch.cuda.caching_allocator_alloc / _delete: raw blocks from the caching allocator, for use
// on `stream` (a handle; 0 is the legacy default stream).
CT_API uintptr_t raw_alloc(size_t nbytes, int device, uintptr_t stream);
CT_API void raw_delete(uintptr_t ptr);
CT_API bool can_device_access_peer(int device, int peer);
CT_API void empty_cache();
CT_API std::pair<int64_t, int64_t> mem_get_info(int device);  // free, total
// Caps what the caching allocator reserves on `device` at fraction * total memory (an
// allocation beyond it frees the cache, then raises OutOfMemoryError). -1: current device.
CT_API void set_memory_fraction(double fraction, int device);
CT_API double get_memory_fraction(int device);

// The tensor's memory is also used on `stream`: its block is not reused until the work queued
// there when the tensor dies has finished (torch.Tensor.record_stream).
CT_API void record_stream(const Tensor& t, uintptr_t stream);

// Page-locked host memory, from a cache of pinned blocks (reused once their copies finished).
CT_API Tensor pin_memory(const Tensor& t);
CT_API bool is_pinned(const Tensor& t);
CT_API void empty_host_cache();  // returns the idle cached blocks to the driver
// (bytes in use by pinned tensors, bytes obtained from cudaHostAlloc)
CT_API std::pair<MemStat, MemStat> host_memory_stats();

// Copies between devices (either side may be CPU). dst and src have equal shapes up to
// broadcasting of src; dtypes may differ.
CT_API void copy_between(Tensor& dst, const Tensor& src, bool non_blocking);

// Philox generator of each device (seed + offset, like PyTorch's CUDA generator).
CT_API void manual_seed(int device, uint64_t seed);  // -1: all devices
CT_API std::shared_ptr<Generator> default_generator(int device);  // torch.cuda.default_generators[d]
CT_API uint64_t initial_seed(int device);
CT_API uint64_t seed(int device);  // nondeterministic reseed; returns the new seed
CT_API void get_rng_state(int device, uint64_t* seed, uint64_t* offset);
CT_API void set_rng_state(int device, uint64_t seed, uint64_t offset);

// Errors found by kernels (index bounds, integer division by zero) are raised at the next wait
// for the stream, as AcceleratorError; when this is on (CUDA_LAUNCH_BLOCKING=1 sets it) the host
// waits after each such kernel and the op raises its own error, as on the CPU.
CT_API void set_sync_kernel_errors(bool on);
CT_API bool sync_kernel_errors();

// NVTX ranges and marks for profilers (torch.cuda.nvtx); cheap no-ops when no tool is attached.
CT_API int nvtx_range_push(const std::string& msg);  // the nesting level, negative when untracked
CT_API int nvtx_range_pop();
CT_API uint64_t nvtx_range_start(const std::string& msg);
CT_API void nvtx_range_end(uint64_t id);
CT_API void nvtx_mark(const std::string& msg);

// The GEMM back end in use on this device ("cublas" or "ctorch"), for tests and benchmarks.
CT_API std::string gemm_backend();

}  // namespace cuda
}  // namespace ctorch
