// t[...] and t[...] = v over a list of TensorIndex, following PyTorch's applySlicing: basic
// indices (int, slice, None, Ellipsis) are applied left to right as views; tensors and Python
// bools are collected and handed to index() / index_put_ on the resulting view.
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"
#include "index_common.h"

namespace ctorch {
namespace indexing {

namespace {

// An advanced index recorded at a dim of the sliced view (a mask covers mask.dim() dims).
struct Recorded {
  int64_t dim;
  Tensor t;
};

Tensor item_select(const Tensor& t, int64_t dim, int64_t i, size_t real_dim) {
  const int64_t size = t.size(dim);
  CT_CHECK_INDEX(i >= -size && i < size, "index ", i, " is out of bounds for dimension ", real_dim, " with size ",
                 size);
  return select(t, dim, i);
}

// PyTorch's boolToIndexingTensor: True selects the new unit dim, False selects nothing.
Tensor item_bool_index(bool b, Device dev) {
  return b ? zeros({1}, TensorOptions(kInt64).device(dev)) : empty({0}, TensorOptions(kInt64).device(dev));
}

bool item_is_mask(const Tensor& t) { return t.dtype() == kBool || t.dtype() == kUInt8; }

Tensor item_apply(const Tensor& self, const std::vector<TensorIndex>& ix, std::vector<Recorded>& adv) {
  int64_t specified = 0;
  for (const auto& i : ix) {
    if (i.kind == IndexKind::Integer || i.kind == IndexKind::Slice) ++specified;
    else if (i.kind == IndexKind::Tensor) specified += item_is_mask(i.tensor) ? i.tensor.dim() : 1;
  }
  CT_CHECK_INDEX(specified <= self.dim(), "too many indices for tensor of dimension ", self.dim());
  Tensor r = self;
  int64_t dim = 0;
  for (size_t pos = 0; pos < ix.size(); ++pos) {
    const TensorIndex& i = ix[pos];
    switch (i.kind) {
      case IndexKind::Integer: r = item_select(r, dim, i.integer, pos); break;
      case IndexKind::Slice: r = slice(r, dim, i.integer, i.stop, i.step), ++dim; break;
      case IndexKind::None: r = unsqueeze(r, dim), ++dim; break;
      case IndexKind::Ellipsis: dim += self.dim() - specified; break;
      case IndexKind::Boolean:
        r = unsqueeze(r, dim);
        adv.push_back({dim++, item_bool_index(i.boolean, self.device())});
        break;
      case IndexKind::Tensor: {
        const Tensor& t = i.tensor;
        if (t.dim() == 0 && is_integral(t.dtype(), true)) {
          if (!item_is_mask(t)) {
            r = item_select(r, dim, t.item().to_long(), pos);
          } else {
            r = unsqueeze(r, dim);
            adv.push_back({dim++, item_bool_index(t.item().to_bool(), self.device())});
          }
        } else {
          adv.push_back({dim, t});
          dim += item_is_mask(t) ? t.dim() : 1;
        }
        break;
      }
    }
  }
  return r;
}

// Recorded indices -> index()'s list (entries advance over dims; a mask entry covers its dims).
std::vector<std::optional<Tensor>> item_index_list(const std::vector<Recorded>& adv) {
  std::vector<std::optional<Tensor>> out;
  int64_t cursor = 0;
  for (const auto& a : adv) {
    for (; cursor < a.dim; ++cursor) out.emplace_back();
    out.emplace_back(a.t);
    cursor = a.dim + (item_is_mask(a.t) ? a.t.dim() : 1);
  }
  return out;
}

Shape item_strip_leading_ones(const Shape& s) {
  size_t k = 0;
  while (k < s.size() && s[k] == 1) ++k;
  return Shape(s.begin() + k, s.end());
}

}  // namespace

Tensor get_item(const Tensor& self, const std::vector<TensorIndex>& indices) {
  std::vector<Recorded> adv;
  Tensor r = item_apply(self, indices, adv);
  if (adv.empty()) return r.is_same(self) ? alias(self) : r;
  return index(r, item_index_list(adv));
}

// PyTorch's copy_to: same shape -> copy_, 0-dim value -> fill_, else broadcast without the
// value's leading unit dims.
void copy_to(const Tensor& dst_in, const Tensor& src) {
  Tensor dst = dst_in;
  if (dst.sizes() == src.sizes()) {
    copy_(dst, src);
  } else if (src.dim() == 0) {
    fill_(dst, src);
  } else {
    Tensor v = src.view(item_strip_leading_ones(src.sizes()));
    copy_(dst, expand(v, dst.sizes()));
  }
}


void set_item(Tensor& self, const std::vector<TensorIndex>& indices, const Tensor& value) {
  std::vector<Recorded> adv;
  Tensor r = item_apply(self, indices, adv);
  if (adv.empty()) return copy_to(r, value);
  Tensor v = value.view(item_strip_leading_ones(value.sizes()));
  index_put_(r, item_index_list(adv), v);
}

}  // namespace indexing
}  // namespace ctorch
