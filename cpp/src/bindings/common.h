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

void init_tensor(py::module_& m, TensorClass& cls);
void init_creation(py::module_& m, TensorClass& cls);
void init_pointwise(py::module_& m, TensorClass& cls);
void init_reduce(py::module_& m, TensorClass& cls);
void init_linalg(py::module_& m, TensorClass& cls);
void init_index(py::module_& m, TensorClass& cls);
void init_random(py::module_& m, TensorClass& cls);
void init_autograd(py::module_& m, TensorClass& cls);

}  // namespace py_bind
}  // namespace ctorch

namespace pybind11 {
namespace detail {

// Tensor <-> Python Tensor object. With convert=true, Python numbers become wrapped 0-dim
// tensors (they promote like Python scalars), which lets one binding serve t+t and t+2.
template <>
struct type_caster<ctorch::Tensor> {
  PYBIND11_TYPE_CASTER(ctorch::Tensor, const_name("Tensor"));
  bool load(handle src, bool convert) {
    make_caster<std::shared_ptr<ctorch::TensorImpl>> inner;
    if (inner.load(src, false)) {
      value = ctorch::Tensor(cast_op<std::shared_ptr<ctorch::TensorImpl>>(inner));
      return true;
    }
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
    return make_caster<std::shared_ptr<ctorch::TensorImpl>>::cast(t.impl(), p, parent);
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
