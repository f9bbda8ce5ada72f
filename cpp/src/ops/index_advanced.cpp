// Advanced indexing: index(t, indices) and index_put_ with NumPy's placement rule (adjacent index
// tensors keep their place; separated ones move the broadcast index dims to the front).
// See Note [Restrided indexing] in ctorch/ops/index_kernels.h.
#include "ctorch/autograd/derivatives.h"
#include <algorithm>

#include "ctorch/dispatch/registry.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/index_kernels.h"
#include "ctorch/ops/shape.h"
#include "index_common.h"

namespace ctorch {

using namespace index_detail;

namespace {

// The operands of one advanced-indexing call, already laid out with the result's shape.
struct AdvIndex {
  Tensor src;                // self (permuted when the index tensors were separated)
  Tensor src_r;              // src restrided to the result shape (indexed dims: stride 0)
  std::vector<Tensor> idx;   // int64 index operands restrided to the result shape
  IndexGeom geom;
  Shape result;
  bool any = false;          // false when every index is None
};

bool adv_is_mask(const Tensor& t) { return t.dtype() == kBool || t.dtype() == kUInt8; }

// PyTorch: index tensors live on the CPU or on self's device (IndexError otherwise); CPU ones
// are moved to self's device.
void adv_check_device(const Tensor& self, const Tensor& t) {
  CT_CHECK_INDEX(t.device().is_cpu() || t.device() == self.device(), "indices should be either on cpu or on the same "
                 "device as the indexed tensor (", self.device().str(), ")");
}
Tensor adv_on_device(const Tensor& self, const Tensor& t) {
  return t.device() == self.device() ? t : to_device(t, self.device());
}

// Masks become their nonzero() columns; int32 becomes int64. One entry per dim of self, on
// self's device.
std::vector<std::optional<Tensor>> adv_expand(const Tensor& self, const std::vector<std::optional<Tensor>>& in) {
  CT_CHECK_INDEX(int64_t(in.size()) <= self.dim(), "too many indices for tensor of dimension ", self.dim(), " (got ",
                 in.size(), ")");
  for (const auto& e : in)
    if (e && e->defined()) adv_check_device(self, *e);
  std::vector<std::optional<Tensor>> out;
  int64_t d = 0;
  for (const auto& e : in) {
    if (!e || !e->defined()) {
      out.emplace_back();
      ++d;
      continue;
    }
    const Tensor& t = *e;
    if (adv_is_mask(t)) {
      CT_CHECK_INDEX(t.dim() > 0, "index(): a 0-dim boolean index needs Python indexing (t[mask])");
      CT_CHECK_INDEX(d + t.dim() <= self.dim(), "too many indices for tensor of dimension ", self.dim(), " (got ",
                     d + t.dim(), ")");
      for (int64_t j = 0; j < t.dim(); ++j)
        CT_CHECK_INDEX(t.sizes()[j] == self.sizes()[d + j], "The shape of the mask ", shape_str(t.sizes()),
                       " at index ", j, " does not match the shape of the indexed tensor ", shape_str(self.sizes()),
                       " at index ", d + j);
      Tensor nz = adv_on_device(self, nonzero(t));  // a CPU mask: nonzero on the host, one copy
      for (int64_t j = 0; j < t.dim(); ++j) out.emplace_back(select(nz, 1, j));
      d += t.dim();
    } else if (t.dtype() == kInt64 || t.dtype() == kInt32) {
      out.emplace_back(adv_on_device(self, t.dtype() == kInt64 ? t : to_dtype(t, kInt64)));
      ++d;
    } else {
      throw IndexError("tensors used as indices must be long, int, byte or bool tensors");
    }
  }
  return out;
}

AdvIndex adv_make(const Tensor& self, const std::vector<std::optional<Tensor>>& in) {
  std::vector<std::optional<Tensor>> ex = adv_expand(self, in);
  AdvIndex a;
  std::vector<int64_t> pos;
  for (size_t i = 0; i < ex.size(); ++i)
    if (ex[i]) pos.push_back(int64_t(i));
  if (pos.empty()) {
    a.src = self;
    a.result = self.sizes();
    return a;
  }
  a.any = true;
  const int n = int(pos.size());
  CT_CHECK_INDEX(n <= IndexGeom::kMax, "index: at most ", IndexGeom::kMax, " index tensors are supported, got ", n);
  // Broadcast the index tensors together.
  Shape bshape;
  try {
    for (int64_t p : pos) bshape = broadcast_shapes(bshape, ex[p]->sizes());
  } catch (const Error&) {
    std::string shapes;
    for (int64_t p : pos) shapes += (shapes.empty() ? "" : ", ") + shape_str(ex[p]->sizes());
    throw IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes " + shapes);
  }
  // Separated index tensors: move the indexed dims to the front (NumPy's rule).
  Tensor src = self;
  if (pos.back() - pos.front() + 1 != n) {
    IntList perm(pos.begin(), pos.end());
    for (int64_t d = 0; d < self.dim(); ++d)
      if (std::find(pos.begin(), pos.end(), d) == pos.end()) perm.push_back(d);
    src = permute(self, perm);
    for (int k = 0; k < n; ++k) pos[k] = k;
    std::vector<std::optional<Tensor>> reordered;
    for (int64_t p : perm) reordered.push_back(p < int64_t(ex.size()) ? ex[p] : std::nullopt);
    ex = std::move(reordered);
  }
  const int64_t first = pos.front(), last = first + n;  // indexed dims [first, last) of src
  const int64_t bn = int64_t(bshape.size());
  Shape result(src.sizes().begin(), src.sizes().begin() + first);
  result.insert(result.end(), bshape.begin(), bshape.end());
  result.insert(result.end(), src.sizes().begin() + last, src.sizes().end());
  const int64_t R = int64_t(result.size());
  Shape sst(R, 0);
  for (int64_t d = 0; d < first; ++d) sst[d] = src.strides()[d];
  for (int64_t d = last; d < src.dim(); ++d) sst[d - last + first + bn] = src.strides()[d];
  a.src = src;
  a.src_r = restride(src, result, sst);
  a.result = result;
  a.geom.n = n;
  a.geom.kind = IndexGeom::kIndex;
  a.geom.wrap_negative = true;
  for (int k = 0; k < n; ++k) {
    Tensor e = expand(*ex[first + k], bshape);
    Shape ist(R, 0);
    for (int64_t j = 0; j < bn; ++j) ist[first + j] = e.strides()[j];
    a.idx.push_back(restride(e, result, ist));
    a.geom.sizes[k] = src.sizes()[first + k];
    a.geom.strides[k] = src.strides()[first + k] * src.element_size();
    a.geom.dims[k] = k;
  }
  return a;
}

Tensor& index_put_impl(Tensor& self, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                       bool accumulate) {
  CT_CHECK(values.dtype() == self.dtype(), "Index put requires the source and destination dtypes match, got ",
           dtype_legacy_name(self.dtype()), " for the destination and ", dtype_legacy_name(values.dtype()),
           " for the source.");
  CT_CHECK(!indices.empty(), "index_put_(): at least one index must be provided");
  AdvIndex a = adv_make(self, indices);
  bool fits = values.dim() <= int64_t(a.result.size());
  for (int64_t i = 1; fits && i <= values.dim(); ++i) {
    int64_t vs = values.sizes()[values.dim() - i], rs = a.result[a.result.size() - i];
    fits = vs == rs || vs == 1;
  }
  CT_CHECK(fits, "shape mismatch: value tensor of shape ", shape_str(values.sizes()),
           " cannot be broadcast to indexing result of shape ", shape_str(a.result));
  if (!a.any) {
    copy_nobump(self, values);
    return self;
  }
  check_no_overlap(self, values);
  // A CPU 0-dim value may be written into a CUDA tensor (PyTorch moves it); others must match.
  Tensor vd = values.device() != self.device() && values.device().is_cpu() && values.dim() == 0
                  ? to_device(values, self.device())
                  : values;
  check_same_device(self, vd);
  const Tensor v = expand(vd, a.result);
  if (shape_numel(a.result) == 0) return self;
  IterConfig c;
  c.op = "index_put_";
  c.inputs = {a.src_r, v};
  c.inputs.insert(c.inputs.end(), a.idx.begin(), a.idx.end());
  c.compute_dtype = self.dtype();
  c.promote_inputs = false;
  c.check_castable = false;
  TensorIter it(std::move(c));
  kernel<IndexKernelFn>(OpId::index_put, self.device())(it, a.geom, accumulate ? 1 : 0);
  return self;
}

// A single bool mask over the leading dims of self, as in x[mask] (fast paths below).
bool adv_leading_mask(const Tensor& self, const std::vector<std::optional<Tensor>>& in) {
  if (in.empty() || !in[0] || !in[0]->defined() || in[0]->dtype() != kBool) return false;
  for (size_t i = 1; i < in.size(); ++i)
    if (in[i] && in[i]->defined()) return false;
  const Tensor& m = *in[0];
  if (m.dim() == 0 || m.dim() > self.dim()) return false;
  return std::equal(m.sizes().begin(), m.sizes().end(), self.sizes().begin());
}

}  // namespace

namespace {
Tensor index_raw(const Tensor& t, const std::vector<std::optional<Tensor>>& indices);
}

Tensor index(const Tensor& t, const std::vector<std::optional<Tensor>>& indices) {
  Tensor r;
  {
    NoGradGuard ng;
    r = index_raw(t, indices);
  }
  autograd::record_index(t, indices, r);
  return r;
}

namespace {
Tensor index_raw(const Tensor& t, const std::vector<std::optional<Tensor>>& indices) {
  CT_CHECK_INDEX(!indices.empty(), "at least one index must be provided");
  if (adv_leading_mask(t, indices) && indices[0]->dim() == t.dim()) {
    adv_check_device(t, *indices[0]);
    return masked_select(t, adv_on_device(t, *indices[0]));
  }
  AdvIndex a = adv_make(t, indices);
  if (!a.any) return clone_nobump(t);
  if (shape_numel(a.result) == 0) return empty(a.result, t.options());
  IterConfig c;
  c.op = "index";
  c.outputs = {Tensor()};
  c.inputs = {a.src_r};
  c.inputs.insert(c.inputs.end(), a.idx.begin(), a.idx.end());
  c.compute_dtype = t.dtype();
  c.promote_inputs = false;
  c.check_castable = false;
  TensorIter it(std::move(c));
  kernel<IndexKernelFn>(OpId::index, t.device())(it, a.geom, 0);
  return it.output(0);
}
}  // namespace

Tensor& index_put_(Tensor& t, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                   bool accumulate) {
  if (autograd::should_record({t, values})) {
    autograd::check_inplace(t);
    {
      NoGradGuard ng;
      index_put_(t, indices, values, accumulate);
    }
    autograd::record_index_put(t, indices, values, accumulate);
    return t;
  }
  if (!accumulate && values.numel() == 1 && values.dim() == 0 && values.dtype() == t.dtype() &&
      (values.device() == t.device() || values.device().is_cpu()) && adv_leading_mask(t, indices)) {
    // x[mask] = scalar: a masked fill (mask broadcast over the trailing dims).
    adv_check_device(t, *indices[0]);
    Shape ms = indices[0]->sizes();
    ms.resize(size_t(t.dim()), 1);
    masked_fill_(t, adv_on_device(t, *indices[0]).view(ms), values.item());
    return t;
  }
  index_put_impl(t, indices, values, accumulate);
  t.get()->bump_version();
  return t;
}

Tensor index_put(const Tensor& t, const std::vector<std::optional<Tensor>>& indices, const Tensor& values,
                 bool accumulate) {
  if (autograd::should_record({t, values})) {
    Tensor out = clone(t);
    return index_put_(out, indices, values, accumulate);
  }
  Tensor out = clone_nobump(t);
  return index_put_impl(out, indices, values, accumulate);
}

}  // namespace ctorch
