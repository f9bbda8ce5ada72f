// Caching device allocator (pinned host memory: host_cache.cu).
//
// Note [CUDA caching allocator]
// cudaMalloc/cudaFree synchronise the device and cost tens of microseconds, so freed blocks are
// kept and handed out again. A block belongs to the stream that was current when it was
// allocated; it is reused only by allocations on that same stream, where stream order already
// guarantees that earlier kernels using it have finished. A tensor also used on another stream is
// marked with record_stream: its block then waits, after the free, for events recorded on those
// streams before it is cached again. Sizes are rounded (512 B below 1 MiB, 2 MiB
// above) and a cached block is taken when it is at most 25% (or one rounding unit) larger than
// asked. When cudaMalloc fails the cache of that device is released and the call retried once.
#include <cuda_runtime.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <vector>

#include "common.cuh"
#include "ctorch/ops/shape.h"

namespace ctorch {
namespace cuda {

namespace {

constexpr size_t kSmallLimit = size_t(1) << 20;
constexpr size_t kSmallRound = 512;
constexpr size_t kLargeRound = size_t(2) << 20;
constexpr int kMaxDev = 64;

size_t round_size(size_t n) {
  if (n < kSmallLimit) return std::max(kSmallRound, (n + kSmallRound - 1) / kSmallRound * kSmallRound);
  return (n + kLargeRound - 1) / kLargeRound * kLargeRound;
}

struct Block {
  void* ptr;
  size_t size;
  size_t requested;  // the caller's byte count (requested_bytes)
  int device;
  cudaStream_t stream;
  std::vector<cudaStream_t> used_on;  // record_stream: other streams that use the block
};

// A freed block that other streams may still be using: cached once all its events complete.
struct Pending {
  Block block;
  std::vector<cudaEvent_t> events;
};

using FreeKey = std::tuple<cudaStream_t, size_t, void*>;

struct DeviceState {
  std::set<FreeKey> free_blocks;       // ordered by (stream, size): lower_bound is the best fit
  std::map<void*, Block> live;         // allocated blocks
  std::vector<Pending> pending;        // freed, waiting for record_stream streams
  MemoryStats stats;
  // Applies `f` to the "all" entry and to the pool of a block of `size` bytes.
  template <class F>
  void pools(size_t size, F f) {
    f(kPoolAll);
    f(size < kSmallLimit ? kPoolSmall : kPoolLarge);
  }
  int64_t limit = -1;                  // set_per_process_memory_fraction cap on reserved bytes
  double fraction = 1.0;
};

class CudaCachingAllocator final : public Allocator {
 public:
  DataPtr allocate(size_t nbytes) override { return allocate_on(nbytes, Device(kCUDA, current_device())); }

  DataPtr allocate_on(size_t nbytes, Device d) override {
    if (nbytes == 0) return DataPtr{nullptr, nullptr, nullptr};
    check_device(d.index);
    return allocate_on_stream(nbytes, d.index, stream_of(d.index));
  }

  DataPtr allocate_on_stream(size_t nbytes, int dev, cudaStream_t s) {
    DeviceGuard guard(dev);
    const size_t size = round_size(nbytes);
    std::lock_guard<std::mutex> lk(mu_);
    DeviceState& st = state_[dev];
    process_pending(st, false);
    void* p = nullptr;
    auto it = st.free_blocks.lower_bound(FreeKey{s, size, nullptr});
    const size_t slack = std::max(size / 4, size < kSmallLimit ? kSmallRound : kLargeRound);
    if (it != st.free_blocks.end() && std::get<0>(*it) == s && std::get<1>(*it) <= size + slack) {
      p = std::get<2>(*it);
      st.free_blocks.erase(it);
    } else {
      // Over the process's fraction counts as a failed cudaMalloc: free the cache, retry once.
      auto over = [&] { return st.limit >= 0 && st.stats.reserved() + int64_t(size) > st.limit; };
      cudaError_t e = over() ? cudaErrorMemoryAllocation : cudaMalloc(&p, size);
      if (e == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        st.stats.num_alloc_retries++;
        release_cached(dev);
        e = over() ? cudaErrorMemoryAllocation : cudaMalloc(&p, size);
      }
      if (e != cudaSuccess) {
        cudaGetLastError();
        size_t free_b = 0, total_b = 0;
        cudaMemGetInfo(&free_b, &total_b);
        st.stats.num_ooms++;
        throw OutOfMemoryError(str_cat("CUDA out of memory. Tried to allocate ", mib(size), " MiB. GPU ", dev,
                            " has a total capacity of ", mib(total_b), " MiB of which ", mib(free_b),
                            " MiB is free. ",
                            st.limit >= 0 ? str_cat("Process memory is limited to ", mib(st.limit),
                                                    " MiB by set_per_process_memory_fraction(", st.fraction, "). ")
                                          : std::string(),
                            "Of the allocated memory ", mib(st.stats.allocated()),
                            " MiB is allocated by ctorch, and ", mib(st.stats.reserved() - st.stats.allocated()),
                            " MiB is reserved by ctorch but unallocated."));
      }
      st.pools(size, [&](int k) {
        st.stats.reserved_bytes[k].add(int64_t(size));
        st.stats.segment[k].add(1);
      });
      st.stats.num_device_alloc++;
      sizes_[p] = size;
    }
    const size_t bs = sizes_[p];
    st.live[p] = Block{p, bs, nbytes, dev, s};
    st.pools(bs, [&](int k) {
      st.stats.allocated_bytes[k].add(int64_t(bs));
      st.stats.active_bytes[k].add(int64_t(bs));
      st.stats.requested_bytes[k].add(int64_t(nbytes));
      st.stats.allocation[k].add(1);
      st.stats.active[k].add(1);
    });
    return DataPtr{p, this, &CudaCachingAllocator::free_fn};
  }

  // Storage resize: the copy runs on the current stream of the device that holds the blocks
  // (not of the current device, which may differ).
  void copy_bytes(void* dst, const void* src, size_t n) override {
    int dev = -1;
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (int d = 0; d < kMaxDev && dev < 0; ++d)
        if (state_[d].live.count(dst)) dev = d;
    }
    if (dev < 0) CT_CUDA_CHECK(cudaGetDevice(&dev));
    DeviceGuard guard(dev);
    CT_CUDA_CHECK(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToDevice, stream_of(dev)));
  }

  void free(void* p) {
    std::lock_guard<std::mutex> lk(mu_);
    for (int d = 0; d < kMaxDev; ++d) {
      auto it = state_[d].live.find(p);
      if (it == state_[d].live.end()) continue;
      Block b = it->second;
      DeviceState& st = state_[d];
      st.live.erase(it);
      st.pools(b.size, [&](int k) {
        st.stats.allocated_bytes[k].sub(int64_t(b.size));
        st.stats.requested_bytes[k].sub(int64_t(b.requested));
        st.stats.allocation[k].sub(1);
      });
      if (b.used_on.empty()) {
        cache(st, b);
        return;
      }
      // Work queued on the other streams may still read or write the block: wait for it.
      DeviceGuard g(d);
      Pending pend{b, {}};
      for (cudaStream_t s : b.used_on) {
        cudaEvent_t e;
        if (cudaEventCreateWithFlags(&e, cudaEventDisableTiming) != cudaSuccess ||
            cudaEventRecord(e, s) != cudaSuccess) {
          cudaGetLastError();
          cudaStreamSynchronize(s);  // no event: wait now instead
          continue;
        }
        pend.events.push_back(e);
      }
      state_[d].pending.push_back(std::move(pend));
      return;
    }
  }

  // Tensor.record_stream: the block must not be reused before `stream`'s queued work finishes.
  void record_stream(void* p, cudaStream_t stream) {
    std::lock_guard<std::mutex> lk(mu_);
    for (int d = 0; d < kMaxDev; ++d) {
      auto it = state_[d].live.find(p);
      if (it == state_[d].live.end()) continue;
      Block& b = it->second;
      if (stream != b.stream && std::find(b.used_on.begin(), b.used_on.end(), stream) == b.used_on.end())
        b.used_on.push_back(stream);
      return;
    }
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lk(mu_);
    for (int d = 0; d < std::min(device_count(), kMaxDev); ++d) release_cached(d);
  }

  MemoryStats stats(int dev) {
    std::lock_guard<std::mutex> lk(mu_);
    return state_[dev].stats;
  }
  void set_fraction(int dev, double fraction, int64_t total) {
    std::lock_guard<std::mutex> lk(mu_);
    state_[dev].fraction = fraction;
    state_[dev].limit = int64_t(fraction * double(total));
  }
  double fraction(int dev) {
    std::lock_guard<std::mutex> lk(mu_);
    return state_[dev].fraction;
  }
  void reset_peak(int dev) {
    std::lock_guard<std::mutex> lk(mu_);
    for_each_stat(state_[dev].stats, [](MemStat& m) { m.peak = m.current; });
  }
  void reset_accumulated(int dev) {
    std::lock_guard<std::mutex> lk(mu_);
    MemoryStats& s = state_[dev].stats;
    for_each_stat(s, [](MemStat& m) { m.allocated = m.freed = 0; });
    s.num_alloc_retries = s.num_ooms = s.num_sync_all_streams = s.num_device_alloc = s.num_device_free = 0;
  }

  // caching_allocator_alloc/_delete: the DataPtrs of raw blocks, by address.
  uintptr_t raw_alloc(size_t nbytes, int dev, cudaStream_t s) {
    if (nbytes == 0) return 0;
    DataPtr p = allocate_on_stream(nbytes, dev, s);
    const uintptr_t key = reinterpret_cast<uintptr_t>(p.ptr);
    std::lock_guard<std::mutex> lk(mu_);
    raw_.emplace(key, p);
    return key;
  }
  void raw_delete(uintptr_t ptr) {
    DataPtr p;
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto it = raw_.find(ptr);
      CT_CHECK(it != raw_.end() || ptr == 0, "invalid device pointer: ", reinterpret_cast<void*>(ptr));
      if (it == raw_.end()) return;
      p = it->second;
      raw_.erase(it);
    }
    p.deleter(p.ptr, p.ctx);  // takes mu_ itself
  }

 private:
  static void free_fn(void* ptr, void* ctx) { static_cast<CudaCachingAllocator*>(ctx)->free(ptr); }
  static int64_t mib(int64_t b) { return b >> 20; }
  template <class F>
  static void for_each_stat(MemoryStats& s, F f) {
    for (MemStat* a : {s.allocated_bytes, s.reserved_bytes, s.active_bytes, s.requested_bytes, s.allocation,
                       s.segment, s.active})
      for (int k = 0; k < 3; ++k) f(a[k]);
  }
  // Caller holds mu_. A freed block back in its stream's free list: no longer active.
  static void cache(DeviceState& st, const Block& b) {
    st.pools(b.size, [&](int k) {
      st.stats.active_bytes[k].sub(int64_t(b.size));
      st.stats.active[k].sub(1);
    });
    st.free_blocks.insert(FreeKey{b.stream, b.size, b.ptr});
  }

  // Caller holds mu_. Moves pending blocks whose events completed (all of them when `wait`) to
  // the free lists of their allocation streams.
  void process_pending(DeviceState& st, bool wait) {
    for (size_t i = 0; i < st.pending.size();) {
      Pending& pd = st.pending[i];
      bool done = true;
      for (cudaEvent_t e : pd.events) {
        cudaError_t r = wait ? cudaEventSynchronize(e) : cudaEventQuery(e);
        if (r == cudaErrorNotReady) {
          cudaGetLastError();
          done = false;
          break;
        }
      }
      if (!done) {
        ++i;
        continue;
      }
      for (cudaEvent_t e : pd.events) cudaEventDestroy(e);
      cache(st, pd.block);
      st.pending[i] = std::move(st.pending.back());
      st.pending.pop_back();
    }
  }

  // Caller holds mu_. Waits for the device so no queued kernel still uses a block.
  void release_cached(int dev) {
    DeviceState& st = state_[dev];
    if (!st.pending.empty()) {
      DeviceGuard g(dev);
      process_pending(st, true);
    }
    if (st.free_blocks.empty()) return;
    DeviceGuard g(dev);
    cudaDeviceSynchronize();
    st.stats.num_sync_all_streams++;
    for (const FreeKey& k : st.free_blocks) {
      void* p = std::get<2>(k);
      const size_t size = std::get<1>(k);
      cudaFree(p);
      st.pools(size, [&](int i) {
        st.stats.reserved_bytes[i].sub(int64_t(size));
        st.stats.segment[i].sub(1);
      });
      st.stats.num_device_free++;
      sizes_.erase(p);
    }
    st.free_blocks.clear();
  }

  std::mutex mu_;
  DeviceState state_[kMaxDev];
  std::map<void*, size_t> sizes_;  // every block ever obtained from cudaMalloc and not freed
  std::map<uintptr_t, DataPtr> raw_;  // caching_allocator_alloc blocks
};

// Never destroyed: freeing device memory after the CUDA runtime has shut down would fail.
// Function-local: constructed on first use, whatever the static initialisation order.
CudaCachingAllocator* alloc() {
  static CudaCachingAllocator* a = new CudaCachingAllocator();
  return a;
}

}  // namespace

Allocator* device_allocator() { return alloc(); }

MemoryStats memory_stats(int device) {
  if (device < 0) device = current_device();
  check_device(device);
  return alloc()->stats(device);
}
void reset_peak_memory_stats(int device) {
  if (device < 0) device = current_device();
  check_device(device);
  alloc()->reset_peak(device);
}
void reset_accumulated_memory_stats(int device) {
  if (device < 0) device = current_device();
  check_device(device);
  alloc()->reset_accumulated(device);
}
uintptr_t raw_alloc(size_t nbytes, int device, uintptr_t stream) {
  if (device < 0) device = current_device();
  check_device(device);
  return alloc()->raw_alloc(nbytes, device, reinterpret_cast<cudaStream_t>(stream));
}
void raw_delete(uintptr_t ptr) { alloc()->raw_delete(ptr); }
void set_memory_fraction(double fraction, int device) {
  if (device < 0) device = current_device();
  check_device(device);
  CT_CHECK(fraction >= 0 && fraction <= 1, "Invalid fraction value: ", fraction, ". Allowed range: 0~1");
  alloc()->set_fraction(device, fraction, mem_get_info(device).second);
}
double get_memory_fraction(int device) {
  if (device < 0) device = current_device();
  check_device(device);
  return alloc()->fraction(device);
}
void empty_cache() {
  if (device_count() == 0) return;  // torch: a no-op before CUDA is initialised
  alloc()->empty_cache();
}
std::pair<int64_t, int64_t> mem_get_info(int device) {
  DeviceGuard g(device < 0 ? current_device() : device);
  size_t f = 0, t = 0;
  CT_CUDA_CHECK(cudaMemGetInfo(&f, &t));
  return {int64_t(f), int64_t(t)};
}

void record_stream(const Tensor& t, uintptr_t stream) {
  CT_CHECK(t.device().is_cuda(), "record_stream: expected a CUDA tensor, got ", t.device().str());
  if (const Storage& st = t.get()->storage(); st && st->data()) alloc()->record_stream(st->data(), reinterpret_cast<cudaStream_t>(stream));
}

}  // namespace cuda
}  // namespace ctorch
