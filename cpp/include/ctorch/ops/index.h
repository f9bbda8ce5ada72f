#pragma once
// Joining, splitting and indexing.
#include <optional>
#include <string>
#include <vector>

#include "ctorch/core/tensor.h"

namespace ctorch {

CT_API Tensor cat(const std::vector<Tensor>& ts, int64_t dim = 0);
CT_API Tensor& cat_out(Tensor& out, const std::vector<Tensor>& ts, int64_t dim = 0);
CT_API Tensor stack(const std::vector<Tensor>& ts, int64_t dim = 0);
CT_API Tensor& stack_out(Tensor& out, const std::vector<Tensor>& ts, int64_t dim = 0);
CT_API std::vector<Tensor> split(const Tensor& t, int64_t split_size, int64_t dim = 0);
CT_API std::vector<Tensor> split_with_sizes(const Tensor& t, const IntList& sizes, int64_t dim = 0);
CT_API std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t dim = 0);
CT_API std::vector<Tensor> unbind(const Tensor& t, int64_t dim = 0);

CT_API Tensor index_select(const Tensor& t, int64_t dim, const Tensor& index);
CT_API Tensor& index_select_out(Tensor& out, const Tensor& t, int64_t dim, const Tensor& index);
CT_API Tensor gather(const Tensor& t, int64_t dim, const Tensor& index);
CT_API Tensor& gather_out(Tensor& out, const Tensor& t, int64_t dim, const Tensor& index);
// reduce: "" (assign), "add", "multiply" (scatter_ with reduce=), as PyTorch.
CT_API Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src,
                      const std::string& reduce = "");
CT_API Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Scalar& value,
                      const std::string& reduce = "");
CT_API Tensor& scatter_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& src,
                        const std::string& reduce = "");
CT_API Tensor& scatter_(Tensor& t, int64_t dim, const Tensor& index, const Scalar& value,
                        const std::string& reduce = "");
CT_API Tensor scatter_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src);
CT_API Tensor& scatter_add_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& src);
CT_API Tensor masked_fill(const Tensor& t, const Tensor& mask, const Scalar& value);
CT_API Tensor masked_fill(const Tensor& t, const Tensor& mask, const Tensor& value);  // 0-dim value
CT_API Tensor& masked_fill_(Tensor& t, const Tensor& mask, const Scalar& value);
CT_API Tensor& masked_fill_(Tensor& t, const Tensor& mask, const Tensor& value);
CT_API Tensor masked_select(const Tensor& t, const Tensor& mask);
CT_API Tensor nonzero(const Tensor& t);                       // [n, ndim] int64
CT_API std::vector<Tensor> nonzero_tuple(const Tensor& t);    // as_tuple=True

// Advanced indexing: one optional index tensor per leading dim (long/int or bool/uint8 masks);
// numpy rules for where the indexed dims land.
CT_API Tensor index(const Tensor& t, const std::vector<std::optional<Tensor>>& indices);
CT_API Tensor& index_put_(Tensor& t, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                          bool accumulate = false);

}  // namespace ctorch
