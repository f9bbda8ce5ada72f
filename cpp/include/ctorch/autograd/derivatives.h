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

// Reductions: rdims are the reduced dims (wrapped, all dims for a full reduction).
CT_API void record_sum(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim, bool full);
CT_API void record_mean(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim, bool full);
CT_API void record_prod(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim, bool full);
CT_API void record_amax(const char* name, const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim);
CT_API void record_max_dim(const char* name, const Tensor& a, const Tensor& values, const Tensor& indices,
                           int64_t dim, bool keepdim);
CT_API void record_var_std(bool is_std, const Tensor& a, const Tensor& r, const IntList& rdims, double correction,
                           bool keepdim);
CT_API void record_norm(const Tensor& a, const Tensor& r, double p, const IntList& rdims, bool keepdim);
CT_API void record_logsumexp(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim);
CT_API void record_cumsum(const Tensor& a, const Tensor& r, int64_t dim);
CT_API void record_cumprod(const Tensor& a, const Tensor& r, int64_t dim);
// Matrix products: name is DotBackward0 / MvBackward0 / MmBackward0 / BmmBackward0.
CT_API void record_mm(const char* name, const Tensor& a, const Tensor& b, const Tensor& r);
CT_API void record_addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta,
                         const Scalar& alpha, const Tensor& r);

// Joining and indexing.
CT_API void record_cat(const tensor_list& ts, const Tensor& r, int64_t dim);
CT_API void record_stack(const tensor_list& ts, const Tensor& r, int64_t dim);
CT_API void record_index_select(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& r);
CT_API void record_gather(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& r);
// src undefined or a wrapped number: scatter of a value (no grad for it).
CT_API void record_scatter(const char* name, const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                           const Tensor& r, bool is_add, bool inplace, const Tensor& old_self = Tensor());
CT_API void record_masked_fill(const Tensor& self, const Tensor& mask, const Tensor& value, const Tensor& r,
                               bool inplace);
CT_API void record_masked_select(const Tensor& self, const Tensor& mask, const Tensor& r);
CT_API void record_index(const Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& r);
// Call after the write (self already holds the new values).
CT_API void record_index_put(Tensor& self, const std::vector<std::optional<Tensor>>& indices,
                             const Tensor& values, bool accumulate);

}  // namespace autograd
}  // namespace ctorch
