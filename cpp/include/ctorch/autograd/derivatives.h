#pragma once
// Recording entry points used by the op front ends (the formulas live in src/autograd/).
#include "ctorch/autograd/autograd.h"
#include "ctorch/dispatch/registry.h"

namespace ctorch {
namespace autograd {

// Whether the row's backward needs its input value (in-place ops must then keep a copy).
CT_API bool pointwise_uses_self(OpId op);
// Records a unary (b undefined) or binary table row. For in-place ops pass result == a (self) and
// old_self = a copy of self taken before the write (undefined if !pointwise_uses_self(op)).
CT_API void record_pointwise(OpId op, const Tensor& a, const Tensor& b, const Tensor& result,
                             const Scalar& alpha = Scalar(int64_t(1)), const Tensor& old_self = Tensor());

}  // namespace autograd
}  // namespace ctorch
