// Tensor metadata, views, copies and NumPy memory sharing.
#include "common.h"
#include "ctorch/iter/tensor_iter.h"

namespace ctorch {
namespace py_bind {

namespace {
IntList dims_from_args(py::args args) {
  // Accept f(2, 3), f((2, 3)), f([2, 3]) and f(ctorch.Size([2, 3])).
  if (args.size() == 1 && !PyLong_Check(args[0].ptr())) return args[0].cast<IntList>();
  return args.cast<IntList>();
}

const char* numpy_format(ScalarType t) {
  switch (t) {
    case kBool: return "?";
    case kUInt8: return "B";
    case kInt8: return "b";
    case kInt16: return "h";
    case kInt32: return "i";
    case kInt64: return "q";
    case kFloat16: return "e";
    case kFloat32: return "f";
    case kFloat64: return "d";
    default: break;
  }
  throw TypeError(str_cat("Got unsupported ScalarType ", dtype_legacy_name(t)));
}
}  // namespace

// Zero-copy NumPy view; the array keeps the tensor's storage alive through a capsule.
py::array tensor_to_numpy(const Tensor& t) {
  CT_CHECK_TYPE(t.device().is_cpu(), "can't convert ", t.device().str(),
                " device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.");
  int64_t isz = t.element_size();
  std::vector<py::ssize_t> shape(t.sizes().begin(), t.sizes().end()), strides;
  for (auto s : t.strides()) strides.push_back(s * isz);
  auto* keep = new Storage(t.get()->storage());
  py::capsule owner(keep, [](void* p) { delete static_cast<Storage*>(p); });
  return py::array(py::dtype(numpy_format(t.dtype())), shape, strides, t.data_ptr(), owner);
}

Tensor tensor_from_numpy(py::array a) {
  std::string kind(1, a.dtype().kind());
  int64_t isz = a.itemsize();
  ScalarType dt;
  if (kind == "b") dt = kBool;
  else if (kind == "u" && isz == 1) dt = kUInt8;
  else if (kind == "i" && isz == 1) dt = kInt8;
  else if (kind == "i" && isz == 2) dt = kInt16;
  else if (kind == "i" && isz == 4) dt = kInt32;
  else if (kind == "i" && isz == 8) dt = kInt64;
  else if (kind == "f" && isz == 2) dt = kFloat16;
  else if (kind == "f" && isz == 4) dt = kFloat32;
  else if (kind == "f" && isz == 8) dt = kFloat64;
  else
    throw TypeError(str_cat("can't convert np.ndarray of type numpy.", std::string(py::str(a.dtype())),
                            ". The only supported types are: float64, float32, float16, complex64, complex128, "
                            "int64, int32, int16, int8, uint8, and bool."));
  CT_CHECK_VALUE(a.dtype().byteorder() != '>', "given numpy array has byte order different from the native byte order. "
                 "Conversion between byte orders is currently not supported.");
  IntList size, stride;
  for (py::ssize_t i = 0; i < a.ndim(); ++i) {
    size.push_back(a.shape(i));
    CT_CHECK_VALUE(a.strides(i) % isz == 0, "given numpy array strides not a multiple of the element byte size. "
                   "Copy the numpy array to reallocate the memory.");
    CT_CHECK_VALUE(a.strides(i) >= 0, "At least one stride in the given numpy array is negative, and tensors with "
                   "negative strides are not currently supported. (You can probably work around this by making a "
                   "copy of your array  with array.copy().) ");
    stride.push_back(a.strides(i) / isz);
  }
  py::object keep = a;
  auto* holder = new py::object(keep);
  return from_blob(a.mutable_data(), size, stride, dt, [holder] {
    py::gil_scoped_acquire g;
    delete holder;
  });
}

void init_tensor(py::module_& m, TensorClass& cls) {
  cls.def_property_readonly("dtype", [](const Tensor& t) { return t.dtype(); })
      .def_property_readonly("shape", [](const Tensor& t) { return py::module_::import("ctorch").attr("Size")(py::tuple(py::cast(t.sizes()))); })
      .def_property_readonly("device", [](const Tensor& t) { return t.device(); })
      .def_property_readonly("ndim", [](const Tensor& t) { return t.dim(); })
      .def_property_readonly("is_cuda", [](const Tensor& t) { return t.is_cuda(); })
      .def_property_readonly("is_cpu", [](const Tensor& t) { return t.device().is_cpu(); })
      .def_property_readonly("_is_wrapped_number", [](const Tensor& t) { return t.get()->is_wrapped_number; })
      .def("dim", [](const Tensor& t) { return t.dim(); })
      .def("ndimension", [](const Tensor& t) { return t.dim(); })
      .def("numel", [](const Tensor& t) { return t.numel(); })
      .def("nelement", [](const Tensor& t) { return t.numel(); })
      .def("element_size", [](const Tensor& t) { return t.element_size(); })
      .def("storage_offset", [](const Tensor& t) { return t.storage_offset(); })
      .def("is_contiguous", [](const Tensor& t) { return t.is_contiguous(); })
      .def("is_floating_point", [](const Tensor& t) { return t.is_floating_point(); })
      .def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()); })
      .def("_storage_nbytes", [](const Tensor& t) { return t.get()->storage()->nbytes(); })
      .def("_storage_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.get()->storage()->data()); })
      .def_property_readonly("_version", [](const Tensor& t) { return t._version(); })
      .def("_bump_version", [](const Tensor& t) { t.get()->bump_version(); })
      .def("size", [](const Tensor& t, py::object d) -> py::object {
        if (d.is_none()) return py::module_::import("ctorch").attr("Size")(py::tuple(py::cast(t.sizes())));
        return py::int_(t.size(d.cast<int64_t>()));
      }, "dim"_a = py::none())
      .def("stride", [](const Tensor& t, py::object d) -> py::object {
        if (d.is_none()) return py::tuple(py::cast(t.strides()));
        return py::int_(t.stride(d.cast<int64_t>()));
      }, "dim"_a = py::none())
      .def("item", [](const Tensor& t) { return t.item(); })
      .def("_numpy", &tensor_to_numpy)
      // Views
      .def("view", [](const Tensor& t, py::args a) {
        if (a.size() == 1 && !PyLong_Check(a[0].ptr()) && !py::isinstance<py::tuple>(a[0]) &&
            !py::isinstance<py::list>(a[0]) && !py::isinstance<py::tuple>(a[0])) {
          // view(dtype): reinterpret the bytes (same element size only).
          ScalarType d = a[0].cast<ScalarType>();
          CT_CHECK(itemsize(d) == t.element_size(), "view(dtype): changing the element size (from ",
                   t.element_size(), " to ", itemsize(d), " bytes) is not supported");
          Tensor v = alias(t);
          v.get()->set_dtype(d);
          return v;
        }
        return view(t, dims_from_args(a));
      })
      .def("reshape", [](const Tensor& t, py::args a) { return reshape(t, dims_from_args(a)); })
      .def("permute", [](const Tensor& t, py::args a) { return permute(t, dims_from_args(a)); })
      .def("expand", [](const Tensor& t, py::args a) { return expand(t, dims_from_args(a)); })
      .def("transpose", [](const Tensor& t, int64_t a, int64_t b) { return transpose(t, a, b); })
      .def("swapaxes", [](const Tensor& t, int64_t a, int64_t b) { return transpose(t, a, b); })
      .def("swapdims", [](const Tensor& t, int64_t a, int64_t b) { return transpose(t, a, b); })
      .def("t", [](const Tensor& x) { return t(x); })
      .def_property_readonly("mT", [](const Tensor& x) { return mT(x); })
      .def("expand_as", [](const Tensor& t, const Tensor& o) { return expand(t, o.sizes()); })
      .def("view_as", [](const Tensor& t, const Tensor& o) { return view(t, o.sizes()); })
      .def("reshape_as", [](const Tensor& t, const Tensor& o) { return reshape(t, o.sizes()); })
      .def("narrow", [](const Tensor& t, int64_t d, int64_t s, int64_t l) { return narrow(t, d, s, l); })
      .def("select", [](const Tensor& t, int64_t d, int64_t i) { return select(t, d, i); })
      .def("squeeze", [](const Tensor& t, py::object d) {
        if (d.is_none()) return squeeze(t);
        if (PyLong_Check(d.ptr())) return squeeze(t, IntList{d.cast<int64_t>()});
        return squeeze(t, d.cast<IntList>());
      }, "dim"_a = py::none())
      .def("unsqueeze", [](const Tensor& t, int64_t d) { return unsqueeze(t, d); })
      .def("flatten", [](const Tensor& t, int64_t s, int64_t e) { return flatten(t, s, e); }, "start_dim"_a = 0,
           "end_dim"_a = -1)
      .def("unflatten", [](const Tensor& t, int64_t d, IntList s) { return unflatten(t, d, s); })
      .def("as_strided", [](const Tensor& t, IntList s, IntList st, std::optional<int64_t> o) {
        return as_strided(t, s, st, o);
      }, "size"_a, "stride"_a, "storage_offset"_a = py::none())
      .def("diagonal", [](const Tensor& t, int64_t o, int64_t a, int64_t b) { return diagonal(t, o, a, b); },
           "offset"_a = 0, "dim1"_a = 0, "dim2"_a = 1)
      .def("unfold", [](const Tensor& t, int64_t d, int64_t s, int64_t st) { return unfold(t, d, s, st); },
           "dimension"_a, "size"_a, "step"_a)
      .def("movedim", [](const Tensor& t, py::object s, py::object d) {
        IntList ss = PyLong_Check(s.ptr()) ? IntList{s.cast<int64_t>()} : s.cast<IntList>();
        IntList dd = PyLong_Check(d.ptr()) ? IntList{d.cast<int64_t>()} : d.cast<IntList>();
        return movedim(t, ss, dd);
      })
      .def("contiguous", [](const Tensor& t) { return contiguous(t); })
      .def("clone", [](const Tensor& t) { return clone(t); })
      .def("copy_", [](Tensor& t, const Tensor& s, bool nb) {
        if (nb && t.device() != s.device() && !autograd::should_record({t, s})) {
          copy_nobump_(t, s, true);
          t.get()->bump_version();
          return t;
        }
        return copy_(t, s);
      }, "src"_a,
           "non_blocking"_a = false)
      .def("_to_dtype", [](const Tensor& t, ScalarType d, bool copy) { return to_dtype(t, d, copy); })
      .def("_to_device", [](const Tensor& t, Device d, bool copy, bool nb) { return to_device(t, d, copy, nb); })
      .def("_alias", [](const Tensor& t) { return alias(t); })
      .def("fill_", [](Tensor& t, const Tensor& v) {
        return v.get()->is_wrapped_number ? fill_(t, v.item()) : fill_(t, v);
      })
      .def("zero_", [](Tensor& t) { return zero_(t); })
      .def("resize_", [](Tensor& t, py::args a) { return resize_(t, dims_from_args(a)); });

  m.def("from_numpy", &tensor_from_numpy);
  m.def("_broadcast_shapes", [](py::args a) {
    Shape s;
    for (auto h : a) s = broadcast_shapes(s, PyLong_Check(h.ptr()) ? Shape{h.cast<int64_t>()} : h.cast<Shape>());
    return s;
  });
  m.def("broadcast_tensors", [](py::args a) {
    std::vector<Tensor> ts;
    for (auto h : a) ts.push_back(h.cast<Tensor>());
    return broadcast_tensors(ts);
  });
  m.def("result_type", [](const Tensor& a, const Tensor& b) { return result_type({a, b}); });
  m.def("promote_types", [](ScalarType a, ScalarType b) { return promote_types(a, b); });
  m.def("can_cast", [](ScalarType a, ScalarType b) { return can_cast(a, b); });
  m.def("get_default_dtype", [] { return get_default_dtype(); });
  m.def("set_default_dtype", [](ScalarType t) { set_default_dtype(t); });
  m.def("get_num_threads", [] { return get_num_threads(); });
  m.def("set_num_threads", [](int n) { set_num_threads(n); });
  m.def("broadcast_to", [](const Tensor& t, IntList s) { return expand(t, s); });
}

}  // namespace py_bind
}  // namespace ctorch
