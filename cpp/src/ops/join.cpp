// Joining and splitting: cat, stack (+ h/v/d/column_stack), split, chunk, unbind.
#include "ctorch/autograd/derivatives.h"
#include <algorithm>

#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/index_kernels.h"
#include "ctorch/ops/shape.h"
#include "index_common.h"

namespace ctorch {

using namespace index_detail;

namespace {

// PyTorch still skips 1-D tensors of shape [0] in cat (legacy "empty" tensors).
bool join_is_legacy_empty(const Tensor& t) { return t.dim() == 1 && t.sizes()[0] == 0; }

struct CatPlan {
  Shape shape;
  int64_t dim = 0;
  ScalarType dtype = kFloat32;
  std::vector<Tensor> parts;  // inputs that contribute (legacy empties dropped)
};

CatPlan join_plan(const std::vector<Tensor>& ts, int64_t dim) {
  CT_CHECK_VALUE(!ts.empty(), "torch.cat(): expected a non-empty list of Tensors");
  CatPlan p;
  const Tensor* ref = nullptr;
  p.dtype = ts[0].dtype();
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    CT_CHECK(t.dim() > 0, "zero-dimensional tensor (at position ", i, ") cannot be concatenated");
    CT_CHECK(t.device() == ts[0].device(), "Expected all tensors to be on the same device, but found at least two "
             "devices, ", ts[0].device().str(), " and ", t.device().str(), "!");
    p.dtype = promote_types(p.dtype, t.dtype());
    if (!ref && !join_is_legacy_empty(t)) ref = &t;
  }
  if (!ref) {  // only legacy empties: the result is one too
    p.shape = {0};
    return p;
  }
  p.dim = dim = wrap_dim(dim, ref->dim());
  p.shape = ref->sizes();
  p.shape[dim] = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    if (join_is_legacy_empty(t)) continue;
    CT_CHECK(t.dim() == ref->dim(), "Tensors must have same number of dimensions: got ", ref->dim(), " and ",
             t.dim());
    for (int64_t d = 0; d < t.dim(); ++d)
      CT_CHECK(d == dim || t.sizes()[d] == ref->sizes()[d], "Sizes of tensors must match except in dimension ", dim,
               ". Expected size ", ref->sizes()[d], " but got size ", t.sizes()[d], " for tensor number ", i,
               " in the list.");
    p.shape[dim] += t.sizes()[dim];
    p.parts.push_back(t);
  }
  return p;
}

// Fills out (already p.shape) without bumping its version.
void join_fill(Tensor& out, const CatPlan& p) {
  bool fast = out.is_contiguous() && has_kernel(OpId::cat, out.device().type);
  for (const auto& t : p.parts) fast = fast && t.is_contiguous() && t.dtype() == out.dtype();
  if (fast) {
    kernel<CatFn>(OpId::cat, out.device())(out, p.parts, p.dim);
    return;
  }
  int64_t off = 0;
  for (const auto& t : p.parts) {
    const int64_t len = t.sizes()[p.dim];
    if (len > 0) {
      Tensor dst = narrow(out, p.dim, off, len);
      copy_nobump(dst, t);
    }
    off += len;
  }
}

Tensor& join_cat_out(Tensor& out, const std::vector<Tensor>& ts, int64_t dim) {
  CatPlan p = join_plan(ts, dim);
  CT_CHECK_TYPE(can_cast(p.dtype, out.dtype()), "torch.cat(): input types can't be cast to the desired output type ",
                dtype_legacy_name(out.dtype()));
  for (const auto& t : ts) check_no_overlap(out, t);
  check_same_device(ts[0], out);  // the fast path hands out's pointer to the inputs' kernel
  resize_out(out, p.shape, "cat");
  join_fill(out, p);
  out.get()->bump_version();
  return out;
}

std::vector<Tensor> join_stack_inputs(const std::vector<Tensor>& ts, int64_t dim) {
  CT_CHECK(!ts.empty(), "stack expects a non-empty TensorList");
  for (size_t i = 1; i < ts.size(); ++i)
    CT_CHECK(ts[i].sizes() == ts[0].sizes(), "stack expects each tensor to be equal size, but got ",
             shape_str(ts[0].sizes()), " at entry 0 and ", shape_str(ts[i].sizes()), " at entry ", i);
  dim = wrap_dim(dim, ts[0].dim() + 1);
  std::vector<Tensor> us;
  for (const auto& t : ts) us.push_back(unsqueeze(t, dim));
  return us;
}

std::vector<Tensor> join_atleast(const std::vector<Tensor>& ts, int nd) {
  std::vector<Tensor> out;
  for (const auto& t : ts) {
    if (t.dim() >= nd) out.push_back(t);
    else if (t.dim() == 0) out.push_back(reshape(t, IntList(size_t(nd), 1)));
    else if (t.dim() == 1) out.push_back(nd == 2 ? unsqueeze(t, 0) : reshape(t, {1, t.sizes()[0], 1}));
    else out.push_back(unsqueeze(t, 2));  // 2-D -> 3-D: [a, b, 1]
  }
  return out;
}

}  // namespace

// ---- cat / stack ----
Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  CatPlan p = join_plan(ts, dim);
  Tensor out = empty(p.shape, TensorOptions(p.dtype).device(ts[0].device()));
  {
    NoGradGuard ng;
    join_fill(out, p);
  }
  if (autograd::any_requires_grad(ts)) autograd::record_cat(ts, out, wrap_dim(dim, int64_t(p.shape.size())));
  return out;
}

Tensor& cat_out(Tensor& out, const std::vector<Tensor>& ts, int64_t dim) { return join_cat_out(out, ts, dim); }

Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  Tensor out;
  {
    NoGradGuard ng;
    std::vector<Tensor> us = join_stack_inputs(ts, dim);
    out = cat(us, wrap_dim(dim, ts[0].dim() + 1));
  }
  autograd::record_stack(ts, out, wrap_dim(dim, ts[0].dim() + 1));
  return out;
}

Tensor& stack_out(Tensor& out, const std::vector<Tensor>& ts, int64_t dim) {
  std::vector<Tensor> us = join_stack_inputs(ts, dim);
  return join_cat_out(out, us, wrap_dim(dim, ts[0].dim() + 1));
}

Tensor hstack(const std::vector<Tensor>& ts) {
  CT_CHECK(!ts.empty(), "hstack expects a non-empty TensorList");
  std::vector<Tensor> a = join_atleast(ts, 1);
  return cat(a, a[0].dim() == 1 ? 0 : 1);
}

Tensor vstack(const std::vector<Tensor>& ts) {
  CT_CHECK(!ts.empty(), "vstack expects a non-empty TensorList");
  return cat(join_atleast(ts, 2), 0);
}

Tensor dstack(const std::vector<Tensor>& ts) {
  CT_CHECK(!ts.empty(), "dstack expects a non-empty TensorList");
  return cat(join_atleast(ts, 3), 2);
}

Tensor column_stack(const std::vector<Tensor>& ts) {
  CT_CHECK(!ts.empty(), "column_stack expects a non-empty TensorList");
  std::vector<Tensor> cols;
  for (const auto& t : ts) cols.push_back(t.dim() <= 1 ? reshape(t, {t.numel(), 1}) : t);
  return cat(cols, 1);
}

// ---- split / chunk / unbind (views) ----
namespace {
// One node for all pieces (as PyTorch's Split/Unbind backward): the input's gradient is the pieces'
// gradients joined back together (undefined ones are materialised as zeros by the engine).
std::vector<Tensor> record_pieces(const char* name, const Tensor& t, std::vector<Tensor> pieces, int64_t dim,
                                  bool stacked) {
  if (!autograd::should_record({t}) || !is_floating(t.dtype())) return pieces;
  autograd::record(name, {t}, pieces, [dim, stacked](const autograd::tensor_list& g, autograd::Node&) {
    return autograd::tensor_list{stacked ? stack(g, dim) : cat(g, dim)};
  }, false);
  return pieces;
}
}  // namespace

static std::vector<Tensor> split_impl(const Tensor& t, int64_t split_size, int64_t dim) {
  CT_CHECK(t.dim() != 0, "split expects at least a 1-dimensional tensor");
  CT_CHECK(split_size >= 0, "split expects split_size be non-negative, but got split_size=", split_size);
  dim = wrap_dim(dim, t.dim());
  const int64_t size = t.sizes()[dim];
  CT_CHECK(split_size != 0 || size == 0, "split_size can only be 0 if dimension size is 0, but got dimension size of ",
           size);
  int64_t n = split_size == 0 ? 1 : std::max<int64_t>((size + split_size - 1) / split_size, 1);
  std::vector<Tensor> out;
  for (int64_t i = 0; i < n; ++i) {
    int64_t start = i * split_size;
    out.push_back(narrow(t, dim, start, std::min(split_size, size - start)));
  }
  return out;
}

static std::vector<Tensor> split_with_sizes_impl(const Tensor& t, const IntList& sizes, int64_t dim) {
  CT_CHECK(t.dim() != 0, "split expects at least a 1-dimensional tensor");
  dim = wrap_dim(dim, t.dim());
  const int64_t size = t.sizes()[dim];
  int64_t sum = 0;
  for (auto s : sizes) {
    CT_CHECK(s >= 0, "split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=",
             shape_str(sizes));
    sum += s;
  }
  CT_CHECK(sum == size, "split_with_sizes expects split_sizes to sum exactly to ", size,
           " (input tensor's size at dimension ", dim, "), but got split_sizes=", shape_str(sizes));
  std::vector<Tensor> out;
  int64_t start = 0;
  for (auto s : sizes) {
    out.push_back(narrow(t, dim, start, s));
    start += s;
  }
  return out;
}

std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t dim) {
  CT_CHECK(t.dim() > 0, "chunk expects at least a 1-dimensional tensor");
  CT_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  dim = wrap_dim(dim, t.dim());
  const int64_t size = t.sizes()[dim];
  const int64_t split_size = (size + chunks - 1) / chunks;
  if (split_size == 0 && size == 0) return split_with_sizes(t, IntList(size_t(chunks), 0), dim);
  return split(t, split_size, dim);
}

std::vector<Tensor> split(const Tensor& t, int64_t split_size, int64_t dim) {
  std::vector<Tensor> pieces;
  {
    NoGradGuard ng;
    pieces = split_impl(t, split_size, dim);
  }
  return record_pieces("SplitBackward0", t, std::move(pieces), wrap_dim(dim, t.dim()), false);
}

std::vector<Tensor> split_with_sizes(const Tensor& t, const IntList& sizes, int64_t dim) {
  std::vector<Tensor> pieces;
  {
    NoGradGuard ng;
    pieces = split_with_sizes_impl(t, sizes, dim);
  }
  return record_pieces("SplitWithSizesBackward0", t, std::move(pieces), wrap_dim(dim, t.dim()), false);
}

std::vector<Tensor> unbind(const Tensor& t, int64_t dim) {
  CT_CHECK_INDEX(t.dim() > 0, "Dimension specified as ", dim, " but tensor has no dimensions");
  dim = wrap_dim(dim, t.dim());
  std::vector<Tensor> out;
  {
    NoGradGuard ng;
    for (int64_t i = 0; i < t.sizes()[dim]; ++i) out.push_back(select(t, dim, i));
  }
  return record_pieces("UnbindBackward0", t, std::move(out), dim, true);
}

}  // namespace ctorch
