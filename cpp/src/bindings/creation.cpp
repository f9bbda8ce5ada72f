// Factory bindings: ctorch.tensor (nested Python data -> Tensor), empty/zeros/ones/full,
// *_like, arange/linspace/logspace/eye, plus the keyword parsing shared with random.cpp.
#include <cmath>
#include <limits>

#include "ctorch/autograd/autograd.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/core/context.h"
#include "factory.h"

namespace ctorch {
namespace py_bind {

py::array tensor_to_numpy(const Tensor& t);  // tensor.cpp
Tensor tensor_from_numpy(py::array a);      // tensor.cpp

namespace {

[[noreturn]] void raise_py(PyObject* type, const std::string& msg) {
  PyErr_SetString(type, msg.c_str());
  throw py::error_already_set();
}

std::string type_name(py::handle h) { return Py_TYPE(h.ptr())->tp_name; }

bool is_tensor(py::handle h) { return py::isinstance<TensorImpl>(h); }

const py::object& numpy_generic() {
  static py::object g = py::module_::import("numpy").attr("generic");
  return g;
}
bool is_numpy_scalar(py::handle h) { return PyObject_IsInstance(h.ptr(), numpy_generic().ptr()) == 1; }

ScalarType dtype_from_numpy(const py::dtype& d) {
  char k = d.kind();
  int64_t n = d.itemsize();
  if (k == 'b') return kBool;
  if (k == 'u' && n == 1) return kUInt8;
  if (k == 'i' && n == 1) return kInt8;
  if (k == 'i' && n == 2) return kInt16;
  if (k == 'i' && n == 4) return kInt32;
  if (k == 'i' && n == 8) return kInt64;
  if (k == 'f' && n == 2) return kFloat16;
  if (k == 'f' && n == 4) return kFloat32;
  if (k == 'f' && n == 8) return kFloat64;
  throw TypeError(str_cat("can't convert np.ndarray of type numpy.", std::string(py::str(d.attr("type").attr("__name__"))),
                          ". The only supported types are: float64, float32, float16, complex64, complex128, int64, "
                          "int32, int16, int8, uint8, and bool."));
}

// torch's infer_scalar_type: plain promotion over every leaf (Python float -> default dtype).
ScalarType infer_sequence(PyObject* o);

ScalarType infer_dtype(py::handle obj) {
  PyObject* o = obj.ptr();
  if (PyFloat_CheckExact(o)) return get_default_dtype();  // fast paths for plain Python objects
  if (PyLong_CheckExact(o)) return kInt64;
  if (PyBool_Check(o)) return kBool;
  if (PyList_CheckExact(o) || PyTuple_CheckExact(o)) return infer_sequence(o);
  if (is_tensor(obj)) return obj.cast<Tensor>().dtype();
  if (py::isinstance<py::array>(obj)) return dtype_from_numpy(py::reinterpret_borrow<py::array>(obj).dtype());
  if (is_numpy_scalar(obj)) return dtype_from_numpy(py::dtype::from_args(obj.attr("dtype")));
  if (PyLong_Check(o)) return kInt64;
  if (PyFloat_Check(o)) return get_default_dtype();
  if (PyComplex_Check(o)) throw TypeError("ctorch does not support complex tensors");
  if (PyUnicode_Check(o) || PyBytes_Check(o)) throw TypeError(str_cat("new(): invalid data type '", type_name(obj), "'"));
  if (PySequence_Check(o)) return infer_sequence(o);
  throw Error(str_cat("Could not infer dtype of ", type_name(obj)));
}

ScalarType infer_sequence(PyObject* o) {
  py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(o, "not a sequence"));
  if (!seq) throw py::error_already_set();
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
  PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
  if (n == 0) return get_default_dtype();
  ScalarType t = infer_dtype(items[0]);
  for (Py_ssize_t i = 1; i < n; ++i) {
    ScalarType u = infer_dtype(items[i]);
    if (u != t) t = promote_types(t, u);
  }
  return t;
}

// torch's compute_sizes: follow the first element down; tensors and strings are leaves.
Shape compute_sizes(py::handle obj) {
  Shape sizes;
  py::object cur = py::reinterpret_borrow<py::object>(obj);
  while (true) {
    PyObject* o = cur.ptr();
    if (is_tensor(cur) || PyUnicode_Check(o) || PyBytes_Check(o)) break;
    if (py::isinstance<py::array>(cur)) {
      auto a = py::reinterpret_borrow<py::array>(cur);
      if (a.ndim() == 0 && !sizes.empty()) raise_py(PyExc_TypeError, "len() of unsized object");
      for (py::ssize_t i = 0; i < a.ndim(); ++i) sizes.push_back(a.shape(i));
      break;
    }
    if (!PySequence_Check(o)) break;
    Py_ssize_t n = PySequence_Size(o);
    if (n < 0) throw py::error_already_set();
    sizes.push_back(n);
    if (n == 0) break;
    PyObject* first = PySequence_GetItem(o, 0);
    if (!first) throw py::error_already_set();
    cur = py::reinterpret_steal<py::object>(first);
  }
  return sizes;
}

[[noreturn]] void overflow(ScalarType t) {
  throw Error(str_cat("value cannot be converted to type ", dtype_name(t), " without overflow"));
}

template <class T>
void store_int(char* p, ScalarType dt, PyObject* o) {
  using L = std::numeric_limits<T>;
  if (PyFloat_Check(o)) {  // Python >= 3.10: torch converts floats with a range check
    double d = PyFloat_AS_DOUBLE(o);
    if (std::isnan(d) || std::isinf(d) || d < double(L::lowest()) || d > double(L::max())) overflow(dt);
    T v = (std::is_same<T, int64_t>::value && d >= 9223372036854775808.0) ? T(L::min()) : T(d);
    std::memcpy(p, &v, sizeof(T));
    return;
  }
  int of = 0;
  long long v = PyLong_AsLongLongAndOverflow(o, &of);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (of) raise_py(PyExc_ValueError, "Overflow when unpacking long long");
  if (!L::is_signed) {  // negative values wrap (two's complement) down to -max
    if (v > (long long)L::max() || (v < 0 && -(unsigned long long)v > (unsigned long long)L::max())) overflow(dt);
  } else if (v < (long long)L::min() || v > (long long)L::max()) {
    overflow(dt);
  }
  T r = T(v);
  std::memcpy(p, &r, sizeof(T));
}

void store_scalar(char* p, ScalarType dt, py::handle h) {
  bool plain = PyFloat_CheckExact(h.ptr()) || PyLong_CheckExact(h.ptr()) || PyBool_Check(h.ptr());
  if (!plain && is_numpy_scalar(h)) {  // np.bool_ / np.float32 have no __index__ / aren't floats: use Python values
    py::object v = h.attr("item")();
    return store_scalar(p, dt, v);
  }
  PyObject* o = h.ptr();
  if (!plain && is_tensor(h)) {
    Tensor t = h.cast<Tensor>();
    if (t.numel() != 1) raise_py(PyExc_ValueError, "only one element tensors can be converted to Python scalars");
    Tensor dst = from_blob(p, {}, {}, dt);
    copy_(dst, t.dim() == 0 ? t : reshape(t, {}));
    return;
  }
  switch (dt) {
    case kBool: {
      bool b;
      if (PyFloat_Check(o)) {
        b = PyFloat_AS_DOUBLE(o) != 0;
      } else {
        long long v = PyLong_AsLongLong(o);
        if (v == -1 && PyErr_Occurred()) {
          if (!PyErr_ExceptionMatches(PyExc_OverflowError)) throw py::error_already_set();
          PyErr_Clear();  // huge ints are true, as in numpy
        }
        b = v != 0;
      }
      *reinterpret_cast<bool*>(p) = b;
      return;
    }
    case kUInt8: return store_int<uint8_t>(p, dt, o);
    case kInt8: return store_int<int8_t>(p, dt, o);
    case kInt16: return store_int<int16_t>(p, dt, o);
    case kInt32: return store_int<int32_t>(p, dt, o);
    case kInt64: return store_int<int64_t>(p, dt, o);
    default: break;
  }
  double d = PyFloat_Check(o) ? PyFloat_AS_DOUBLE(o) : PyFloat_AsDouble(o);
  if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  // Like torch: double -> float first, then float -> 16-bit (two roundings).
  switch (dt) {
    case kFloat16: *reinterpret_cast<Half*>(p) = Half(float(d)); return;
    case kBFloat16: *reinterpret_cast<BFloat16*>(p) = BFloat16(float(d)); return;
    case kFloat32: *reinterpret_cast<float*>(p) = float(d); return;
    default: *reinterpret_cast<double*>(p) = d; return;
  }
}

void recursive_store(char* data, const Shape& sizes, const Shape& strides, size_t dim, ScalarType dt,
                     py::handle obj) {
  size_t ndim = sizes.size();
  if (dim == ndim) return store_scalar(data, dt, obj);
  if (py::isinstance<py::array>(obj)) {  // fast path: one strided copy for a whole sub-array
    auto a = py::reinterpret_borrow<py::array>(obj);
    for (size_t d = dim; d < ndim; ++d) {
      py::ssize_t got = d - dim < size_t(a.ndim()) ? a.shape(d - dim) : -1;
      if (got < 0) raise_py(PyExc_TypeError, "len() of unsized object");
      if (got != sizes[d])
        raise_py(PyExc_ValueError, str_cat("expected sequence of length ", sizes[d], " at dim ", d, " (got ", got, ")"));
    }
    if (size_t(a.ndim()) == ndim - dim) {
      Tensor src = tensor_from_numpy(a);
      Tensor dst = from_blob(data, Shape(sizes.begin() + dim, sizes.end()), Shape(strides.begin() + dim, strides.end()), dt);
      copy_(dst, src);
      return;
    }
  }
  py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(obj.ptr(), "not a sequence"));
  if (!seq) throw py::error_already_set();
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
  if (n != sizes[dim])
    raise_py(PyExc_ValueError, str_cat("expected sequence of length ", sizes[dim], " at dim ", dim, " (got ", n, ")"));
  PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
  int64_t step = strides[dim] * itemsize(dt);
  for (Py_ssize_t i = 0; i < n; ++i) recursive_store(data + i * step, sizes, strides, dim + 1, dt, items[i]);
}

void warn(PyObject* category, const char* msg) {
  if (PyErr_WarnEx(category, msg, 1) < 0) throw py::error_already_set();
}

Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype) {
  if (is_tensor(data)) {
    warn(PyExc_UserWarning,
         "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
         "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).");
    Tensor src = data.cast<Tensor>();
    Tensor out = empty_like(src, TensorOptions().dtype(dtype.value_or(src.dtype())));
    copy_(out, src);
    return out;
  }
  if (py::isinstance<py::array>(data)) {
    auto arr = py::reinterpret_borrow<py::array>(data);
    dtype_from_numpy(arr.dtype());  // torch's message for unsupported dtypes
    Tensor src = tensor_from_numpy(arr);
    Tensor out = empty_like(src, TensorOptions().dtype(dtype.value_or(src.dtype())));
    copy_(out, src);
    return out;
  }
  if (PyList_Check(data.ptr()) && PyList_GET_SIZE(data.ptr()) > 0 &&
      py::isinstance<py::array>(PyList_GET_ITEM(data.ptr(), 0))) {
    static bool warned = false;
    if (!warned) {
      warned = true;
      warn(PyExc_UserWarning,
           "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider converting the list "
           "to a single numpy.ndarray with numpy.array() before converting to a tensor.");
    }
  }
  ScalarType dt = dtype ? *dtype : infer_dtype(data);
  Shape sizes = compute_sizes(data);
  Tensor t = empty(sizes, TensorOptions().dtype(dt));
  if (t.numel() > 0) recursive_store(static_cast<char*>(t.data_ptr()), sizes, t.strides(), 0, dt, data);
  return t;
}

}  // namespace

// ---------------------------------------------------------------- shared parsing helpers

TensorOptions FactoryOpts::options() const {
  TensorOptions o;
  o.dtype_ = dtype;
  o.device_ = device;
  o.has_device_ = device_given;  // *_like without device= follow the input's device
  return o;
}

ScalarType parse_dtype(const char* fn, py::handle h) {
  try {
    return dtype_from_py(h);
  } catch (const TypeError&) {
    throw TypeError(str_cat(fn, "(): argument 'dtype' must be torch.dtype, not ", type_name(h)));
  }
}

Device parse_device(py::handle h) {
  Device d = device_from_py(h);
  if (d.is_cuda() && !(cuda_compiled() && cuda_allocator_slot())) raise_py(PyExc_AssertionError, "Torch not compiled with CUDA enabled");
  return d;
}

int64_t parse_int(const char* fn, const char* name, int pos, py::handle h) {
  PyObject* o = h.ptr();
  if (is_tensor(h)) {
    Tensor t = h.cast<Tensor>();
    if (t.numel() == 1 && !t.is_floating_point() && t.dtype() != kBool) return t.item().to_long();
  } else if (!PyBool_Check(o) && !PyFloat_Check(o) && (PyLong_Check(o) || PyIndex_Check(o))) {
    int of = 0;
    py::object idx = py::reinterpret_steal<py::object>(PyNumber_Index(o));
    if (!idx) throw py::error_already_set();
    long long v = PyLong_AsLongLongAndOverflow(idx.ptr(), &of);
    if (of) raise_py(PyExc_ValueError, "Overflow when unpacking long long");
    return v;
  }
  throw TypeError(str_cat(fn, "(): argument '", name, "' (position ", pos, ") must be int, not ", type_name(h)));
}

double parse_double(const char* fn, const char* name, int pos, py::handle h) {
  Scalar s = parse_scalar(fn, name, pos, h);
  return s.to_double();
}

Scalar parse_scalar(const char* fn, const char* name, int pos, py::handle h) {
  Scalar s;
  if (is_tensor(h)) {
    Tensor t = h.cast<Tensor>();
    if (t.numel() == 1) return t.item();
  } else if (scalar_from_py(h, s)) {
    return s;
  }
  throw TypeError(str_cat(fn, "(): argument '", name, "' (position ", pos, ") must be Number, not ", type_name(h)));
}

IntList parse_int_list(const char* fn, const char* name, int pos, py::handle h) {
  PyObject* o = h.ptr();
  if (is_tensor(h) || !PySequence_Check(o) || PyUnicode_Check(o))
    throw TypeError(str_cat(fn, "(): argument '", name, "' (position ", pos, ") must be tuple of ints, not ",
                            type_name(h)));
  py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(o, "not a sequence"));
  if (!seq) throw py::error_already_set();
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
  PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
  IntList r;
  for (Py_ssize_t i = 0; i < n; ++i) {
    py::handle it(items[i]);
    try {
      r.push_back(parse_int(fn, name, pos, it));
    } catch (const TypeError&) {
      throw TypeError(str_cat(fn, "(): argument '", name, "' failed to unpack the object at pos ", i + 1,
                              " with error \"type must be tuple of ints,but got ", type_name(it), "\""));
    }
  }
  return r;
}

IntList parse_size_args(const char* fn, const py::args& args, size_t start, py::kwargs& kw) {
  size_t n = args.size() - start;
  if (n == 0) {
    if (kw.contains("size")) {
      py::object s = kw["size"];
      PyDict_DelItemString(kw.ptr(), "size");
      return parse_int_list(fn, "size", int(start) + 1, s);
    }
    return {};
  }
  if (n == 1) {
    py::handle a = args[start];
    PyObject* o = a.ptr();
    if (!is_tensor(a) && PySequence_Check(o)) return parse_int_list(fn, "size", int(start) + 1, a);
    if (PyBool_Check(o) || PyFloat_Check(o) || (!PyLong_Check(o) && !PyIndex_Check(o) && !is_tensor(a)))
      throw TypeError(str_cat(fn, "(): argument 'size' (position ", start + 1, ") must be tuple of ints, not ",
                              type_name(a)));
  }
  IntList r;
  for (size_t i = start; i < args.size(); ++i) {
    py::handle a = args[i];
    if (PyBool_Check(a.ptr()) || PyFloat_Check(a.ptr()) || (!is_tensor(a) && PySequence_Check(a.ptr())))
      throw TypeError(str_cat(fn, "(): argument 'size' (position ", i + 1, ") must be tuple of ints, but found element of type ",
                              type_name(a), " at pos ", i - start));
    r.push_back(parse_int(fn, "size", int(i) + 1, a));
  }
  return r;
}

FactoryOpts parse_factory_kwargs(const char* fn, py::kwargs& kw, unsigned allowed) {
  FactoryOpts o;
  for (auto item : kw) {
    std::string k = py::str(item.first);
    py::handle v = item.second;
    if (k == "dtype" && (allowed & kKwDtype)) {
      if (!v.is_none()) o.dtype = parse_dtype(fn, v);
    } else if (k == "device" && (allowed & kKwDevice)) {
      if (!v.is_none()) {
        o.device = parse_device(v);
        o.device_given = true;
      }
    } else if (k == "requires_grad" && (allowed & kKwRequiresGrad)) {
      o.requires_grad = PyObject_IsTrue(v.ptr()) == 1;
    } else if (k == "out" && (allowed & kKwOut)) {
      if (!v.is_none()) {
        if (!is_tensor(v)) throw TypeError(str_cat(fn, "(): argument 'out' must be Tensor, not ", type_name(v)));
        o.out = v.cast<Tensor>();
      }
    } else if (k == "generator" && (allowed & kKwGenerator)) {
      if (!v.is_none()) {
        o.gen = generator_from_py(v);
        o.gen_keep = py::reinterpret_borrow<py::object>(v);
      }
    } else if (k == "memory_format" && (allowed & kKwMemoryFormat)) {
      o.preserve_format = v.is_none() || std::string(py::str(v)).find("preserve") != std::string::npos;
    } else if ((k == "layout" && (allowed & kKwLayout)) || (k == "pin_memory" && (allowed & kKwPinMemory))) {
      // Accepted for compatibility: ctorch has one layout and no pinned memory.
    } else {
      throw TypeError(str_cat(fn, "() got an unexpected keyword argument '", k, "'"));
    }
  }
  if (!o.device_given) o.device = default_device();  // *_like ops still follow their input
  if (o.out) {
    if (o.dtype && *o.dtype != o.out->dtype())
      throw Error(str_cat("dtype ", dtype_legacy_name(*o.dtype), " does not match dtype of out parameter (",
                          dtype_legacy_name(o.out->dtype()), ")"));
    o.dtype = o.out->dtype();
    if (!o.device_given && !o.device.is_cpu() && o.device.type != o.out->device().type)  // a default device
      throw Error(str_cat("device type ", o.device.is_cuda() ? "cuda" : "cpu", " does not match device type of out parameter (",
                          o.out->device().is_cuda() ? "cuda" : "cpu", ")"));
    if (!o.device_given) o.device = o.out->device();
  }
  return o;
}

py::object finish_factory(const char* fn, Tensor t, const FactoryOpts& o) {
  (void)fn;
  if (o.out) {
    Tensor out = *o.out;
    resize_out(out, t.sizes(), fn);
    copy_(out, t);
    return py::cast(out);
  }
  if (o.requires_grad) {
    CT_CHECK(t.is_floating_point(), "Only Tensors of floating point and complex dtype can require gradients");
    t.set_requires_grad(true);
  }
  return py::cast(t);
}

Tensor empty_like_preserve(const Tensor& t, const TensorOptions& o, bool preserve) {
  if (preserve) return empty_like(t, o);
  TensorOptions oo = o;
  if (!oo.dtype_) oo.dtype_ = t.dtype();
  return empty(t.sizes(), oo);
}

// ---------------------------------------------------------------- bindings

void init_creation(py::module_& m, TensorClass& cls) {
  init_interop(m, cls);
  // torch.set_default_device (this thread); devices cross as strings ("cpu", "cuda", "cuda:1").
  m.def("_set_default_device", [](const std::string& d) { set_default_device(Device(d)); });
  m.def("_get_default_device", [] { return default_device().str(); });
  // Legacy constructor ctorch.Tensor(2, 3) / Tensor([1, 2]) / Tensor(Size) / Tensor(): default float dtype.
  cls.def(py::init([](py::args args, py::kwargs kw) {
    FactoryOpts o = parse_factory_kwargs("Tensor", kw, kKwDevice);
    ScalarType dt = get_default_dtype();
    Tensor t;
    PyObject* a0 = args.size() ? args[0].ptr() : nullptr;
    bool size_arg = a0 && (PyLong_Check(a0) || (PyTuple_Check(a0) && std::string(Py_TYPE(a0)->tp_name) == "Size"));
    if (!a0) {
      t = empty({0}, TensorOptions().dtype(dt));
    } else if (size_arg) {
      t = empty(parse_size_args("Tensor", args, 0, kw), TensorOptions().dtype(dt));
    } else {
      CT_CHECK_TYPE(args.size() == 1, "new(): invalid combination of arguments");
      if (is_tensor(args[0])) {
        Tensor src = args[0].cast<Tensor>();
        CT_CHECK_TYPE(src.dtype() == dt, "expected ", dtype_legacy_name(dt), " (got ", dtype_legacy_name(src.dtype()), ")");
        t = alias(src);
      } else {
        t = tensor_from_data(args[0], dt);
      }
    }
    if (o.device_given && !o.device.is_cpu()) t = to_device(t, o.device);  // not the default device (torch)
    return t.impl();
  }));
  m.def("tensor", [](py::args args, py::kwargs kw) {
    if (args.size() > 1) throw TypeError(str_cat("tensor() takes 1 positional argument but ", args.size(), " were given"));
    py::object data;
    if (args.size() == 1) {
      data = args[0];
    } else if (kw.contains("data")) {
      data = kw["data"];
      PyDict_DelItemString(kw.ptr(), "data");
    } else {
      throw TypeError("tensor() missing 1 required positional arguments: \"data\"");
    }
    FactoryOpts o = parse_factory_kwargs("tensor", kw, kKwDtype | kKwDevice | kKwRequiresGrad | kKwPinMemory);
    // Built on the CPU (a tensor argument keeps its device), then moved where device= asks.
    Tensor t = tensor_from_data(data, o.dtype);
    if (o.device_given || !o.device.is_cpu()) t = to_device(t, o.device);  // device= or the default
    return finish_factory("tensor", t, o);
  });

  auto sized = [&m](const char* name, Tensor (*make)(const IntList&, const TensorOptions&)) {
    m.def(name, [name, make](py::args args, py::kwargs kw) {
      IntList size = parse_size_args(name, args, 0, kw);
      FactoryOpts o = parse_factory_kwargs(name, kw, kKwFactory | kKwMemoryFormat);
      return finish_factory(name, make(size, o.options()), o);
    });
  };
  sized("empty", [](const IntList& s, const TensorOptions& o) { return empty(s, o); });
  sized("zeros", [](const IntList& s, const TensorOptions& o) { return zeros(s, o); });
  sized("ones", [](const IntList& s, const TensorOptions& o) { return ones(s, o); });

  m.def("full", [](py::args args, py::kwargs kw) {
    py::object size_o, value_o;
    if (args.size() > 0) size_o = args[0];
    else if (kw.contains("size")) { size_o = kw["size"]; PyDict_DelItemString(kw.ptr(), "size"); }
    if (args.size() > 1) value_o = args[1];
    else if (kw.contains("fill_value")) { value_o = kw["fill_value"]; PyDict_DelItemString(kw.ptr(), "fill_value"); }
    if (!size_o || !value_o || args.size() > 2) throw TypeError("full() missing required arguments (size, fill_value)");
    IntList size = parse_int_list("full", "size", 1, size_o);
    Scalar v = parse_scalar("full", "fill_value", 2, value_o);
    FactoryOpts o = parse_factory_kwargs("full", kw, kKwFactory);
    return finish_factory("full", full(size, v, o.options()), o);
  });
  m.def("empty_strided", [](py::handle size, py::handle stride, py::kwargs kw) {
    IntList sz = parse_int_list("empty_strided", "size", 1, size);
    IntList st = parse_int_list("empty_strided", "stride", 2, stride);
    CT_CHECK(sz.size() == st.size(), "mismatch in length of strides and shape");
    FactoryOpts o = parse_factory_kwargs("empty_strided", kw, kKwFactory);
    return finish_factory("empty_strided", empty_strided(sz, st, o.options()), o);
  });

  auto like = [&m](const char* name, int fill) {  // fill: -1 none, 0 zeros, 1 ones
    m.def(name, [name, fill](const Tensor& t, py::kwargs kw) {
      FactoryOpts o = parse_factory_kwargs(name, kw, kKwLike);
      TensorOptions to = o.options();
      if (!o.device_given) to.device_ = t.device();
      if (fill < 0) return finish_factory(name, empty_like_preserve(t, to, o.preserve_format), o);
      Scalar v = Scalar(int64_t(fill));
      return finish_factory(name, o.preserve_format ? full_like(t, v, to) : full(t.sizes(), v, to.dtype(to.dtype_.value_or(t.dtype()))), o);
    }, "input"_a);
  };
  like("empty_like", -1);
  like("zeros_like", 0);
  like("ones_like", 1);
  m.def("full_like", [](const Tensor& t, py::handle v, py::kwargs kw) {
    Scalar s = parse_scalar("full_like", "fill_value", 2, v);
    FactoryOpts o = parse_factory_kwargs("full_like", kw, kKwLike);
    TensorOptions to = o.options();
    if (!o.device_given) to.device_ = t.device();
    Tensor r = o.preserve_format ? full_like(t, s, to) : full(t.sizes(), s, to.dtype(to.dtype_.value_or(t.dtype())));
    return finish_factory("full_like", r, o);
  }, "input"_a, "fill_value"_a);

  m.def("arange", [](py::args args, py::kwargs kw) {
    const char* names[3] = {"start", "end", "step"};
    std::optional<Scalar> v[3];
    size_t na = args.size();
    CT_CHECK_TYPE(na <= 3, "arange() takes at most 3 positional arguments (", na, " given)");
    // arange(end) / arange(start, end) / arange(start, end, step), keywords allowed.
    int map1[3] = {1, -1, -1}, map2[3] = {0, 1, -1}, map3[3] = {0, 1, 2};
    int* map = na == 1 ? map1 : na == 2 ? map2 : map3;
    for (size_t i = 0; i < na; ++i) v[map[i]] = parse_scalar("arange", names[map[i]], int(i) + 1, args[i]);
    for (int i = 0; i < 3; ++i)
      if (kw.contains(names[i])) {
        v[i] = parse_scalar("arange", names[i], i + 1, kw[names[i]]);
        PyDict_DelItemString(kw.ptr(), names[i]);
      }
    CT_CHECK_TYPE(v[1].has_value(), "arange() missing required argument 'end'");
    FactoryOpts o = parse_factory_kwargs("arange", kw, kKwFactory);
    Scalar start = v[0].value_or(Scalar(int64_t(0))), step = v[2].value_or(Scalar(int64_t(1)));
    if (o.out && !kw.contains("dtype")) {
      // Result dtype follows the arguments; out= just receives it (torch resizes out).
      FactoryOpts o2 = o;
      o2.dtype = o.out->dtype();
      return finish_factory("arange", arange(start, *v[1], step, o2.options()), o);
    }
    return finish_factory("arange", arange(start, *v[1], step, o.options()), o);
  });
  m.def("linspace", [](py::handle s, py::handle e, py::handle steps, py::kwargs kw) {
    Scalar a = parse_scalar("linspace", "start", 1, s), b = parse_scalar("linspace", "end", 2, e);
    int64_t n = parse_int("linspace", "steps", 3, steps);
    FactoryOpts o = parse_factory_kwargs("linspace", kw, kKwFactory);
    return finish_factory("linspace", linspace(a, b, n, o.options()), o);
  }, "start"_a, "end"_a, "steps"_a);
  m.def("logspace", [](py::handle s, py::handle e, py::handle steps, py::handle base, py::kwargs kw) {
    Scalar a = parse_scalar("logspace", "start", 1, s), b = parse_scalar("logspace", "end", 2, e);
    int64_t n = parse_int("logspace", "steps", 3, steps);
    double bs = parse_double("logspace", "base", 4, base);
    FactoryOpts o = parse_factory_kwargs("logspace", kw, kKwFactory);
    return finish_factory("logspace", logspace(a, b, n, bs, o.options()), o);
  }, "start"_a, "end"_a, "steps"_a, "base"_a = 10.0);
  m.def("eye", [](py::handle n, py::handle mm, py::kwargs kw) {
    int64_t rows = parse_int("eye", "n", 1, n);
    std::optional<int64_t> cols;
    if (!mm.is_none()) cols = parse_int("eye", "m", 2, mm);
    FactoryOpts o = parse_factory_kwargs("eye", kw, kKwFactory);
    return finish_factory("eye", eye(rows, cols, o.options()), o);
  }, "n"_a, "m"_a = py::none());
  m.def("_is_non_overlapping_and_dense", [](const Tensor& t) { return is_non_overlapping_and_dense(t); });
  // Tensor.to / float() / cpu(): a converted copy laid out like the source (preserve_format).
  cls.def("_to_copy", [](const Tensor& t, std::optional<ScalarType> dt, std::optional<Device> dev, bool non_blocking) {
    Tensor out = empty_like(t, TensorOptions().dtype(dt.value_or(t.dtype())).device(dev.value_or(t.device())));
    copy_nobump_(out, t, non_blocking);
    if (autograd::should_record({t}) && is_floating(out.dtype()))
      autograd::record("ToCopyBackward0", {t}, {out}, [](const autograd::tensor_list& g, autograd::Node&) {
        return autograd::tensor_list{g[0]};
      }, false);
    return out;
  }, "dtype"_a = py::none(), "device"_a = py::none(), "non_blocking"_a = false);
}

}  // namespace py_bind
}  // namespace ctorch
