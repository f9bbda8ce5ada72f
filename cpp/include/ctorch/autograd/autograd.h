#pragma once
// Public autograd API (libtorch-shaped) and the recording helpers op front ends use.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ctorch/autograd/node.h"

namespace ctorch {

// ---- grad mode (thread-local) ----
struct CT_API GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};
struct CT_API InferenceMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};
class CT_API NoGradGuard {
 public:
  NoGradGuard() : prev_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(prev_); }

 private:
  bool prev_;
};
class CT_API AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : prev_(GradMode::is_enabled()) { GradMode::set_enabled(enabled); }
  ~AutoGradMode() { GradMode::set_enabled(prev_); }

 private:
  bool prev_;
};

namespace autograd {

CT_API bool anomaly_mode_enabled();
CT_API void set_anomaly_mode(bool enabled, bool check_nan = true);
CT_API bool anomaly_check_nan();
// Set by the Python layer to capture the forward stack when anomaly mode is on.
CT_API std::function<std::string()>& anomaly_trace_provider();
// Called (node name, forward trace) when a node's backward fails in anomaly mode; Python warns.
CT_API std::function<void(const std::string&, const std::string&)>& anomaly_error_reporter();

// Runs backward from `outputs`. Leaves get .grad accumulated (or only `inputs`' if given).
CT_API void backward(const tensor_list& outputs, const tensor_list& grad_outputs = {},
                     std::optional<bool> retain_graph = {}, bool create_graph = false,
                     const tensor_list& inputs = {});
// Returns d(outputs)/d(inputs) without touching .grad.
CT_API tensor_list grad(const tensor_list& outputs, const tensor_list& inputs, const tensor_list& grad_outputs = {},
                        std::optional<bool> retain_graph = {}, bool create_graph = false,
                        bool allow_unused = false);

// ---- helpers for op front ends ----
CT_API AutogradMeta* meta(const Tensor& t);                // null if none
CT_API AutogradMeta& materialize_meta(const Tensor& t);
CT_API Edge gradient_edge(const Tensor& t);               // grad_fn or accumulator (or invalid)
// t's grad_fn, regenerated for a view whose base changed in place since it was recorded.
CT_API std::shared_ptr<Node> current_grad_fn(const Tensor& t);
CT_API bool requires_grad(const Tensor& t);
// True when grad mode is on and any defined input requires grad.
CT_API bool any_requires_grad(const tensor_list& inputs);
inline bool should_record(std::initializer_list<Tensor> ts) {
  if (!GradMode::is_enabled()) return false;
  for (const auto& t : ts)
    if (t.defined() && requires_grad(t)) return true;
  return false;
}
// Attach `node` as the grad_fn of `outputs` (output_nr = position) with edges to `inputs`.
CT_API void set_history(const std::shared_ptr<Node>& node, const tensor_list& inputs, const tensor_list& outputs);
// One-call recording: name is PyTorch's node name ("MulBackward0"); fn gets grads of the outputs
// and returns one grad per input. has_saved: fn captured SavedTensors (double backward errors).
CT_API std::shared_ptr<Node> record(const char* name, const tensor_list& inputs, const tensor_list& outputs,
                                    FunctionNode::Fn fn, bool has_saved = true);
// Must be called before an in-place op writes `self` (a leaf requiring grad may not be written).
CT_API void check_inplace(const Tensor& self);
// Records an in-place op that rewrote `self` (and, for a view, its base). `inputs` excludes self's
// old value unless fn needs it; fn receives grad of the new self and returns one grad per input
// in the order: {old self, others...}.
CT_API void record_inplace(const char* name, Tensor& self, const tensor_list& other_inputs, FunctionNode::Fn fn,
                           bool has_saved = true);
// Marks `view` as a view of `base` for autograd (in-place rebasing); call after recording.
CT_API void mark_view(const Tensor& view, const Tensor& base);
CT_API SavedTensor save(const Tensor& t);
CT_API SavedTensor save_output(const Tensor& t);
// Reduces `g` to `shape` by summing broadcast dims (the engine does this; formulas never do).
CT_API Tensor sum_to(const Tensor& g, const Shape& shape);

}  // namespace autograd
}  // namespace ctorch
