// Python bindings of the pointwise ops: ctorch._C.<name>(input, other, *, out=None), Tensor
// methods (x.add(y, alpha=2), x.add_(y)) and the Python operators.
// Functions are passed to pybind11 as plain function pointers where possible: one dispatcher
// instantiation per signature instead of one per lambda keeps this TU fast to compile.
#include "common.h"

namespace ctorch {
namespace py_bind {

namespace {
using OptT = std::optional<Tensor>;
using U1 = Tensor (*)(const Tensor&);
using U1_ = Tensor& (*)(Tensor&);
using U1o = Tensor& (*)(Tensor&, const Tensor&);
using B1 = Tensor (*)(const Tensor&, const Tensor&);
using B1_ = Tensor& (*)(Tensor&, const Tensor&);
using B1o = Tensor& (*)(Tensor&, const Tensor&, const Tensor&);

template <U1 F, U1o FO>
Tensor unary_py(const Tensor& a, OptT out) {
  return out ? FO(*out, a) : F(a);
}
template <B1 F, B1o FO>
Tensor binary_py(const Tensor& a, const Tensor& b, OptT out) {
  return out ? FO(*out, a, b) : F(a, b);
}

std::string rounding(const std::optional<std::string>& m) { return m ? *m : std::string(); }

// Python's `x.__eq__(None)` etc.: an operand we cannot convert gives NotImplemented (is_operator).
Tensor positive(const Tensor& a) {
  CT_CHECK(a.dtype() != kBool, "The `+` operator, on a bool tensor is not supported.");
  return a;
}
Tensor invert(const Tensor& a) {
  CT_CHECK_TYPE(is_integral(a.dtype(), true),
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
  return bitwise_not(a);
}
Tensor rtruediv(const Tensor& a, const Tensor& b) { return mul(reciprocal(a), b); }
Tensor rsub1(const Tensor& a, const Tensor& b) { return rsub(a, b); }
Tensor rfloordiv(const Tensor& a, const Tensor& b) { return floor_divide(b, a); }
Tensor rmod(const Tensor& a, const Tensor& b) { return remainder(b, a); }
Tensor rpow(const Tensor& a, const Tensor& b) { return pow(b, a); }
Tensor rlshift(const Tensor& a, const Tensor& b) { return bitwise_left_shift(b, a); }
Tensor rrshift(const Tensor& a, const Tensor& b) { return bitwise_right_shift(b, a); }
Tensor& floordiv_(Tensor& a, const Tensor& b) { return div_(a, b, "floor"); }
Tensor& truediv_(Tensor& a, const Tensor& b) { return div_(a, b, std::string()); }
Tensor floordiv(const Tensor& a, const Tensor& b) { return floor_divide(a, b); }
Tensor truediv(const Tensor& a, const Tensor& b) { return div(a, b, std::string()); }
Tensor& floor_divide_out(Tensor& out, const Tensor& a, const Tensor& b) { return div_floor_out(out, a, b); }
Tensor& true_divide_out(Tensor& out, const Tensor& a, const Tensor& b) { return div_out(out, a, b); }
Tensor square(const Tensor& a) { return pow(a, Scalar(int64_t(2))); }
Tensor& square_(Tensor& a) { return pow_(a, Scalar(int64_t(2))); }
Tensor& square_out(Tensor& out, const Tensor& a) { return pow_out(out, a, scalar_to_tensor(Scalar(int64_t(2)))); }

// float_power: computes in float64.
Tensor float_power(const Tensor& a, const Tensor& b) {
  return pow(to_dtype(a, kFloat64), b.get()->is_wrapped_number ? b : to_dtype(b, kFloat64));
}
Tensor& float_power_(Tensor& a, const Tensor& b) {
  CT_CHECK(a.dtype() == kFloat64, "the base given to float_power_ has dtype ", dtype_legacy_name(a.dtype()),
           " but the operation's result requires dtype Double");
  return pow_(a, b.get()->is_wrapped_number ? b : to_dtype(b, kFloat64));
}
Tensor& float_power_out(Tensor& out, const Tensor& a, const Tensor& b) {
  return pow_out(out, to_dtype(a, kFloat64), b.get()->is_wrapped_number ? b : to_dtype(b, kFloat64));
}

Tensor clamp_py(const Tensor& a, const OptT& lo, const OptT& hi, OptT out) {
  if (out) return clamp_out(*out, a, lo, hi);
  return clamp(a, lo, hi);
}
Tensor& clamp_py_(Tensor& a, const OptT& lo, const OptT& hi) { return clamp_(a, lo, hi); }
Tensor clamp_min_py(const Tensor& a, const Tensor& lo, OptT out) {
  return out ? clamp_py(a, lo, std::nullopt, out) : clamp_min(a, lo);
}
Tensor clamp_max_py(const Tensor& a, const Tensor& hi, OptT out) {
  return out ? clamp_py(a, std::nullopt, hi, out) : clamp_max(a, hi);
}
Tensor& clamp_min_py_(Tensor& a, const Tensor& lo) { return clamp_min_(a, lo); }
Tensor& clamp_max_py_(Tensor& a, const Tensor& hi) { return clamp_max_(a, hi); }

// Rows whose `other` must be a tensor in PyTorch (no Scalar overload).
bool tensor_only(const std::string& name) {
  return name == "atan2" || name == "maximum" || name == "minimum" || name == "logical_and" ||
         name == "logical_or" || name == "logical_xor";
}

void bind_rows(py::module_& m, TensorClass& cls) {
  // Unary rows: module function (input, *, out), module in-place `name_`, methods.
#define CT_UNARY(name, F, kind)                                                                        \
  m.def(#name, &unary_py<static_cast<U1>(&ctorch::name), static_cast<U1o>(&ctorch::name##_out)>,        \
        "input"_a.noconvert(), py::kw_only(), "out"_a = py::none());                                    \
  m.def(#name "_", static_cast<U1_>(&ctorch::name##_), "input"_a.noconvert());                          \
  cls.def(#name, static_cast<U1>(&ctorch::name));                                                       \
  cls.def(#name "_", static_cast<U1_>(&ctorch::name##_));
  // Binary rows with the plain (input, other) signature; the others are bound by hand below.
#define CT_BINARY(name, F, kind)                                                                       \
  if (std::string(#name) != "add" && std::string(#name) != "sub" && std::string(#name) != "div" &&    \
      std::string(#name) != "pow") {                                                                    \
    bool t = tensor_only(#name);                                                                        \
    m.def(#name, &binary_py<static_cast<B1>(&ctorch::name), static_cast<B1o>(&ctorch::name##_out)>,     \
          "input"_a, "other"_a.noconvert(t), py::kw_only(), "out"_a = py::none());                      \
    cls.def(#name, static_cast<B1>(&ctorch::name), "other"_a.noconvert(t));                             \
    cls.def(#name "_", static_cast<B1_>(&ctorch::name##_), "other"_a.noconvert(t));                     \
  }
#define CT_OP(name)
#include "ctorch/ops/op_table.def"
}

// Note [Per-op overhead]
// `a + b` on small tensors is dominated by fixed costs, so the Python operators bypass pybind11's
// generic dispatcher (argument vectors, two overload passes, a bound-method object per call, a
// type-name hash per Tensor argument). Each operator is a METH_FASTCALL method descriptor in the
// Tensor type's dict: CPython's nb_add slot calls it without building a bound method or an args
// tuple, and the operands are read straight from the pybind11 instance (tensor_holder).
// Semantics match the pybind11 is_operator bindings: an operand that is neither a Tensor nor a
// Python/NumPy number gives NotImplemented; C++ errors go through the registered translators.
Tensor load_operand(PyObject* o, const py::detail::type_info* ti, bool* ok) {
  if (const auto* h = tensor_holder(o, ti)) return Tensor(*h);
  Scalar s;
  try {
    *ok = scalar_from_py(o, s);
  } catch (const std::overflow_error&) {  // PyTorch's operators raise OverflowError here
    PyErr_SetString(PyExc_OverflowError, "int too big to convert");
    throw py::error_already_set();
  }
  return *ok ? scalar_to_tensor(s) : Tensor();
}

PyObject* translate_current() {
  try {
    throw;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

// Unpacks `self` and the single operand of a fast binary method. Returns false when the
// operand is not usable (the caller answers NotImplemented, so Python tries the reflected op).
bool unpack_binary(PyObject* self, PyObject* arg, Tensor& a, Tensor& b) {
  const auto* ti = tensor_type_info();
  const auto* hs = tensor_holder(self, ti);
  bool ok = true;
  b = load_operand(arg, ti, &ok);
  if (!hs || !ok) return false;
  a = Tensor(*hs);
  return true;
}

bool check_one_arg(Py_ssize_t nargs) {
  if (nargs == 1) return true;
  PyErr_Format(PyExc_TypeError, "expected 1 argument (got %zd)", nargs);
  return false;
}

template <B1 F>
PyObject* fast_binary(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!check_one_arg(nargs)) return nullptr;
  try {
    Tensor a, b;
    if (!unpack_binary(self, args[0], a, b)) Py_RETURN_NOTIMPLEMENTED;
    Tensor r = F(a, b);
    return tensor_to_py(r.impl()).ptr();
  } catch (...) {
    return translate_current();
  }
}

template <B1_ F>
PyObject* fast_inplace(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!check_one_arg(nargs)) return nullptr;
  try {
    Tensor a, b;
    if (!unpack_binary(self, args[0], a, b)) Py_RETURN_NOTIMPLEMENTED;
    F(a, b);  // returns `a`: the same impl, hence the same Python object
    Py_INCREF(self);
    return self;
  } catch (...) {
    return translate_current();
  }
}

template <U1 F>
PyObject* fast_unary(PyObject* self, PyObject*) {
  try {
    const auto* hs = tensor_holder(self, tensor_type_info());
    if (!hs) {
      PyErr_SetString(PyExc_TypeError, "expected a Tensor");
      return nullptr;
    }
    Tensor r = F(Tensor(*hs));
    return tensor_to_py(r.impl()).ptr();
  } catch (...) {
    return translate_current();
  }
}

// Installs `fn` as a method descriptor named `name` on the Tensor class (replacing any binding).
void def_fast(TensorClass& cls, const char* name, PyCFunction fn, int flags) {
  auto* def = new PyMethodDef{name, fn, flags, nullptr};  // must outlive the type: leaked on purpose
  PyObject* d = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (!d) throw py::error_already_set();
  int rc = PyObject_SetAttrString(cls.ptr(), name, d);
  Py_DECREF(d);
  if (rc < 0) throw py::error_already_set();
}
void def_fast(TensorClass& cls, const char* name, PyObject* (*fn)(PyObject*, PyObject* const*, Py_ssize_t)) {
  def_fast(cls, name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fn)), METH_FASTCALL);
}
void def_fast(TensorClass& cls, const char* name, PyObject* (*fn)(PyObject*, PyObject*)) {
  def_fast(cls, name, fn, METH_NOARGS);
}

void def_binary_ops(TensorClass& cls) {
#define CT_FAST_OP(pyname, F) def_fast(cls, pyname, fast_binary<static_cast<B1>(&F)>);
#define CT_FAST_IOP(pyname, F) def_fast(cls, pyname, fast_inplace<static_cast<B1_>(&F)>);
  CT_FAST_OP("__add__", add) CT_FAST_OP("__radd__", add) CT_FAST_IOP("__iadd__", add_)
  CT_FAST_OP("__sub__", sub) CT_FAST_OP("__rsub__", rsub1) CT_FAST_IOP("__isub__", sub_)
  CT_FAST_OP("__mul__", mul) CT_FAST_OP("__rmul__", mul) CT_FAST_IOP("__imul__", mul_)
  CT_FAST_OP("__truediv__", truediv) CT_FAST_OP("__rtruediv__", rtruediv) CT_FAST_IOP("__itruediv__", truediv_)
  CT_FAST_OP("__floordiv__", floordiv) CT_FAST_OP("__rfloordiv__", rfloordiv)
  CT_FAST_IOP("__ifloordiv__", floordiv_)
  CT_FAST_OP("__mod__", remainder) CT_FAST_OP("__rmod__", rmod) CT_FAST_IOP("__imod__", remainder_)
  CT_FAST_OP("__pow__", pow) CT_FAST_OP("__rpow__", rpow) CT_FAST_IOP("__ipow__", pow_)
  CT_FAST_OP("__and__", bitwise_and) CT_FAST_OP("__rand__", bitwise_and) CT_FAST_IOP("__iand__", bitwise_and_)
  CT_FAST_OP("__or__", bitwise_or) CT_FAST_OP("__ror__", bitwise_or) CT_FAST_IOP("__ior__", bitwise_or_)
  CT_FAST_OP("__xor__", bitwise_xor) CT_FAST_OP("__rxor__", bitwise_xor) CT_FAST_IOP("__ixor__", bitwise_xor_)
  CT_FAST_OP("__lshift__", bitwise_left_shift) CT_FAST_OP("__rlshift__", rlshift)
  CT_FAST_IOP("__ilshift__", bitwise_left_shift_)
  CT_FAST_OP("__rshift__", bitwise_right_shift) CT_FAST_OP("__rrshift__", rrshift)
  CT_FAST_IOP("__irshift__", bitwise_right_shift_)
  CT_FAST_OP("__eq__", eq) CT_FAST_OP("__ne__", ne) CT_FAST_OP("__lt__", lt) CT_FAST_OP("__le__", le)
  CT_FAST_OP("__gt__", gt) CT_FAST_OP("__ge__", ge)
#undef CT_FAST_OP
#undef CT_FAST_IOP
}

void bind_alias(py::module_& m, TensorClass& cls, const char* alias, const char* name, bool inplace = true) {
  m.attr(alias) = m.attr(name);
  cls.attr(alias) = cls.attr(name);
  if (inplace) cls.attr((std::string(alias) + "_").c_str()) = cls.attr((std::string(name) + "_").c_str());
}
}  // namespace

void init_pointwise(py::module_& m, TensorClass& cls) {
  bind_rows(m, cls);

  // ---- add / sub / rsub with alpha ----
  using AddF = Tensor (*)(const Tensor&, const Tensor&, const Scalar&);
  using AddF_ = Tensor& (*)(Tensor&, const Tensor&, const Scalar&);
  auto add_py = [](const Tensor& a, const Tensor& b, const Scalar& alpha, OptT out) {
    return out ? add_out(*out, a, b, alpha) : add(a, b, alpha);
  };
  auto sub_py = [](const Tensor& a, const Tensor& b, const Scalar& alpha, OptT out) {
    return out ? sub_out(*out, a, b, alpha) : sub(a, b, alpha);
  };
  m.def("add", add_py, "input"_a, "other"_a, py::kw_only(), "alpha"_a = 1, "out"_a = py::none());
  m.def("sub", sub_py, "input"_a, "other"_a, py::kw_only(), "alpha"_a = 1, "out"_a = py::none());
  m.def("rsub", static_cast<AddF>(&rsub), "input"_a, "other"_a, py::kw_only(), "alpha"_a = 1);
  cls.def("add", static_cast<AddF>(&add), "other"_a, py::kw_only(), "alpha"_a = 1);
  cls.def("sub", static_cast<AddF>(&sub), "other"_a, py::kw_only(), "alpha"_a = 1);
  cls.def("add_", static_cast<AddF_>(&add_), "other"_a, py::kw_only(), "alpha"_a = 1);
  cls.def("sub_", static_cast<AddF_>(&sub_), "other"_a, py::kw_only(), "alpha"_a = 1);

  // ---- div with rounding modes ----
  using OptS = std::optional<std::string>;
  m.def("div", [](const Tensor& a, const Tensor& b, const OptS& mode, OptT out) {
    return out ? div_out(*out, a, b, rounding(mode)) : div(a, b, rounding(mode));
  }, "input"_a, "other"_a, py::kw_only(), "rounding_mode"_a = py::none(), "out"_a = py::none());
  cls.def("div", [](const Tensor& a, const Tensor& b, const OptS& mode) { return div(a, b, rounding(mode)); },
          "other"_a, py::kw_only(), "rounding_mode"_a = py::none());
  cls.def("div_", [](Tensor& a, const Tensor& b, const OptS& mode) -> Tensor& { return div_(a, b, rounding(mode)); },
          "other"_a, py::kw_only(), "rounding_mode"_a = py::none());
  m.def("floor_divide", &binary_py<&floordiv, &floor_divide_out>, "input"_a, "other"_a, py::kw_only(),
        "out"_a = py::none());
  cls.def("floor_divide", static_cast<B1>(&floordiv), "other"_a);
  cls.def("floor_divide_", static_cast<B1_>(&floordiv_), "other"_a);
  m.def("true_divide", &binary_py<&truediv, &true_divide_out>, "input"_a, "other"_a, py::kw_only(),
        "out"_a = py::none());
  cls.def("true_divide", static_cast<B1>(&truediv), "other"_a);
  cls.def("true_divide_", static_cast<B1_>(&truediv_), "other"_a);

  // ---- pow (a Python-number exponent arrives as a wrapped tensor: see pow_scalar_op) ----
  m.def("pow", &binary_py<static_cast<B1>(&pow), static_cast<B1o>(&pow_out)>, "input"_a.noconvert(),
        "exponent"_a, py::kw_only(), "out"_a = py::none());
  m.def("pow", [](const Scalar& base, const Tensor& e, OptT out) {
    if (!out) return pow(base, e);
    if (!base.is_bool() && base.to_double() == 1) {  // PyTorch fills any out= with ones here
      resize_out(*out, e.sizes(), "pow");
      return fill_(*out, Scalar(int64_t(1)));
    }
    return pow_out(*out, scalar_to_tensor(base), e);
  }, "self"_a, "exponent"_a.noconvert(), py::kw_only(), "out"_a = py::none());
  cls.def("pow", static_cast<B1>(&pow), "exponent"_a);
  cls.def("pow_", static_cast<B1_>(&pow_), "exponent"_a);
  m.def("float_power", &binary_py<&float_power, &float_power_out>, "input"_a, "exponent"_a, py::kw_only(),
        "out"_a = py::none());
  cls.def("float_power", static_cast<B1>(&float_power), "exponent"_a);
  cls.def("float_power_", static_cast<B1_>(&float_power_), "exponent"_a);
  m.def("square", &unary_py<&square, &square_out>, "input"_a.noconvert(), py::kw_only(), "out"_a = py::none());
  m.def("square_", static_cast<U1_>(&square_), "input"_a.noconvert());
  cls.def("square", static_cast<U1>(&square));
  cls.def("square_", static_cast<U1_>(&square_));

  // ---- round(decimals) ----
  // An explicit `decimals` (even 0) selects PyTorch's floating-only round.decimals kernel.
  using OptI = std::optional<int64_t>;
  m.def("round", [](const Tensor& a, OptI d, OptT out) {
    if (out) return d ? round_out(*out, a, *d) : round_out(*out, a);
    return d ? round(a, *d) : round(a);
  }, "input"_a.noconvert(), py::kw_only(), "decimals"_a = py::none(), "out"_a = py::none());
  cls.def("round", [](const Tensor& a, OptI d) { return d ? round(a, *d) : round(a); }, py::kw_only(),
          "decimals"_a = py::none());
  cls.def("round_", [](Tensor& a, OptI d) -> Tensor& { return d ? round_(a, *d) : round_(a); }, py::kw_only(),
          "decimals"_a = py::none());

  // ---- clamp family (scalar bounds arrive as wrapped tensors, which promote like scalars) ----
  m.def("clamp", &clamp_py, "input"_a.noconvert(), "min"_a = py::none(), "max"_a = py::none(), py::kw_only(),
        "out"_a = py::none());
  cls.def("clamp", [](const Tensor& a, const OptT& lo, const OptT& hi) { return clamp(a, lo, hi); },
          "min"_a = py::none(), "max"_a = py::none());
  cls.def("clamp_", &clamp_py_, "min"_a = py::none(), "max"_a = py::none());
  m.def("clamp_min", &clamp_min_py, "input"_a.noconvert(), "min"_a, py::kw_only(), "out"_a = py::none());
  m.def("clamp_max", &clamp_max_py, "input"_a.noconvert(), "max"_a, py::kw_only(), "out"_a = py::none());
  cls.def("clamp_min", [](const Tensor& a, const Tensor& lo) { return clamp_min(a, lo); }, "min"_a);
  cls.def("clamp_max", [](const Tensor& a, const Tensor& hi) { return clamp_max(a, hi); }, "max"_a);
  cls.def("clamp_min_", &clamp_min_py_, "min"_a);
  cls.def("clamp_max_", &clamp_max_py_, "max"_a);
  m.def("clamp_", &clamp_py_, "input"_a.noconvert(), "min"_a = py::none(), "max"_a = py::none());

  // ---- where, lerp, addcmul, addcdiv ----
  m.def("where", [](const Tensor& c, const Tensor& a, const Tensor& b, OptT out) {
    if (out) return where_out(*out, c, a, b);
    return where(c, a, b);
  }, "condition"_a.noconvert(), "input"_a, "other"_a, py::kw_only(), "out"_a = py::none());
  cls.def("where", [](const Tensor& a, const Tensor& c, const Tensor& b) { return where(c, a, b); }, "condition"_a,
          "other"_a);
  m.def("lerp", [](const Tensor& s, const Tensor& e, const Tensor& w, OptT out) {
    return out ? lerp_out(*out, s, e, w) : lerp(s, e, w);
  }, "input"_a.noconvert(), "end"_a.noconvert(), "weight"_a, py::kw_only(), "out"_a = py::none());
  cls.def("lerp", &lerp, "end"_a.noconvert(), "weight"_a);
  cls.def("lerp_", &lerp_, "end"_a.noconvert(), "weight"_a);
  using AddcF = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, const Scalar&);
  using AddcF_ = Tensor& (*)(Tensor&, const Tensor&, const Tensor&, const Scalar&);
  m.def("addcmul", [](const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v, OptT out) {
    return out ? addcmul_out(*out, a, t1, t2, v) : addcmul(a, t1, t2, v);
  }, "input"_a.noconvert(), "tensor1"_a, "tensor2"_a, py::kw_only(), "value"_a = 1, "out"_a = py::none());
  m.def("addcdiv", [](const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v, OptT out) {
    return out ? addcdiv_out(*out, a, t1, t2, v) : addcdiv(a, t1, t2, v);
  }, "input"_a.noconvert(), "tensor1"_a, "tensor2"_a, py::kw_only(), "value"_a = 1, "out"_a = py::none());
  cls.def("addcmul", static_cast<AddcF>(&addcmul), "tensor1"_a, "tensor2"_a, py::kw_only(), "value"_a = 1);
  cls.def("addcmul_", static_cast<AddcF_>(&addcmul_), "tensor1"_a, "tensor2"_a, py::kw_only(), "value"_a = 1);
  cls.def("addcdiv", static_cast<AddcF>(&addcdiv), "tensor1"_a, "tensor2"_a, py::kw_only(), "value"_a = 1);
  cls.def("addcdiv_", static_cast<AddcF_>(&addcdiv_), "tensor1"_a, "tensor2"_a, py::kw_only(), "value"_a = 1);

  // ---- unary extras ----
  m.def("positive", static_cast<U1>(&positive), "input"_a.noconvert());
  cls.def("positive", static_cast<U1>(&positive));

  // ---- aliases ----
  bind_alias(m, cls, "negative", "neg");
  bind_alias(m, cls, "absolute", "abs");
  bind_alias(m, cls, "multiply", "mul");
  bind_alias(m, cls, "divide", "div");
  bind_alias(m, cls, "subtract", "sub");
  bind_alias(m, cls, "clip", "clamp");
  bind_alias(m, cls, "greater", "gt");
  bind_alias(m, cls, "less", "lt");
  bind_alias(m, cls, "greater_equal", "ge");
  bind_alias(m, cls, "less_equal", "le");
  bind_alias(m, cls, "not_equal", "ne");
  bind_alias(m, cls, "arctan2", "atan2");
  bind_alias(m, cls, "arcsin", "asin");
  bind_alias(m, cls, "arccos", "acos");
  bind_alias(m, cls, "arctan", "atan");
  bind_alias(m, cls, "fix", "trunc");
  m.attr("clip_") = m.attr("clamp_");

  // ---- Python operators (an unusable operand gives NotImplemented) ----
  def_binary_ops(cls);
  // Defining __eq__ makes a class unhashable; tensors hash by identity as in PyTorch.
  cls.def("__hash__", [](py::handle self) { return py::int_(reinterpret_cast<uintptr_t>(self.ptr())); });
  def_fast(cls, "__neg__", fast_unary<static_cast<U1>(&neg)>);
  def_fast(cls, "__pos__", fast_unary<static_cast<U1>(&positive)>);
  def_fast(cls, "__abs__", fast_unary<static_cast<U1>(&abs)>);
  def_fast(cls, "__invert__", fast_unary<static_cast<U1>(&invert)>);
}

}  // namespace py_bind
}  // namespace ctorch
