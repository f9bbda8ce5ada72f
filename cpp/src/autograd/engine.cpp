// The backward engine: dependency counting, a ready queue ordered by sequence number, gradient
// validation (un-broadcast + dtype cast, so formulas never do it) and graph release.
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "ctorch/autograd/autograd.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/reduce.h"
#include "ctorch/ops/shape.h"

namespace ctorch {
namespace autograd {

namespace {

struct GraphRoot : Node {
  explicit GraphRoot(tensor_list g) : grads(std::move(g)) { sequence_nr = UINT64_MAX; }
  tensor_list apply(tensor_list&&) override { return grads; }
  std::string name() const override { return "GraphRoot"; }
  tensor_list grads;
};

struct CompareNodes {
  bool operator()(Node* a, Node* b) const { return a->sequence_nr < b->sequence_nr; }
};

Tensor validate_grad(const Node& fn, size_t i, Tensor g, const InputMeta& m) {
  if (g.sizes() != m.shape) {
    bool ok = g.dim() >= int64_t(m.shape.size());
    for (size_t d = 0; ok && d < m.shape.size(); ++d) {
      int64_t gs = g.sizes()[g.dim() - m.shape.size() + d];
      ok = gs == m.shape[d] || m.shape[d] == 1;
    }
    CT_CHECK(ok, "Function ", fn.name(), " returned an invalid gradient at index ", i, " - got ",
             shape_str(g.sizes()), " but expected shape compatible with ", shape_str(m.shape));
    g = sum_to(g, m.shape);
  }
  if (g.dtype() != m.dtype && is_floating(m.dtype)) g = to_dtype(g, m.dtype);
  // Gradients flow back across device copies (x.cuda(), y.cpu()) to the input's device.
  if (g.device() != m.device) g = to_device(g, m.device);
  return g;
}

void check_nan(const Node& fn, const tensor_list& outs) {
  for (size_t i = 0; i < outs.size(); ++i) {
    const Tensor& g = outs[i];
    if (!g.defined() || !is_floating(g.dtype())) continue;
    if (any(isnan(g)).item<bool>()) {
      throw Error(str_cat("Function '", fn.name(), "' returned nan values in its ", i, "th output."));
    }
  }
}

struct Capture {
  Node* node;
  uint32_t input_nr;
  size_t index;
};

tensor_list run(const tensor_list& roots, const tensor_list& root_grads, bool keep_graph, bool create_graph,
                const tensor_list& inputs, bool accumulate, bool allow_unused) {
  // Root edges and their initial gradients.
  tensor_list grads;
  std::vector<Edge> root_edges;
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    Edge e = gradient_edge(r);
    CT_CHECK(e.valid(), "element ", i, " of tensors does not require grad and does not have a grad_fn");
    Tensor g = i < root_grads.size() ? root_grads[i] : Tensor();
    if (!g.defined()) {
      CT_CHECK(r.numel() == 1, "grad can be implicitly created only for scalar outputs");
      g = ones_like(r);
    } else {
      CT_CHECK(g.sizes() == r.sizes(), "Mismatch in shape: grad_output[", i, "] has a shape of ",
               "torch.Size(", shape_str(g.sizes()), ") and output[", i, "] has a shape of torch.Size(",
               shape_str(r.sizes()), ").");
    }
    root_edges.push_back(e);
    grads.push_back(g);
  }
  auto root = std::make_shared<GraphRoot>(grads);
  root->next_edges = root_edges;

  // Dependency counts over the reachable graph (iterative DFS).
  std::unordered_map<Node*, int> deps;
  std::vector<Node*> order;  // discovery order
  {
    std::unordered_set<Node*> seen{root.get()};
    std::vector<Node*> stack{root.get()};
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      order.push_back(n);
      for (auto& e : n->next_edges) {
        if (!e.fn) continue;
        deps[e.fn.get()]++;
        if (seen.insert(e.fn.get()).second) stack.push_back(e.fn.get());
      }
    }
  }

  // Capture points for autograd.grad / backward(inputs=...), and which nodes must run.
  std::vector<Capture> captures;
  std::unordered_set<Node*> capture_nodes;
  tensor_list captured(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    Edge e = gradient_edge(inputs[i]);
    CT_CHECK(e.valid(), "One of the differentiated Tensors does not require grad");
    captures.push_back(Capture{e.fn.get(), e.input_nr, i});
    capture_nodes.insert(e.fn.get());
  }
  std::unordered_set<Node*> needed;
  const bool prune = !inputs.empty();
  if (prune) {
    // A node is needed when a capture point is reachable from it: reverse discovery order works
    // as a post-order for this purpose only after iterating to a fixed point.
    bool changed = true;
    for (Node* n : capture_nodes) needed.insert(n);
    while (changed) {
      changed = false;
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node* n = *it;
        if (needed.count(n)) continue;
        for (auto& e : n->next_edges)
          if (e.fn && needed.count(e.fn.get())) {
            needed.insert(n);
            changed = true;
            break;
          }
      }
    }
  }

  std::unordered_map<Node*, tensor_list> buffers;
  std::priority_queue<Node*, std::vector<Node*>, CompareNodes> ready;
  std::vector<Node*> executed;
  ready.push(root.get());
  AutoGradMode mode(create_graph);
  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    tensor_list in = std::move(buffers[n]);
    buffers.erase(n);
    in.resize(std::max<size_t>(in.size(), n->input_metadata.size()));
    // Tensor hooks registered on this node's outputs (register_hook / retain_grad).
    for (auto& [nr, hooks] : n->tensor_hooks)
      if (nr < in.size() && in[nr].defined())
        for (auto& h : hooks) {
          Tensor r = h(in[nr]);
          if (r.defined()) in[nr] = r;
        }
    bool is_acc = dynamic_cast<AccumulateGrad*>(n) != nullptr;
    for (auto& c : captures)
      if (c.node == n && c.input_nr < in.size() && in[c.input_nr].defined()) {
        Tensor g = in[c.input_nr];
        if (is_acc) {
          auto impl = static_cast<AccumulateGrad*>(n)->variable.lock();
          if (impl)
            for (auto& h : materialize_meta(Tensor(impl)).leaf_hooks) {
              Tensor r = h(g);
              if (r.defined()) g = r;
            }
        }
        captured[c.index] = captured[c.index].defined() ? add(captured[c.index], g) : g;
      }
    bool run_node = n == root.get() || (prune ? needed.count(n) > 0 : true);
    if (is_acc && (!accumulate || (prune && !capture_nodes.count(n)))) run_node = false;
    tensor_list out;
    if (run_node) {
      bool any_defined = n == root.get();
      for (auto& g : in) any_defined |= g.defined();
      if (any_defined) {
        if (n->materialize_grads())
          for (size_t i = 0; i < in.size(); ++i)
            if (!in[i].defined() && i < n->input_metadata.size())
              in[i] = zeros(n->input_metadata[i].shape,
                            TensorOptions().dtype(n->input_metadata[i].dtype).device(n->input_metadata[i].device));
        if (anomaly_mode_enabled()) {
          // PyTorch reports the forward trace of the failing node as a warning, then rethrows.
          try {
            out = n->apply(std::move(in));
            if (anomaly_check_nan()) check_nan(*n, out);
          } catch (...) {
            if (anomaly_error_reporter()) anomaly_error_reporter()(n->name(), n->anomaly_trace);
            throw;
          }
        } else {
          out = n->apply(std::move(in));
        }
        executed.push_back(n);
        if (!is_acc)
          CT_CHECK(out.size() == n->next_edges.size(), "function ", n->name(),
                   " returned an incorrect number of gradients (expected ", n->next_edges.size(), ", got ",
                   out.size(), ")");
      }
    }
    for (size_t i = 0; i < n->next_edges.size(); ++i) {
      const Edge& e = n->next_edges[i];
      if (!e.fn) continue;
      if (i < out.size() && out[i].defined()) {
        Tensor g = validate_grad(*n, i, out[i], e.fn->input_metadata[e.input_nr]);
        tensor_list& buf = buffers[e.fn.get()];
        if (buf.size() <= e.input_nr) buf.resize(e.input_nr + 1);
        buf[e.input_nr] = buf[e.input_nr].defined() ? add(buf[e.input_nr], g) : g;
      }
      if (--deps[e.fn.get()] == 0) ready.push(e.fn.get());
    }
  }
  if (!keep_graph)
    for (Node* n : executed) n->release_variables();

  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!captured[i].defined()) {
      CT_CHECK(allow_unused || accumulate, "The differentiated Tensor at index ", i,
               " appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
      continue;
    }
    // backward(inputs=[non_leaf]) accumulates into the non-leaf's .grad like PyTorch.
    if (accumulate && meta(inputs[i]) && meta(inputs[i])->grad_fn) {
      AutogradMeta& m = materialize_meta(inputs[i]);
      m.grad = m.grad.defined() ? add(m.grad, captured[i]) : captured[i];
    }
  }
  return captured;
}

}  // namespace

void backward(const tensor_list& outputs, const tensor_list& grad_outputs, std::optional<bool> retain_graph,
              bool create_graph, const tensor_list& inputs) {
  run(outputs, grad_outputs, retain_graph.value_or(create_graph), create_graph, inputs, true, true);
}

tensor_list grad(const tensor_list& outputs, const tensor_list& inputs, const tensor_list& grad_outputs,
                 std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  return run(outputs, grad_outputs, retain_graph.value_or(create_graph), create_graph, inputs, false, allow_unused);
}

}  // namespace autograd
}  // namespace ctorch
