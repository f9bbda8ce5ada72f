#include "ctorch/dispatch/registry.h"

#include <atomic>
#include <mutex>

#include "ctorch/core/check.h"

namespace ctorch {

namespace {
const char* const kNames[] = {
#define CT_OP(name) #name,
#include "ctorch/ops/op_table.def"
};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == size_t(kNumOps), "op table and name table disagree");
void* g_table[kNumOps][kNumDeviceTypes] = {};
std::once_flag g_init;
std::atomic<bool> g_ready{false};  // set after registration: lookups skip call_once
}  // namespace

const char* op_name(OpId op) { return kNames[int(op)]; }

void register_kernel(OpId op, DeviceType dev, void* fn) { g_table[int(op)][int(dev)] = fn; }

void init() {
  if (__builtin_expect(g_ready.load(std::memory_order_acquire), 1)) return;
  std::call_once(g_init, [] {
    cpu::register_kernels();
    cuda::register_kernels();
    g_ready.store(true, std::memory_order_release);
  });
}

void* lookup_kernel(OpId op, DeviceType dev) {
  init();
  void* k = g_table[int(op)][int(dev)];
  if (__builtin_expect(k == nullptr, 0))
    throw NotImplementedError(str_cat("[", op_name(op), "] no kernel for ", dev == DeviceType::CPU ? "cpu" : "cuda"));
  return k;
}

bool has_kernel(OpId op, DeviceType dev) {
  init();
  return g_table[int(op)][int(dev)] != nullptr;
}

#ifdef CTORCH_WITH_CUDA
bool cuda_compiled() { return true; }
const char* cuda_version() { return CTORCH_CUDA_VERSION; }
const char* cuda_arch_list() { return CTORCH_CUDA_ARCH_LIST; }
#else
bool cuda_compiled() { return false; }
const char* cuda_version() { return nullptr; }
const char* cuda_arch_list() { return ""; }
bool cuda::register_kernels() { return false; }
#endif

}  // namespace ctorch
