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

}  // namespace ctorch
