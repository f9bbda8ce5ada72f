#pragma once
// Internal helpers shared by the indexing front ends (index.cpp, index_advanced.cpp,
// index_item.cpp, join.cpp). Not installed; kernels do not include it.
#include "ctorch/core/tensor.h"

namespace ctorch {
namespace index_detail {

// copy_ without the version bump: fresh results keep version 0 and in-place ops bump once, as
// PyTorch's do.
void copy_nobump(Tensor& dst, const Tensor& src);
Tensor clone_nobump(const Tensor& t);  // contiguous copy
// A view with any geometry over t's storage, without bounds checks: kernel operands only.
Tensor restride(const Tensor& t, Shape sizes, Shape strides);
// True when the memory spans of a and b intersect (both non-empty).
bool overlaps(const Tensor& a, const Tensor& b);
// RuntimeError "unsupported operation: some elements of the input tensor and the written-to
// tensor refer to a single memory location. ..." when out and in overlap.
void check_no_overlap(const Tensor& out, const Tensor& in);
void check_scalar_fits(const Scalar& v, ScalarType t);
// RuntimeError "Expected all tensors to be on the same device, but found at least two devices,
// cuda:0 and cpu!" (PyTorch's text; `a`'s device first) unless a and b share a device.
void check_same_device(const Tensor& a, const Tensor& b);
inline int64_t nonempty_dim(const Tensor& t) { return t.dim() == 0 ? 1 : t.dim(); }
inline Tensor as_1d(const Tensor& t) { return t.dim() == 0 ? t.reshape({1}) : t; }

}  // namespace index_detail
}  // namespace ctorch
