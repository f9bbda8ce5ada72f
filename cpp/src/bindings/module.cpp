// The extension module ctorch._C: exception mapping, dtype registry, then one init per area.
#include <cstring>

#include "common.h"
#include "ctorch/dispatch/registry.h"

namespace ctorch {
namespace py_bind {

namespace {
// Leaked on purpose: destroying Python objects in static destructors after finalization aborts.
py::object* g_dtypes = new py::object[kNumDtypes];
}

bool scalar_from_py(py::handle h, Scalar& out) {
  PyObject* o = h.ptr();
  if (PyBool_Check(o)) {
    out = Scalar(o == Py_True);
    return true;
  }
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) throw std::overflow_error("Overflow when unpacking long long");
    out = Scalar(int64_t(v));
    return true;
  }
  if (PyFloat_Check(o)) {
    out = Scalar(PyFloat_AS_DOUBLE(o));
    return true;
  }
  // NumPy scalars (np.float32(1), np.int64(2), np.bool_).
  if (py::isinstance<py::array>(h) || !PyObject_HasAttrString(o, "dtype") || !PyObject_HasAttrString(o, "item"))
    return false;
  py::object mod = py::reinterpret_borrow<py::object>(h.get_type().attr("__module__"));
  if (py::str(mod).cast<std::string>() != "numpy") return false;
  return scalar_from_py(h.attr("item")(), out);
}

ScalarType dtype_from_py(py::handle h) {
  for (int i = 0; i < kNumDtypes; ++i)
    if (g_dtypes[i] && h.is(g_dtypes[i])) return ScalarType(i);
  // torch also accepts the Python types int, float and bool as dtypes.
  if (h.ptr() == reinterpret_cast<PyObject*>(&PyLong_Type)) return kInt64;
  if (h.ptr() == reinterpret_cast<PyObject*>(&PyFloat_Type)) return kFloat64;
  if (h.ptr() == reinterpret_cast<PyObject*>(&PyBool_Type)) return kBool;
  throw TypeError(str_cat("expected a ctorch.dtype, got ", std::string(py::str(h.get_type().attr("__name__")))));
}

py::object dtype_to_py(ScalarType t) { return g_dtypes[int(t)]; }

Device device_from_py(py::handle h) {
  if (h.is_none()) return Device();
  if (py::isinstance<py::str>(h)) return Device(h.cast<std::string>());
  if (PyLong_Check(h.ptr())) return Device(kCUDA, h.cast<int>());
  if (py::hasattr(h, "type") && py::hasattr(h, "index")) {
    std::string t = h.attr("type").cast<std::string>();
    py::object idx = h.attr("index");
    Device d(t);
    if (!idx.is_none()) d.index = idx.cast<int>();
    return d;
  }
  throw TypeError("expected a device (str or ctorch.device)");
}

}  // namespace py_bind
}  // namespace ctorch

PYBIND11_MODULE(_C, m) {
  using namespace ctorch;
  using namespace ctorch::py_bind;
  m.doc() = "ctorch C++ core";
  // Most specific first: pybind11 tries translators in reverse registration order.
  // torch.OutOfMemoryError (also torch.cuda.OutOfMemoryError): a RuntimeError subclass.
  static py::handle oom = py::exception<ctorch::OutOfMemoryError>(m, "OutOfMemoryError", PyExc_RuntimeError).release();
  // torch.AcceleratorError: a kernel's error reported at a later synchronizing call.
  static py::handle acc = py::exception<ctorch::AcceleratorError>(m, "AcceleratorError", PyExc_RuntimeError).release();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ctorch::OutOfMemoryError& e) {
      PyErr_SetString(oom.ptr(), e.what());
    } catch (const ctorch::AcceleratorError& e) {
      PyErr_SetString(acc.ptr(), e.what());
    } catch (const ctorch::IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const ctorch::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ctorch::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const ctorch::NotImplementedError& e) {
      PyErr_SetString(PyExc_NotImplementedError, e.what());
    } catch (const ctorch::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const std::overflow_error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  m.def("_register_dtypes", [](py::list objs) {
    CT_CHECK(py::len(objs) == size_t(kNumDtypes), "expected ", kNumDtypes, " dtypes");
    for (int i = 0; i < kNumDtypes; ++i) g_dtypes[i] = objs[i];
  });
  m.def("_dtype_info", [](int i) {
    ScalarType t = ScalarType(i);
    return py::make_tuple(dtype_name(t), itemsize(t), is_floating(t), dtype_legacy_name(t));
  });
  // Built with the CUDA kernels (whether or not this machine has a GPU: see ctorch.cuda).
  m.def("_cuda_compiled", [] { return cuda_compiled(); });

  init();  // register kernels (and the CUDA allocator, when built) before any Python call
  TensorClass cls(m, "Tensor", py::dynamic_attr());
  init_tensor(m, cls);
  init_creation(m, cls);
  init_pointwise(m, cls);
  init_reduce(m, cls);
  init_linalg(m, cls);
  init_index(m, cls);
  init_random(m, cls);
  init_autograd(m, cls);
  init_cpu(m, cls);
  init_cuda(m, cls);
}
