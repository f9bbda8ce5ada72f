// Page-locked (pinned) host memory: pin_memory(), is_pinned(), and the cache behind them.
//
// Note [Pinned host cache]
// cudaHostAlloc is slow, and cudaFreeHost waits for the whole device, so a loop that pins a batch
// per step would stall the GPU at every free. Freed pinned blocks are kept instead, in
// power-of-two size classes, and handed out again once the asynchronous copies that used them
// have finished: copy_between records an event on the copy's stream for every non_blocking
// transfer from or to a cached block (record_host_use). empty_host_cache() returns the idle
// blocks to the driver.
#include <cuda_runtime.h>

#include <map>
#include <mutex>
#include <vector>

#include "common.cuh"
#include "ctorch/ops/shape.h"

namespace ctorch {
namespace cuda {

namespace {

size_t size_class(size_t n) {
  size_t c = 512;
  while (c < n) c <<= 1;
  return c;
}

struct HostBlock {
  void* ptr = nullptr;
  size_t size = 0;
  std::vector<cudaEvent_t> events;  // copies that still read or write the block
};

class HostCache {
 public:
  void* allocate(size_t n) {
    const size_t size = size_class(std::max<size_t>(n, 1));
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto range = free_.equal_range(size);
      for (auto it = range.first; it != range.second; ++it) {
        if (!events_done(it->second, false)) continue;
        HostBlock b = std::move(it->second);
        free_.erase(it);
        void* p = b.ptr;
        live_.emplace(p, std::move(b));
        stats_.add(int64_t(size));
        return p;
      }
    }
    void* p = nullptr;
    cudaError_t e = cudaHostAlloc(&p, size, cudaHostAllocDefault);
    if (e != cudaSuccess) {  // out of pinned memory: give the idle blocks back, retry once
      cudaGetLastError();
      empty();
      CT_CUDA_CHECK(cudaHostAlloc(&p, size, cudaHostAllocDefault));
    }
    std::lock_guard<std::mutex> lk(mu_);
    live_.emplace(p, HostBlock{p, size, {}});
    stats_.add(int64_t(size));
    reserved_.add(int64_t(size));
    return p;
  }

  void release(void* p) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = live_.find(p);
    if (it == live_.end()) return;
    stats_.sub(int64_t(it->second.size));
    free_.emplace(it->second.size, std::move(it->second));
    live_.erase(it);
  }

  // A non_blocking copy on `s` uses the block that holds `p` (any address inside it).
  void record_use(const void* p, cudaStream_t s) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = live_.upper_bound(const_cast<void*>(p));
    if (it == live_.begin()) return;
    --it;
    HostBlock& b = it->second;
    if (static_cast<const char*>(p) >= static_cast<char*>(b.ptr) + b.size) return;  // not ours
    cudaEvent_t e;
    if (cudaEventCreateWithFlags(&e, cudaEventDisableTiming) != cudaSuccess || cudaEventRecord(e, s) != cudaSuccess) {
      cudaGetLastError();
      cudaStreamSynchronize(s);  // no event: the copy is done once this returns
      return;
    }
    b.events.push_back(e);
  }

  // Frees every idle cached block (waiting for the copies that still use one).
  void empty() {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& [size, b] : free_) {
      events_done(b, true);
      cudaFreeHost(b.ptr);
      reserved_.sub(int64_t(size));
    }
    free_.clear();
  }

  MemStat allocated() {
    std::lock_guard<std::mutex> lk(mu_);
    return stats_;
  }
  MemStat reserved() {
    std::lock_guard<std::mutex> lk(mu_);
    return reserved_;
  }

 private:
  // Caller holds mu_. True once every recorded copy finished (waits for them when `wait`).
  static bool events_done(HostBlock& b, bool wait) {
    for (size_t i = 0; i < b.events.size();) {
      const cudaError_t r = wait ? cudaEventSynchronize(b.events[i]) : cudaEventQuery(b.events[i]);
      if (r == cudaErrorNotReady) {
        cudaGetLastError();
        return false;
      }
      cudaGetLastError();  // a failed copy's event: nothing is using the block any more
      cudaEventDestroy(b.events[i]);
      b.events[i] = b.events.back();
      b.events.pop_back();
    }
    return true;
  }

  std::mutex mu_;
  std::map<void*, HostBlock> live_;           // by address: record_use finds interior pointers
  std::multimap<size_t, HostBlock> free_;     // by size class
  MemStat stats_, reserved_;                  // bytes in use / obtained from cudaHostAlloc
};

// Never destroyed: blocks may be released after the CUDA runtime has shut down.
HostCache* host_cache() {
  static HostCache* c = new HostCache();
  return c;
}

}  // namespace

void record_host_use(const void* p, cudaStream_t s) { host_cache()->record_use(p, s); }
void empty_host_cache() {
  if (device_count() > 0) host_cache()->empty();
}
std::pair<MemStat, MemStat> host_memory_stats() {
  return {host_cache()->allocated(), host_cache()->reserved()};
}

Tensor pin_memory(const Tensor& t) {
  CT_CHECK(t.device().is_cpu(), "cannot pin '", t.device().is_cuda() ? "torch.cuda." : "torch.",
           dtype_legacy_name(t.dtype()), "Tensor' only dense CPU tensors can be pinned");
  check_available();
  const size_t nbytes = size_t(t.numel()) * size_t(t.element_size());
  void* p = host_cache()->allocate(nbytes);
  auto storage = std::make_shared<StorageImpl>(p, nbytes, Device(), [p] { host_cache()->release(p); });
  Shape strides(size_t(t.dim()));
  int64_t s = 1;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    strides[size_t(d)] = s;
    s *= t.size(d);
  }
  Tensor out(std::make_shared<TensorImpl>(std::move(storage), t.dtype(), t.sizes(), strides, 0));
  if (t.numel()) {
    Tensor dst = out;
    copy_nobump_(dst, t);
  }
  return out;
}

bool is_pinned(const Tensor& t) {
  if (!t.device().is_cpu() || device_count() == 0 || !t.data_ptr()) return false;
  cudaPointerAttributes a;
  if (cudaPointerGetAttributes(&a, t.data_ptr()) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return a.type == cudaMemoryTypeHost;
}

}  // namespace cuda
}  // namespace ctorch
