#include "ctorch/iter/tensor_iter.h"

#include <algorithm>

#include "ctorch/autograd/autograd.h"
#include "ctorch/ops/creation.h"
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

ScalarType result_type(const std::vector<Tensor>& ts) {
  ScalarType dim_r = ScalarType::Undefined, zero_r = ScalarType::Undefined, wrapped_r = ScalarType::Undefined;
  for (const auto& t : ts) {
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

ScalarType result_type(const Tensor& a, const Scalar& b) { return result_type({a, scalar_to_tensor(b)}); }

TensorIter TensorIter::unary(const char* op, Tensor out, const Tensor& a, bool int_to_float,
                             std::optional<ScalarType> out_dtype) {
  IterConfig c;
  c.op = op;
  c.outputs = {std::move(out)};
  c.inputs = {a};
  c.int_to_float = int_to_float;
  c.output_dtype = out_dtype;
  return TensorIter(std::move(c));
}

TensorIter TensorIter::binary(const char* op, Tensor out, const Tensor& a, const Tensor& b, bool int_to_float,
                              std::optional<ScalarType> out_dtype) {
  IterConfig c;
  c.op = op;
  c.outputs = {std::move(out)};
  c.inputs = {a, b};
  c.int_to_float = int_to_float;
  c.output_dtype = out_dtype;
  return TensorIter(std::move(c));
}

TensorIter::TensorIter(IterConfig cfg) {
  noutputs_ = int(cfg.outputs.size());
  CT_CHECK(noutputs_ + cfg.inputs.size() <= size_t(kMaxOperands), "[", cfg.op, "] too many operands");
  // Device: the first non-scalar operand decides; CPU 0-dim tensors may join CUDA ones.
  bool have_dev = false;
  for (auto* group : {&cfg.outputs, &cfg.inputs})
    for (auto& t : *group) {
      if (!t.defined()) continue;
      if (!have_dev || (device_.is_cpu() && t.device().is_cuda() && t.dim() > 0)) {
        if (have_dev && t.device() != device_) {
          // a CUDA operand after CPU ones: CPU ones must be 0-dim (checked below)
        }
        device_ = t.device();
        have_dev = true;
      }
    }
  for (auto* group : {&cfg.outputs, &cfg.inputs})
    for (auto& t : *group) {
      if (!t.defined() || t.device() == device_) continue;
      CT_CHECK(t.device().is_cpu() && t.dim() == 0 && group == &cfg.inputs,
               "Expected all tensors to be on the same device, but found at least two devices, ",
               device_.str(), " and ", t.device().str(), "! (in ", cfg.op, ")");
    }
  compute_shape(cfg);
  compute_dtypes(cfg);
  allocate_outputs(cfg);
  compute_strides_and_coalesce();
}

void TensorIter::compute_shape(const IterConfig& cfg) {
  bool first = true;
  for (const auto& t : cfg.inputs) {
    if (!t.defined()) continue;
    if (first) {
      full_shape_ = t.sizes();
      first = false;
    } else if (cfg.enforce_same_shape) {
      CT_CHECK(t.sizes() == full_shape_, "[", cfg.op, "] expected all inputs to have shape ",
               shape_str(full_shape_), ", got ", shape_str(t.sizes()));
    } else {
      full_shape_ = broadcast_shapes(full_shape_, t.sizes());
    }
  }
  if (first) {  // no inputs (fill, arange): the output defines the shape
    for (const auto& t : cfg.outputs)
      if (t.defined()) {
        full_shape_ = t.sizes();
        break;
      }
  }
  CT_CHECK(full_shape_.size() <= size_t(kMaxDims), "[", cfg.op, "] tensors with more than ", kMaxDims,
           " dims are not supported");
  numel_ = shape_numel(full_shape_);
}

void TensorIter::compute_dtypes(IterConfig& cfg) {
  if (cfg.compute_dtype) {
    common_dtype_ = *cfg.compute_dtype;
  } else if (!cfg.inputs.empty()) {
    common_dtype_ = result_type(cfg.inputs);
    if (cfg.int_to_float && !is_floating(common_dtype_)) common_dtype_ = get_default_dtype();
  } else {
    CT_CHECK(noutputs_ > 0 && cfg.outputs[0].defined(), "[", cfg.op, "] needs an input or an output");
    common_dtype_ = cfg.outputs[0].dtype();
  }
  operands_.reserve(cfg.outputs.size() + cfg.inputs.size());
  operands_.resize(cfg.outputs.size());  // outputs filled by allocate_outputs
  for (auto& t : cfg.inputs) {
    if (cfg.promote_inputs && t.defined() && t.dtype() != common_dtype_)
      operands_.push_back(to_dtype(t, common_dtype_));
    else
      operands_.push_back(t);
  }
}

void TensorIter::allocate_outputs(const IterConfig& cfg) {
  // Iteration order: innermost dim first, following the inputs' memory layout (so a transposed
  // input gives a transposed output, as in PyTorch).
  const int nd = int(full_shape_.size());
  std::vector<Shape> bstrides;  // element strides aligned to full_shape_ (0 where broadcast)
  for (size_t k = noutputs_; k < operands_.size() + 0; ++k) {
    const Tensor& t = cfg.inputs[k - noutputs_];  // original layout (dtype conversion copies are dense)
    Shape s(nd, 0);
    if (t.defined()) {
      int off = nd - int(t.dim());
      for (int d = 0; d < t.dim(); ++d)
        s[off + d] = (t.sizes()[d] == 1 && full_shape_[off + d] != 1) ? 0 : t.strides()[d];
    }
    bstrides.push_back(s);
  }
  for (int i = 0; i < noutputs_; ++i) {
    const Tensor& o = cfg.outputs[i];
    if (o.defined() && o.sizes() == full_shape_) bstrides.insert(bstrides.begin(), o.strides());
  }
  perm_.resize(nd);
  for (int i = 0; i < nd; ++i) perm_[i] = nd - 1 - i;
  auto should_swap = [&](int64_t d0, int64_t d1) {
    for (const auto& s : bstrides) {
      int64_t s0 = s[d0], s1 = s[d1];
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

  user_outputs_.resize(noutputs_);
  for (int i = 0; i < noutputs_; ++i) {
    ScalarType want = cfg.output_dtype ? *cfg.output_dtype : common_dtype_;
    Tensor o = cfg.outputs[i];
    auto alloc = [&](ScalarType dt) {
      Shape st(nd);
      int64_t acc = 1;
      for (int j = 0; j < nd; ++j) {
        st[perm_[j]] = acc;
        acc *= std::max<int64_t>(full_shape_[perm_[j]], 1);
      }
      return empty_strided(full_shape_, st, TensorOptions().dtype(dt).device(device_));
    };
    if (!o.defined()) {
      o = alloc(want);
      user_outputs_[i] = o;
      operands_[i] = o;
      continue;
    }
    CT_CHECK(!cfg.check_castable || can_cast(want, o.dtype()), "result type ", dtype_legacy_name(want),
             " can't be cast to the desired output type ", dtype_legacy_name(o.dtype()));
    if (o.sizes() != full_shape_) {
      CT_CHECK(!cfg.is_inplace, "output with shape ", shape_str(o.sizes()),
               " doesn't match the broadcast shape ", shape_str(full_shape_));
      resize_out(o, full_shape_, cfg.op);
    }
    for (int d = 0; d < o.dim(); ++d)
      CT_CHECK(o.strides()[d] != 0 || o.sizes()[d] <= 1 || o.numel() == 0,
               "unsupported operation: more than one element of the written-to tensor refers to a single "
               "memory location. Please clone() the tensor before performing the operation.");
    user_outputs_[i] = o;
    if (o.dtype() != want && cfg.promote_inputs) {
      operands_[i] = alloc(want);
      cast_back_.push_back(i);
    } else {
      operands_[i] = o;
    }
  }
}

void TensorIter::compute_strides_and_coalesce() {
  const int nd = int(full_shape_.size());
  const int nt = int(operands_.size());
  // Per operand byte strides in iteration order.
  std::vector<Shape> st(nt, Shape(nd, 0));
  for (int k = 0; k < nt; ++k) {
    const Tensor& t = operands_[k];
    if (!t.defined()) continue;
    int64_t isz = itemsize(t.dtype());
    int off = nd - int(t.dim());
    for (int j = 0; j < nd; ++j) {
      int d = int(perm_[j]) - off;
      if (d < 0) continue;
      st[k][j] = (t.sizes()[d] == 1 && full_shape_[perm_[j]] != 1) ? 0 : t.strides()[d] * isz;
    }
  }
  shape_.clear();
  strides_.assign(nt, Shape());
  for (int j = 0; j < nd; ++j) {
    int64_t sz = full_shape_[perm_[j]];
    if (sz == 1) continue;
    if (!shape_.empty()) {
      int last = int(shape_.size()) - 1;
      bool can = true;
      for (int k = 0; k < nt && can; ++k) can = strides_[k][last] * shape_[last] == st[k][j];
      if (can) {
        shape_[last] *= sz;
        continue;
      }
    }
    shape_.push_back(sz);
    for (int k = 0; k < nt; ++k) strides_[k].push_back(st[k][j]);
  }
  if (numel_ == 0) {  // keep an explicit empty dim so loops see n == 0
    shape_.assign(1, 0);
    for (int k = 0; k < nt; ++k) strides_[k].assign(1, 0);
  }
  ptrs_.resize(nt);
  for (int k = 0; k < nt; ++k) ptrs_[k] = operands_[k].defined() ? operands_[k].get()->data() : nullptr;
}

bool TensorIter::is_contiguous() const {
  if (numel_ <= 1) return true;
  if (ndim() != 1) return false;
  for (int k = 0; k < ntensors(); ++k)
    if (strides_[k][0] != itemsize(operands_[k].dtype())) return false;
  return true;
}

void TensorIter::finish() {
  NoGradGuard no_grad;  // internal cast-back, never part of the user's graph
  for (int i : cast_back_) copy_(user_outputs_[i], operands_[i]);
  cast_back_.clear();
}

}  // namespace ctorch
