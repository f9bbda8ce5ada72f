#include "ctorch/core/context.h"

#include <cstdio>

#include "ctorch/core/check.h"

namespace ctorch {

BlasFlags& blas_flags() {
  static BlasFlags f;
  return f;
}

DeterminismFlags& determinism() {
  static DeterminismFlags f;
  return f;
}

std::atomic<int>& cuda_sync_debug_mode() {
  static std::atomic<int> mode{0};
  return mode;
}

void check_implicit_sync() {
  const int m = cuda_sync_debug_mode().load(std::memory_order_relaxed);
  if (m == 2) throw Error("called a synchronizing CUDA operation");
  if (m == 1) warn("called a synchronizing CUDA operation");
}

namespace {
thread_local Device t_default_device;
std::atomic<WarningHandler> g_warning_handler{nullptr};
}  // namespace

void set_warning_handler(WarningHandler h) { g_warning_handler.store(h); }
void warn(const std::string& msg) {
  if (WarningHandler h = g_warning_handler.load()) return h(msg);
  std::fprintf(stderr, "Warning: %s\n", msg.c_str());
}

Device default_device() { return t_default_device; }
void set_default_device(Device d) { t_default_device = d; }

}  // namespace ctorch
