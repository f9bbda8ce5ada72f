#include "ctorch/core/context.h"

namespace ctorch {

BlasFlags& blas_flags() {
  static BlasFlags f;
  return f;
}

DeterminismFlags& determinism() {
  static DeterminismFlags f;
  return f;
}

namespace {
thread_local Device t_default_device;
}  // namespace

Device default_device() { return t_default_device; }
void set_default_device(Device d) { t_default_device = d; }

}  // namespace ctorch
