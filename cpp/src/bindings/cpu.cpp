// Bindings of the CPU memory statistics and block cache (ctorch._C._cpu), used by ctorch.cpu.
#include "common.h"
#include "ctorch/core/cpu_cache.h"

namespace ctorch {
namespace py_bind {

namespace {
py::dict stats_dict() {
  cpu_cache::MemoryStats s = cpu_cache::memory_stats();
  py::dict d;
  d["allocated_bytes"] = s.allocated_bytes;
  d["peak_allocated_bytes"] = s.peak_allocated_bytes;
  d["reserved_bytes"] = s.reserved_bytes;
  d["cached_bytes"] = s.cached_bytes;
  d["num_allocs"] = s.num_allocs;
  d["num_frees"] = s.num_frees;
  d["num_large_allocs"] = s.num_large_allocs;
  d["num_cache_hits"] = s.num_cache_hits;
  d["num_os_allocs"] = s.num_os_allocs;
  d["num_os_frees"] = s.num_os_frees;
  d["max_cached_bytes"] = s.max_cached_bytes;
  d["large_block_threshold"] = s.large_block_threshold;
  return d;
}

py::dict capabilities() {
  __builtin_cpu_init();
  py::dict d;
#if defined(__x86_64__) || defined(__i386__)
  d["architecture"] = "x86_64";
#define CT_CAP(key, feat) d[key] = bool(__builtin_cpu_supports(feat));
  CT_CAP("sse", "sse") CT_CAP("sse2", "sse2") CT_CAP("sse3", "sse3") CT_CAP("ssse3", "ssse3")
  CT_CAP("sse4_1", "sse4.1") CT_CAP("sse4_2", "sse4.2") CT_CAP("avx", "avx") CT_CAP("avx2", "avx2")
  CT_CAP("fma3", "fma") CT_CAP("f16c", "f16c") CT_CAP("bmi", "bmi") CT_CAP("bmi2", "bmi2")
  CT_CAP("popcnt", "popcnt") CT_CAP("avx512_f", "avx512f") CT_CAP("avx512_cd", "avx512cd")
  CT_CAP("avx512_dq", "avx512dq") CT_CAP("avx512_bw", "avx512bw") CT_CAP("avx512_vl", "avx512vl")
  CT_CAP("avx512_ifma", "avx512ifma") CT_CAP("avx512_vbmi", "avx512vbmi") CT_CAP("avx512_vnni", "avx512vnni")
  CT_CAP("avx512_bf16", "avx512bf16") CT_CAP("avx512_vbmi2", "avx512vbmi2")
  CT_CAP("avx512_bitalg", "avx512bitalg") CT_CAP("avx512_vpopcntdq", "avx512vpopcntdq")
#undef CT_CAP
#else
  d["architecture"] = "other";
#endif
  return d;
}
}  // namespace

void init_cpu(py::module_& m, TensorClass&) {
  py::module_ c = m.def_submodule("_cpu", "CPU memory statistics and block cache");
  c.def("_memory_stats", &stats_dict);
  c.def("_memory_allocated", [] { return cpu_cache::memory_stats().allocated_bytes; });
  c.def("_memory_reserved", [] { return cpu_cache::memory_stats().reserved_bytes; });
  c.def("_max_memory_allocated", [] { return cpu_cache::memory_stats().peak_allocated_bytes; });
  c.def("_empty_cache", &cpu_cache::empty_cache);
  c.def("_reset_peak_memory_stats", &cpu_cache::reset_peak_stats);
  c.def("_reset_accumulated_memory_stats", &cpu_cache::reset_accumulated_stats);
  c.def("_max_cached_bytes", &cpu_cache::max_cached_bytes);
  c.def("_set_max_cached_bytes", [](int64_t n) {
    CT_CHECK_VALUE(n >= 0, "max cached bytes must be non-negative, got ", n);
    cpu_cache::set_max_cached_bytes(size_t(n));
  });
  c.def("_large_block_threshold", &cpu_cache::large_block_threshold);
  c.def("_set_large_block_threshold", [](int64_t n) {
    CT_CHECK_VALUE(n > 0, "large block threshold must be positive, got ", n);
    cpu_cache::set_large_block_threshold(size_t(n));
  });
  c.def("_hugepages_enabled", &cpu_cache::hugepages_enabled);
  c.def("_set_hugepages_enabled", &cpu_cache::set_hugepages_enabled);
  c.def("_bucket_size", [](int64_t n) { return cpu_cache::bucket_size(size_t(std::max<int64_t>(n, 0))); });
  c.def("_get_cpu_capability", &capabilities);
}

}  // namespace py_bind
}  // namespace ctorch
