#include "ctorch/core/blas_flags.h"

namespace ctorch {

BlasFlags& blas_flags() {
  static BlasFlags f;
  return f;
}

}  // namespace ctorch
