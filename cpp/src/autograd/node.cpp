// Nodes, saved tensors, AccumulateGrad and iterative teardown.
#include <atomic>

#include "ctorch/autograd/autograd.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"

namespace ctorch {
namespace autograd {

namespace {
std::atomic<uint64_t> g_sequence{0};

// Note [Iterative teardown]
// A chain a0 -> a1 -> ... -> a100000 is owned through shared_ptr<Node> (edges) and through
// AutogradMeta/SavedTensor. Letting destructors recurse overflows the stack, so every place that
// drops the last reference to a Node hands it to defer_release, which frees nodes in a loop.
thread_local bool t_draining = false;
thread_local std::vector<std::shared_ptr<Node>>* t_pending = nullptr;
}  // namespace

void defer_release(std::shared_ptr<Node>&& n) {
  if (!n) return;
  if (n.use_count() > 1) {
    n.reset();
    return;
  }
  std::vector<std::shared_ptr<Node>> local;
  if (t_draining) {
    t_pending->push_back(std::move(n));
    return;
  }
  t_draining = true;
  t_pending = &local;
  local.push_back(std::move(n));
  while (!local.empty()) {
    std::shared_ptr<Node> cur = std::move(local.back());
    local.pop_back();
    cur.reset();  // its destructor pushes its children onto `local`
  }
  t_draining = false;
  t_pending = nullptr;
}

Node::Node() : sequence_nr(g_sequence.fetch_add(1, std::memory_order_relaxed)) {}

Node::~Node() {
  for (auto& e : next_edges) defer_release(std::move(e.fn));
}

AutogradMeta::~AutogradMeta() { defer_release(std::move(grad_fn)); }

FunctionNode::~FunctionNode() {
  // Destroy the closure (and the SavedTensors in it) inside a drain loop.
  Fn dead = std::move(fn_);
  (void)dead;
}

tensor_list FunctionNode::apply(tensor_list&& grads) {
  if (released_)
    throw Error(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have "
        "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
        "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
        "if you need to access saved tensors after calling backward.");
  return fn_(grads, *this);
}

void FunctionNode::release_variables() {
  if (!has_saved_) return;
  fn_ = nullptr;
  released_ = true;
}

AccumulateGrad::AccumulateGrad(std::weak_ptr<TensorImpl> var) : variable(std::move(var)) {
  sequence_nr = UINT64_MAX;  // leaves run last among ready nodes
}

tensor_list AccumulateGrad::apply(tensor_list&& grads) {
  auto impl = variable.lock();
  if (!impl || !grads[0].defined()) return {};
  Tensor var(impl);
  AutogradMeta& m = materialize_meta(var);
  Tensor g = grads[0];
  for (auto& h : m.leaf_hooks) {
    Tensor r = h(g);
    if (r.defined()) g = r;
  }
  if (!m.grad.defined()) {
    // Keep a private copy unless building a higher-order graph (then the grad keeps its history).
    m.grad = GradMode::is_enabled() ? g : clone(g);
  } else if (GradMode::is_enabled()) {
    m.grad = add(m.grad, g);
  } else {
    add_(m.grad, g, Scalar(int64_t(1)));
  }
  return {};
}

SavedTensor::SavedTensor(const Tensor& t, bool is_output) : is_output_(is_output) {
  if (!t.defined()) return;
  version_ = t._version();
  data_ = alias(t);  // no autograd meta: breaks node -> output -> node cycles
  AutogradMeta* m = meta(t);
  if (m) {
    output_nr_ = m->output_nr;
    was_leaf_requiring_grad_ = m->requires_grad && !m->grad_fn;
  }
  if (!is_output) original_ = t;
}

SavedTensor::~SavedTensor() = default;

namespace {
std::string short_node_name(const std::string& n) {
  auto pos = n.rfind("Backward");
  return pos == std::string::npos ? n : n.substr(0, pos);
}
}  // namespace

Tensor SavedTensor::unpack(const std::shared_ptr<Node>& owner) const {
  if (!data_.defined()) return Tensor();
  uint32_t now = data_._version();
  if (now != version_) {
    std::string producer;
    const Tensor& src = original_.defined() ? original_ : data_;
    AutogradMeta* m = meta(src);
    if (is_output_ && owner) producer = ", which is output " + std::to_string(output_nr_) + " of " + short_node_name(owner->name()) + ",";
    else if (m && m->grad_fn) producer = ", which is output " + std::to_string(m->output_nr) + " of " + short_node_name(m->grad_fn->name()) + ",";
    throw Error(str_cat("one of the variables needed for gradient computation has been modified by an inplace "
                        "operation: [", data_.toString().substr(1, data_.toString().size() - 2), "]", producer,
                        " is at version ", now, "; expected version ", version_,
                        " instead. ",
                        anomaly_mode_enabled()
                            ? "Hint: the backtrace further above shows the operation that failed to compute its "
                              "gradient. The variable in question was changed in there or anywhere later. Good luck!"
                            : "Hint: enable anomaly detection to find the operation that failed to compute its "
                              "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."));
  }
  if (!is_output_) return original_;
  if (!owner || !GradMode::is_enabled()) return data_;
  // Relink the output to its producer so double backward sees its history.
  Tensor t = alias(data_);
  AutogradMeta& m = materialize_meta(t);
  m.requires_grad = true;
  m.grad_fn = owner;
  m.output_nr = output_nr_;
  return t;
}

}  // namespace autograd
}  // namespace ctorch
