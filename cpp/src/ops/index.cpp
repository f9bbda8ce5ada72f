// Front ends of index_select, gather, scatter(_add), masked_fill, masked_select, nonzero and take,
// plus the helpers of index_common.h. Kernels run over restrided operands: See Note [Restrided
// indexing] in ctorch/ops/index_kernels.h.
#include "ctorch/autograd/derivatives.h"
#include <cfloat>
#include <cmath>
#include <limits>

#include "ctorch/dispatch/registry.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/index_kernels.h"
#include "ctorch/ops/shape.h"
#include "index_common.h"

namespace ctorch {

namespace index_detail {

void copy_nobump(Tensor& dst, const Tensor& src) { copy_nobump_(dst, src); }

Tensor clone_nobump(const Tensor& t) {
  Tensor out = empty(t.sizes(), t.options());
  copy_nobump(out, t);
  return out;
}

Tensor restride(const Tensor& t, Shape sizes, Shape strides) {
  return Tensor(std::make_shared<TensorImpl>(t.get()->storage(), t.dtype(), std::move(sizes), std::move(strides),
                                             t.storage_offset()));
}

namespace {
// [first, last) byte addresses spanned by t.
std::pair<uintptr_t, uintptr_t> byte_span(const Tensor& t) {
  uintptr_t b = reinterpret_cast<uintptr_t>(t.data_ptr());
  int64_t extent = 0;
  for (int64_t d = 0; d < t.dim(); ++d) extent += (t.sizes()[d] - 1) * t.strides()[d];
  return {b, b + uintptr_t((extent + 1) * t.element_size())};
}
}  // namespace

bool overlaps(const Tensor& a, const Tensor& b) {
  if (a.numel() == 0 || b.numel() == 0) return false;
  auto sa = byte_span(a), sb = byte_span(b);
  return sa.first < sb.second && sb.first < sa.second;
}

void check_no_overlap(const Tensor& out, const Tensor& in) {
  CT_CHECK(!overlaps(out, in),
           "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
           "memory location. Please clone() the tensor before performing the operation.");
}

void check_same_device(const Tensor& a, const Tensor& b) {
  CT_CHECK(a.device() == b.device(), "Expected all tensors to be on the same device, but found at least two devices, ",
           a.device().str(), " and ", b.device().str(), "!");
}

void check_scalar_fits(const Scalar& v, ScalarType t) {
  if (t == kBool || v.is_bool()) return;
  double lo = 0, hi = 0;
  const char* name = "";
  switch (t) {
    case kUInt8: lo = 0, hi = 255, name = "uint8_t"; break;
    case kInt8: lo = -128, hi = 127, name = "int8_t"; break;
    case kInt16: lo = -32768, hi = 32767, name = "int16_t"; break;
    case kInt32: lo = -2147483648.0, hi = 2147483647.0, name = "int"; break;
    case kInt64: lo = -9223372036854775808.0, hi = 9223372036854775807.0, name = "int64_t"; break;
    case kFloat16: lo = -65504, hi = 65504, name = "c10::Half"; break;
    case kBFloat16: lo = -3.3895313892515355e38, hi = 3.3895313892515355e38, name = "c10::BFloat16"; break;
    case kFloat32: lo = -FLT_MAX, hi = FLT_MAX, name = "float"; break;
    default: return;  // double holds every Scalar
  }
  bool bad;
  if (v.is_float()) {
    double d = v.to_double();
    if (std::isnan(d) || std::isinf(d)) bad = !is_floating(t);
    else bad = d < lo || d > hi;
  } else {
    int64_t i = v.to_long();
    if (t == kInt64) bad = false;
    else if (t == kUInt8) bad = i > 255 || i < -255;  // negative ints wrap (two's complement), as c10
    else bad = double(i) < lo || double(i) > hi;
  }
  CT_CHECK(!bad, "value cannot be converted to type ", name, " without overflow");
}

}  // namespace index_detail

using namespace index_detail;

[[noreturn]] void index_out_of_bounds(const IndexGeom& g, int k, int64_t idx) {
  const int64_t size = g.sizes[k];
  switch (g.kind) {
    case IndexGeom::kIndexSelect: throw IndexError("index out of range in self");
    case IndexGeom::kTake:
      throw IndexError(str_cat("out of range: tried to access index ", idx, " on a tensor of ", size, " elements."));
    case IndexGeom::kIndexCopy:
      throw IndexError(str_cat("index_copy_(): index ", idx, " is out of bounds for dimension ", g.dims[k],
                               " with size ", size));
    case IndexGeom::kGather:
      throw Error(str_cat("index ", idx, " is out of bounds for dimension ", g.dims[k], " with size ", size));
    default:
      if (size == 0) throw IndexError("index is out of bounds for dimension with size 0");
      throw IndexError(str_cat("index ", idx, " is out of bounds for dimension ", g.dims[k], " with size ", size));
  }
}

Tensor scalar_tensor_checked(const Scalar& v, ScalarType dt) {
  check_scalar_fits(v, dt);
  return full({}, v, TensorOptions(dt));
}

namespace {

Tensor idx_long(const Tensor& index) { return index.dtype() == kInt64 ? index : to_dtype(index, kInt64); }

// The iterator of the read-side kernels: out (allocated when undefined), src, indices.
void idx_run_read(OpId op, Tensor& out, const Tensor& src_r, const std::vector<Tensor>& idx, const IndexGeom& g,
                  ScalarType dtype) {
  IterConfig c;
  c.op = op_name(op);
  c.outputs = {out};
  c.inputs = {src_r};
  c.inputs.insert(c.inputs.end(), idx.begin(), idx.end());
  c.compute_dtype = dtype;
  c.promote_inputs = false;
  c.check_castable = false;
  TensorIter it(std::move(c));
  kernel<IndexKernelFn>(op, src_r.device())(it, g, 0);
  out = it.output(0);
}

Tensor& index_select_impl(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index) {
  CT_CHECK_INDEX(index.dim() <= 1, "index_select(): Index is supposed to be a vector");
  CT_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32,
           "index_select(): Expected dtype int32 or int64 for index");
  dim = wrap_dim(dim, self.dim());
  if (out.defined()) {
    CT_CHECK(out.dtype() == self.dtype(), "index_select(): self and result must have the same scalar type");
    check_no_overlap(out, self);
    check_no_overlap(out, index);
  }
  const Tensor s1 = as_1d(self);
  const int64_t n = index.numel();
  CT_CHECK(s1.sizes()[dim] > 0 || n == 0, "index_select(): self indexing axis dim should be positive");
  Shape shape = s1.sizes();
  shape[dim] = n;
  Tensor idx = idx_long(index).reshape({n});
  Shape sst = s1.strides(), ist(shape.size(), 0);
  sst[dim] = 0;
  ist[dim] = idx.strides()[0];
  IndexGeom g;
  g.n = 1;
  g.sizes[0] = s1.sizes()[dim];
  g.strides[0] = s1.strides()[dim] * self.element_size();
  g.dims[0] = dim;
  g.kind = IndexGeom::kIndexSelect;
  g.wrap_negative = false;
  Shape final_shape = self.dim() == 0 ? Shape{} : shape;  // a 0-dim self gives a 0-dim result
  if (!out.defined()) out = empty(final_shape, self.options());
  else resize_out(out, final_shape, "index_select");
  Tensor o1 = out.dim() == 0 ? out.reshape({1}) : out;
  idx_run_read(OpId::index_select, o1, restride(s1, shape, sst), {restride(idx, shape, ist)}, g, self.dtype());
  return out;
}

// Shared shape checks of gather/scatter (ensure_nonempty_dim semantics: 0-dim counts as 1-D).
// An empty index skips them, as in PyTorch.
void idx_scatter_gather_check(const char* op, const Tensor& self, int64_t dim, const Tensor& index,
                              const Tensor* src) {
  CT_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32, op, "(): Expected dtype int32/int64 for index");
  if (index.numel() == 0) return;
  const bool gather = std::string(op) == "gather";
  CT_CHECK(nonempty_dim(index) == nonempty_dim(self), "Index tensor must have the same number of dimensions as ",
           gather ? "input" : "self", " tensor");
  for (int64_t d = 0; d < nonempty_dim(index); ++d) {
    const int64_t is = index.size(d);
    bool ok = d == dim || is <= self.size(d);
    if (gather) {
      CT_CHECK(ok, "Size does not match at dimension ", d, " expected index ", shape_str(index.sizes()),
               " to be no larger than self ", shape_str(self.sizes()), " apart from dimension ", dim);
      continue;
    }
    if (src) ok = ok && is <= src->size(d);  // src->size raises IndexError for a src of fewer dims
    CT_CHECK(ok, "Expected index ", shape_str(index.sizes()), " to be no larger than self ", shape_str(self.sizes()),
             " apart from dimension ", dim,
             src ? str_cat(" and to be no larger size than src ", shape_str(src->sizes())) : std::string());
  }
  if (src)
    CT_CHECK(nonempty_dim(*src) == nonempty_dim(index),
             "Index tensor must have the same number of dimensions as src tensor");
}

IndexGeom idx_gather_geom(const Tensor& s1, int64_t dim) {
  IndexGeom g;
  g.n = 1;
  g.sizes[0] = s1.sizes()[dim];
  g.strides[0] = s1.strides()[dim] * s1.element_size();
  g.dims[0] = dim;
  g.kind = IndexGeom::kGather;
  g.wrap_negative = false;
  return g;
}

Tensor& gather_impl(Tensor& out, const Tensor& self, int64_t dim, const Tensor& index) {
  dim = wrap_dim(dim, self.dim());
  idx_scatter_gather_check("gather", self, dim, index, nullptr);
  if (out.defined()) {
    CT_CHECK(out.dtype() == self.dtype(), "Expected out tensor to have dtype ", dtype_cpp_name(self.dtype()),
             ", but got ", dtype_cpp_name(out.dtype()), " instead");
    check_no_overlap(out, self);
    check_no_overlap(out, index);
    resize_out(out, index.sizes(), "gather");
  } else {
    out = empty(index.sizes(), self.options());
  }
  if (index.numel() == 0) return out;
  const Tensor s1 = as_1d(self), i1 = as_1d(idx_long(index));
  Shape sst = s1.strides();
  sst[dim] = 0;
  Tensor o1 = as_1d(out);
  idx_run_read(OpId::gather, o1, restride(s1, i1.sizes(), sst), {i1}, idx_gather_geom(s1, dim), self.dtype());
  return out;
}

int idx_reduce_mode(const std::string& reduce) {
  if (reduce.empty()) return 0;
  if (reduce == "add") return 1;
  if (reduce == "multiply") return 2;
  throw Error("reduce argument must be either add or multiply.");
}

// Writes src (already of self's dtype, at least index's extent) into self; no version bump.
void scatter_impl(OpId op, Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, int mode,
                  IndexGeom::Kind kind = IndexGeom::kGather, bool wrap = false, const Scalar& alpha = 1) {
  if (index.numel() == 0) return;
  const Tensor s1 = as_1d(self), i1 = as_1d(idx_long(index));
  const Tensor v1 = as_1d(src);
  Shape dst_st = s1.strides();
  dst_st[dim] = 0;
  IterConfig c;
  c.op = op_name(op);
  c.inputs = {restride(s1, i1.sizes(), dst_st), restride(v1, i1.sizes(), v1.strides()), i1};
  c.compute_dtype = self.dtype();
  c.promote_inputs = false;
  c.check_castable = false;
  TensorIter it(std::move(c));
  it.scalars[0] = alpha;
  IndexGeom g = idx_gather_geom(s1, dim);
  g.kind = kind;
  g.wrap_negative = wrap;
  kernel<IndexKernelFn>(op, self.device())(it, g, mode);
}

// Reductions into float16/bfloat16 accumulate in a float32 buffer, as PyTorch's CPU kernels do.
void scatter_reduced(OpId op, Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, int mode) {
  if (mode == 0 || (t.dtype() != kFloat16 && t.dtype() != kBFloat16)) return scatter_impl(op, t, dim, index, src, mode);
  Tensor buf = to_dtype(t, kFloat32, true);
  scatter_impl(op, buf, dim, index, to_dtype(src, kFloat32), mode);
  copy_nobump(t, buf);
}

Tensor& scatter_src_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                     OpId op) {
  dim = wrap_dim(dim, t.dim());
  CT_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32, "scatter(): Expected dtype int32/int64 for index");
  CT_CHECK(t.dtype() == src.dtype(), "scatter(): Expected self.dtype to be equal to src.dtype");
  idx_scatter_gather_check("scatter", t, dim, index, &src);
  int mode = op == OpId::scatter_add ? 1 : idx_reduce_mode(reduce);
  check_no_overlap(t, src);
  scatter_reduced(op, t, dim, index, src, mode);
  return t;
}

Tensor& scatter_value_(Tensor& t, int64_t dim, const Tensor& index, const Scalar& value, const std::string& reduce) {
  dim = wrap_dim(dim, t.dim());
  idx_scatter_gather_check("scatter", t, dim, index, nullptr);
  int mode = idx_reduce_mode(reduce);
  check_scalar_fits(value, t.dtype());
  Tensor v = full({}, value, TensorOptions(t.dtype()).device(t.device()));
  scatter_reduced(OpId::scatter, t, dim, index, expand(v, as_1d(index).sizes()), mode);
  return t;
}

void masked_fill_impl(Tensor& self, const Tensor& mask, const Scalar& v) {
  CT_CHECK(mask.dtype() == kBool, "masked_fill_ only supports boolean masks, but got mask with dtype ",
           dtype_cpp_name(mask.dtype()));
  Shape b = broadcast_shapes(self.sizes(), mask.sizes());
  CT_CHECK(b == self.sizes(), "output with shape ", shape_str(self.sizes()), " doesn't match the broadcast shape ",
           shape_str(b));
  check_scalar_fits(v, self.dtype());
  IterConfig c;
  c.op = "masked_fill_";
  c.inputs = {self, expand(mask, self.sizes())};
  c.compute_dtype = self.dtype();
  c.promote_inputs = false;
  c.check_castable = false;
  TensorIter it(std::move(c));
  it.scalars[0] = v;
  kernel<PointwiseFn>(OpId::masked_fill, self.device())(it);
}

Scalar idx_fill_value(const Tensor& value) {
  CT_CHECK(value.dim() == 0, "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ",
           value.dim(), " dimension(s).");
  return value.item();
}

// A 0/1-D index laid along `dim` of a tensor of shape `like` (size index.numel() there).
Tensor idx_along(const Tensor& index, int64_t dim, const Shape& like) {
  Shape v(like.size(), 1);
  v[dim] = index.numel();
  return expand(idx_long(index).reshape(v), like);
}

Tensor& index_add_impl(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  dim = wrap_dim(dim, t.dim());
  CT_CHECK_INDEX(index.dim() <= 1, "index_add_(): Index is supposed to be a vector, but got dim: ", index.dim(),
                 " with type: ", dtype_legacy_name(index.dtype()), " and size: ", shape_str(index.sizes()));
  CT_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32,
           "index_add_(): Expected dtype int32/int64 for index but got: ", dtype_legacy_name(index.dtype()));
  CT_CHECK(t.dtype() == source.dtype(), "index_add_(): self (", dtype_legacy_name(t.dtype()), ") and source (",
           dtype_legacy_name(source.dtype()), ") must have the same scalar type");
  const Tensor s1 = as_1d(t), src1 = as_1d(source);
  CT_CHECK(index.numel() == src1.size(dim), "index_add_(): Number of indices (", index.numel(),
           ") should be equal to source.size(dim): (", src1.size(dim), "), for dim: ", dim);
  bool same = src1.dim() == s1.dim();
  for (int64_t d = 0; same && d < s1.dim(); ++d) same = d == dim || src1.sizes()[d] == s1.sizes()[d];
  CT_CHECK(same, "source tensor shape must match self tensor shape, excluding the specified dimension. Got "
           "self.shape = ", shape_str(t.sizes()), " source.shape = ", shape_str(source.sizes()));
  check_no_overlap(t, source);
  scatter_impl(OpId::scatter_add, t, dim, idx_along(index, dim, src1.sizes()), src1, 3, IndexGeom::kGather, false,
               alpha);
  return t;
}

Tensor& index_fill_impl(Tensor& t, int64_t dim, const Tensor& index, const Scalar& value) {
  dim = wrap_dim(dim, t.dim());
  CT_CHECK_INDEX(index.dtype() == kInt64, "index_fill_(): Expected dtype int64 for index.");
  CT_CHECK(index.dim() <= 1, "Index has to be a vector/scalar");
  check_scalar_fits(value, t.dtype());
  Shape like = as_1d(t).sizes();
  like[dim] = index.numel();
  Tensor v = expand(full({}, value, TensorOptions(t.dtype()).device(t.device())), like);
  scatter_impl(OpId::scatter, t, dim, idx_along(index, dim, like), v, 0, IndexGeom::kIndex, true);
  return t;
}

Tensor& index_copy_impl(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source) {
  dim = wrap_dim(dim, t.dim());
  CT_CHECK_INDEX(index.dim() <= 1, "index_copy_(): Index should have dimension 1 or 0 (got ", index.dim(), ")");
  CT_CHECK_INDEX(source.dim() == t.dim() || source.dim() == 0 || t.dim() == 0,
                 "index_copy_(): When source and destination are not scalars, their dimensionality must match. "
                 "Source dimensionality (", source.dim(), "), destination dimensionality (", t.dim(), ")");
  const Tensor s1 = as_1d(t), src1 = as_1d(source);
  CT_CHECK_INDEX(index.numel() == src1.size(dim), "index_copy_(): Number of indices (", index.numel(),
                 ") should be equal to source.size(dim) (", src1.size(dim), ")");
  for (int64_t d = 0; d < s1.dim(); ++d)
    CT_CHECK(d == dim || s1.sizes()[d] == src1.sizes()[d], "index_copy_(): Source/destination tensor must have "
             "same slice shapes. Destination slice shape: ", s1.sizes()[d], " at dimension ", d,
             " and source slice shape: ", src1.sizes()[d], " at dimension ", d, ".");
  CT_CHECK(index.dtype() == kInt64, "index_copy_(): Expected a long tensor for index, but got ",
           dtype_legacy_name(index.dtype()));
  CT_CHECK(t.dtype() == source.dtype(), "index_copy_(): self and source expected to have the same dtype, but got "
           "(self) ", dtype_legacy_name(t.dtype()), " and (source) ", dtype_legacy_name(source.dtype()));
  check_no_overlap(t, source);
  scatter_impl(OpId::scatter, t, dim, idx_along(index, dim, src1.sizes()), src1, 0, IndexGeom::kIndexCopy, false);
  return t;
}

}  // namespace

// ---- index_add / index_fill / index_copy ----
Tensor& index_add_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  index_add_impl(t, dim, index, source, alpha);
  t.get()->bump_version();
  return t;
}
Tensor index_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  Tensor out = clone_nobump(t);
  return index_add_impl(out, dim, index, source, alpha);
}
Tensor& index_fill_(Tensor& t, int64_t dim, const Tensor& index, const Scalar& value) {
  index_fill_impl(t, dim, index, value);
  t.get()->bump_version();
  return t;
}
Tensor index_fill(const Tensor& t, int64_t dim, const Tensor& index, const Scalar& value) {
  Tensor out = clone_nobump(t);
  return index_fill_impl(out, dim, index, value);
}
Tensor& index_copy_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source) {
  index_copy_impl(t, dim, index, source);
  t.get()->bump_version();
  return t;
}
Tensor index_copy(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source) {
  Tensor out = clone_nobump(t);
  return index_copy_impl(out, dim, index, source);
}

// ---- index_select / gather ----
namespace {
using GatherImpl = Tensor&(Tensor&, const Tensor&, int64_t, const Tensor&);
using GatherRecord = void(const Tensor&, int64_t, const Tensor&, const Tensor&);

// Both ops: the forward without autograd, then their backward node.
Tensor gather_like(GatherImpl* impl, GatherRecord* record, const Tensor& t, int64_t dim, const Tensor& index) {
  Tensor out;
  {
    NoGradGuard ng;
    impl(out, t, dim, index);
  }
  record(t, wrap_dim(dim, t.dim()), index, out);
  return out;
}
Tensor& gather_like_out(GatherImpl* impl, Tensor& out, const Tensor& t, int64_t dim, const Tensor& index) {
  impl(out, t, dim, index);
  out.get()->bump_version();
  return out;
}
}  // namespace

Tensor index_select(const Tensor& t, int64_t dim, const Tensor& index) {
  return gather_like(&index_select_impl, &autograd::record_index_select, t, dim, index);
}
Tensor& index_select_out(Tensor& out, const Tensor& t, int64_t dim, const Tensor& index) {
  return gather_like_out(&index_select_impl, out, t, dim, index);
}
Tensor gather(const Tensor& t, int64_t dim, const Tensor& index) {
  return gather_like(&gather_impl, &autograd::record_gather, t, dim, index);
}
Tensor& gather_out(Tensor& out, const Tensor& t, int64_t dim, const Tensor& index) {
  return gather_like_out(&gather_impl, out, t, dim, index);
}

// ---- scatter family ----
// Autograd: scatter with reduce= is not differentiable in ctorch (PyTorch supports only some modes).
namespace {
Tensor& scatter_rec(Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, const Scalar* value,
                    const std::string& reduce, bool is_add, bool inplace) {
  bool rec = autograd::should_record({t, src});
  if (rec && inplace) autograd::check_inplace(t);
  {
    NoGradGuard ng;
    if (value) scatter_value_(t, dim, index, *value, reduce);
    else scatter_src_(t, dim, index, src, is_add ? "add" : reduce, is_add ? OpId::scatter_add : OpId::scatter);
  }
  if (inplace) t.get()->bump_version();
  if (rec) {
    CT_CHECK(is_add || reduce.empty(), "the derivative for 'scatter' with reduce='", reduce, "' is not implemented.");
    autograd::record_scatter(is_add ? "ScatterAddBackward0" : value ? "ScatterBackward1" : "ScatterBackward0", t,
                             wrap_dim(dim, t.dim()), index, value ? Tensor() : src, t, is_add, true);
  }
  return t;
}
Tensor fresh_copy(const Tensor& t) {
  // out-of-place variants: a clone that carries t's history, then the in-place op on it
  return autograd::should_record({t}) ? clone(t) : clone_nobump(t);
}
}  // namespace

Tensor& scatter_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce) {
  return scatter_rec(t, dim, index, src, nullptr, reduce, false, true);
}

Tensor& scatter_(Tensor& t, int64_t dim, const Tensor& index, const Scalar& value, const std::string& reduce) {
  return scatter_rec(t, dim, index, Tensor(), &value, reduce, false, true);
}

Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce) {
  Tensor out = fresh_copy(t);
  return scatter_rec(out, dim, index, src, nullptr, reduce, false, false);
}

Tensor scatter(const Tensor& t, int64_t dim, const Tensor& index, const Scalar& value, const std::string& reduce) {
  Tensor out = fresh_copy(t);
  return scatter_rec(out, dim, index, Tensor(), &value, reduce, false, false);
}

Tensor& scatter_add_(Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_rec(t, dim, index, src, nullptr, "", true, true);
}

Tensor scatter_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = fresh_copy(t);
  return scatter_rec(out, dim, index, src, nullptr, "", true, false);
}

// ---- masked ops ----
Tensor& masked_fill_(Tensor& t, const Tensor& mask, const Scalar& value) {
  bool rec = autograd::should_record({t});
  if (rec) autograd::check_inplace(t);
  masked_fill_impl(t, mask, value);
  t.get()->bump_version();
  if (rec) autograd::record_masked_fill(t, mask, Tensor(), t, true);
  return t;
}

Tensor& masked_fill_(Tensor& t, const Tensor& mask, const Tensor& value) {
  bool rec = autograd::should_record({t, value});
  if (rec) autograd::check_inplace(t);
  masked_fill_impl(t, mask, idx_fill_value(value));
  t.get()->bump_version();
  if (rec) autograd::record_masked_fill(t, mask, value, t, true);
  return t;
}

Tensor masked_fill(const Tensor& t, const Tensor& mask, const Scalar& value) {
  CT_CHECK(mask.dtype() == kBool, "masked_fill_ only supports boolean masks, but got mask with dtype ",
           dtype_cpp_name(mask.dtype()));
  Tensor out = clone_nobump(expand(t, broadcast_shapes(t.sizes(), mask.sizes())));
  masked_fill_impl(out, mask, value);
  autograd::record_masked_fill(t, mask, Tensor(), out, false);
  return out;
}

Tensor masked_fill(const Tensor& t, const Tensor& mask, const Tensor& value) {
  Tensor out;
  {
    NoGradGuard ng;
    out = masked_fill(t, mask, idx_fill_value(value));
  }
  autograd::record_masked_fill(t, mask, value, out, false);
  return out;
}

Tensor& masked_fill_out(Tensor& out, const Tensor& t, const Tensor& mask, const Scalar& value) {
  check_same_device(t, out);
  Tensor r = masked_fill(t, mask, value);
  resize_out(out, r.sizes(), "masked_fill");
  copy_nobump(out, r);
  out.get()->bump_version();
  return out;
}

Tensor masked_select(const Tensor& t, const Tensor& mask) {
  CT_CHECK(mask.dtype() == kBool, "masked_select: expected BoolTensor for mask");
  Shape b = broadcast_shapes(mask.sizes(), t.sizes());  // PyTorch's operand order in its message
  // A CPU 0-dim mask may select from a CUDA tensor (as a CPU scalar may join a CUDA op).
  Tensor m = mask.device() != t.device() && mask.device().is_cpu() && mask.dim() == 0 ? to_device(mask, t.device())
                                                                                       : mask;
  check_same_device(t, m);
  Tensor r;
  {
    NoGradGuard ng;
    r = kernel<MaskedSelectFn>(OpId::masked_select, t.device())(contiguous(expand(t, b)), contiguous(expand(m, b)));
  }
  autograd::record_masked_select(t, mask, r);
  return r;
}

Tensor& masked_select_out(Tensor& out, const Tensor& t, const Tensor& mask) {
  CT_CHECK(out.dtype() == t.dtype(), "masked_select(): self and result must have the same scalar type");
  check_same_device(t, out);
  Tensor r = masked_select(t, mask);
  resize_out(out, r.sizes(), "masked_select");
  copy_nobump(out, r);
  out.get()->bump_version();
  return out;
}

// ---- nonzero / take ----
Tensor nonzero(const Tensor& t) { return kernel<NonzeroFn>(OpId::nonzero, t.device())(contiguous(t)); }

Tensor& nonzero_out(Tensor& out, const Tensor& t) {
  CT_CHECK(out.dtype() == kInt64, "nonzero: Expected out tensor to have scalar type Long but got scalar type",
           dtype_legacy_name(out.dtype()));
  check_same_device(t, out);
  Tensor r = nonzero(t);
  resize_out(out, r.sizes(), "nonzero");
  copy_nobump(out, r);
  out.get()->bump_version();
  return out;
}

std::vector<Tensor> nonzero_tuple(const Tensor& t) { return unbind(nonzero(as_1d(t)), 1); }

Tensor take(const Tensor& t, const Tensor& index) {
  CT_CHECK(index.dtype() == kInt64, "take(): Expected a long tensor for index, but got ",
           dtype_legacy_name(index.dtype()));
  Tensor flat = reshape(t, {-1});
  Shape shape = index.sizes();
  IndexGeom g;
  g.n = 1;
  g.sizes[0] = flat.numel();
  g.strides[0] = flat.strides()[0] * flat.element_size();
  g.kind = IndexGeom::kTake;
  Tensor out = empty(shape, t.options());
  if (out.numel() == 0) return out;
  Tensor o1 = as_1d(out), i1 = as_1d(index);
  idx_run_read(OpId::index, o1, restride(flat, i1.sizes(), Shape(i1.dim(), 0)), {i1}, g, t.dtype());
  return out;
}

}  // namespace ctorch
