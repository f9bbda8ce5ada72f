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

// ---- additions (same family) ----
CT_API Tensor hstack(const std::vector<Tensor>& ts);
CT_API Tensor vstack(const std::vector<Tensor>& ts);
CT_API Tensor dstack(const std::vector<Tensor>& ts);
CT_API Tensor column_stack(const std::vector<Tensor>& ts);
CT_API Tensor index_put(const Tensor& t, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                        bool accumulate = false);
CT_API Tensor take(const Tensor& t, const Tensor& index);
CT_API Tensor& index_add_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1);
CT_API Tensor index_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source,
                        const Scalar& alpha = 1);
CT_API Tensor& index_fill_(Tensor& t, int64_t dim, const Tensor& index, const Scalar& value);
CT_API Tensor index_fill(const Tensor& t, int64_t dim, const Tensor& index, const Scalar& value);
CT_API Tensor& index_copy_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source);
CT_API Tensor index_copy(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source);
CT_API Tensor& masked_select_out(Tensor& out, const Tensor& t, const Tensor& mask);
CT_API Tensor& nonzero_out(Tensor& out, const Tensor& t);
CT_API Tensor& masked_fill_out(Tensor& out, const Tensor& t, const Tensor& mask, const Scalar& value);
// A 0-dim tensor of dtype `dt` holding v; RuntimeError "value cannot be converted to type uint8_t
// without overflow" when v does not fit (PyTorch's checked scalar conversion).
CT_API Tensor scalar_tensor_checked(const Scalar& v, ScalarType dt);

// Python-style indexing (t[...] and t[...] = v), as at::indexing: a list of TensorIndex is applied
// left to right; ints/slices/None/Ellipsis give views, tensors and bools go to index()/index_put_.
namespace indexing {
enum class IndexKind : uint8_t { None, Ellipsis, Integer, Boolean, Slice, Tensor };
struct CT_API TensorIndex {
  IndexKind kind = IndexKind::None;
  int64_t integer = 0;  // Integer; Slice start
  int64_t stop = 0, step = 1;  // Slice (start/stop clamped like Python slices; step > 0)
  bool boolean = false;
  Tensor tensor;
  static TensorIndex none() { return TensorIndex(); }
  static TensorIndex ellipsis() { TensorIndex i; i.kind = IndexKind::Ellipsis; return i; }
  static TensorIndex integer_(int64_t v) { TensorIndex i; i.kind = IndexKind::Integer; i.integer = v; return i; }
  static TensorIndex boolean_(bool b) { TensorIndex i; i.kind = IndexKind::Boolean; i.boolean = b; return i; }
  static TensorIndex slice(int64_t start, int64_t stop, int64_t step = 1) {
    TensorIndex i; i.kind = IndexKind::Slice; i.integer = start; i.stop = stop; i.step = step; return i;
  }
  static TensorIndex tensor_(Tensor t) { TensorIndex i; i.kind = IndexKind::Tensor; i.tensor = std::move(t); return i; }
};
CT_API Tensor get_item(const Tensor& self, const std::vector<TensorIndex>& indices);
// value: same dtype as self for advanced indices (index_put_), any dtype otherwise (copy_).
CT_API void set_item(Tensor& self, const std::vector<TensorIndex>& indices, const Tensor& value);
// dst <- src as `dst[...] = src`: copy_ for equal shapes, fill_ for a 0-dim src, else broadcast
// after dropping src's leading unit dims.
CT_API void copy_to(const Tensor& dst, const Tensor& src);
}  // namespace indexing

}  // namespace ctorch
