#pragma once
// CPU memory accounting and the caching allocator for large blocks (see Note [CPU block cache]
// in cpu_cache.cpp). Small allocations go to malloc; blocks of at least large_block_threshold()
// bytes are kept in size-bucketed free lists when their Storage dies, so repeated big
// temporaries reuse already-faulted pages instead of paying mmap + page faults again.
#include <cstddef>
#include <cstdint>

#include "ctorch/core/macros.h"

namespace ctorch {
namespace cpu_cache {

struct MemoryStats {
  int64_t allocated_bytes = 0;       // bytes of live CPU storages (requested sizes)
  int64_t peak_allocated_bytes = 0;  // high-water mark of allocated_bytes since the last reset
  int64_t reserved_bytes = 0;        // bytes held from the OS: live blocks (rounded) + cached
  int64_t cached_bytes = 0;          // bytes of free large blocks kept for reuse
  int64_t num_allocs = 0;            // allocation requests (small and large)
  int64_t num_frees = 0;
  int64_t num_large_allocs = 0;      // requests served by the large-block path
  int64_t num_cache_hits = 0;        // large requests served from the cache
  int64_t num_os_allocs = 0;         // large blocks mapped from the OS
  int64_t num_os_frees = 0;          // large blocks returned to the OS
  int64_t max_cached_bytes = 0;      // cap on cached_bytes
  int64_t large_block_threshold = 0;
};

// Large-block path: returns a 2 MiB-aligned (huge-page capable) block of at least nbytes and
// the block size actually reserved. Thread-safe.
CT_API void* allocate_large(size_t nbytes, size_t* block_bytes);
CT_API void free_large(void* p, size_t block_bytes, size_t requested);
// Accounting of the small (malloc) path; called by the CPU allocator.
CT_API void note_small_alloc(size_t nbytes);
CT_API void note_small_free(size_t nbytes);

CT_API MemoryStats memory_stats();
CT_API void empty_cache();  // returns every cached block to the OS
CT_API void reset_peak_stats();
CT_API void reset_accumulated_stats();  // num_* counters
CT_API size_t max_cached_bytes();
CT_API void set_max_cached_bytes(size_t n);  // shrinks the cache at once if needed
CT_API size_t large_block_threshold();
CT_API void set_large_block_threshold(size_t n);
// madvise(MADV_HUGEPAGE) on fresh blocks (default on; CTORCH_CPU_HUGEPAGES=0 turns it off).
CT_API bool hugepages_enabled();
CT_API void set_hugepages_enabled(bool on);
// Round-up size of the bucket a request of nbytes uses (exposed for tests).
CT_API size_t bucket_size(size_t nbytes);

}  // namespace cpu_cache
}  // namespace ctorch
