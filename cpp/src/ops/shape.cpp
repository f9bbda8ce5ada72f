// View ops: they only build new metadata over the same storage and share the version counter.
#include "ctorch/ops/shape.h"

#include <algorithm>
#include <numeric>

#include "ctorch/autograd/autograd.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/pointwise.h"

namespace ctorch {

namespace {
Tensor make_view(const Tensor& t, Shape sizes, Shape strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>(t.get()->storage(), t.dtype(), std::move(sizes), std::move(strides),
                                           offset);
  impl->set_version_counter(t.get()->version_counter());
  impl->view_base = t.get()->view_base ? t.get()->view_base : t.impl();
  return Tensor(std::move(impl));
}

// Records a view op: `fn` maps the view's gradient to the input's gradient.
Tensor record_view(const char* name, const Tensor& in, Tensor out,
                   std::function<Tensor(const Tensor&)> fn) {
  if (autograd::should_record({in})) {
    autograd::record(name, {in}, {out}, [fn](const autograd::tensor_list& g, autograd::Node&) {
      return autograd::tensor_list{fn(g[0])};
    }, false);
  }
  return out;
}

// Gradient of a view that selects part of its input: zeros with the same view filled by g.
template <class ViewFn>
Tensor embed_grad(const Tensor& g, const Shape& in_sizes, ViewFn view_of) {
  Tensor gi = zeros(in_sizes, g.options());
  Tensor region = view_of(gi);
  copy_(region, g);
  return gi;
}

Shape infer_size(const IntList& shape, int64_t numel) {
  Shape out(shape.begin(), shape.end());
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      CT_CHECK(infer < 0, "only one dimension can be inferred");
      infer = int64_t(i);
    } else {
      CT_CHECK(out[i] >= 0, "invalid shape dimension ", out[i]);
      known *= out[i];
    }
  }
  CT_CHECK(!(infer >= 0 && known == 0 && numel == 0), "cannot reshape tensor of 0 elements into shape ",
           shape_str(out), " because the unspecified dimension size -1 can be any value and is ambiguous");
  bool ok = infer >= 0 ? known > 0 && numel % known == 0 : known == numel;
  CT_CHECK(ok, "shape '", shape_str(out), "' is invalid for input of size ", numel);
  if (infer >= 0) out[infer] = numel / known;
  return out;
}

// Strides for viewing (sizes, strides) as `shape` without copying, if possible (PyTorch's rule:
// each chunk of contiguous-in-memory old dims maps onto a run of new dims).
std::optional<Shape> view_strides(const Shape& old_sizes, const Shape& old_strides, const Shape& shape) {
  Shape ns(shape.size());
  if (old_sizes.empty()) return Shape(shape.size(), 1);
  int64_t numel = shape_numel(old_sizes);
  if (numel == 0) {
    if (old_sizes == shape) return old_strides;
    return contiguous_strides(shape);
  }
  int64_t view_d = int64_t(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = int64_t(old_sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= old_sizes[d];
    if (d == 0 || (old_sizes[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        ns[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return ns;
}
}  // namespace

// Not recorded: detach() is alias() without history.
Tensor alias(const Tensor& t) {
  Tensor r = make_view(t, t.sizes(), t.strides(), t.storage_offset());
  r.get()->view_base = nullptr;
  return r;
}

Tensor view(const Tensor& t, const IntList& shape) {
  Shape s = infer_size(shape, t.numel());
  auto st = view_strides(t.sizes(), t.strides(), s);
  CT_CHECK(st.has_value(),
           "view size is not compatible with input tensor's size and stride (at least one dimension spans "
           "across two contiguous subspaces). Use .reshape(...) instead.");
  Shape in = t.sizes();
  return record_view("ViewBackward0", t, make_view(t, s, *st, t.storage_offset()),
                     [in](const Tensor& g) { return reshape(g, in); });
}

Tensor reshape(const Tensor& t, const IntList& shape) {
  Shape s = infer_size(shape, t.numel());
  auto st = view_strides(t.sizes(), t.strides(), s);
  if (st) {
    Shape in = t.sizes();
    return record_view("ViewBackward0", t, make_view(t, s, *st, t.storage_offset()),
                       [in](const Tensor& g) { return reshape(g, in); });
  }
  // Not viewable: copy, then view the copy (PyTorch's _unsafe_view, hence the node name).
  Tensor c = contiguous(t);
  Shape in = c.sizes();
  return record_view("UnsafeViewBackward0", c, make_view(c, s, contiguous_strides(s), c.storage_offset()),
                     [in](const Tensor& g) { return reshape(g, in); });
}

Tensor permute(const Tensor& t, const IntList& dims) {
  int64_t n = t.dim();
  CT_CHECK(int64_t(dims.size()) == n, "permute(sparse_coo): number of dimensions in the tensor input does not "
           "match the length of the desired ordering of dimensions i.e. input.dim() = ", n,
           " is not equal to len(dims) = ", dims.size());
  Shape sz(n), st(n);
  std::vector<bool> seen(n, false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = wrap_dim(dims[i], n);
    CT_CHECK(!seen[d], "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sz[i] = t.sizes()[d];
    st[i] = t.strides()[d];
  }
  Shape inv(n);
  for (int64_t i = 0; i < n; ++i) inv[wrap_dim(dims[i], n)] = i;
  return record_view("PermuteBackward0", t, make_view(t, sz, st, t.storage_offset()),
                     [inv](const Tensor& g) { return permute(g, inv); });
}

Tensor transpose(const Tensor& t, int64_t d0, int64_t d1) {
  int64_t n = t.dim();
  d0 = wrap_dim(d0, n);
  d1 = wrap_dim(d1, n);
  if (n == 0) return alias(t);
  Shape sz = t.sizes(), st = t.strides();
  std::swap(sz[d0], sz[d1]);
  std::swap(st[d0], st[d1]);
  return record_view("TransposeBackward0", t, make_view(t, sz, st, t.storage_offset()),
                     [d0, d1](const Tensor& g) { return transpose(g, d0, d1); });
}

Tensor t(const Tensor& x) {
  CT_CHECK(x.dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is ", x.dim(), "D");
  Tensor r;
  {
    NoGradGuard ng;
    r = x.dim() < 2 ? alias(x) : transpose(x, 0, 1);
  }
  return record_view("TBackward0", x, r, [](const Tensor& g) { return t(g); });
}

Tensor mT(const Tensor& x) {
  CT_CHECK(x.dim() >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got ", x.dim(), "-D tensor.");
  return transpose(x, -2, -1);
}

Tensor expand(const Tensor& t, const IntList& shape) {
  int64_t n = int64_t(shape.size()), nd = t.dim();
  CT_CHECK(n >= nd, "expand(torch.", dtype_legacy_name(t.dtype()), "Tensor{", shape_str(t.sizes()), "}, size=",
           shape_str(shape), "): the number of sizes provided (", n,
           ") must be greater or equal to the number of dimensions in the tensor (", nd, ")");
  Shape sz(n), st(n);
  for (int64_t i = n - 1; i >= 0; --i) {
    int64_t off = i - (n - nd);
    int64_t target = shape[i];
    if (off >= 0) {
      int64_t cur = t.sizes()[off];
      if (target == -1) target = cur;
      CT_CHECK(cur == target || cur == 1, "The expanded size of the tensor (", target,
               ") must match the existing size (", cur, ") at non-singleton dimension ", i,
               ".  Target sizes: ", shape_str(shape), ".  Tensor sizes: ", shape_str(t.sizes()));
      sz[i] = target;
      st[i] = cur == target ? t.strides()[off] : 0;
    } else {
      CT_CHECK(target >= 0, "The expanded size of the tensor (", target,
               ") isn't allowed in a leading, non-existing dimension ", i);
      sz[i] = target;
      st[i] = 0;
    }
  }
  return record_view("ExpandBackward0", t, make_view(t, sz, st, t.storage_offset()),
                     [](const Tensor& g) { return g; });
}

Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length) {
  CT_CHECK(t.dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  dim = wrap_dim(dim, t.dim());
  int64_t size = t.sizes()[dim];
  CT_CHECK_INDEX(start >= -size && start <= size, "start out of range (expected to be in range of [", -size, ", ",
                 size, "], but got ", start, ")");
  if (start < 0) start += size;
  CT_CHECK(length >= 0 && start <= size - length, "start (", start, ") + length (", length,
           ") exceeds dimension size (", size, ").");
  return slice(t, dim, start, start + length, 1);  // records SliceBackward0
}

Tensor select(const Tensor& t, int64_t dim, int64_t index) {
  CT_CHECK_INDEX(t.dim() > 0, "select() cannot be applied to a 0-dim tensor.");
  dim = wrap_dim(dim, t.dim());
  int64_t size = t.sizes()[dim];
  CT_CHECK_INDEX(index >= -size && index < size, "select(): index ", index, " out of range for tensor of size ",
                 shape_str(t.sizes()), " at dimension ", dim);
  if (index < 0) index += size;
  Shape sz = t.sizes(), st = t.strides();
  int64_t off = t.storage_offset() + index * st[dim];
  sz.erase(sz.begin() + dim);
  st.erase(st.begin() + dim);
  Shape in = t.sizes();
  return record_view("SelectBackward0", t, make_view(t, sz, st, off), [in, dim, index](const Tensor& g) {
    return embed_grad(g, in, [&](const Tensor& gi) { return select(gi, dim, index); });
  });
}

Tensor slice(const Tensor& t, int64_t dim, std::optional<int64_t> start_o, std::optional<int64_t> end_o,
             int64_t step) {
  CT_CHECK_INDEX(t.dim() > 0, "slice() cannot be applied to a 0-dim tensor.");
  CT_CHECK_VALUE(step > 0, "step must be greater than zero");
  dim = wrap_dim(dim, t.dim());
  int64_t size = t.sizes()[dim];
  int64_t start = start_o.value_or(0), end = end_o.value_or(size);
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  Shape sz = t.sizes(), st = t.strides();
  int64_t off = t.storage_offset() + start * st[dim];
  sz[dim] = (end - start + step - 1) / step;
  st[dim] *= step;
  Shape in = t.sizes();
  return record_view("SliceBackward0", t, make_view(t, sz, st, off), [in, dim, start, end, step](const Tensor& g) {
    return embed_grad(g, in, [&](const Tensor& gi) { return slice(gi, dim, start, end, step); });
  });
}

Tensor squeeze(const Tensor& t) {
  Shape sz, st;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.sizes()[d] != 1) {
      sz.push_back(t.sizes()[d]);
      st.push_back(t.strides()[d]);
    }
  Shape in = t.sizes();
  return record_view("SqueezeBackward0", t, make_view(t, sz, st, t.storage_offset()),
                     [in](const Tensor& g) { return reshape(g, in); });
}

Tensor squeeze(const Tensor& t, const IntList& dims) {
  std::vector<bool> drop(std::max<int64_t>(t.dim(), 1), false);
  for (auto d : dims) drop[wrap_dim(d, t.dim())] = true;
  Shape sz, st;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (!(drop[d] && t.sizes()[d] == 1)) {
      sz.push_back(t.sizes()[d]);
      st.push_back(t.strides()[d]);
    }
  Shape in = t.sizes();
  return record_view(dims.size() == 1 ? "SqueezeBackward1" : "SqueezeBackward2", t,
                     make_view(t, sz, st, t.storage_offset()), [in](const Tensor& g) { return reshape(g, in); });
}

Tensor unsqueeze(const Tensor& t, int64_t dim) {
  dim = wrap_dim(dim, t.dim() + 1);
  Shape sz = t.sizes(), st = t.strides();
  int64_t s = dim < t.dim() ? sz[dim] * st[dim] : 1;
  sz.insert(sz.begin() + dim, 1);
  st.insert(st.begin() + dim, s);
  Shape in = t.sizes();
  return record_view("UnsqueezeBackward0", t, make_view(t, sz, st, t.storage_offset()),
                     [in](const Tensor& g) { return reshape(g, in); });
}

Tensor flatten(const Tensor& t, int64_t start, int64_t end) {
  if (t.dim() == 0) return reshape(t, {1});
  start = wrap_dim(start, t.dim());
  end = wrap_dim(end, t.dim());
  CT_CHECK(start <= end, "flatten() has invalid args: start_dim cannot come after end_dim");
  if (start == end) return alias(t);
  Shape s(t.sizes().begin(), t.sizes().begin() + start);
  int64_t m = 1;
  for (int64_t d = start; d <= end; ++d) m *= t.sizes()[d];
  s.push_back(m);
  s.insert(s.end(), t.sizes().begin() + end + 1, t.sizes().end());
  return reshape(t, s);
}

Tensor unflatten(const Tensor& t, int64_t dim, const IntList& sizes) {
  dim = wrap_dim(dim, t.dim());
  CT_CHECK(!sizes.empty(), "unflatten: sizes must be non-empty");
  int64_t known = 1, n_infer = 0;
  for (auto s : sizes) {
    if (s == -1) ++n_infer;
    else known *= s;
  }
  CT_CHECK(n_infer > 0 || known == t.sizes()[dim], "unflatten: Provided sizes ", shape_str(sizes),
           " don't multiply up to the size of dim ", dim, " (", t.sizes()[dim], ") in the input tensor");
  Shape inner = infer_size(sizes, t.sizes()[dim]);
  Shape s(t.sizes().begin(), t.sizes().begin() + dim);
  s.insert(s.end(), inner.begin(), inner.end());
  s.insert(s.end(), t.sizes().begin() + dim + 1, t.sizes().end());
  return view(t, s);
}

Tensor as_strided(const Tensor& t, const IntList& size, const IntList& stride, std::optional<int64_t> offset) {
  CT_CHECK(size.size() == stride.size(), "mismatch in length of strides and shape");
  for (auto s : stride) CT_CHECK(s >= 0, "as_strided: Negative strides are not supported at the moment, got strides: ",
                                 shape_str(stride));
  int64_t off = offset.value_or(t.storage_offset());
  int64_t need = off;
  bool empty = false;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == 0) empty = true;
    need += (size[i] - 1) * stride[i];
  }
  CT_CHECK(empty || (need + 1) * itemsize(t.dtype()) <= int64_t(t.get()->storage()->nbytes()),
           "setStorage: sizes ", shape_str(size), ", strides ", shape_str(stride), ", storage offset ", off,
           ", and itemsize ", itemsize(t.dtype()), " requiring a storage size of ", (need + 1) * itemsize(t.dtype()),
           " are out of bounds for storage of size ", t.get()->storage()->nbytes());
  Shape in = t.sizes(), ist = t.strides();
  Shape vs(size.begin(), size.end()), vst(stride.begin(), stride.end());
  int64_t in_off = t.storage_offset();
  // Gradient via storage positions, so overlapping views (stride smaller than the extent) add up.
  return record_view("AsStridedBackward0", t, make_view(t, size, stride, off), [in, ist, in_off, off, vs, vst](const Tensor& g) {
    auto span = [](const Shape& sz, const Shape& st) {
      int64_t e = 0;
      for (size_t i = 0; i < sz.size(); ++i) e += (sz[i] - 1) * st[i];
      return e;
    };
    int64_t lo = std::min(in_off, off);
    int64_t hi = std::max(in_off + span(in, ist), off + span(vs, vst));
    Tensor pos = arange(Scalar(int64_t(0)), Scalar(hi - lo + 1), Scalar(int64_t(1)),
                        TensorOptions(kInt64).device(g.device()));
    Tensor flat = zeros({hi - lo + 1}, g.options());
    Tensor vpos = reshape(as_strided(pos, vs, vst, off - lo), {-1});
    index_put_(flat, {std::optional<Tensor>(vpos)}, reshape(g, {-1}), true);
    return index(flat, {std::optional<Tensor>(as_strided(pos, in, ist, in_off - lo))});
  });
}

Tensor diagonal(const Tensor& t, int64_t offset, int64_t d1, int64_t d2) {
  int64_t n = t.dim();
  d1 = wrap_dim(d1, n);
  d2 = wrap_dim(d2, n);
  CT_CHECK(d1 != d2, "diagonal dimensions cannot be identical ", d1, ", ", d2);
  int64_t len, off = t.storage_offset();
  if (offset >= 0) {
    len = std::max<int64_t>(std::min(t.sizes()[d1], t.sizes()[d2] - offset), 0);
    off += offset * t.strides()[d2];
  } else {
    len = std::max<int64_t>(std::min(t.sizes()[d1] + offset, t.sizes()[d2]), 0);
    off -= offset * t.strides()[d1];
  }
  if (len == 0) off = t.storage_offset();
  Shape sz, st;
  for (int64_t d = 0; d < n; ++d)
    if (d != d1 && d != d2) {
      sz.push_back(t.sizes()[d]);
      st.push_back(t.strides()[d]);
    }
  sz.push_back(len);
  st.push_back(t.strides()[d1] + t.strides()[d2]);
  Shape in = t.sizes();
  return record_view("DiagonalBackward0", t, make_view(t, sz, st, off), [in, offset, d1, d2](const Tensor& g) {
    return embed_grad(g, in, [&](const Tensor& gi) { return diagonal(gi, offset, d1, d2); });
  });
}

Tensor unfold(const Tensor& t, int64_t dim, int64_t size, int64_t step) {
  int64_t n = t.dim();
  dim = wrap_dim(dim, n);
  int64_t cur = n == 0 ? 1 : t.sizes()[dim];
  CT_CHECK(size <= cur, "maximum size for tensor at dimension ", dim, " is ", cur, " but size is ", size);
  CT_CHECK(step > 0, "step is ", step, " but must be > 0");
  Shape sz = t.sizes(), st = t.strides();
  if (n == 0) {
    sz = {size};
    st = {1};
    return make_view(t, sz, st, t.storage_offset());
  }
  int64_t old_stride = st[dim];
  sz[dim] = (cur - size) / step + 1;
  st[dim] = old_stride * step;
  sz.push_back(size);
  st.push_back(old_stride);
  Shape in = t.sizes();
  int64_t nwin = sz[dim];
  return record_view("UnfoldBackward0", t, make_view(t, sz, st, t.storage_offset()), [in, dim, size, step, nwin](const Tensor& g) {
    Tensor gi = zeros(in, g.options());
    for (int64_t w = 0; w < nwin; ++w) {
      Tensor region = narrow(gi, dim, w * step, size);
      Tensor piece = movedim(select(g, dim, w), {-1}, {dim});
      add_(region, piece, Scalar(int64_t(1)));
    }
    return gi;
  });
}

Tensor movedim(const Tensor& t, const IntList& src, const IntList& dst) {
  int64_t n = t.dim();
  CT_CHECK(src.size() == dst.size(), "movedim: Invalid source or destination dims: source (", shape_str(src),
           " dims) should contain the same number of dims as destination (", shape_str(dst), " dims)");
  Shape order(n, -1);
  std::vector<bool> used(n, false);
  for (size_t i = 0; i < src.size(); ++i) {
    int64_t s = wrap_dim(src[i], n), d = wrap_dim(dst[i], n);
    order[d] = s;
    used[s] = true;
  }
  int64_t next = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (order[i] != -1) continue;
    while (used[next]) ++next;
    order[i] = next++;
  }
  return permute(t, order);
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    CT_CHECK(da == db || da == 1 || db == 1, "The size of tensor a (", da, ") must match the size of tensor b (",
             db, ") at non-singleton dimension ", i);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& ts) {
  Shape s;
  for (const auto& t : ts) s = broadcast_shapes(s, t.sizes());
  std::vector<Tensor> out;
  for (const auto& t : ts) out.push_back(expand(t, s));
  return out;
}

void resize_out(Tensor& out, const IntList& size, const char* op) {
  (void)op;
  if (out.sizes() == Shape(size)) return;
  resize_(out, size);
}

Tensor& resize_(Tensor& t, const IntList& size) {
  for (auto s : size) CT_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", shape_str(size));
  Shape st = contiguous_strides(size);
  int64_t need = (t.storage_offset() + shape_numel(size)) * itemsize(t.dtype());
  auto& storage = t.get()->storage();
  if (int64_t(storage->nbytes()) < need) storage->resize(size_t(need));
  t.get()->set_geometry(size, st, t.storage_offset());
  return t;
}

}  // namespace ctorch
