// Grad mode state and the helpers op front ends use to record history.
#include "ctorch/autograd/autograd.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/reduce.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

namespace {
thread_local bool t_grad_enabled = true;
thread_local bool t_inference = false;
bool g_anomaly = false;
bool g_anomaly_nan = true;
}  // namespace

bool GradMode::is_enabled() { return t_grad_enabled; }
void GradMode::set_enabled(bool e) { t_grad_enabled = e; }
bool InferenceMode::is_enabled() { return t_inference; }
void InferenceMode::set_enabled(bool e) { t_inference = e; }

// Tensor handle accessors (declared in core/tensor.h).
bool Tensor::requires_grad() const { return autograd::requires_grad(*this); }
Tensor& Tensor::set_requires_grad(bool r) {
  auto& m = autograd::materialize_meta(*this);
  if (r) {
    CT_CHECK(is_floating(dtype()), "only Tensors of floating point and complex dtype can require gradients");
  } else {
    CT_CHECK(!m.grad_fn,
             "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in "
             "a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
  }
  m.requires_grad = r;
  return *this;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph) const {
  autograd::backward({*this}, {gradient}, retain_graph, create_graph);
}
Tensor Tensor::grad() const {
  auto* m = autograd::meta(*this);
  return m ? m->grad : Tensor();
}
bool Tensor::is_leaf() const {
  auto* m = autograd::meta(*this);
  return !(m && m->grad_fn);
}

namespace autograd {

bool anomaly_mode_enabled() { return g_anomaly; }
void set_anomaly_mode(bool e, bool nan) {
  g_anomaly = e;
  g_anomaly_nan = nan;
}
bool anomaly_check_nan() { return g_anomaly_nan; }
std::function<std::string()>& anomaly_trace_provider() {
  static std::function<std::string()> f;
  return f;
}
std::function<void(const std::string&, const std::string&)>& anomaly_error_reporter() {
  static std::function<void(const std::string&, const std::string&)> f;
  return f;
}

AutogradMeta* meta(const Tensor& t) { return t.defined() ? t.get()->autograd_meta.get() : nullptr; }

AutogradMeta& materialize_meta(const Tensor& t) {
  auto& p = t.get()->autograd_meta;
  if (!p) p = std::make_shared<AutogradMeta>();
  return *p;
}

bool requires_grad(const Tensor& t) {
  AutogradMeta* m = meta(t);
  return m && (m->requires_grad || m->grad_fn);
}

bool any_requires_grad(const tensor_list& inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const auto& t : inputs)
    if (t.defined() && requires_grad(t)) return true;
  return false;
}

std::shared_ptr<Node> current_grad_fn(const Tensor& t) {
  AutogradMeta* m = meta(t);
  if (!m) return nullptr;
  const auto& base_impl = t.get()->view_base;
  if (m->grad_fn && base_impl && m->grad_fn_version != t._version()) {
    // The base was modified in place after this view was recorded: the view now reads the base's
    // new values, so its history is "a strided view of the base's current history".
    Tensor base(base_impl);
    m->grad_fn_version = t._version();
    if (requires_grad(base)) {
      Shape sizes = t.sizes(), strides = t.strides(), bsizes = base.sizes(), bstrides = base.strides();
      int64_t rel = t.storage_offset() - base.storage_offset();
      auto node = std::make_shared<FunctionNode>(
          "AsStridedBackward0",
          [sizes, strides, bsizes, bstrides, rel](const tensor_list& g, Node&) {
            Tensor full = empty_strided(bsizes, bstrides, g[0].options());
            zero_(full);
            Tensor region = as_strided(full, sizes, strides, rel);
            copy_(region, g[0]);
            return tensor_list{full};
          },
          false);
      node->next_edges.push_back(gradient_edge(base));
      node->input_metadata.push_back(InputMeta{sizes, t.dtype(), t.device()});
      m->grad_fn = node;
      m->output_nr = 0;
    }
  }
  return m->grad_fn;
}

Edge gradient_edge(const Tensor& t) {
  AutogradMeta* m = meta(t);
  if (!m) return Edge{};
  if (m->grad_fn) return Edge{current_grad_fn(t), m->output_nr};
  if (!m->requires_grad) return Edge{};
  auto acc = m->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(std::weak_ptr<TensorImpl>(t.impl()));
    acc->input_metadata.push_back(InputMeta{t.sizes(), t.dtype(), t.device()});
    m->grad_accumulator = acc;
  }
  return Edge{acc, 0};
}

void set_history(const std::shared_ptr<Node>& node, const tensor_list& inputs, const tensor_list& outputs) {
  node->next_edges.clear();
  for (const auto& t : inputs) node->next_edges.push_back(t.defined() ? gradient_edge(t) : Edge{});
  node->input_metadata.clear();
  for (uint32_t i = 0; i < outputs.size(); ++i) {
    const Tensor& o = outputs[i];
    if (!o.defined()) {
      node->input_metadata.push_back(InputMeta{});
      continue;
    }
    node->input_metadata.push_back(InputMeta{o.sizes(), o.dtype(), o.device()});
    if (!is_floating(o.dtype())) continue;  // integer outputs (argmax, indices) never carry grad
    AutogradMeta& m = materialize_meta(o);
    m.grad_fn = node;
    m.output_nr = i;
    m.grad_fn_version = o._version();
    m.requires_grad = false;
  }
  if (anomaly_mode_enabled() && anomaly_trace_provider()) node->anomaly_trace = anomaly_trace_provider()();
}

std::shared_ptr<Node> record(const char* name, const tensor_list& inputs, const tensor_list& outputs,
                             FunctionNode::Fn fn, bool has_saved) {
  auto node = std::make_shared<FunctionNode>(name, std::move(fn), has_saved);
  set_history(node, inputs, outputs);
  return node;
}

void check_inplace(const Tensor& self) {
  if (!GradMode::is_enabled()) return;
  const auto& base = self.get()->view_base;
  if (base) {
    AutogradMeta* bm = base->autograd_meta.get();
    CT_CHECK(!(bm && bm->requires_grad && !bm->grad_fn),
             "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    return;
  }
  AutogradMeta* m = meta(self);
  CT_CHECK(!(m && m->requires_grad && !m->grad_fn),
           "a leaf Variable that requires grad is being used in an in-place operation.");
}

SavedTensor save(const Tensor& t) { return SavedTensor(t, false); }
SavedTensor save_output(const Tensor& t) { return SavedTensor(t, true); }

Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.sizes() == shape) return g;
  int64_t lead = g.dim() - int64_t(shape.size());
  IntList dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (int64_t i = 0; i < int64_t(shape.size()); ++i)
    if (shape[i] == 1 && g.sizes()[lead + i] != 1) dims.push_back(lead + i);
  Tensor r = dims.empty() ? g : sum(g, dims, true);
  if (lead > 0 || r.dim() != int64_t(shape.size())) r = reshape(r, shape);
  return r;
}

void mark_view(const Tensor& view, const Tensor& base) {
  view.get()->view_base = base.get()->view_base ? base.get()->view_base : base.impl();
}

}  // namespace autograd
}  // namespace ctorch

namespace ctorch {
namespace autograd {

namespace {
// Gradient of a base from the gradient of a region (view geometry relative to the base).
struct ViewGeometry {
  Shape sizes, strides;
  int64_t offset;  // relative to the base's storage offset
};

Tensor region_of(const Tensor& full, const ViewGeometry& v) { return as_strided(full, v.sizes, v.strides, v.offset); }

// A dense tensor with the base's strides, so the view's geometry addresses the same elements.
Tensor like_base(const Tensor& g, const Shape& sizes, const Shape& strides) {
  Tensor out = empty_strided(sizes, strides, g.options());
  copy_(out, g);
  return out;
}
}  // namespace

void record_inplace(const char* name, Tensor& self, const tensor_list& others, FunctionNode::Fn fn, bool has_saved) {
  if (!self.get()->view_base) {
    tensor_list inputs{self};
    inputs.insert(inputs.end(), others.begin(), others.end());
    record(name, inputs, {self}, std::move(fn), has_saved);
    return;
  }
  // In-place on a view: the base's history becomes CopySlices(op), and the view is re-derived from it.
  Tensor base(self.get()->view_base);
  ViewGeometry geo{self.sizes(), self.strides(), self.storage_offset() - base.storage_offset()};
  Shape bsizes = base.sizes(), bstrides = base.strides();
  auto op_node = std::make_shared<FunctionNode>(name, std::move(fn), has_saved);
  auto copy_slices = [op_node, geo, bsizes, bstrides](const tensor_list& g, Node&) -> tensor_list {
    Tensor gb = like_base(g[0], bsizes, bstrides);
    Tensor gv = clone(region_of(gb, geo));
    tensor_list op_grads = op_node->apply({gv});
    Tensor result = clone(gb);
    Tensor reg = region_of(result, geo);
    if (op_grads.size() > 0 && op_grads[0].defined()) copy_(reg, op_grads[0]);
    else zero_(reg);
    tensor_list out{result};
    for (size_t i = 1; i < op_grads.size(); ++i) out.push_back(op_grads[i]);
    return out;
  };
  tensor_list inputs{base};
  inputs.insert(inputs.end(), others.begin(), others.end());
  std::string cs_name = "torch::autograd::CopySlices";
  auto node = record(cs_name.c_str(), inputs, {base}, copy_slices, has_saved);
  // The view now derives from the new base history.
  auto view_fn = [geo, bsizes, bstrides](const tensor_list& g, Node&) -> tensor_list {
    Tensor gb = zeros(bsizes, g[0].options());
    Tensor full = like_base(gb, bsizes, bstrides);
    Tensor region = region_of(full, geo);
    copy_(region, g[0]);
    return {full};
  };
  record("AsStridedBackward0", {base}, {self}, view_fn, false);
}

}  // namespace autograd
}  // namespace ctorch
