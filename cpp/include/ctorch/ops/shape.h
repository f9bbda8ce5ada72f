#pragma once
// Views (metadata only, share storage and version counter) and layout/copy ops.
#include <optional>

#include "ctorch/core/tensor.h"

namespace ctorch {

CT_API Tensor view(const Tensor& t, const IntList& shape);  // one -1 allowed
CT_API Tensor reshape(const Tensor& t, const IntList& shape);
CT_API Tensor permute(const Tensor& t, const IntList& dims);
CT_API Tensor transpose(const Tensor& t, int64_t d0, int64_t d1);
CT_API Tensor t(const Tensor& t);           // <= 2-D only
CT_API Tensor mT(const Tensor& t);          // transpose of the last two dims
CT_API Tensor expand(const Tensor& t, const IntList& shape);  // -1 keeps a size
CT_API Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length);
CT_API Tensor select(const Tensor& t, int64_t dim, int64_t index);
CT_API Tensor slice(const Tensor& t, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
                    int64_t step = 1);
CT_API Tensor squeeze(const Tensor& t);
CT_API Tensor squeeze(const Tensor& t, const IntList& dims);
CT_API Tensor unsqueeze(const Tensor& t, int64_t dim);
CT_API Tensor flatten(const Tensor& t, int64_t start = 0, int64_t end = -1);
CT_API Tensor unflatten(const Tensor& t, int64_t dim, const IntList& sizes);
CT_API Tensor as_strided(const Tensor& t, const IntList& size, const IntList& stride,
                         std::optional<int64_t> offset = {});
CT_API Tensor diagonal(const Tensor& t, int64_t offset = 0, int64_t d1 = 0, int64_t d2 = 1);
CT_API Tensor unfold(const Tensor& t, int64_t dim, int64_t size, int64_t step);
CT_API Tensor movedim(const Tensor& t, const IntList& src, const IntList& dst);
CT_API Tensor alias(const Tensor& t);  // new TensorImpl, same storage/version (detach()'s data part)

CT_API Tensor contiguous(const Tensor& t);
CT_API Tensor clone(const Tensor& t);
// Copies with dtype conversion and broadcasting of src to dst's shape. Bumps dst's version.
CT_API Tensor& copy_(Tensor& dst, const Tensor& src);
// copy_ for freshly allocated results: no version bump, no autograd recording.
CT_API Tensor& copy_nobump_(Tensor& dst, const Tensor& src);
CT_API Tensor& copy_nobump_(Tensor& dst, const Tensor& src, bool non_blocking);
CT_API Tensor to_dtype(const Tensor& t, ScalarType dtype, bool copy = false);
CT_API Tensor to_device(const Tensor& t, Device d, bool copy = false, bool non_blocking = false);
// Resizes an out= tensor to `size` if needed (PyTorch resizes empty/mismatched outs).
CT_API void resize_out(Tensor& out, const IntList& size, const char* op);
CT_API Tensor& resize_(Tensor& t, const IntList& size);

// Broadcast shape of two shapes; "The size of tensor a (3) must match ..." on failure.
CT_API Shape broadcast_shapes(const Shape& a, const Shape& b);
CT_API std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& ts);

}  // namespace ctorch
