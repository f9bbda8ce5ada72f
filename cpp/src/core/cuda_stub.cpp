// The CUDA host API of a build without nvcc: queries answer "no device", everything else raises
// the error PyTorch raises on a CPU-only build.
#ifndef CTORCH_WITH_CUDA
#include "ctorch/core/check.h"
#include "ctorch/cuda/cuda_api.h"

namespace ctorch {
namespace cuda {

namespace {
[[noreturn]] void no_cuda() { throw Error("Torch not compiled with CUDA enabled"); }
}  // namespace

int device_count() { return 0; }
void check_available() { no_cuda(); }
void check_device(int) { no_cuda(); }
int current_device() { no_cuda(); }
void set_device(int) { no_cuda(); }
Device resolve(Device d) {
  if (d.is_cuda()) no_cuda();
  return d;
}
DeviceProps device_properties(int) { no_cuda(); }
void synchronize(int) { no_cuda(); }
uintptr_t current_stream(int) { no_cuda(); }
void set_current_stream(int, uintptr_t) { no_cuda(); }
uintptr_t stream_create(int, int) { no_cuda(); }
void stream_destroy(int, uintptr_t) {}
void stream_synchronize(int, uintptr_t) { no_cuda(); }
bool stream_query(int, uintptr_t) { no_cuda(); }
void stream_wait_event(int, uintptr_t, uintptr_t) { no_cuda(); }
std::pair<int, int> stream_priority_range() { no_cuda(); }
uintptr_t event_create(int, bool, bool) { no_cuda(); }
void event_destroy(int, uintptr_t) {}
void event_record(int, uintptr_t, uintptr_t) { no_cuda(); }
void event_synchronize(uintptr_t) { no_cuda(); }
bool event_query(uintptr_t) { no_cuda(); }
double event_elapsed_ms(uintptr_t, uintptr_t) { no_cuda(); }
MemoryStats memory_stats(int) { return {}; }
void reset_peak_memory_stats(int) {}
void empty_cache() {}
std::pair<int64_t, int64_t> mem_get_info(int) { no_cuda(); }
void set_memory_fraction(double, int) { no_cuda(); }
double get_memory_fraction(int) { no_cuda(); }
Tensor pin_memory(const Tensor&) { no_cuda(); }
bool is_pinned(const Tensor&) { return false; }
void record_stream(const Tensor&, uintptr_t) { no_cuda(); }
void copy_between(Tensor&, const Tensor&, bool) { no_cuda(); }
void manual_seed(int, uint64_t) {}
std::shared_ptr<Generator> default_generator(int) { no_cuda(); }
uint64_t initial_seed(int) { no_cuda(); }
uint64_t seed(int) { no_cuda(); }
void get_rng_state(int, uint64_t*, uint64_t*) { no_cuda(); }
void set_rng_state(int, uint64_t, uint64_t) { no_cuda(); }
std::string gemm_backend() { return "none"; }
void reset_accumulated_memory_stats(int) {}
void empty_host_cache() {}
std::pair<MemStat, MemStat> host_memory_stats() { return {}; }
void set_sync_kernel_errors(bool) {}
bool sync_kernel_errors() { return false; }
uintptr_t raw_alloc(size_t, int, uintptr_t) { no_cuda(); }
void raw_delete(uintptr_t) { no_cuda(); }
bool can_device_access_peer(int, int) { no_cuda(); }
// torch's CPU build raises this from torch.cuda.nvtx.
[[noreturn]] void no_nvtx() { throw Error("NVTX functions not installed. Are you sure you have a CUDA build?"); }
int nvtx_range_push(const std::string&) { no_nvtx(); }
int nvtx_range_pop() { no_nvtx(); }
uint64_t nvtx_range_start(const std::string&) { no_nvtx(); }
void nvtx_range_end(uint64_t) { no_nvtx(); }
void nvtx_mark(const std::string&) { no_nvtx(); }

}  // namespace cuda
}  // namespace ctorch
#endif
