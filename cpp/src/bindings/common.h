#pragma once
// Shared pybind11 glue. See Note [Python identity]: the Python Tensor type wraps
// std::shared_ptr<TensorImpl>, so the same impl always maps to the same Python object.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "ctorch/ctorch.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace ctorch {
namespace py_bind {

using TensorClass = py::class_<TensorImpl, std::shared_ptr<TensorImpl>>;

// Python number -> Scalar. Accepts bool, int (64-bit range), float and NumPy scalars.
bool scalar_from_py(py::handle h, Scalar& out);
// Python dtype object (ctorch.float32) <-> ScalarType.
ScalarType dtype_from_py(py::handle h);
py::object dtype_to_py(ScalarType t);
Device device_from_py(py::handle h);  // str, ctorch.device, int (cuda index) or None -> cpu

// ---- fast Tensor <-> Python conversion (see Note [Per-op overhead] in pointwise.cpp) ----
// pybind11's record of the Python Tensor class, cached on first use (null before the class exists).
inline const py::detail::type_info* tensor_type_info() {
  static const py::detail::type_info* ti = nullptr;  // written under the GIL
  if (!ti) ti = py::detail::get_type_info(typeid(TensorImpl));
  return ti;
}
// The shared_ptr held by a Python Tensor (or subclass) instance; null for anything else.
inline const std::shared_ptr<TensorImpl>* tensor_holder(PyObject* o, const py::detail::type_info* ti) {
  PyTypeObject* tp = Py_TYPE(o);
  if (tp != ti->type && !PyType_IsSubtype(tp, ti->type)) return nullptr;
  auto vh = reinterpret_cast<py::detail::instance*>(o)->get_value_and_holder();
  if (!vh.holder_constructed()) return nullptr;
  return &vh.holder<std::shared_ptr<TensorImpl>>();
}
// New reference to the Python object of `impl` (the existing one if it has one: Python identity).
inline py::handle tensor_to_py(const std::shared_ptr<TensorImpl>& impl) {
  if (const py::detail::type_info* ti = tensor_type_info())
    return py::detail::type_caster_generic::cast(impl.get(), py::return_value_policy::take_ownership, py::handle(),
                                                 ti, nullptr, nullptr, &impl);
  return py::detail::make_caster<std::shared_ptr<TensorImpl>>::cast(impl, py::return_value_policy::take_ownership,
                                                                    py::handle());
}

void init_tensor(py::module_& m, TensorClass& cls);
void init_creation(py::module_& m, TensorClass& cls);
void init_pointwise(py::module_& m, TensorClass& cls);
void init_reduce(py::module_& m, TensorClass& cls);
void init_linalg(py::module_& m, TensorClass& cls);
void init_index(py::module_& m, TensorClass& cls);
void init_random(py::module_& m, TensorClass& cls);
void init_autograd(py::module_& m, TensorClass& cls);
void init_cpu(py::module_& m, TensorClass& cls);
void init_cuda(py::module_& m, TensorClass& cls);

}  // namespace py_bind
}  // namespace ctorch

namespace pybind11 {
namespace detail {

// Tensor <-> Python Tensor object. With convert=true, Python numbers become wrapped 0-dim
// tensors (they promote like Python scalars), which lets one binding serve t+t and t+2.
// The fast paths skip pybind11's per-call type lookup (a hash of the C++ type name) by caching
// the Tensor class's type record; see Note [Per-op overhead] in pointwise.cpp.
template <>
struct type_caster<ctorch::Tensor> {
  PYBIND11_TYPE_CASTER(ctorch::Tensor, const_name("Tensor"));
  bool load(handle src, bool convert) {
    if (const detail::type_info* ti = ctorch::py_bind::tensor_type_info()) {
      if (const auto* h = ctorch::py_bind::tensor_holder(src.ptr(), ti)) {
        value = ctorch::Tensor(*h);
        return true;
      }
      if (!PyType_IsSubtype(Py_TYPE(src.ptr()), ti->type)) return load_number(src, convert);
    }
    make_caster<std::shared_ptr<ctorch::TensorImpl>> inner;
    if (inner.load(src, false)) {
      value = ctorch::Tensor(cast_op<std::shared_ptr<ctorch::TensorImpl>>(inner));
      return true;
    }
    return load_number(src, convert);
  }
  bool load_number(handle src, bool convert) {
    if (!convert) return false;
    ctorch::Scalar s;
    if (ctorch::py_bind::scalar_from_py(src, s)) {
      value = ctorch::scalar_to_tensor(s);
      return true;
    }
    return false;
  }
  static handle cast(const ctorch::Tensor& t, return_value_policy p, handle parent) {
    if (!t.defined()) return none().release();
    return ctorch::py_bind::tensor_to_py(t.impl());
  }
};

template <>
struct type_caster<ctorch::Scalar> {
  PYBIND11_TYPE_CASTER(ctorch::Scalar, const_name("Number"));
  bool load(handle src, bool) { return ctorch::py_bind::scalar_from_py(src, value); }
  static handle cast(const ctorch::Scalar& s, return_value_policy, handle) {
    if (s.is_bool()) return bool_(s.to_bool()).release();
    if (s.is_int()) return int_(s.to_long()).release();
    return float_(s.to_double()).release();
  }
};

template <>
struct type_caster<ctorch::ScalarType> {
  PYBIND11_TYPE_CASTER(ctorch::ScalarType, const_name("dtype"));
  bool load(handle src, bool) {
    if (src.is_none()) return false;
    try {
      value = ctorch::py_bind::dtype_from_py(src);
      return true;
    } catch (...) {
      return false;
    }
  }
  static handle cast(ctorch::ScalarType t, return_value_policy, handle) {
    return ctorch::py_bind::dtype_to_py(t).release();
  }
};

template <>
struct type_caster<ctorch::Device> {
  PYBIND11_TYPE_CASTER(ctorch::Device, const_name("device"));
  bool load(handle src, bool) {
    try {
      value = ctorch::py_bind::device_from_py(src);
      return true;
    } catch (...) {
      return false;
    }
  }
  static handle cast(const ctorch::Device& d, return_value_policy, handle) {
    auto mod = module_::import("ctorch");
    return mod.attr("device")(d.str()).release();
  }
};

}  // namespace detail
}  // namespace pybind11
