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
    d["pci_bus_id"] = p.pci_bus_id;
    d["pci_device_id"] = p.pci_device_id;
    d["pci_domain_id"] = p.pci_domain_id;
    d["max_threads_per_multi_processor"] = p.max_threads_per_multi_processor;
    d["regs_per_multiprocessor"] = p.regs_per_multiprocessor;
    d["shared_memory_per_block"] = p.shared_memory_per_block;
    d["shared_memory_per_block_optin"] = p.shared_memory_per_block_optin;
    d["shared_memory_per_multiprocessor"] = p.shared_memory_per_multiprocessor;
    d["is_integrated"] = p.is_integrated;
    d["is_multi_gpu_board"] = p.is_multi_gpu_board;
    d["uuid"] = p.uuid;
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

  // torch.cuda.memory_stats' flat keys ("allocated_bytes.all.current", ...). Blocks are never
  // split here, so the inactive_split and oversize statistics are all zero.
  m.def("_cuda_memory_stats", [](int d) {
    c::MemoryStats s = c::memory_stats(d);
    py::dict r;
    const char* pools[] = {"all", "small_pool", "large_pool"};
    auto put = [&](const std::string& name, const c::MemStat* st) {
      for (int k = 0; k < 3; ++k) {
        const c::MemStat z;
        const c::MemStat& v = st ? st[k] : z;
        const std::string p = name + "." + pools[k] + ".";
        r[py::str(p + "current")] = v.current;
        r[py::str(p + "peak")] = v.peak;
        r[py::str(p + "allocated")] = v.allocated;
        r[py::str(p + "freed")] = v.freed;
      }
    };
    put("allocated_bytes", s.allocated_bytes);
    put("reserved_bytes", s.reserved_bytes);
    put("active_bytes", s.active_bytes);
    put("requested_bytes", s.requested_bytes);
    put("inactive_split_bytes", nullptr);
    put("allocation", s.allocation);
    put("segment", s.segment);
    put("active", s.active);
    put("inactive_split", nullptr);
    for (const char* k : {"oversize_allocations", "oversize_segments"})
      for (const char* f : {"current", "peak", "allocated", "freed"}) r[py::str(std::string(k) + "." + f)] = 0;
    r["num_alloc_retries"] = s.num_alloc_retries;
    r["num_ooms"] = s.num_ooms;
    r["num_sync_all_streams"] = s.num_sync_all_streams;
    r["num_device_alloc"] = s.num_device_alloc;
    r["num_device_free"] = s.num_device_free;
    r["max_split_size"] = -1;
    return r;
  });
  m.def("_cuda_reset_accumulated_memory_stats", [](int d) { c::reset_accumulated_memory_stats(d); });
  m.def("_cuda_empty_host_cache", [] { c::empty_host_cache(); });
  m.def("_cuda_host_memory_stats", [] {
    auto [used, reserved] = c::host_memory_stats();
    py::dict r;
    for (auto [name, st] : {std::pair<const char*, c::MemStat>{"allocated_bytes", used}, {"reserved_bytes", reserved}}) {
      r[py::str(std::string(name) + ".current")] = st.current;
      r[py::str(std::string(name) + ".peak")] = st.peak;
      r[py::str(std::string(name) + ".allocated")] = st.allocated;
      r[py::str(std::string(name) + ".freed")] = st.freed;
    }
    return r;
  });
  m.def("_cuda_raw_alloc", [](size_t n, int d, uintptr_t s) { return c::raw_alloc(n, d, s); });
  m.def("_cuda_raw_delete", [](uintptr_t p) { c::raw_delete(p); });
  m.def("_cuda_can_device_access_peer", [](int d, int p) { return c::can_device_access_peer(d, p); });
  m.def("_nvtx_range_push", [](const std::string& msg) { return c::nvtx_range_push(msg); });
  m.def("_nvtx_range_pop", [] { return c::nvtx_range_pop(); });
  m.def("_nvtx_range_start", [](const std::string& msg) { return c::nvtx_range_start(msg); });
  m.def("_nvtx_range_end", [](uint64_t id) { c::nvtx_range_end(id); });
  m.def("_nvtx_mark", [](const std::string& msg) { c::nvtx_mark(msg); });
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
  // torch.cuda.set_sync_debug_mode (core/context.h): C++ warnings become UserWarnings; with
  // warnings turned into errors the Python exception propagates out of the op.
  set_warning_handler([](const std::string& msg) {
    py::gil_scoped_acquire gil;
    if (PyErr_WarnEx(PyExc_UserWarning, msg.c_str(), 1) < 0) throw py::error_already_set();
  });
  m.def("_cuda_set_sync_debug_mode", [](int mode) {
    CT_CHECK(mode >= 0 && mode <= 2, "invalid value of debug_mode, expected one of 0,1,2");
    cuda_sync_debug_mode() = mode;
  });
  m.def("_cuda_set_sync_kernel_errors", [](bool on) { c::set_sync_kernel_errors(on); });
  m.def("_cuda_sync_kernel_errors", [] { return c::sync_kernel_errors(); });
  m.def("_cuda_get_sync_debug_mode", [] { return cuda_sync_debug_mode().load(); });
  m.def("_cuda_arch_list", [] { return std::string(cuda_arch_list()); });
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
