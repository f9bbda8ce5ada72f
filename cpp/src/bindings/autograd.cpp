// Autograd bindings: Tensor's autograd properties, backward/grad, grad mode, hooks, graph nodes,
// and PyNode (the node behind a Python autograd.Function).
#include "common.h"
#include "ctorch/autograd/autograd.h"

namespace ctorch {
namespace py_bind {

using autograd::AutogradMeta;
using autograd::Node;
using autograd::tensor_list;

namespace {

// Hooks can be removed through the handle Tensor.register_hook returns.
struct HookHandle {
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  void remove() { *alive = false; }
};

autograd::GradHook make_hook(py::function fn, std::shared_ptr<bool> alive) {
  auto holder = std::make_shared<py::object>(std::move(fn));
  return [holder, alive](const Tensor& g) -> Tensor {
    if (!*alive) return Tensor();
    py::gil_scoped_acquire gil;
    py::object r = (*holder)(g);
    if (r.is_none()) return Tensor();
    return r.cast<Tensor>();
  };
}

// The backward node of a Python autograd.Function: calls ctx's backward with the GIL held.
struct PyNode : Node {
  PyNode(py::object ctx, std::string name, std::vector<int> tensor_pos, int nargs, bool materialize)
      : ctx_(std::move(ctx)), name_(std::move(name)), tensor_pos_(std::move(tensor_pos)), nargs_(nargs),
        materialize_(materialize) {}
  ~PyNode() override {
    if (!Py_IsInitialized()) {  // freed by a C++ static after interpreter shutdown: leak ctx
      ctx_.release();
      return;
    }
    py::gil_scoped_acquire gil;
    ctx_ = py::object();
  }
  std::string name() const override { return name_; }
  bool materialize_grads() const override { return materialize_; }
  void release_variables() override {
    py::gil_scoped_acquire gil;
    if (ctx_) ctx_.attr("_release")();
  }
  tensor_list apply(tensor_list&& grads) override {
    py::gil_scoped_acquire gil;
    py::tuple args(grads.size() + 1);
    args[0] = ctx_;
    for (size_t i = 0; i < grads.size(); ++i) {
      // Non-tensor forward outputs always get None (the engine would materialise a bogus zero).
      bool tensor_out = i < out_is_tensor_.size() && out_is_tensor_[i];
      args[i + 1] = tensor_out && grads[i].defined() ? py::cast(grads[i]) : py::none();
    }
    py::object res = ctx_.attr("_backward_impl")(*args);
    py::tuple rt = py::isinstance<py::tuple>(res) ? res.cast<py::tuple>() : py::make_tuple(res);
    // Extra trailing Nones are allowed, as in PyTorch.
    size_t n = rt.size();
    while (n > size_t(nargs_) && rt[n - 1].is_none()) --n;
    CT_CHECK(n == size_t(nargs_), "function ", name_, " returned an incorrect number of gradients (expected ",
             nargs_, ", got ", rt.size(), ")");
    // One gradient per tensor argument (PyTorch's node has edges for tensor arguments only).
    tensor_list out;
    for (int p : tensor_pos_) {
      py::object g = rt[p];
      if (!g.is_none() && !py::isinstance<TensorImpl>(g))
        throw Error(str_cat("expected Variable or None (got ",
                            std::string(py::str(py::type::handle_of(g).attr("__name__"))), ")"));
      out.push_back(g.is_none() ? Tensor() : g.cast<Tensor>());
    }
    return out;
  }
  py::object ctx_;
  std::string name_;
  std::vector<int> tensor_pos_;
  int nargs_;
  bool materialize_;
  std::vector<bool> out_is_tensor_;
};

// A Python autograd.Function's grad_fn is its ctx object (as in PyTorch); other nodes are _C.Node.
py::object node_to_py(const std::shared_ptr<Node>& n) {
  if (!n) return py::none();
  if (auto* pn = dynamic_cast<PyNode*>(n.get())) return pn->ctx_;
  return py::cast(n);
}

py::tuple next_functions(const Node& n) {
  py::list l;
  for (auto& e : n.next_edges) l.append(py::make_tuple(node_to_py(e.fn), e.input_nr));
  return py::tuple(l);
}

// ctx -> its node without a reference cycle (the node owns ctx).
struct WeakNode {
  std::weak_ptr<Node> node;
  std::shared_ptr<Node> lock() const {
    auto n = node.lock();
    CT_CHECK(n, "the autograd graph node of this Function has been freed");
    return n;
  }
};

// PyTorch's names in the grad-assignment dtype error (C++ type names, then c10 ScalarType names).
const char* cpp_type_name(ScalarType t) {
  static const char* n[] = {"bool", "unsigned char", "signed char", "short int", "int", "long int",
                            "c10::Half", "c10::BFloat16", "float", "double"};
  return n[int(t)];
}
const char* c10_type_name(ScalarType t) {
  static const char* n[] = {"Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double"};
  return n[int(t)];
}

void set_grad(Tensor& t, py::object g) {
  auto& m = autograd::materialize_meta(t);
  if (g.is_none()) {
    m.grad = Tensor();
    return;
  }
  if (!py::isinstance<TensorImpl>(g))
    throw TypeError(str_cat("assigned grad expected to be a Tensor or None but got grad of type ",
                            std::string(py::str(py::type::handle_of(g).attr("__name__")))));
  Tensor gt = g.cast<Tensor>();
  CT_CHECK(gt.dtype() == t.dtype(), "attempting to assign a gradient with dtype '", cpp_type_name(gt.dtype()),
           "' to a tensor with grad_dtype '", c10_type_name(t.dtype()),
           "'. The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
           "tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with "
           "caution. Diverging the dtypes of a tensor and its gradient may break downstream systems that assume "
           "they match.");
  CT_CHECK(gt.sizes() == t.sizes(), "attempting to assign a gradient of size '", shape_str(gt.sizes()),
           "' to a tensor of size '", shape_str(t.sizes()),
           "'. Please ensure that the gradient and the tensor are the same size");
  m.grad = gt;
}

Tensor get_grad(const Tensor& t) {
  AutogradMeta* m = autograd::meta(t);
  if (m && m->grad_fn && !m->retains_grad && !m->grad.defined()) {
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                     "attribute won't be populated during autograd.backward(). If you indeed want the .grad field to "
                     "be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access "
                     "the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
                     "github.com/pytorch/pytorch/pull/30531 for more information.",
                     1) < 0)
      throw py::error_already_set();
  }
  return m ? m->grad : Tensor();
}

void retain_grad(const Tensor& t) {
  AutogradMeta* m = autograd::meta(t);
  CT_CHECK(t.requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
  if (!m->grad_fn || m->retains_grad) return;  // leaves always keep .grad
  m->retains_grad = true;
  std::weak_ptr<TensorImpl> weak = t.impl();
  m->grad_fn->tensor_hooks[m->output_nr].push_back([weak](const Tensor& g) -> Tensor {
    auto impl = weak.lock();
    if (!impl) return Tensor();
    AutogradMeta& mm = autograd::materialize_meta(Tensor(impl));
    mm.grad = mm.grad.defined() ? add(mm.grad, g) : (GradMode::is_enabled() ? g : clone(g));
    return Tensor();
  });
}

}  // namespace

void init_autograd(py::module_& m, TensorClass& cls) {
  py::class_<Node, std::shared_ptr<Node>>(m, "Node")
      .def("name", [](const Node& n) {
        // PyTorch reports the C++ class name for the leaf sink.
        return dynamic_cast<const autograd::AccumulateGrad*>(&n) ? std::string("torch::autograd::AccumulateGrad")
                                                                   : n.name();
      })
      .def_property_readonly("next_functions", &next_functions)
      .def_property_readonly("_sequence_nr", [](const Node& n) { return n.sequence_nr; })
      .def("_register_hook_dict", [](Node&, py::object) {})
      .def_property_readonly("variable", [](const Node& n) -> py::object {
        auto* acc = dynamic_cast<const autograd::AccumulateGrad*>(&n);
        if (!acc) throw py::attribute_error("'Node' object has no attribute 'variable'");
        auto impl = acc->variable.lock();
        return impl ? py::cast(Tensor(impl)) : py::none();
      })
      .def("__repr__", [](const Node& n) {
        std::string nm = n.name();
        auto pos = nm.rfind("::");  // torch's repr shows the class name, e.g. <CopySlices object at ...>
        if (pos != std::string::npos) nm = nm.substr(pos + 2);
        return str_cat("<", nm, " object at ", static_cast<const void*>(&n), ">");
      })
      .def("__call__", [](Node& n, py::args a) {
        tensor_list g;
        for (auto h : a) g.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
        return n.apply(std::move(g));
      });

  py::class_<HookHandle>(m, "_HookHandle").def("remove", &HookHandle::remove);

  py::class_<WeakNode>(m, "_WeakNode")
      .def_property_readonly("next_functions", [](const WeakNode& w) { return next_functions(*w.lock()); })
      .def_property_readonly("_sequence_nr", [](const WeakNode& w) { return w.lock()->sequence_nr; })
      .def_property_readonly("alive", [](const WeakNode& w) { return !w.node.expired(); })
      .def("__call__", [](const WeakNode& w, py::args a) {
        tensor_list g;
        for (auto h : a) g.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
        return w.lock()->apply(std::move(g));
      });

  // Saved outputs are relinked to `owner` (the Function's node) on unpack, for double backward.
  py::class_<autograd::SavedTensor>(m, "_SavedTensor")
      .def("unpack", [](const autograd::SavedTensor& s, const WeakNode* owner) {
        return s.unpack(owner ? owner->node.lock() : nullptr);
      }, "owner"_a = nullptr);

  cls.def_property("requires_grad", [](const Tensor& t) { return t.requires_grad(); },
                   [](Tensor& t, bool r) { t.set_requires_grad(r); })
      .def("requires_grad_", [](Tensor& t, bool r) -> Tensor& {
        CT_CHECK(!r || is_floating(t.dtype()), "only Tensors of floating point dtype can require gradients");
        return t.set_requires_grad(r);
      }, "requires_grad"_a = true)
      .def_property("grad", &get_grad, &set_grad)
      .def_property("_grad", [](const Tensor& t) {
        AutogradMeta* m = autograd::meta(t);
        return m ? m->grad : Tensor();
      }, [](Tensor& t, py::object g) {
        autograd::materialize_meta(t).grad = g.is_none() ? Tensor() : g.cast<Tensor>();
      })
      .def_property_readonly("grad_fn", [](const Tensor& t) -> py::object {
        AutogradMeta* m = autograd::meta(t);
        return node_to_py(m ? autograd::current_grad_fn(t) : nullptr);
      })
      .def_property_readonly("is_leaf", [](const Tensor& t) {
        AutogradMeta* m = autograd::meta(t);
        return !(m && m->grad_fn);
      })
      .def_property_readonly("output_nr", [](const Tensor& t) {
        AutogradMeta* m = autograd::meta(t);
        return m ? m->output_nr : 0u;
      })
      .def_property_readonly("retains_grad", [](const Tensor& t) {
        AutogradMeta* m = autograd::meta(t);
        return m && m->retains_grad;
      })
      .def_property_readonly("_base", [](const Tensor& t) { return Tensor(t.get()->view_base); })
      .def("_is_view", [](const Tensor& t) { return t.get()->view_base != nullptr; })
      .def("detach", [](const Tensor& t) { return alias(t); })
      .def("detach_", [](Tensor& t) -> Tensor& {
        AutogradMeta* m = autograd::meta(t);
        if (m) {
          CT_CHECK(!t.get()->view_base,
                   "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
                   "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP "
                   "buckets, and hence detach_() cannot be called on these gradients. To fix this error, please "
                   "refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.");
          m->grad_fn.reset();
          m->requires_grad = false;
          m->output_nr = 0;
        }
        return t;
      })
      // .data: shares storage but not the version counter, so writes through it never trip the
      // saved-tensor check (PyTorch's semantics; gradcheck perturbs inputs this way).
      .def_property("data", [](const Tensor& t) {
        Tensor a = alias(t);
        a.get()->set_version_counter(std::make_shared<VersionCounter>());
        return a;
      }, [](py::object self, py::object v) {
        if (!py::isinstance<TensorImpl>(v))
          throw TypeError(str_cat("Variable data has to be a tensor, but got ",
                                  std::string(py::str(py::type::handle_of(v).attr("__name__")))));
        self.attr("_set_data")(v);
      })
      .def("retain_grad", &retain_grad)
      .def("register_hook", [](Tensor& t, py::function fn) {
        CT_CHECK(t.requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
        HookHandle h;
        AutogradMeta& m = autograd::materialize_meta(t);
        if (m.grad_fn) {
          // retain_grad's hook stays last, so .grad sees what the other hooks returned (as in PyTorch).
          auto& v = m.grad_fn->tensor_hooks[m.output_nr];
          v.insert(m.retains_grad && !v.empty() ? v.end() - 1 : v.end(), make_hook(fn, h.alive));
        } else {
          m.leaf_hooks.push_back(make_hook(fn, h.alive));
        }
        return h;
      });

  m.def("_autograd_backward", [](const tensor_list& outs, std::vector<std::optional<Tensor>> grads,
                                 std::optional<bool> retain, bool create, const tensor_list& inputs) {
    tensor_list g;
    for (auto& x : grads) g.push_back(x ? *x : Tensor());
    autograd::backward(outs, g, retain, create, inputs);
  });
  m.def("_autograd_grad", [](const tensor_list& outs, const tensor_list& inputs,
                             std::vector<std::optional<Tensor>> grads, std::optional<bool> retain, bool create,
                             bool allow_unused) {
    tensor_list g;
    for (auto& x : grads) g.push_back(x ? *x : Tensor());
    tensor_list r = autograd::grad(outs, inputs, g, retain, create, allow_unused);
    py::list out;
    for (auto& t : r) out.append(t.defined() ? py::cast(t) : py::none());
    return py::tuple(out);
  });
  m.def("is_grad_enabled", [] { return GradMode::is_enabled(); });
  m.def("_set_grad_enabled", [](bool e) { GradMode::set_enabled(e); });
  m.def("is_inference_mode_enabled", [] { return InferenceMode::is_enabled(); });
  m.def("_set_inference_mode", [](bool e) { InferenceMode::set_enabled(e); });
  m.def("_set_anomaly_enabled", [](bool e, bool check_nan) { autograd::set_anomaly_mode(e, check_nan); },
        "enabled"_a, "check_nan"_a = true);
  m.def("_is_anomaly_enabled", [] { return autograd::anomaly_mode_enabled(); });
  m.def("_is_anomaly_check_nan_enabled", [] { return autograd::anomaly_check_nan(); });
  m.def("_set_anomaly_error_reporter", [](py::object fn) {
    if (fn.is_none()) {
      autograd::anomaly_error_reporter() = nullptr;
      return;
    }
    auto holder = std::make_shared<py::object>(fn);
    autograd::anomaly_error_reporter() = [holder](const std::string& name, const std::string& trace) {
      py::gil_scoped_acquire gil;
      try {
        (*holder)(name, trace);
      } catch (py::error_already_set&) {
        // Never replace the original backward error with one from the reporter.
      }
    };
  });
  m.def("_set_anomaly_trace_provider", [](py::object fn) {
    if (fn.is_none()) {
      autograd::anomaly_trace_provider() = nullptr;
      return;
    }
    auto holder = std::make_shared<py::object>(fn);
    autograd::anomaly_trace_provider() = [holder]() {
      py::gil_scoped_acquire gil;
      return (*holder)().cast<std::string>();
    };
  });

  // autograd.Function support: ctx is a Python object with a static _backward_impl(ctx, *grads) and
  // _release(). Called after forward (which ran under no_grad); returns the outputs to hand back.
  m.def("_function_record", [](py::object ctx, const std::string& name, py::tuple args, py::object outputs,
                               py::list dirty, py::list non_diff, bool materialize) {
    std::vector<int> pos;
    tensor_list inputs;
    for (size_t i = 0; i < args.size(); ++i)
      if (py::isinstance<TensorImpl>(args[i])) {
        pos.push_back(int(i));
        inputs.push_back(args[i].cast<Tensor>());
      }
    const bool executable = autograd::any_requires_grad(inputs);
    bool single = !py::isinstance<py::tuple>(outputs);
    py::tuple outs = single ? py::make_tuple(outputs) : outputs.cast<py::tuple>();
    auto contains = [](const py::list& l, py::handle h) {
      for (auto d : l)
        if (d.is(h)) return true;
      return false;
    };
    tensor_list out_ts;
    std::vector<bool> is_tensor, is_nd;
    std::vector<std::pair<Tensor, Tensor>> views;  // (alias output, input it aliases)
    py::list result;
    for (size_t i = 0; i < outs.size(); ++i) {
      bool tensor = py::isinstance<TensorImpl>(outs[i]);
      is_tensor.push_back(tensor);
      is_nd.push_back(tensor && contains(non_diff, outs[i]));
      if (!tensor) {
        out_ts.push_back(Tensor());
        result.append(outs[i]);
        continue;
      }
      Tensor o = outs[i].cast<Tensor>();
      bool is_input = false;
      for (auto& in : inputs) is_input |= in.defined() && in.is_same(o);
      if (contains(dirty, outs[i])) {
        AutogradMeta* om = autograd::meta(o);
        if (executable && om) {
          CT_CHECK(!(om->requires_grad && !om->grad_fn && !o.get()->view_base),
                   "a leaf Variable that requires grad has been used in an in-place operation.");
          autograd::check_inplace(o);
        }
        o.get()->bump_version();
      } else if (is_input) {
        // An input returned as-is becomes a new tensor viewing it, as in PyTorch.
        Tensor in = o;
        o = alias(o);
        views.emplace_back(o, in);
      }
      out_ts.push_back(o);
      result.append(py::cast(o));
    }
    if (executable) {
      auto node = std::make_shared<PyNode>(ctx, name, pos, int(args.size()), materialize);
      node->out_is_tensor_ = is_tensor;
      autograd::set_history(node, inputs, out_ts);
      for (size_t i = 0; i < out_ts.size(); ++i)
        if (is_nd[i]) {
          // Keeps its metadata on the node (its grad is materialised as zeros) but no history.
          AutogradMeta& om = autograd::materialize_meta(out_ts[i]);
          om.grad_fn.reset();
          om.requires_grad = false;
          om.output_nr = 0;
        }
      for (auto& [v, in] : views) autograd::mark_view(v, in);
      ctx.attr("_weak_node") = py::cast(WeakNode{node});
    }
    return single ? result[0] : py::object(py::tuple(result));
  });
  m.def("_save_tensor", [](const Tensor& t, bool is_output) { return autograd::SavedTensor(t, is_output); });
}

}  // namespace py_bind
}  // namespace ctorch
