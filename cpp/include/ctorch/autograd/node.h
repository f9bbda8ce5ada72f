#pragma once
// Autograd graph: Node (a backward function), Edge (node + which of its inputs), AutogradMeta
// (per-tensor state), SavedTensor (a tensor kept for backward, with its version at save time).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ctorch/core/tensor.h"

namespace ctorch {
namespace autograd {

using tensor_list = std::vector<Tensor>;
struct Node;

struct Edge {
  std::shared_ptr<Node> fn;
  uint32_t input_nr = 0;
  bool valid() const { return fn != nullptr; }
};

// Shape/dtype/device of a forward tensor: the engine reduces and casts each gradient to it.
struct InputMeta {
  Shape shape;
  ScalarType dtype = kFloat32;
  Device device;
};

using GradHook = std::function<Tensor(const Tensor&)>;  // returns undefined to keep the grad

struct CT_API Node : std::enable_shared_from_this<Node> {
  Node();
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // grads: one per forward output (undefined entries were materialised as zeros by the engine).
  // Returns one gradient per next edge (undefined = no gradient).
  virtual tensor_list apply(tensor_list&& grads) = 0;
  virtual std::string name() const = 0;
  virtual void release_variables() {}
  // Whether undefined incoming grads should be replaced by zeros before apply().
  virtual bool materialize_grads() const { return true; }

  std::vector<Edge> next_edges;
  std::vector<InputMeta> input_metadata;  // one per forward output of this node
  uint64_t sequence_nr;
  // Hooks registered on this node's forward outputs (Tensor.register_hook on non-leaves),
  // keyed by output number; retain_grad is one of them.
  std::map<uint32_t, std::vector<GradHook>> tensor_hooks;
  std::string anomaly_trace;  // forward-op trace when anomaly detection is on
};

// Hands a node to an iterative teardown loop, so freeing a 100k-op chain never recurses deeply
// (see Note [Iterative teardown] in node.cpp).
CT_API void defer_release(std::shared_ptr<Node>&& n);

struct CT_API AutogradMeta {
  ~AutogradMeta();
  bool requires_grad = false;
  bool retains_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  std::weak_ptr<Node> grad_accumulator;
  uint32_t output_nr = 0;
  std::vector<GradHook> leaf_hooks;  // hooks on a leaf run before accumulation
  // Version of the (shared) counter when grad_fn was set. A view whose base was since modified in
  // place gets a fresh grad_fn derived from the base's new history (see current_grad_fn).
  uint32_t grad_fn_version = 0;
};

// The leaf sink: adds incoming gradients into tensor.grad.
struct CT_API AccumulateGrad : Node {
  explicit AccumulateGrad(std::weak_ptr<TensorImpl> var);
  tensor_list apply(tensor_list&& grads) override;
  std::string name() const override { return "AccumulateGrad"; }
  std::weak_ptr<TensorImpl> variable;
};

// A tensor kept for backward. Outputs are stored without their grad_fn to avoid a reference cycle
// (node -> saved output -> node) and relinked on unpack.
class CT_API SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output);
  ~SavedTensor();
  SavedTensor(SavedTensor&&) = default;
  SavedTensor& operator=(SavedTensor&&) = default;
  SavedTensor(const SavedTensor&) = default;
  SavedTensor& operator=(const SavedTensor&) = default;
  // Raises PyTorch's in-place modification error if the version moved; `owner` relinks outputs.
  Tensor unpack(const std::shared_ptr<Node>& owner = nullptr) const;
  bool defined() const { return data_.defined(); }

 private:
  Tensor data_;      // detached alias (shares storage and version counter)
  Tensor original_;  // inputs: the tensor itself (keeps its history for double backward)
  uint32_t version_ = 0;
  bool is_output_ = false;
  bool was_leaf_requiring_grad_ = false;
  uint32_t output_nr_ = 0;
};

// Node whose backward is a closure; captured SavedTensors are freed by release_variables().
struct CT_API FunctionNode : Node {
  using Fn = std::function<tensor_list(const tensor_list& grads, Node& self)>;
  FunctionNode(std::string name, Fn fn, bool has_saved) : name_(std::move(name)), fn_(std::move(fn)), has_saved_(has_saved) {}
  ~FunctionNode() override;
  tensor_list apply(tensor_list&& grads) override;
  std::string name() const override { return name_; }
  void release_variables() override;

 private:
  std::string name_;
  Fn fn_;
  bool has_saved_;
  bool released_ = false;
};

}  // namespace autograd
}  // namespace ctorch
