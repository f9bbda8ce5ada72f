#include "ctorch/iter/tensor_iter.h"

#include <algorithm>

#include "ctorch/autograd/autograd.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

namespace {
constexpr int kMaxDims = 16;

// PyTorch's ResultTypeState combine step: a higher-priority group keeps its dtype unless the
// lower-priority group is of a higher category.
ScalarType combine_categories(ScalarType higher, ScalarType lower) {
  if (higher == ScalarType::Undefined) return lower;
  if (lower == ScalarType::Undefined) return higher;
  if (is_floating(higher)) return higher;
  if (higher == kBool || is_floating(lower)) return promote_types(higher, lower);
  return higher;
}

ScalarType promote_opt(ScalarType a, ScalarType b) {
  if (a == ScalarType::Undefined) return b;
  if (b == ScalarType::Undefined) return a;
  return promote_types(a, b);
}
}  // namespace

namespace {
ScalarType result_type_of(const Tensor* ts, int n) {
  ScalarType dim_r = ScalarType::Undefined, zero_r = ScalarType::Undefined, wrapped_r = ScalarType::Undefined;
  for (int i = 0; i < n; ++i) {
    const Tensor& t = ts[i];
    if (!t.defined()) continue;
    ScalarType d = t.dtype();
    if (t.get()->is_wrapped_number) {
      if (is_floating(d)) d = get_default_dtype();
      wrapped_r = promote_opt(wrapped_r, d);
    } else if (t.dim() == 0) {
      zero_r = promote_opt(zero_r, d);
    } else {
      dim_r = promote_opt(dim_r, d);
    }
  }
  ScalarType r = combine_categories(dim_r, combine_categories(zero_r, wrapped_r));
  return r == ScalarType::Undefined ? get_default_dtype() : r;
}
// A wrapped Python number (`t + 1`) converted to the common dtype without a copy kernel launch
// (and the iterator that would come with it). Same conversion rule as the copy kernel.
template <class From>
Tensor wrapped_as(From v, ScalarType dt) {
  Tensor r = empty({}, TensorOptions().dtype(dt));
  CT_DISPATCH_ALL(dt, "to", [&] {
    if constexpr (std::is_same<scalar_t, bool>::value) *r.data_ptr<bool>() = v != From(0);
    else *r.data_ptr<scalar_t>() = scalar_t(compute_t<scalar_t>(v));
  });
  return r;
}

Tensor convert_input(const Tensor& t, ScalarType dt) {
  const TensorImpl* i = t.get();
  if (i->is_wrapped_number && i->device().is_cpu() && i->dim() == 0) {
    switch (i->dtype()) {
      case kBool: return wrapped_as(*reinterpret_cast<const bool*>(i->data()), dt);
      case kInt64: return wrapped_as(*reinterpret_cast<const int64_t*>(i->data()), dt);
      case kFloat64: return wrapped_as(*reinterpret_cast<const double*>(i->data()), dt);
      default: break;
    }
  }
  return to_dtype(t, dt);
}

// A CPU 0-dim operand of a CUDA op as a device tensor of the same dtype, written by the fill
// kernel (no host->device copy, no sync). Exact: the value already has t's dtype.
Tensor scalar_on_device(const Tensor& t, Device d) {
  Tensor r = empty({}, TensorOptions(t.dtype()).device(d));
  NoGradGuard no_grad;
  fill_(r, t.item());
  return r;
}
}  // namespace

ScalarType result_type(const std::vector<Tensor>& ts) { return result_type_of(ts.data(), int(ts.size())); }

ScalarType result_type(const Tensor& a, const Scalar& b) {
  Tensor ts[2] = {a, scalar_to_tensor(b)};
  return result_type_of(ts, 2);
}

TensorIter TensorIter::unary(const char* op, Tensor out, const Tensor& a, bool int_to_float,
                             std::optional<ScalarType> out_dtype) {
  IterConfig c;
  c.op = op;
  c.int_to_float = int_to_float;
  c.output_dtype = out_dtype;
  return TensorIter(c, &out, 1, &a, 1);
}

TensorIter TensorIter::binary(const char* op, Tensor out, const Tensor& a, const Tensor& b, bool int_to_float,
                              std::optional<ScalarType> out_dtype) {
  IterConfig c;
  c.op = op;
  c.int_to_float = int_to_float;
  c.output_dtype = out_dtype;
  const Tensor ins[2] = {a, b};
  return TensorIter(c, &out, 1, ins, 2);
}

TensorIter::TensorIter(IterConfig cfg) {
  CT_CHECK(cfg.outputs.size() + cfg.inputs.size() <= size_t(kMaxOperands), "[", cfg.op, "] too many operands");
  noutputs_ = int(cfg.outputs.size());
  build(cfg, cfg.outputs.data(), cfg.inputs.data(), int(cfg.inputs.size()));
}

TensorIter::TensorIter(const IterConfig& cfg, const Tensor* outs, int nout, const Tensor* ins, int nin) {
  CT_CHECK(nout + nin <= kMaxOperands, "[", cfg.op, "] too many operands");
  noutputs_ = nout;
  build(cfg, outs, ins, nin);
}

namespace {
// Dense with no element aliased: the sorted non-trivial strides are the running products.
bool non_overlapping_and_dense(const TensorImpl& t) {
  if (t.is_contiguous()) return true;
  constexpr int kMax = TensorIter::kMaxDims;
  int64_t st[kMax * 2], sz[kMax * 2];
  int n = 0;
  for (int64_t d = 0; d < t.dim() && n < kMax * 2; ++d)
    if (t.sizes()[size_t(d)] != 1) st[n] = t.strides()[size_t(d)], sz[n++] = t.sizes()[size_t(d)];
  if (n > kMax) return false;
  for (int i = 1; i < n; ++i)  // insertion sort by stride (few dims)
    for (int k = i; k > 0 && st[k] < st[k - 1]; --k) std::swap(st[k], st[k - 1]), std::swap(sz[k], sz[k - 1]);
  int64_t expect = 1;
  for (int i = 0; i < n; ++i) {
    if (st[i] != expect) return false;
    expect *= sz[i];
  }
  return true;
}
}  // namespace

// PyTorch's rule (mem overlap "partial"): an input may be the output itself (same memory, same
// strides) or disjoint from it; anything in between would read elements the op has already
// overwritten, so it is an error. Layouts that are not dense are not analysed ("too hard").
void check_partial_overlap(const Tensor& out, const Tensor& in) {
  const TensorImpl* a = out.get();
  const TensorImpl* b = in.get();
  if (!a || !b || a == b || a->numel() == 0 || b->numel() == 0) return;
  if (a->storage().get() != b->storage().get()) return;
  if (!non_overlapping_and_dense(*a) || !non_overlapping_and_dense(*b)) return;
  const char* a0 = static_cast<const char*>(a->data());
  const char* b0 = static_cast<const char*>(b->data());
  const char* a1 = a0 + a->numel() * int64_t(itemsize(a->dtype()));
  const char* b1 = b0 + b->numel() * int64_t(itemsize(b->dtype()));
  const bool full = a0 == b0 && a1 == b1 && a->strides() == b->strides();
  CT_CHECK(full || a1 <= b0 || b1 <= a0,
           "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
           "memory location. Please clone() the tensor before performing the operation.");
}

void TensorIter::build(const IterConfig& cfg, const Tensor* outs, const Tensor* ins, int nin) {
  ntensors_ = noutputs_ + nin;
  // Device (PyTorch's rule): the first non-CPU operand, outputs first; CPU otherwise. Inputs
  // that are CPU 0-dim tensors (Python numbers, CPU scalars) may join a CUDA op: compute_dtypes
  // puts them on the device. Any other mismatch is an error with PyTorch's message.
  device_ = Device();
  bool found = false;
  for (int i = 0; i < noutputs_ && !found; ++i)
    if (outs[i].defined() && !outs[i].device().is_cpu()) device_ = outs[i].device(), found = true;
  for (int i = 0; i < nin && !found; ++i)
    if (ins[i].defined() && !ins[i].device().is_cpu()) device_ = ins[i].device(), found = true;
  if (found) {
    auto check_dev = [&](const Tensor& t, bool is_input) {
      if (!t.defined() || t.device() == device_) return;
      CT_CHECK(is_input && t.device().is_cpu() && t.dim() == 0,
               "Expected all tensors to be on the same device, but found at least two devices, ", device_.str(),
               " and ", t.device().str(), "!");
    };
    for (int i = 0; i < noutputs_; ++i) check_dev(outs[i], false);
    for (int i = 0; i < nin; ++i) check_dev(ins[i], true);
  }
  for (int i = 0; i < noutputs_; ++i)
    for (int j = 0; j < nin; ++j) check_partial_overlap(outs[i], ins[j]);
  if (build_dense(cfg, outs, ins, nin)) return;
  compute_shape(cfg, ins, nin, outs);
  compute_dtypes(cfg, ins, nin, outs);
  allocate_outputs(cfg, outs, ins, nin);
  compute_strides_and_coalesce();
}

// Fast path for the most common case: the inputs are contiguous with one shape and the common
// dtype, apart from 0-dim ones (Python numbers, scalars) which are broadcast with stride 0;
// outputs are missing or contiguous with that shape and the result dtype. Produces exactly
// what the general path would, without the layout vote, stride tables and coalescing loop.
bool TensorIter::build_dense(const IterConfig& cfg, const Tensor* outs, const Tensor* ins, int nin) {
  if (nin == 0 || cfg.compute_dtype) return false;
  const TensorImpl* ref = nullptr;
  for (int i = 0; i < nin; ++i) {
    const TensorImpl* t = ins[i].get();
    if (!t || t->device() != device_) return false;
    if (t->dim() == 0) continue;
    if (!t->is_contiguous() || (ref && t->sizes() != ref->sizes())) return false;
    if (!ref) ref = t;
  }
  ScalarType common = result_type_of(ins, nin);
  if (cfg.int_to_float && !is_floating(common)) common = get_default_dtype();
  for (int i = 0; i < nin; ++i) {
    const TensorImpl* t = ins[i].get();
    if (t->dtype() != common && (t->dim() > 0 || !cfg.promote_inputs)) return false;
  }
  if (!ref) ref = ins[0].get();  // all 0-dim
  const Shape& sizes = ref->sizes();
  if (sizes.size() > size_t(kMaxDims)) return false;
  const ScalarType want = cfg.output_dtype ? *cfg.output_dtype : common;
  for (int i = 0; i < noutputs_; ++i) {
    const TensorImpl* o = outs[i].get();
    if (o && (o->dtype() != want || !o->is_contiguous() || o->sizes() != sizes || o->device() != device_))
      return false;
  }
  common_dtype_ = common;
  nfull_ = int(sizes.size());
  std::copy(sizes.begin(), sizes.end(), full_shape_);
  numel_ = ref->numel();
  for (int i = 0; i < nfull_; ++i) perm_[i] = nfull_ - 1 - i;
  for (int i = 0; i < nin; ++i)
    operands_[noutputs_ + i] = ins[i].dtype() != common ? convert_input(ins[i], common) : ins[i];
  for (int i = 0; i < noutputs_; ++i) {
    operands_[i] = outs[i].defined() ? outs[i] : alloc_output(want);
    user_outputs_[i] = operands_[i];
  }
  // Coalesced: one dense dim, none for a single element, an explicit empty dim for numel 0.
  ndim_ = numel_ == 1 ? 0 : 1;
  shape_[0] = numel_;
  for (int k = 0; k < ntensors_; ++k) {
    const TensorImpl* t = operands_[k].get();
    strides_[k][0] = numel_ > 1 && t->dim() > 0 ? itemsize(t->dtype()) : 0;
    ptrs_[k] = t->data();
  }
  return true;
}

void TensorIter::compute_shape(const IterConfig& cfg, const Tensor* ins, int nin, const Tensor* outs) {
  auto too_many = [&](size_t n) {
    CT_CHECK(n <= size_t(kMaxDims), "[", cfg.op, "] tensors with more than ", kMaxDims, " dims are not supported");
  };
  auto set_full = [&](const Shape& s) {
    too_many(s.size());
    nfull_ = int(s.size());
    std::copy(s.begin(), s.end(), full_shape_);
  };
  bool first = true;
  for (int i = 0; i < nin; ++i) {
    const Tensor& t = ins[i];
    if (!t.defined()) continue;
    const Shape& s = t.sizes();
    if (first) {
      set_full(s);
      first = false;
      continue;
    }
    if (broadcast_shape() == s) continue;
    if (cfg.enforce_same_shape)
      CT_CHECK(false, "[", cfg.op, "] expected all inputs to have shape ", shape_str(broadcast_shape()), ", got ",
               shape_str(s));
    // Broadcast right-aligned; a mismatch is reported by broadcast_shapes (one message everywhere).
    const int n = std::max(nfull_, int(s.size()));
    too_many(size_t(n));
    int64_t r[kMaxDims];
    for (int d = 0; d < n; ++d) {
      int64_t da = d < n - nfull_ ? 1 : full_shape_[d - (n - nfull_)];
      int64_t db = d < n - int(s.size()) ? 1 : s[size_t(d - (n - int(s.size())))];
      if (da != db && da != 1 && db != 1) broadcast_shapes(broadcast_shape(), s);  // throws
      r[d] = da == 1 ? db : da;
    }
    nfull_ = n;
    std::copy(r, r + n, full_shape_);
  }
  if (first) {  // no inputs (fill, arange): the output defines the shape
    for (int i = 0; i < noutputs_; ++i)
      if (outs[i].defined()) {
        set_full(outs[i].sizes());
        break;
      }
  }
  numel_ = 1;
  for (int d = 0; d < nfull_; ++d) numel_ *= full_shape_[d];
}

void TensorIter::compute_dtypes(const IterConfig& cfg, const Tensor* ins, int nin, const Tensor* outs) {
  if (cfg.compute_dtype) {
    common_dtype_ = *cfg.compute_dtype;
  } else if (nin > 0) {
    common_dtype_ = result_type_of(ins, nin);
    if (cfg.int_to_float && !is_floating(common_dtype_)) common_dtype_ = get_default_dtype();
  } else {
    CT_CHECK(noutputs_ > 0 && outs[0].defined(), "[", cfg.op, "] needs an input or an output");
    common_dtype_ = outs[0].dtype();
  }
  for (int i = 0; i < nin; ++i) {
    const Tensor& t = ins[i];
    Tensor op = cfg.promote_inputs && t.defined() && t.dtype() != common_dtype_ ? convert_input(t, common_dtype_) : t;
    if (op.defined() && op.device() != device_) op = scalar_on_device(op, device_);  // a CPU 0-dim input
    operands_[noutputs_ + i] = std::move(op);
  }
}

Tensor TensorIter::alloc_output(ScalarType dt) const {
  const int nd = nfull_;
  Shape sizes(full_shape_, full_shape_ + nd), st(size_t(nd), 0);
  int64_t acc = 1;
  for (int j = 0; j < nd; ++j) {
    st[size_t(perm_[j])] = acc;
    acc *= std::max<int64_t>(full_shape_[perm_[j]], 1);
  }
  // Dense: the storage holds exactly numel elements (as empty_strided computes for these strides).
  auto storage = std::make_shared<StorageImpl>(size_t(numel_) * itemsize(dt), device_);
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), dt, std::move(sizes), std::move(st), 0));
}

void TensorIter::allocate_outputs(const IterConfig& cfg, const Tensor* outs, const Tensor* ins, int nin) {
  // Iteration order: innermost dim first, following the inputs' memory layout (so a transposed
  // input gives a transposed output, as in PyTorch). Outputs of the full shape vote first.
  const int nd = nfull_;
  int64_t bstrides[kMaxOperands][kMaxDims];  // element strides aligned to the full shape (0: broadcast)
  int nb = 0;
  for (int i = noutputs_ - 1; i >= 0; --i) {
    const Tensor& o = outs[i];
    if (o.defined() && broadcast_shape() == o.sizes()) std::copy(o.strides().begin(), o.strides().end(), bstrides[nb++]);
  }
  for (int k = 0; k < nin; ++k) {
    const Tensor& t = ins[k];  // original layout (dtype conversion copies are dense)
    int64_t* s = bstrides[nb++];
    std::fill(s, s + nd, 0);
    if (!t.defined()) continue;
    const int off = nd - int(t.dim());
    const Shape& ts = t.sizes();
    const Shape& tst = t.strides();
    for (int d = 0; d < int(ts.size()); ++d) s[off + d] = (ts[d] == 1 && full_shape_[off + d] != 1) ? 0 : tst[d];
  }
  for (int i = 0; i < nd; ++i) perm_[i] = nd - 1 - i;
  auto should_swap = [&](int64_t d0, int64_t d1) {
    for (int b = 0; b < nb; ++b) {
      int64_t s0 = bstrides[b][d0], s1 = bstrides[b][d1];
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (full_shape_[d0] > full_shape_[d1]) return 1;
    }
    return 0;
  };
  for (int i = 1; i < nd; ++i) {
    int d1 = i;
    for (int d0 = i - 1; d0 >= 0; --d0) {
      int c = should_swap(perm_[d0], perm_[d1]);
      if (c > 0) {
        std::swap(perm_[d0], perm_[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }

  const ScalarType want = cfg.output_dtype ? *cfg.output_dtype : common_dtype_;
  for (int i = 0; i < noutputs_; ++i) {
    Tensor o = outs[i];
    if (!o.defined()) {
      o = alloc_output(want);
      operands_[i] = o;
      user_outputs_[i] = std::move(o);
      continue;
    }
    CT_CHECK(!cfg.check_castable || can_cast(want, o.dtype()), "result type ", dtype_legacy_name(want),
             " can't be cast to the desired output type ", dtype_legacy_name(o.dtype()));
    if (broadcast_shape() != o.sizes()) {
      CT_CHECK(!cfg.is_inplace, "output with shape ", shape_str(o.sizes()), " doesn't match the broadcast shape ",
               shape_str(broadcast_shape()));
      resize_out(o, broadcast_shape(), cfg.op);
    }
    for (int d = 0; d < o.dim(); ++d)
      CT_CHECK(o.strides()[d] != 0 || o.sizes()[d] <= 1 || o.numel() == 0,
               "unsupported operation: more than one element of the written-to tensor refers to a single "
               "memory location. Please clone() the tensor before performing the operation.");
    user_outputs_[i] = o;
    if (o.dtype() != want && cfg.promote_inputs) {
      operands_[i] = alloc_output(want);
      cast_back_[ncast_back_++] = int8_t(i);
    } else {
      operands_[i] = o;
    }
  }
}

void TensorIter::compute_strides_and_coalesce() {
  const int nd = nfull_;
  const int nt = ntensors_;
  // Per operand byte strides in iteration order.
  int64_t st[kMaxOperands][kMaxDims];
  for (int k = 0; k < nt; ++k) {
    std::fill(st[k], st[k] + nd, 0);
    const Tensor& t = operands_[k];
    if (!t.defined()) continue;
    const int64_t isz = itemsize(t.dtype());
    const int off = nd - int(t.dim());
    const Shape& ts = t.sizes();
    const Shape& tst = t.strides();
    for (int j = 0; j < nd; ++j) {
      int d = int(perm_[j]) - off;
      if (d < 0) continue;
      st[k][j] = (ts[d] == 1 && full_shape_[perm_[j]] != 1) ? 0 : tst[d] * isz;
    }
  }
  ndim_ = 0;
  for (int j = 0; j < nd; ++j) {
    int64_t sz = full_shape_[perm_[j]];
    if (sz == 1) continue;
    if (ndim_ > 0) {
      const int last = ndim_ - 1;
      bool can = true;
      for (int k = 0; k < nt && can; ++k) can = strides_[k][last] * shape_[last] == st[k][j];
      if (can) {
        shape_[last] *= sz;
        continue;
      }
    }
    shape_[ndim_] = sz;
    for (int k = 0; k < nt; ++k) strides_[k][ndim_] = st[k][j];
    ++ndim_;
  }
  if (numel_ == 0) {  // keep an explicit empty dim so loops see n == 0
    ndim_ = 1;
    shape_[0] = 0;
  }
  if (ndim_ <= 1 && (numel_ == 0 || ndim_ == 0))
    for (int k = 0; k < nt; ++k) strides_[k][0] = 0;  // defined even for 0-d iteration
  for (int k = 0; k < nt; ++k) ptrs_[k] = operands_[k].defined() ? operands_[k].get()->data() : nullptr;
}

bool TensorIter::is_contiguous() const {
  if (numel_ <= 1) return true;
  if (ndim_ != 1) return false;
  for (int k = 0; k < ntensors_; ++k)
    if (strides_[k][0] != itemsize(operands_[k].dtype())) return false;
  return true;
}

void TensorIter::finish() {
  if (ncast_back_ == 0) return;
  NoGradGuard no_grad;  // internal cast-back, never part of the user's graph
  for (int j = 0; j < ncast_back_; ++j) copy_(user_outputs_[cast_back_[j]], operands_[cast_back_[j]]);
  ncast_back_ = 0;
}

}  // namespace ctorch
