// Python bindings of joining/splitting/indexing ops and Tensor.__getitem__/__setitem__/__len__/
// __iter__. Python index objects are parsed here into indexing::TensorIndex lists (PyTorch's
// python_variable_indexing rules); the semantics live in src/ops/index_item.cpp.
#include "common.h"

namespace ctorch {
namespace py_bind {

namespace {

using OptT = std::optional<Tensor>;
using indexing::TensorIndex;

bool is_tensor(py::handle h) { return py::isinstance<TensorImpl>(h); }

std::string type_name(py::handle h) { return Py_TYPE(h.ptr())->tp_name; }

std::vector<Tensor> tensor_list(py::handle obj, const char* fn, const char* arg = "tensors") {
  if (is_tensor(obj) || !(PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())))
    throw TypeError(str_cat(fn, "(): argument '", arg, "' (position 1) must be tuple of Tensors, not ",
                            type_name(obj)));
  std::vector<Tensor> out;
  size_t i = 0;
  for (py::handle h : obj) {
    if (!is_tensor(h))
      throw TypeError(str_cat("expected Tensor as element ", i, " in argument 0, but got ", type_name(h)));
    out.push_back(h.cast<Tensor>());
    ++i;
  }
  return out;
}

py::tuple to_tuple(const std::vector<Tensor>& ts) {
  py::tuple t(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) t[i] = py::cast(ts[i]);
  return t;
}

int64_t unpack_long(py::handle h) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
  if (overflow) throw ValueError("Overflow when unpacking long long");
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return int64_t(v);
}

// Python ints and NumPy integer scalars (not bools, not tensors).
bool is_py_int(py::handle h) {
  PyObject* o = h.ptr();
  if (PyLong_Check(o)) return !PyBool_Check(o);
  if (!PyIndex_Check(o) || is_tensor(h) || py::isinstance<py::array>(h) || !py::hasattr(h, "dtype")) return false;
  std::string kind = py::str(h.attr("dtype").attr("kind"));
  return kind == "i" || kind == "u";
}

int64_t to_long(py::handle h) {
  if (PyLong_Check(h.ptr())) return unpack_long(h);
  py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr()));
  if (!i) throw py::error_already_set();
  return unpack_long(i);
}

TensorIndex slice_index(py::handle h) {
  Py_ssize_t start, stop, step;
  py::object st = h.attr("step");
  if (!st.is_none() && PyLong_Check(st.ptr()) && unpack_long(st) < 0)
    throw ValueError("step must be greater than zero");
  if (PySlice_Unpack(h.ptr(), &start, &stop, &step) < 0) throw py::error_already_set();
  CT_CHECK_VALUE(step > 0, "step must be greater than zero");
  return TensorIndex::slice(start, stop, step);
}

// ---- Python sequence -> index tensor (PyTorch: bool when every leaf is a bool, else int64) ----
struct SeqAcc {
  Shape shape;
  std::vector<int64_t> vals;
  bool all_bool = true;
};

void seq_walk(py::handle h, size_t depth, SeqAcc& a) {
  Scalar s;
  if (is_tensor(h)) {
    Tensor t = h.cast<Tensor>();
    if (!t.device().is_cpu()) t = to_device(t, Device());  // one copy, then host reads
    if (t.dim() == 0) {
      s = t.item();
    } else {
      if (depth == a.shape.size()) a.shape.push_back(t.sizes()[0]);
      CT_CHECK_VALUE(a.shape[depth] == t.sizes()[0], "expected sequence of length ", a.shape[depth], " at dim ",
                     depth, " (got ", t.sizes()[0], ")");
      for (int64_t i = 0; i < t.sizes()[0]; ++i) seq_walk(py::cast(select(t, 0, i)), depth + 1, a);
      return;
    }
  } else if (PyUnicode_Check(h.ptr()) || PyBytes_Check(h.ptr())) {
    throw TypeError(str_cat("new(): invalid data type '", type_name(h), "'"));
  } else if (scalar_from_py(h, s)) {
    // a leaf
  } else if (PySequence_Check(h.ptr())) {
    py::sequence seq = py::reinterpret_borrow<py::sequence>(h);
    int64_t n = int64_t(py::len(seq));
    if (depth == a.shape.size()) a.shape.push_back(n);
    CT_CHECK_VALUE(a.shape[depth] == n, "expected sequence of length ", a.shape[depth], " at dim ", depth, " (got ",
                   n, ")");
    for (py::handle e : seq) seq_walk(e, depth + 1, a);
    return;
  } else {
    throw Error(str_cat("Could not infer dtype of ", type_name(h)));
  }
  CT_CHECK_VALUE(depth == a.shape.size(), "expected sequence of length ", depth < a.shape.size() ? a.shape[depth] : 0,
                 " at dim ", depth, " (got a scalar)");
  a.all_bool = a.all_bool && s.is_bool();
  a.vals.push_back(s.to_long());
}

Tensor seq_to_index(py::handle h) {
  if (py::isinstance<py::array>(h)) {  // NumPy: one bulk conversion
    py::array arr = py::reinterpret_borrow<py::array>(h);
    bool is_bool = arr.dtype().kind() == 'b';
    Shape shape(arr.shape(), arr.shape() + arr.ndim());
    Tensor t = empty(shape, TensorOptions(is_bool ? kBool : kInt64));
    if (is_bool) {
      auto c = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(h);
      std::memcpy(t.data_ptr(), c.data(), size_t(t.numel()));
    } else {
      auto c = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(h);
      if (!c) throw py::error_already_set();
      std::memcpy(t.data_ptr(), c.data(), size_t(t.numel()) * 8);
    }
    return t;
  }
  SeqAcc a;
  seq_walk(h, 0, a);
  bool as_bool = a.all_bool && !a.vals.empty();
  Tensor t = empty(a.shape, TensorOptions(as_bool ? kBool : kInt64));
  if (as_bool) {
    bool* p = t.data_ptr<bool>();
    for (size_t i = 0; i < a.vals.size(); ++i) p[i] = a.vals[i] != 0;
  } else if (!a.vals.empty()) {
    std::memcpy(t.data_ptr(), a.vals.data(), a.vals.size() * 8);
  }
  return t;
}

TensorIndex to_index(py::handle h) {
  PyObject* o = h.ptr();
  if (o == Py_None) return TensorIndex::none();
  if (o == Py_Ellipsis) return TensorIndex::ellipsis();
  if (PyBool_Check(o)) return TensorIndex::boolean_(o == Py_True);
  if (is_tensor(h)) return TensorIndex::tensor_(h.cast<Tensor>());
  if (is_py_int(h)) return TensorIndex::integer_(to_long(h));
  if (PySlice_Check(o)) return slice_index(h);
  if (PySequence_Check(o) || PyUnicode_Check(o)) return TensorIndex::tensor_(seq_to_index(h));
  throw IndexError(str_cat("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                           "valid indices (got ", type_name(h), ")"));
}

// NumPy's heuristic (as PyTorch's treatSequenceAsTuple): a short non-tuple sequence holding a
// slice, Ellipsis, None, tensor or sequence is a tuple of indices.
bool treat_as_tuple(py::handle h) {
  PyObject* o = h.ptr();
  if (PyTuple_Check(o)) return true;
  if (is_tensor(h) || !PySequence_Check(o) || PyUnicode_Check(o) || py::isinstance<py::array>(h)) return false;
  Py_ssize_t n = PySequence_Size(o);
  if (n < 0) {
    PyErr_Clear();
    return false;
  }
  if (n >= 32) return false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    py::object e = py::reinterpret_steal<py::object>(PySequence_GetItem(o, i));
    if (!e) {
      PyErr_Clear();
      return false;
    }
    PyObject* p = e.ptr();
    if (is_tensor(e) || PySequence_Check(p) || PySlice_Check(p) || p == Py_Ellipsis || p == Py_None) return true;
  }
  return false;
}

std::vector<TensorIndex> parse_indices(py::handle h) {
  std::vector<TensorIndex> ix;
  if (treat_as_tuple(h)) {
    py::sequence seq = py::reinterpret_borrow<py::sequence>(h);
    for (py::handle e : seq) ix.push_back(to_index(e));
  } else {
    ix.push_back(to_index(h));
  }
  return ix;
}

// x[i] / x[i] = v: Python indexing reports "index i is out of bounds ..." (select() has its own text).
Tensor select_dim0(const Tensor& self, int64_t i) {
  const int64_t size = self.sizes()[0];
  CT_CHECK_INDEX(i >= -size && i < size, "index ", i, " is out of bounds for dimension 0 with size ", size);
  return select(self, 0, i);
}

Tensor getitem(const Tensor& self, py::handle h) {
  PyObject* o = h.ptr();
  // Fast paths, as THPVariable_getitem.
  if (o == Py_None) return unsqueeze(self, 0);
  if (o == Py_Ellipsis) return alias(self);
  if (is_py_int(h)) {
    CT_CHECK_INDEX(self.dim() > 0, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                   "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
    return select_dim0(self, to_long(h));
  }
  if (PySlice_Check(o)) {
    TensorIndex s = slice_index(h);
    return slice(self, 0, s.integer, s.stop, s.step);
  }
  return indexing::get_item(self, parse_indices(h));
}

void setitem(Tensor& self, py::handle h, py::handle v) {
  Tensor value;
  Scalar s;
  if (is_tensor(v)) {
    value = v.cast<Tensor>();
  } else if (scalar_from_py(v, s)) {
    // Stays a CPU 0-dim tensor even for a CUDA self: fill_/copy_/index_put_ take it as a host
    // scalar (no device round trip to read it back).
    value = scalar_tensor_checked(s, self.dtype());
  } else {
    throw TypeError(str_cat("can't assign a ", type_name(v), " to a torch.", dtype_legacy_name(self.dtype()),
                            "Tensor"));
  }
  // Shortcuts for a single non-tuple index, as THPVariable_setitem (no index_put_ dtype rule).
  PyObject* o = h.ptr();
  if (o == Py_False) return;
  if (o == Py_Ellipsis) return indexing::copy_to(self, value);
  if (o == Py_None || o == Py_True) return indexing::copy_to(unsqueeze(self, 0), value);
  if (is_py_int(h)) {
    CT_CHECK_INDEX(self.dim() > 0, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                   "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
    return indexing::copy_to(select_dim0(self, to_long(h)), value);
  }
  if (PySlice_Check(o)) {
    TensorIndex si = slice_index(h);
    return indexing::copy_to(slice(self, 0, si.integer, si.stop, si.step), value);
  }
  indexing::set_item(self, parse_indices(h), value);
}

// ---- thin wrappers with Python's optional out= ----
// `axis` is NumPy's alias of `dim`, accepted by PyTorch too.
Tensor cat_py(py::handle ts, int64_t dim, OptT out, std::optional<int64_t> axis) {
  auto v = tensor_list(ts, "cat");
  if (axis) dim = *axis;
  return out ? cat_out(*out, v, dim) : cat(v, dim);
}
Tensor stack_py(py::handle ts, int64_t dim, OptT out, std::optional<int64_t> axis) {
  auto v = tensor_list(ts, "stack");
  if (axis) dim = *axis;
  return out ? stack_out(*out, v, dim) : stack(v, dim);
}
template <Tensor (*F)(const std::vector<Tensor>&)>
Tensor stack_like_py(py::handle ts, OptT out) {
  Tensor r = F(tensor_list(ts, "stack"));
  if (!out) return r;
  resize_out(*out, r.sizes(), "stack");
  return copy_(*out, r);
}

py::tuple split_py(const Tensor& t, py::handle sizes, int64_t dim) {
  if (is_py_int(sizes)) return to_tuple(split(t, to_long(sizes), dim));
  if (is_tensor(sizes)) {
    Tensor st = sizes.cast<Tensor>();
    if (st.dim() == 0) return to_tuple(split(t, st.item().to_long(), dim));
  }
  return to_tuple(split_with_sizes(t, sizes.cast<IntList>(), dim));
}

Tensor index_select_py(const Tensor& t, int64_t dim, const Tensor& index, OptT out) {
  return out ? index_select_out(*out, t, dim, index) : index_select(t, dim, index);
}
Tensor gather_py(const Tensor& t, int64_t dim, const Tensor& index, bool sparse_grad, OptT out) {
  (void)sparse_grad;
  return out ? gather_out(*out, t, dim, index) : gather(t, dim, index);
}

// scatter(input, dim, index, src | value, *, reduce=None): src may be a tensor or a number.
Tensor scatter_any(Tensor t, int64_t dim, const Tensor& index, py::handle src, py::handle value, py::handle reduce,
                   bool inplace, const char* name) {
  std::string red = reduce.is_none() ? std::string() : reduce.cast<std::string>();
  py::handle v = src.is_none() ? value : src;
  if (v.is_none())
    throw TypeError(str_cat(name, "() received an invalid combination of arguments - expected src or value"));
  if (is_tensor(v)) {
    Tensor st = v.cast<Tensor>();
    return inplace ? scatter_(t, dim, index, st, red) : scatter(t, dim, index, st, red);
  }
  Scalar s;
  if (!scalar_from_py(v, s))
    throw TypeError(str_cat(name, "(): argument 'src' must be Tensor or Number, not ", type_name(v)));
  return inplace ? scatter_(t, dim, index, s, red) : scatter(t, dim, index, s, red);
}
Tensor scatter_py(const Tensor& t, int64_t dim, const Tensor& index, py::handle src, py::handle value,
                  py::handle reduce) {
  return scatter_any(t, dim, index, src, value, reduce, false, "scatter");
}
Tensor scatter__py(Tensor& t, int64_t dim, const Tensor& index, py::handle src, py::handle value,
                   py::handle reduce) {
  return scatter_any(t, dim, index, src, value, reduce, true, "scatter_");
}

Tensor masked_fill_py(const Tensor& t, const Tensor& mask, const Tensor& value) {
  return value.get()->is_wrapped_number ? masked_fill(t, mask, value.item()) : masked_fill(t, mask, value);
}
Tensor masked_fill__py(Tensor& t, const Tensor& mask, const Tensor& value) {
  return value.get()->is_wrapped_number ? masked_fill_(t, mask, value.item()) : masked_fill_(t, mask, value);
}
Tensor masked_select_py(const Tensor& t, const Tensor& mask, OptT out) {
  return out ? masked_select_out(*out, t, mask) : masked_select(t, mask);
}
py::object nonzero_py(const Tensor& t, OptT out, bool as_tuple) {
  if (as_tuple) return to_tuple(nonzero_tuple(t));
  return py::cast(out ? nonzero_out(*out, t) : nonzero(t));
}

std::vector<std::optional<Tensor>> index_list(py::handle h) {
  std::vector<std::optional<Tensor>> out;
  for (const Tensor& t : tensor_list(h, "index_put_", "indices")) out.emplace_back(t);
  return out;
}
Tensor index_put__py(Tensor& t, py::handle indices, const Tensor& values, bool accumulate) {
  return index_put_(t, index_list(indices), values, accumulate);
}
Tensor index_put_py(const Tensor& t, py::handle indices, const Tensor& values, bool accumulate) {
  return index_put(t, index_list(indices), values, accumulate);
}

Scalar fill_value(const Tensor& v, const char* op) {
  if (!v.get()->is_wrapped_number)
    CT_CHECK(v.dim() == 0, op, " only supports a 0-dimensional value tensor, but got tensor with ", v.dim(),
             " dimension(s).");
  return v.item();
}
Tensor index_add_py(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha,
                    OptT out) {
  if (!out) return index_add(t, dim, index, source, alpha);
  Tensor r = index_add(t, dim, index, source, alpha);
  resize_out(*out, r.sizes(), "index_add");
  return copy_(*out, r);
}
Tensor index_add__py(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  return index_add_(t, dim, index, source, alpha);
}
Tensor index_fill_py(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& value) {
  return index_fill(t, dim, index, fill_value(value, "index_fill_"));
}
Tensor index_fill__py(Tensor& t, int64_t dim, const Tensor& index, const Tensor& value) {
  return index_fill_(t, dim, index, fill_value(value, "index_fill_"));
}
Tensor index_copy_py(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& source) {
  return index_copy(t, dim, index, source);
}
Tensor index_copy__py(Tensor& t, int64_t dim, const Tensor& index, const Tensor& source) {
  return index_copy_(t, dim, index, source);
}

int64_t len_py(const Tensor& t) {
  CT_CHECK_TYPE(t.dim() > 0, "len() of a 0-d tensor");
  return t.sizes()[0];
}
py::iterator iter_py(const Tensor& t) {
  CT_CHECK_TYPE(t.dim() > 0, "iteration over a 0-d tensor");
  return py::iter(to_tuple(unbind(t, 0)));
}

}  // namespace

void init_index(py::module_& m, TensorClass& cls) {
  auto none = py::none();
  // joining
  for (const char* name : {"cat", "concat", "concatenate"})
    m.def(name, &cat_py, "tensors"_a, "dim"_a = 0, py::kw_only(), "out"_a = none, "axis"_a = none);
  m.def("stack", &stack_py, "tensors"_a, "dim"_a = 0, py::kw_only(), "out"_a = none, "axis"_a = none);
  m.def("hstack", &stack_like_py<&hstack>, "tensors"_a, py::kw_only(), "out"_a = none);
  m.def("vstack", &stack_like_py<&vstack>, "tensors"_a, py::kw_only(), "out"_a = none);
  m.def("row_stack", &stack_like_py<&vstack>, "tensors"_a, py::kw_only(), "out"_a = none);
  m.def("dstack", &stack_like_py<&dstack>, "tensors"_a, py::kw_only(), "out"_a = none);
  m.def("column_stack", &stack_like_py<&column_stack>, "tensors"_a, py::kw_only(), "out"_a = none);
  // splitting
  m.def("split", &split_py, "tensor"_a, "split_size_or_sections"_a, "dim"_a = 0);
  cls.def("split", &split_py, "split_size"_a, "dim"_a = 0);
  auto split_sizes = [](const Tensor& t, const IntList& s, int64_t d) { return to_tuple(split_with_sizes(t, s, d)); };
  m.def("split_with_sizes", split_sizes, "input"_a, "split_sizes"_a, "dim"_a = 0);
  cls.def("split_with_sizes", split_sizes, "split_sizes"_a, "dim"_a = 0);
  auto chunk_py = [](const Tensor& t, int64_t c, int64_t d) { return to_tuple(chunk(t, c, d)); };
  m.def("chunk", chunk_py, "input"_a, "chunks"_a, "dim"_a = 0);
  cls.def("chunk", chunk_py, "chunks"_a, "dim"_a = 0);
  auto unbind_py = [](const Tensor& t, int64_t d) { return to_tuple(unbind(t, d)); };
  m.def("unbind", unbind_py, "input"_a, "dim"_a = 0);
  cls.def("unbind", unbind_py, "dim"_a = 0);
  // gathers
  m.def("index_select", &index_select_py, "input"_a, "dim"_a, "index"_a, py::kw_only(), "out"_a = none);
  cls.def("index_select", &index_select_py, "dim"_a, "index"_a, py::kw_only(), "out"_a = none);
  m.def("gather", &gather_py, "input"_a, "dim"_a, "index"_a, py::kw_only(), "sparse_grad"_a = false, "out"_a = none);
  cls.def("gather", &gather_py, "dim"_a, "index"_a, py::kw_only(), "sparse_grad"_a = false, "out"_a = none);
  m.def("take", [](const Tensor& t, const Tensor& i) { return take(t, i); }, "input"_a, "index"_a);
  cls.def("take", [](const Tensor& t, const Tensor& i) { return take(t, i); }, "index"_a);
  // scatters
  m.def("scatter", &scatter_py, "input"_a, "dim"_a, "index"_a, "src"_a = none, "value"_a = none, py::kw_only(),
        "reduce"_a = none);
  cls.def("scatter", &scatter_py, "dim"_a, "index"_a, "src"_a = none, "value"_a = none, py::kw_only(),
          "reduce"_a = none);
  cls.def("scatter_", &scatter__py, "dim"_a, "index"_a, "src"_a = none, "value"_a = none, py::kw_only(),
          "reduce"_a = none);
  auto sa = [](const Tensor& t, int64_t d, const Tensor& i, const Tensor& s) { return scatter_add(t, d, i, s); };
  auto sa_ = [](Tensor& t, int64_t d, const Tensor& i, const Tensor& s) { return scatter_add_(t, d, i, s); };
  m.def("scatter_add", sa, "input"_a, "dim"_a, "index"_a, "src"_a);
  cls.def("scatter_add", sa, "dim"_a, "index"_a, "src"_a);
  cls.def("scatter_add_", sa_, "dim"_a, "index"_a, "src"_a);
  // masks
  m.def("masked_fill", &masked_fill_py, "input"_a, "mask"_a, "value"_a);
  cls.def("masked_fill", &masked_fill_py, "mask"_a, "value"_a);
  cls.def("masked_fill_", &masked_fill__py, "mask"_a, "value"_a);
  m.def("masked_select", &masked_select_py, "input"_a, "mask"_a, py::kw_only(), "out"_a = none);
  cls.def("masked_select", &masked_select_py, "mask"_a, py::kw_only(), "out"_a = none);
  m.def("nonzero", &nonzero_py, "input"_a, py::kw_only(), "out"_a = none, "as_tuple"_a = false);
  cls.def("nonzero", &nonzero_py, py::kw_only(), "out"_a = none, "as_tuple"_a = false);
  // where(condition) == nonzero(condition, as_tuple=True); pybind11 chains this as an overload
  // after the 3-argument where bound by init_pointwise.
  m.def("where", [](const Tensor& c) { return to_tuple(nonzero_tuple(c)); }, "condition"_a);
  m.def("argwhere", [](const Tensor& t) { return nonzero(t); }, "input"_a);
  cls.def("argwhere", [](const Tensor& t) { return nonzero(t); });
  // index_add / index_fill / index_copy
  m.def("index_add", &index_add_py, "input"_a, "dim"_a, "index"_a, "source"_a, py::kw_only(), "alpha"_a = 1,
        "out"_a = none);
  cls.def("index_add", &index_add_py, "dim"_a, "index"_a, "source"_a, py::kw_only(), "alpha"_a = 1, "out"_a = none);
  cls.def("index_add_", &index_add__py, "dim"_a, "index"_a, "source"_a, py::kw_only(), "alpha"_a = 1);
  m.def("index_fill", &index_fill_py, "input"_a, "dim"_a, "index"_a, "value"_a);
  cls.def("index_fill", &index_fill_py, "dim"_a, "index"_a, "value"_a);
  cls.def("index_fill_", &index_fill__py, "dim"_a, "index"_a, "value"_a);
  m.def("index_copy", &index_copy_py, "input"_a, "dim"_a, "index"_a, "source"_a);
  cls.def("index_copy", &index_copy_py, "dim"_a, "index"_a, "source"_a);
  cls.def("index_copy_", &index_copy__py, "dim"_a, "index"_a, "source"_a);
  // advanced indexing
  m.def("index_put", &index_put_py, "input"_a, "indices"_a, "values"_a, "accumulate"_a = false);
  cls.def("index_put", &index_put_py, "indices"_a, "values"_a, "accumulate"_a = false);
  cls.def("index_put_", &index_put__py, "indices"_a, "values"_a, "accumulate"_a = false);
  cls.def("__getitem__", &getitem);
  cls.def("__setitem__", &setitem);
  cls.def("__len__", &len_py);
  cls.def("__iter__", &iter_py);
}

}  // namespace py_bind
}  // namespace ctorch
