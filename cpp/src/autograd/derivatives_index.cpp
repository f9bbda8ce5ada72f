// Backward formulas of joining and indexing ops (written with ctorch ops).
#include "ctorch/autograd/derivatives.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/reduce.h"
#include "ctorch/ops/shape.h"

namespace ctorch {
namespace autograd {

namespace {
// index_select's index, viewed and expanded so scatter_add/gather can use it along `dim`.
Tensor expand_index(const Tensor& index, const Shape& shape, int64_t dim) {
  Shape v(shape.size(), 1);
  if (!shape.empty()) v[dim] = index.numel();
  Tensor idx = reshape(index, v);
  Shape target = shape;
  if (!target.empty()) target[dim] = index.numel();
  return expand(idx, target);
}
}  // namespace

void record_cat(const tensor_list& ts, const Tensor& r, int64_t dim) {
  if (!any_requires_grad(ts) || !is_floating(r.dtype())) return;
  IntList sizes;
  std::vector<Shape> shapes;
  for (const auto& t : ts) {
    shapes.push_back(t.sizes());
    sizes.push_back(t.dim() == 1 && t.sizes()[0] == 0 && r.dim() != 1 ? 0 : t.sizes()[dim]);
  }
  record("CatBackward0", ts, {r}, [sizes, shapes, dim](const tensor_list& g, Node&) {
    tensor_list out;
    int64_t off = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (shapes[i].size() == 1 && shapes[i][0] == 0 && g[0].dim() != 1) {
        out.push_back(zeros(shapes[i], g[0].options()));
        continue;
      }
      out.push_back(narrow(g[0], dim, off, sizes[i]));
      off += sizes[i];
    }
    return out;
  }, false);
}

void record_stack(const tensor_list& ts, const Tensor& r, int64_t dim) {
  if (!any_requires_grad(ts) || !is_floating(r.dtype())) return;
  record("StackBackward0", ts, {r}, [dim](const tensor_list& g, Node&) { return unbind(g[0], dim); }, false);
}

void record_index_select(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& r) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  Shape in = a.sizes();
  SavedTensor si = save(index);
  record("IndexSelectBackward0", {a}, {r}, [in, dim, si](const tensor_list& g, Node&) {
    Tensor idx = si.unpack();
    if (in.empty()) return tensor_list{sum(g[0])};
    return tensor_list{scatter_add(zeros(in, g[0].options()), dim, expand_index(idx, g[0].sizes(), dim), g[0])};
  });
}

void record_gather(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& r) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  Shape in = a.sizes();
  SavedTensor si = save(index);
  record("GatherBackward0", {a}, {r}, [in, dim, si](const tensor_list& g, Node&) {
    return tensor_list{scatter_add(zeros(in, g[0].options()), dim, si.unpack(), g[0])};
  });
}

void record_scatter(const char* name, const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                    const Tensor& r, bool is_add, bool inplace, const Tensor& old_self) {
  (void)old_self;
  if (!should_record({self, src}) || !is_floating(r.dtype())) return;
  SavedTensor si = save(index);
  bool has_src = src.defined() && !src.get()->is_wrapped_number;
  auto fn = [si, dim, is_add, has_src](const tensor_list& g, Node&) {
    Tensor idx = si.unpack();
    Tensor gs = is_add ? g[0] : scatter(g[0], dim, idx, Scalar(int64_t(0)));
    if (!has_src) return tensor_list{gs};
    return tensor_list{gs, gather(g[0], dim, idx)};
  };
  Tensor out = r;
  tensor_list others = has_src ? tensor_list{src} : tensor_list{};
  if (inplace) record_inplace(name, out, others, fn);
  else record(name, has_src ? tensor_list{self, src} : tensor_list{self}, {r}, fn);
}

void record_masked_fill(const Tensor& self, const Tensor& mask, const Tensor& value, const Tensor& r, bool inplace) {
  bool tensor_value = value.defined() && !value.get()->is_wrapped_number;
  if (!should_record({self, tensor_value ? value : Tensor()}) || !is_floating(r.dtype())) return;
  SavedTensor sm = save(mask);
  auto fn = [sm, tensor_value](const tensor_list& g, Node&) {
    Tensor m = sm.unpack();
    Tensor gs = masked_fill(g[0], m, Scalar(int64_t(0)));
    if (!tensor_value) return tensor_list{gs};
    return tensor_list{gs, sum(where(m, g[0], zeros_like(g[0])))};
  };
  const char* name = tensor_value ? "MaskedFillBackward1" : "MaskedFillBackward0";
  Tensor out = r;
  if (inplace) record_inplace(name, out, tensor_value ? tensor_list{value} : tensor_list{}, fn);
  else record(name, tensor_value ? tensor_list{self, value} : tensor_list{self}, {r}, fn);
}

void record_masked_select(const Tensor& self, const Tensor& mask, const Tensor& r) {
  if (!should_record({self}) || !is_floating(r.dtype())) return;
  Shape full = broadcast_shapes(self.sizes(), mask.sizes());
  SavedTensor sm = save(mask);
  record("MaskedSelectBackward0", {self}, {r}, [sm, full](const tensor_list& g, Node&) {
    Tensor z = zeros(full, g[0].options());
    Tensor m = expand(sm.unpack(), full);
    index_put_(z, {std::optional<Tensor>(m)}, g[0], false);
    return tensor_list{z};
  });
}

void record_index(const Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& r) {
  if (!should_record({self}) || !is_floating(r.dtype())) return;
  Shape in = self.sizes();
  std::vector<SavedTensor> saved;
  for (auto& i : indices) saved.push_back(save(i ? *i : Tensor()));
  record("IndexBackward0", {self}, {r}, [in, saved](const tensor_list& g, Node&) {
    std::vector<std::optional<Tensor>> idx;
    for (auto& s : saved) {
      Tensor t = s.unpack();
      idx.push_back(t.defined() ? std::optional<Tensor>(t) : std::nullopt);
    }
    Tensor z = zeros(in, g[0].options());
    index_put_(z, idx, g[0], true);
    return tensor_list{z};
  });
}

void record_index_put(Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                      bool accumulate) {
  if (!should_record({self, values}) || !is_floating(self.dtype())) return;
  std::vector<SavedTensor> saved;
  for (auto& i : indices) saved.push_back(save(i ? *i : Tensor()));
  auto fn = [saved, accumulate](const tensor_list& g, Node&) {
    std::vector<std::optional<Tensor>> idx;
    for (auto& s : saved) {
      Tensor t = s.unpack();
      idx.push_back(t.defined() ? std::optional<Tensor>(t) : std::nullopt);
    }
    Tensor gs = g[0];
    if (!accumulate) {
      gs = clone(g[0]);
      index_put_(gs, idx, zeros({}, g[0].options()), false);
    }
    return tensor_list{gs, index(g[0], idx)};
  };
  record_inplace("IndexPutBackward0", self, {values}, fn);
}

}  // namespace autograd
}  // namespace ctorch
