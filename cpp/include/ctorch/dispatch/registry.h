#pragma once
// The dispatcher: one kernel slot per (op table row, device type). Kernels are registered
// explicitly by cpu::register_kernels() / cuda::register_kernels() (no static registrars).
#include <cstdint>

#include "ctorch/core/device.h"
#include "ctorch/core/macros.h"

namespace ctorch {

enum class OpId : uint16_t {
#define CT_OP(name) name,
#include "ctorch/ops/op_table.def"
  kNumOps
};
constexpr int kNumOps = int(OpId::kNumOps);

CT_API const char* op_name(OpId op);
CT_API void register_kernel(OpId op, DeviceType dev, void* fn);
// Throws "[op] no kernel for <device>" (NotImplementedError) when the slot is empty.
CT_API void* lookup_kernel(OpId op, DeviceType dev);
CT_API bool has_kernel(OpId op, DeviceType dev);

class TensorIter;
// Signature of every kernel driven by a TensorIter (pointwise, copy, fill, ...).
using PointwiseFn = void(TensorIter&);

template <class Fn>
Fn* kernel(OpId op, Device d) {
  return reinterpret_cast<Fn*>(lookup_kernel(op, d.type));
}

namespace cpu { void register_kernels(); }
namespace cuda { CT_API bool register_kernels(); }  // false when built without CUDA
CT_API bool cuda_compiled();  // built with the CUDA kernels
CT_API const char* cuda_arch_list();  // the compiled architectures ("sm_90 compute_90"), "" without
CT_API const char* cuda_version();  // the CUDA toolkit it was built with ("13.0"), null without
CT_API void init();  // idempotent; lookup_kernel calls it

}  // namespace ctorch
