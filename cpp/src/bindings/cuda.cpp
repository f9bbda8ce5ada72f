// Bindings of the CUDA runtime (ctorch._C._cuda_*), used by python/ctorch/cuda. Streams and
// events cross as integer handles; the Python classes own them.
#include "common.h"
#include "ctorch/core/context.h"
#include "ctorch/core/generator.h"
#include "ctorch/cuda/cuda_api.h"
#include "ctorch/dispatch/registry.h"

namespace ctorch {
namespace py_bind {

void init_cuda(py::module_& m, TensorClass& cls) {
  namespace c = ::ctorch::cuda;
  m.def("_cuda_device_count", [] { return c::device_count(); });
  m.def("_cuda_check_available", [] { c::check_available(); });
  m.def("_cuda_check_device", [](int i) { c::check_device(i); });
  m.def("_cuda_current_device", [] { return c::current_device(); });
  m.def("_cuda_set_device", [](int i) { c::set_device(i); });
  m.def("_cuda_device_properties", [](int i) {
    c::DeviceProps p = c::device_properties(i);
    py::dict d;
    d["name"] = p.name;
    d["major"] = p.major;
    d["minor"] = p.minor;
    d["total_memory"] = p.total_memory;
    d["multi_processor_count"] = p.multi_processor_count;
    d["warp_size"] = p.warp_size;
    d["L2_cache_size"] = p.l2_cache_size;
    return d;
  });
  m.def("_cuda_synchronize", [](int d) {
    py::gil_scoped_release nogil;
    c::synchronize(d);
  });

  m.def("_cuda_current_stream", [](int d) { return c::current_stream(d); });
  m.def("_cuda_set_stream", [](int d, uintptr_t s) { c::set_current_stream(d, s); });
  m.def("_cuda_stream_create", [](int d, int prio) { return c::stream_create(d, prio); });
  m.def("_cuda_stream_destroy", [](int d, uintptr_t s) { c::stream_destroy(d, s); });
  m.def("_cuda_stream_synchronize", [](int d, uintptr_t s) {
    py::gil_scoped_release nogil;
    c::stream_synchronize(d, s);
  });
  m.def("_cuda_stream_query", [](int d, uintptr_t s) { return c::stream_query(d, s); });
  m.def("_cuda_stream_wait_event", [](int d, uintptr_t s, uintptr_t e) { c::stream_wait_event(d, s, e); });
  m.def("_cuda_stream_priority_range", [] { return c::stream_priority_range(); });

  m.def("_cuda_event_create", [](int d, bool timing, bool blocking) { return c::event_create(d, timing, blocking); });
  m.def("_cuda_event_destroy", [](int d, uintptr_t e) { c::event_destroy(d, e); });
  m.def("_cuda_event_record", [](int d, uintptr_t e, uintptr_t s) { c::event_record(d, e, s); });
  m.def("_cuda_event_synchronize", [](uintptr_t e) {
    py::gil_scoped_release nogil;
    c::event_synchronize(e);
  });
  m.def("_cuda_event_query", [](uintptr_t e) { return c::event_query(e); });
  m.def("_cuda_event_elapsed", [](uintptr_t a, uintptr_t b) { return c::event_elapsed_ms(a, b); });

  m.def("_cuda_memory_stats", [](int d) {
    c::MemoryStats s = c::memory_stats(d);
    py::dict r;
    r["allocated_bytes.all.current"] = s.allocated;
    r["allocated_bytes.all.peak"] = s.max_allocated;
    r["reserved_bytes.all.current"] = s.reserved;
    r["reserved_bytes.all.peak"] = s.max_reserved;
    r["allocation.all.allocated"] = s.num_allocs;
    r["allocation.all.freed"] = s.num_frees;
    r["num_device_alloc"] = s.num_cuda_mallocs;
    r["num_device_free"] = s.num_cuda_frees;
    return r;
  });
  m.def("_cuda_reset_peak_memory_stats", [](int d) { c::reset_peak_memory_stats(d); });
  m.def("_cuda_empty_cache", [] { c::empty_cache(); });
  m.def("_cuda_mem_get_info", [](int d) { return c::mem_get_info(d); });
  m.def("_cuda_set_memory_fraction", [](double f, int d) { c::set_memory_fraction(f, d); });
  m.def("_cuda_get_memory_fraction", [](int d) { return c::get_memory_fraction(d); });

  m.def("_cuda_manual_seed", [](int d, uint64_t s) { c::manual_seed(d, s); });
  m.def("_cuda_default_generator", [](int d) { return c::default_generator(d); });
  m.def("_cuda_initial_seed", [](int d) { return c::initial_seed(d); });
  m.def("_cuda_seed", [](int d) { return c::seed(d); });
  m.def("_cuda_get_rng_state", [](int d) {
    uint64_t s = 0, o = 0;
    c::get_rng_state(d, &s, &o);
    return py::make_tuple(s, o);
  });
  m.def("_cuda_set_rng_state", [](int d, uint64_t s, uint64_t o) { c::set_rng_state(d, s, o); });
  m.def("_cuda_gemm_backend", [] { return c::gemm_backend(); });
  m.def("_cuda_version", []() -> py::object {
    const char* v = cuda_version();
    return v ? py::object(py::str(v)) : py::object(py::none());
  });
  // torch.use_deterministic_algorithms (core/context.h).
  m.def("_set_deterministic_algorithms", [](py::handle mode, bool warn_only) {
    if (!PyBool_Check(mode.ptr()))
      throw TypeError(str_cat("_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not ",
                              Py_TYPE(mode.ptr())->tp_name));
    determinism().enabled = mode.ptr() == Py_True;
    determinism().warn_only = warn_only;
  }, "mode"_a, py::kw_only(), "warn_only"_a = false);
  m.def("_get_deterministic_algorithms", [] {
    return py::make_tuple(determinism().enabled.load(), determinism().warn_only.load());
  });
  // torch.backends.cuda.matmul flags: (allow_tf32, allow_fp16_reduced, allow_bf16_reduced).
  m.def("_get_blas_flags", [] {
    const BlasFlags& f = blas_flags();
    return py::make_tuple(f.allow_tf32.load(), f.allow_fp16_reduced.load(), f.allow_bf16_reduced.load());
  });
  m.def("_set_blas_flag", [](const std::string& name, bool v) {
    BlasFlags& f = blas_flags();
    if (name == "allow_tf32") f.allow_tf32 = v;
    else if (name == "allow_fp16_reduced_precision_reduction") f.allow_fp16_reduced = v;
    else if (name == "allow_bf16_reduced_precision_reduction") f.allow_bf16_reduced = v;
    else throw py::attribute_error("Unknown attribute " + name);
  });

  cls.def("_pin_memory", [](const Tensor& t) { return c::pin_memory(t); });
  cls.def("_record_stream", [](const Tensor& t, uintptr_t s) { c::record_stream(t, s); });
  cls.def("_is_pinned", [](const Tensor& t) { return c::is_pinned(t); });
}

}  // namespace py_bind
}  // namespace ctorch
