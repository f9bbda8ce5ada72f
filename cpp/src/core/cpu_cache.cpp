// Note [CPU block cache]
// Large CPU blocks (>= large_block_threshold(), 1 MiB by default) come from mmap, 2 MiB aligned
// and madvise(MADV_HUGEPAGE)d, in size buckets (4 per power of two, multiples of 2 MiB). When a
// Storage dies its block goes to the free list of its bucket instead of back to the OS, unless
// that would push cached bytes over max_cached_bytes(). A later request of the same bucket
// reuses it: no mmap, no page faults, no kernel zeroing. Blocks are only recycled when the
// owning Storage is destroyed (the deleter runs in ~StorageImpl), so no live tensor can alias a
// reused block. One mutex guards the free lists; allocation counters are atomics because the
// small (malloc) path updates them without taking the lock.
#include "ctorch/core/cpu_cache.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ctorch/core/check.h"

namespace ctorch {
namespace cpu_cache {

namespace {

constexpr size_t kHuge = size_t(2) << 20;  // 2 MiB: x86-64 huge page

size_t env_size(const char* name, size_t dflt) {
  const char* v = std::getenv(name);
  if (!v || !*v) return dflt;
  char* end = nullptr;
  unsigned long long x = std::strtoull(v, &end, 10);
  return end == v ? dflt : size_t(x);
}

// Two atomic updates per small allocation and per free: this runs for every tensor.
std::atomic<int64_t> g_allocated{0}, g_peak{0}, g_num_allocs{0}, g_num_frees{0};

inline void note_alloc(size_t n) {
  int64_t now = g_allocated.fetch_add(int64_t(n), std::memory_order_relaxed) + int64_t(n);
  int64_t pk = g_peak.load(std::memory_order_relaxed);
  while (now > pk && !g_peak.compare_exchange_weak(pk, now, std::memory_order_relaxed)) {
  }
  g_num_allocs.fetch_add(1, std::memory_order_relaxed);
}
inline void note_free(size_t n) {
  g_allocated.fetch_sub(int64_t(n), std::memory_order_relaxed);
  g_num_frees.fetch_add(1, std::memory_order_relaxed);
}

// Default cap: 2 GiB, or an eighth of physical memory on small machines.
size_t default_cap() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  size_t cap = size_t(2) << 30;
  if (pages > 0 && page > 0) cap = std::min(cap, size_t(pages) * size_t(page) / 8);
  return cap;
}

// Leaked on purpose: storages may die during static destruction at exit.
struct Cache {
  std::mutex mu;
  std::map<size_t, std::vector<void*>> free_lists;  // bucket size -> free blocks
  size_t cached = 0;      // bytes in free_lists
  size_t live_large = 0;  // bucket bytes of blocks handed out
  size_t live_large_requested = 0;  // requested bytes of those (to tell small from large)
  int64_t num_large = 0, hits = 0, os_allocs = 0, os_frees = 0;
  size_t max_cached = env_size("CTORCH_CPU_CACHE_MAX_BYTES", default_cap());
  std::atomic<size_t> threshold{env_size("CTORCH_CPU_CACHE_THRESHOLD", size_t(1) << 20)};
  std::atomic<bool> hugepages{env_size("CTORCH_CPU_HUGEPAGES", 1) != 0};
};
Cache& cache() {
  static Cache* c = [] {
    auto* p = new Cache;
    // fork() while another thread holds the lock would leave the child's copy locked forever.
    pthread_atfork([] { cache().mu.lock(); }, [] { cache().mu.unlock(); }, [] { cache().mu.unlock(); });
    return p;
  }();
  return *c;
}

void* os_map(size_t bytes) {
  // Over-map by one huge page, then trim to a 2 MiB-aligned range of exactly `bytes`.
  size_t len = bytes + kHuge;
  void* raw = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  uintptr_t b = reinterpret_cast<uintptr_t>(raw);
  uintptr_t a = (b + kHuge - 1) & ~uintptr_t(kHuge - 1);
  if (a > b) munmap(raw, a - b);
  size_t tail = (b + len) - (a + bytes);
  if (tail) munmap(reinterpret_cast<void*>(a + bytes), tail);
  void* p = reinterpret_cast<void*>(a);
#ifdef MADV_HUGEPAGE
  if (cache().hugepages.load(std::memory_order_relaxed)) madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

// Frees every cached block (caller holds the lock) until cached <= keep.
void trim_locked(Cache& c, size_t keep) {
  for (auto it = c.free_lists.rbegin(); it != c.free_lists.rend() && c.cached > keep; ++it) {
    auto& v = it->second;
    while (!v.empty() && c.cached > keep) {
      munmap(v.back(), it->first);
      v.pop_back();
      c.cached -= it->first;
      ++c.os_frees;
    }
  }
  for (auto it = c.free_lists.begin(); it != c.free_lists.end();)
    it = it->second.empty() ? c.free_lists.erase(it) : std::next(it);
}

}  // namespace

size_t bucket_size(size_t n) {
  if (n <= kHuge) return kHuge;
  // 4 buckets per power of two (at most 25% rounding), then whole huge pages.
  int lg = 63 - __builtin_clzll((unsigned long long)(n - 1));  // 2^lg < n <= 2^(lg+1)
  size_t step = (size_t(1) << lg) / 4;
  size_t r = (n + step - 1) / step * step;
  return (r + kHuge - 1) & ~(kHuge - 1);
}

void* allocate_large(size_t nbytes, size_t* block_bytes) {
  Cache& c = cache();
  size_t b = bucket_size(nbytes);
  *block_bytes = b;
  {
    std::lock_guard<std::mutex> g(c.mu);
    ++c.num_large;
    auto it = c.free_lists.find(b);
    if (it != c.free_lists.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.cached -= b;
      c.live_large += b;
      c.live_large_requested += nbytes;
      ++c.hits;
      note_alloc(nbytes);
      return p;
    }
  }
  void* p = os_map(b);
  if (!p) {  // give the cache back to the OS and retry once
    empty_cache();
    p = os_map(b);
    if (!p) throw Error(str_cat("[CPU allocator] out of memory: tried to allocate ", nbytes, " bytes"));
  }
  std::lock_guard<std::mutex> g(c.mu);
  ++c.os_allocs;
  c.live_large += b;
  c.live_large_requested += nbytes;
  note_alloc(nbytes);
  return p;
}

void free_large(void* p, size_t b, size_t requested) {
  Cache& c = cache();
  std::unique_lock<std::mutex> g(c.mu);
  note_free(requested);
  c.live_large -= b;
  c.live_large_requested -= requested;
  if (c.cached + b <= c.max_cached) {
    c.free_lists[b].push_back(p);
    c.cached += b;
    return;
  }
  ++c.os_frees;
  g.unlock();
  munmap(p, b);
}

void note_small_alloc(size_t n) { note_alloc(n); }
void note_small_free(size_t n) { note_free(n); }

MemoryStats memory_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  MemoryStats s;
  s.allocated_bytes = g_allocated.load();
  s.peak_allocated_bytes = g_peak.load();
  s.cached_bytes = int64_t(c.cached);
  const int64_t small_live = s.allocated_bytes - int64_t(c.live_large_requested);
  s.reserved_bytes = small_live + int64_t(c.live_large + c.cached);
  s.num_allocs = g_num_allocs.load();
  s.num_frees = g_num_frees.load();
  s.num_large_allocs = c.num_large;
  s.num_cache_hits = c.hits;
  s.num_os_allocs = c.os_allocs;
  s.num_os_frees = c.os_frees;
  s.max_cached_bytes = int64_t(c.max_cached);
  s.large_block_threshold = int64_t(c.threshold.load());
  return s;
}

void empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  trim_locked(c, 0);
}

void reset_peak_stats() { g_peak.store(g_allocated.load()); }

void reset_accumulated_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  g_num_allocs = 0;
  g_num_frees = 0;
  c.num_large = c.hits = c.os_allocs = c.os_frees = 0;
}

size_t max_cached_bytes() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  return c.max_cached;
}

void set_max_cached_bytes(size_t n) {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  c.max_cached = n;
  trim_locked(c, n);
}

size_t large_block_threshold() { return cache().threshold.load(std::memory_order_relaxed); }
void set_large_block_threshold(size_t n) {
  CT_CHECK_VALUE(n > 0, "large block threshold must be positive");
  cache().threshold.store(n, std::memory_order_relaxed);
}
bool hugepages_enabled() { return cache().hugepages.load(std::memory_order_relaxed); }
void set_hugepages_enabled(bool on) { cache().hugepages.store(on, std::memory_order_relaxed); }

}  // namespace cpu_cache
}  // namespace ctorch
