// CPU allocator: small-block alignment, the large-block cache (reuse, cap, empty_cache,
// statistics) and thread safety (no block is ever handed to two owners at once).
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "ctorch/core/cpu_cache.h"
#include "ctorch/ctorch.h"

using namespace ctorch;
namespace cc = ctorch::cpu_cache;

namespace {
constexpr size_t kMiB = size_t(1) << 20;
Storage make_storage(size_t n) { return std::make_shared<StorageImpl>(n, Device()); }

// Restores the cache settings a test changes.
struct CacheSettings {
  size_t cap = cc::max_cached_bytes(), thr = cc::large_block_threshold();
  ~CacheSettings() {
    cc::set_max_cached_bytes(cap);
    cc::set_large_block_threshold(thr);
  }
};
}  // namespace

TEST(CpuCache, SmallBlocksAreAlignedAndCounted) {
  auto before = cc::memory_stats();
  {
    std::vector<Storage> v;
    for (size_t n : {0, 1, 3, 64, 100, 4096, 70000}) {
      v.push_back(make_storage(n));
      EXPECT_EQ(reinterpret_cast<uintptr_t>(v.back()->data()) % 64, 0u) << n;
    }
    EXPECT_NE(v[0]->data(), v[1]->data());  // zero-size blocks are still unique
    auto mid = cc::memory_stats();
    EXPECT_EQ(mid.allocated_bytes - before.allocated_bytes, int64_t(0 + 1 + 3 + 64 + 100 + 4096 + 70000));
    EXPECT_EQ(mid.num_allocs - before.num_allocs, 7);
  }
  auto after = cc::memory_stats();
  EXPECT_EQ(after.allocated_bytes, before.allocated_bytes);
  EXPECT_EQ(after.num_frees - before.num_frees, 7);
}

TEST(CpuCache, BucketSizes) {
  size_t prev = 0;
  for (size_t n = 1; n < 600 * kMiB; n = n * 5 / 4 + 4093) {
    size_t b = cc::bucket_size(n);
    EXPECT_GE(b, n);
    EXPECT_EQ(b % (2 * kMiB), 0u);
    EXPECT_GE(b, prev);  // monotonic
    if (n > 8 * kMiB) EXPECT_LE(double(b), 1.25 * double(n) + 2.0 * kMiB) << n;
    prev = b;
  }
  EXPECT_EQ(cc::bucket_size(64 * kMiB), 64 * kMiB);
  EXPECT_EQ(cc::bucket_size(16 * kMiB), 16 * kMiB);
}

TEST(CpuCache, LargeBlocksAreReusedAfterTheStorageDies) {
  CacheSettings keep;
  cc::set_max_cached_bytes(size_t(1) << 30);
  cc::empty_cache();
  auto s0 = cc::memory_stats();
  void* p;
  {
    Storage a = make_storage(5 * kMiB);
    p = a->data();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (2 * kMiB), 0u);  // huge-page aligned
    std::memset(p, 0x5a, 5 * kMiB);
    Storage b = make_storage(5 * kMiB);  // `a` is alive: must get a different block
    EXPECT_NE(b->data(), p);
    auto s1 = cc::memory_stats();
    EXPECT_EQ(s1.allocated_bytes - s0.allocated_bytes, int64_t(10 * kMiB));
    EXPECT_GE(s1.reserved_bytes - s0.reserved_bytes, int64_t(10 * kMiB));
  }
  auto s2 = cc::memory_stats();
  EXPECT_EQ(s2.allocated_bytes, s0.allocated_bytes);
  EXPECT_EQ(s2.cached_bytes, int64_t(2 * cc::bucket_size(5 * kMiB)));
  Storage c = make_storage(5 * kMiB - 100);  // same bucket: a cache hit
  auto s3 = cc::memory_stats();
  EXPECT_EQ(s3.num_cache_hits - s2.num_cache_hits, 1);
  EXPECT_TRUE(c->data() == p || s3.cached_bytes == int64_t(cc::bucket_size(5 * kMiB)));
  c.reset();
  cc::empty_cache();
  auto s4 = cc::memory_stats();
  EXPECT_EQ(s4.cached_bytes, 0);
  EXPECT_GT(s4.num_os_frees, s3.num_os_frees);
}

TEST(CpuCache, CapLimitsCachedBytes) {
  CacheSettings keep;
  cc::empty_cache();
  cc::set_max_cached_bytes(0);
  { Storage a = make_storage(3 * kMiB); }
  EXPECT_EQ(cc::memory_stats().cached_bytes, 0);
  cc::set_max_cached_bytes(8 * kMiB);
  {
    std::vector<Storage> v;
    for (int i = 0; i < 6; ++i) v.push_back(make_storage(3 * kMiB));  // 4 MiB buckets
  }
  auto s = cc::memory_stats();
  EXPECT_LE(s.cached_bytes, int64_t(8 * kMiB));
  EXPECT_EQ(s.cached_bytes, int64_t(8 * kMiB));
  cc::set_max_cached_bytes(4 * kMiB);  // shrinking trims at once
  EXPECT_LE(cc::memory_stats().cached_bytes, int64_t(4 * kMiB));
  cc::empty_cache();
}

TEST(CpuCache, ResizeAcrossTheThresholdKeepsData) {
  Storage s = make_storage(1000);
  std::memset(s->data(), 7, 1000);
  s->resize(3 * kMiB);
  const unsigned char* p = static_cast<const unsigned char*>(s->data());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(p[i], 7);
  s->resize(9 * kMiB);
  p = static_cast<const unsigned char*>(s->data());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(p[i], 7);
}

TEST(CpuCache, RecycledBlocksGiveCorrectResults) {
  // Temporaries of the same size recycle blocks; every result must still be right.
  Tensor x = arange(Scalar(int64_t(0)), Scalar(int64_t(1 << 20)), Scalar(int64_t(1)), kFloat32);
  for (int i = 0; i < 20; ++i) {
    Tensor y = add(mul(x, scalar_to_tensor(Scalar(2.0))), scalar_to_tensor(Scalar(double(i))));
    const float* p = y.data_ptr<float>();
    ASSERT_EQ(p[0], float(i));
    ASSERT_EQ(p[12345], 2.0f * 12345 + float(i));
    ASSERT_EQ(p[(1 << 20) - 1], 2.0f * ((1 << 20) - 1) + float(i));
  }
}

TEST(CpuCache, ConcurrentAllocFreeNeverSharesABlock) {
  CacheSettings keep;
  cc::set_max_cached_bytes(64 * kMiB);  // small cap: exercises both the cache and munmap paths
  const int nthreads = 8, iters = 150;
  std::atomic<int> bad{0};
  auto before = cc::memory_stats();
  std::vector<std::thread> ts;
  for (int tid = 0; tid < nthreads; ++tid) {
    ts.emplace_back([tid, &bad] {
      std::mt19937 rng(tid);
      const size_t sizes[] = {1 * kMiB, 2 * kMiB + 5, 3 * kMiB, 5 * kMiB, 100, 4096, 600000};
      std::vector<std::pair<Storage, uint32_t>> live;
      for (int it = 0; it < iters; ++it) {
        size_t n = sizes[rng() % 7];
        Storage s = make_storage(n);
        uint32_t tag = (uint32_t(tid) << 24) | uint32_t(it);
        uint32_t* w = static_cast<uint32_t*>(s->data());
        for (size_t k = 0; k < n / 4; ++k) w[k] = tag;
        live.emplace_back(std::move(s), tag);
        if (live.size() > 3 || (rng() & 1)) {  // verify, then free a random live block
          size_t j = rng() % live.size();
          const auto& [st, tg] = live[j];
          const uint32_t* r = static_cast<const uint32_t*>(st->data());
          for (size_t k = 0; k < st->nbytes() / 4; k += 97)
            if (r[k] != tg) {
              ++bad;
              break;
            }
          live.erase(live.begin() + long(j));
        }
        std::this_thread::yield();
      }
      for (const auto& [st, tg] : live) {
        const uint32_t* r = static_cast<const uint32_t*>(st->data());
        for (size_t k = 0; k < st->nbytes() / 4; k += 97)
          if (r[k] != tg) {
            ++bad;
            break;
          }
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(bad.load(), 0);
  auto after = cc::memory_stats();
  EXPECT_EQ(after.allocated_bytes, before.allocated_bytes);
  EXPECT_EQ(after.num_allocs - before.num_allocs, after.num_frees - before.num_frees);
  EXPECT_LE(after.cached_bytes, int64_t(64 * kMiB));
  cc::empty_cache();
}
