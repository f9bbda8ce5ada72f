// Python bindings of the reductions: ctorch._C.<name>(input, dim, keepdim, *, dtype, out) and the
// Tensor methods, with PyTorch's overloads (dim as int / tuple / None, x.max(other), var's
// unbiased-or-correction forms). max/min with a dim return ctorch.return_types.max namedtuples.
#include <pybind11/eval.h>

#include "common.h"

namespace ctorch {
namespace py_bind {

namespace {
using OptT = std::optional<Tensor>;
using OptD = std::optional<ScalarType>;

// Named tuples like torch.return_types.*: tuple subclasses with .values/.indices and torch's repr.
py::object* g_max = nullptr;
py::object* g_min = nullptr;
py::object* g_max_out = nullptr;
py::object* g_min_out = nullptr;

void make_return_types(py::module_& m) {
  py::module_ rt = m.def_submodule("return_types", "Named tuples returned by ops (like torch.return_types)");
  py::dict scope;
  py::exec(R"PY(
import collections
def make(name, fields):
    base = collections.namedtuple(name, fields)
    def __repr__(self):
        body = ",\n".join("%s=%r" % (f, v) for f, v in zip(self._fields, self))
        return "ctorch.return_types.%s(\n%s)" % (name, body)
    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__})
    cls.__module__ = "ctorch.return_types"
    cls.__qualname__ = name
    return cls
)PY", scope);
  for (const char* name : {"max", "min", "max_out", "min_out", "aminmax"})
    rt.attr(name) = scope["make"](name, py::make_tuple("values", "indices"));
  g_max = new py::object(rt.attr("max"));
  g_min = new py::object(rt.attr("min"));
  g_max_out = new py::object(rt.attr("max_out"));
  g_min_out = new py::object(rt.attr("min_out"));
}

std::string type_name(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

bool is_tensor(py::handle h) {
  py::detail::make_caster<std::shared_ptr<TensorImpl>> c;
  return c.load(h, false);
}

// dim arguments: None -> nullopt, int -> {d}, tuple/list/Size of ints -> list.
std::optional<IntList> opt_dims(py::handle h, const char* fn) {
  if (h.is_none()) return std::nullopt;
  if (PyLong_Check(h.ptr())) return IntList{h.cast<int64_t>()};
  if (py::isinstance<py::sequence>(h) && !py::isinstance<py::str>(h)) {
    IntList out;
    for (auto item : py::reinterpret_borrow<py::sequence>(h)) {
      CT_CHECK_TYPE(PyLong_Check(item.ptr()), fn, "(): argument 'dim' must be tuple of ints, but found element of type ",
                    type_name(item));
      out.push_back(item.cast<int64_t>());
    }
    return out;
  }
  throw TypeError(str_cat(fn, "(): argument 'dim' must be tuple of ints, not ",
                          type_name(h)));
}
IntList dims(py::handle h, const char* fn) { return opt_dims(h, fn).value_or(IntList{}); }

// ---- sum / mean / prod ----
Tensor sum_py(const Tensor& x, py::object dim, bool keepdim, OptD dtype, OptT out) {
  IntList d = dims(dim, "sum");
  return out ? sum_out(*out, x, d, keepdim, dtype) : sum(x, d, keepdim, dtype);
}
Tensor mean_py(const Tensor& x, py::object dim, bool keepdim, OptD dtype, OptT out) {
  IntList d = dims(dim, "mean");
  return out ? mean_out(*out, x, d, keepdim, dtype) : mean(x, d, keepdim, dtype);
}
Tensor prod_py(const Tensor& x, std::optional<int64_t> dim, bool keepdim, OptD dtype, OptT out) {
  if (out) {
    CT_CHECK_TYPE(dim.has_value(), "prod() received an invalid combination of arguments - got (out=Tensor)");
    return prod_out(*out, x, *dim, keepdim, dtype);
  }
  return prod(x, dim, keepdim, dtype);
}

// ---- amax / amin / max / min / argmax / argmin ----
Tensor amax_py(const Tensor& x, py::object dim, bool keepdim, OptT out) {
  IntList d = dims(dim, "amax");
  return out ? amax_out(*out, x, d, keepdim) : amax(x, d, keepdim);
}
Tensor amin_py(const Tensor& x, py::object dim, bool keepdim, OptT out) {
  IntList d = dims(dim, "amin");
  return out ? amin_out(*out, x, d, keepdim) : amin(x, d, keepdim);
}

template <bool Max>
py::object minmax_py(const Tensor& x, py::object dim, bool keepdim, py::object other, py::object out) {
  const char* fn = Max ? "max" : "min";
  if (!other.is_none()) {
    CT_CHECK_TYPE(dim.is_none() && is_tensor(other), fn, "() received an invalid combination of arguments");
    dim = other;
  }
  if (dim.is_none()) {
    Tensor r = Max ? max(x) : min(x);
    if (out.is_none()) return py::cast(r);
    Tensor o = out.cast<Tensor>();
    CT_CHECK(can_cast(r.dtype(), o.dtype()), fn, "(): result type ", dtype_legacy_name(r.dtype()),
             " can't be cast to the desired output type ", dtype_legacy_name(o.dtype()));
    resize_out(o, {}, fn);
    copy_(o, r);
    return py::cast(o);
  }
  if (is_tensor(dim)) {
    Tensor other = dim.cast<Tensor>();
    if (out.is_none()) return py::cast(Max ? maximum(x, other) : minimum(x, other));
    Tensor o = out.cast<Tensor>();
    return py::cast(Max ? maximum_out(o, x, other) : minimum_out(o, x, other));
  }
  CT_CHECK_TYPE(PyLong_Check(dim.ptr()), fn, "() received an invalid combination of arguments - got (Tensor, ",
                type_name(dim), ")");
  int64_t d = dim.cast<int64_t>();
  if (!out.is_none()) {
    auto pair = out.cast<std::tuple<Tensor, Tensor>>();
    Tensor v = std::get<0>(pair), i = std::get<1>(pair);
    if (Max) max_out(v, i, x, d, keepdim);
    else min_out(v, i, x, d, keepdim);
    return (*(Max ? g_max_out : g_min_out))(v, i);
  }
  auto r = Max ? max(x, d, keepdim) : min(x, d, keepdim);
  return (*(Max ? g_max : g_min))(std::get<0>(r), std::get<1>(r));
}
py::object max_m(const Tensor& x, py::object dim, bool keepdim, py::object other) {
  return minmax_py<true>(x, dim, keepdim, other, py::none());
}
py::object min_m(const Tensor& x, py::object dim, bool keepdim, py::object other) {
  return minmax_py<false>(x, dim, keepdim, other, py::none());
}

Tensor argmax_py(const Tensor& x, std::optional<int64_t> dim, bool keepdim, OptT out) {
  return out ? argmax_out(*out, x, dim, keepdim) : argmax(x, dim, keepdim);
}
Tensor argmin_py(const Tensor& x, std::optional<int64_t> dim, bool keepdim, OptT out) {
  return out ? argmin_out(*out, x, dim, keepdim) : argmin(x, dim, keepdim);
}

// ---- var / std: var(dim=None, unbiased=None, keepdim=False, *, correction=None) ----
// A bool in the dim position is `unbiased` (x.var(False)); unbiased and correction exclude each other.
struct VarArgs {
  IntList dims;
  double correction = 1;
};
VarArgs var_args(const char* fn, py::object dim, py::object unbiased, py::object correction) {
  VarArgs a;
  if (PyBool_Check(dim.ptr()) && unbiased.is_none()) {
    unbiased = dim;
    dim = py::none();
  }
  a.dims = dims(dim, fn);
  CT_CHECK_TYPE(unbiased.is_none() || correction.is_none(), fn,
                "() received an invalid combination of arguments - got both 'unbiased' and 'correction'");
  if (!unbiased.is_none()) {
    CT_CHECK_TYPE(PyBool_Check(unbiased.ptr()), fn, "(): argument 'unbiased' must be bool, not ",
                  type_name(unbiased));
    a.correction = unbiased.cast<bool>() ? 1 : 0;
  } else if (!correction.is_none()) {
    Scalar s;
    CT_CHECK_TYPE(scalar_from_py(correction, s), fn, "(): argument 'correction' must be Number");
    a.correction = s.to_double();
  }
  return a;
}
template <bool Std>
Tensor var_py(const Tensor& x, py::object dim, py::object unbiased, bool keepdim, py::object correction, OptT out) {
  VarArgs a = var_args(Std ? "std" : "var", dim, unbiased, correction);
  if (out) return Std ? std_out(*out, x, a.dims, a.correction, keepdim) : var_out(*out, x, a.dims, a.correction, keepdim);
  return Std ? std(x, a.dims, a.correction, keepdim) : var(x, a.dims, a.correction, keepdim);
}
template <bool Std>
Tensor var_m(const Tensor& x, py::object dim, py::object unbiased, bool keepdim, py::object correction) {
  return var_py<Std>(x, dim, unbiased, keepdim, correction, std::nullopt);
}
template <bool Std>
std::tuple<Tensor, Tensor> var_mean_py(const Tensor& x, py::object dim, py::object unbiased, bool keepdim,
                                       py::object correction) {
  VarArgs a = var_args(Std ? "std_mean" : "var_mean", dim, unbiased, correction);
  return Std ? std_mean(x, a.dims, a.correction, keepdim) : var_mean(x, a.dims, a.correction, keepdim);
}

// ---- norm(p='fro', dim=None, keepdim=False, out=None, dtype=None) ----
Tensor norm_py(const Tensor& x, py::object p, py::object dim, bool keepdim, OptT out, OptD dtype) {
  double pv = 2;
  auto d = opt_dims(dim, "norm");
  if (py::isinstance<py::str>(p)) {
    std::string s = p.cast<std::string>();
    if (s == "fro") {
      CT_CHECK(!d || d->size() <= 2, "linalg.matrix_norm: dim must be a 2-tuple. Got ", [&] {
        std::string r;
        for (size_t i = 0; i < d->size(); ++i) r += (i ? " " : "") + std::to_string((*d)[i]);
        return r;
      }());
    } else if (s == "nuc") {
      CT_CHECK(x.dim() >= 2, "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.");
      throw NotImplementedError("norm(p='nuc') (nuclear norm) is not supported by ctorch");
    } else {
      throw Error(str_cat("linalg.matrix_norm: Order ", s, " not supported."));
    }
  } else if (!p.is_none()) {
    Scalar s;
    CT_CHECK_TYPE(scalar_from_py(p, s), "norm(): argument 'p' must be Number or str");
    pv = s.to_double();
  }
  IntList dl = d.value_or(IntList{});
  return out ? norm_out(*out, x, pv, dl, keepdim, dtype) : norm(x, pv, dl, keepdim, dtype);
}
Tensor norm_m(const Tensor& x, py::object p, py::object dim, bool keepdim, OptD dtype) {
  return norm_py(x, p, dim, keepdim, std::nullopt, dtype);
}

// ---- all / any: dim=None reduces everything, dim=() reduces nothing ----
template <bool All>
Tensor logical_py(const Tensor& x, py::object dim, bool keepdim, OptT out) {
  auto d = opt_dims(dim, All ? "all" : "any");
  Tensor r = d ? (All ? all_dims(x, *d, keepdim) : any_dims(x, *d, keepdim))
              : (All ? all(x, {}, keepdim) : any(x, {}, keepdim));
  if (!out) return r;
  CT_CHECK(out->dtype() == kBool || out->dtype() == kUInt8, All ? "all" : "any",
           " only supports bool tensor for result, got: ", dtype_legacy_name(out->dtype()));
  resize_out(*out, r.sizes(), All ? "all" : "any");
  return copy_(*out, r);
}
template <bool All>
Tensor logical_m(const Tensor& x, py::object dim, bool keepdim) {
  return logical_py<All>(x, dim, keepdim, std::nullopt);
}

// ---- logsumexp / cumsum / cumprod ----
Tensor logsumexp_py(const Tensor& x, py::object dim, bool keepdim, OptT out) {
  IntList d = dims(dim, "logsumexp");
  if (d.empty() && !keepdim && x.numel() > 0 && x.dim() > 0)  // PyTorch 2.13 rejects dim=() here
    throw Error(str_cat("output with shape [] doesn't match the broadcast shape ", shape_str(Shape(size_t(x.dim()), 1))));
  return out ? logsumexp_out(*out, x, d, keepdim) : logsumexp(x, d, keepdim);
}
template <bool Prod>
Tensor scan_py(const Tensor& x, int64_t dim, OptD dtype, OptT out) {
  if (out) return Prod ? cumprod_out(*out, x, dim, dtype) : cumsum_out(*out, x, dim, dtype);
  return Prod ? cumprod(x, dim, dtype) : cumsum(x, dim, dtype);
}
template <bool Prod>
Tensor scan_m(const Tensor& x, int64_t dim, OptD dtype) {
  return scan_py<Prod>(x, dim, dtype, std::nullopt);
}
template <bool Prod>
Tensor& scan_inplace(Tensor& x, int64_t dim, OptD dtype) {
  // The in-place form writes its own dtype, and PyTorch has no bool kernel for it.
  if (x.dtype() == kBool && !dtype)
    throw NotImplementedError(str_cat("\"", Prod ? "cumprod" : "cumsum", "_out_cpu\" not implemented for 'Bool'"));
  Tensor r = Prod ? cumprod(x, dim, dtype) : cumsum(x, dim, dtype);
  return copy_(x, r);
}
}  // namespace

void init_reduce(py::module_& m, TensorClass& cls) {
  make_return_types(m);
  auto none = py::none();

  m.def("sum", &sum_py, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "dtype"_a = none, "out"_a = none);
  cls.def("sum", [](const Tensor& x, py::object dim, bool keepdim, OptD dtype) {
    return sum_py(x, dim, keepdim, dtype, std::nullopt);
  }, "dim"_a = none, "keepdim"_a = false, py::kw_only(), "dtype"_a = none);
  m.def("mean", &mean_py, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "dtype"_a = none, "out"_a = none);
  cls.def("mean", [](const Tensor& x, py::object dim, bool keepdim, OptD dtype) {
    return mean_py(x, dim, keepdim, dtype, std::nullopt);
  }, "dim"_a = none, "keepdim"_a = false, py::kw_only(), "dtype"_a = none);
  m.def("prod", &prod_py, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "dtype"_a = none, "out"_a = none);
  cls.def("prod", [](const Tensor& x, std::optional<int64_t> dim, bool keepdim, OptD dtype) {
    return prod(x, dim, keepdim, dtype);
  }, "dim"_a = none, "keepdim"_a = false, py::kw_only(), "dtype"_a = none);

  m.def("amax", &amax_py, "input"_a.noconvert(), "dim"_a = py::tuple(), "keepdim"_a = false, py::kw_only(),
        "out"_a = none);
  m.def("amin", &amin_py, "input"_a.noconvert(), "dim"_a = py::tuple(), "keepdim"_a = false, py::kw_only(),
        "out"_a = none);
  cls.def("amax", [](const Tensor& x, py::object d, bool k) { return amax_py(x, d, k, std::nullopt); },
          "dim"_a = py::tuple(), "keepdim"_a = false);
  cls.def("amin", [](const Tensor& x, py::object d, bool k) { return amin_py(x, d, k, std::nullopt); },
          "dim"_a = py::tuple(), "keepdim"_a = false);
  m.def("max", &minmax_py<true>, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "other"_a = none, "out"_a = none);
  m.def("min", &minmax_py<false>, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "other"_a = none, "out"_a = none);
  cls.def("max", &max_m, "dim"_a = none, "keepdim"_a = false, py::kw_only(), "other"_a = none);
  cls.def("min", &min_m, "dim"_a = none, "keepdim"_a = false, py::kw_only(), "other"_a = none);
  m.def("argmax", &argmax_py, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "out"_a = none);
  m.def("argmin", &argmin_py, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "out"_a = none);
  cls.def("argmax", [](const Tensor& x, std::optional<int64_t> d, bool k) { return argmax(x, d, k); },
          "dim"_a = none, "keepdim"_a = false);
  cls.def("argmin", [](const Tensor& x, std::optional<int64_t> d, bool k) { return argmin(x, d, k); },
          "dim"_a = none, "keepdim"_a = false);

  m.def("var", &var_py<false>, "input"_a.noconvert(), "dim"_a = none, "unbiased"_a = none, "keepdim"_a = false,
        py::kw_only(), "correction"_a = none, "out"_a = none);
  m.def("std", &var_py<true>, "input"_a.noconvert(), "dim"_a = none, "unbiased"_a = none, "keepdim"_a = false,
        py::kw_only(), "correction"_a = none, "out"_a = none);
  cls.def("var", &var_m<false>, "dim"_a = none, "unbiased"_a = none, "keepdim"_a = false, py::kw_only(),
          "correction"_a = none);
  cls.def("std", &var_m<true>, "dim"_a = none, "unbiased"_a = none, "keepdim"_a = false, py::kw_only(),
          "correction"_a = none);
  m.def("var_mean", &var_mean_py<false>, "input"_a.noconvert(), "dim"_a = none, "unbiased"_a = none,
        "keepdim"_a = false, py::kw_only(), "correction"_a = none);
  m.def("std_mean", &var_mean_py<true>, "input"_a.noconvert(), "dim"_a = none, "unbiased"_a = none,
        "keepdim"_a = false, py::kw_only(), "correction"_a = none);

  m.def("norm", &norm_py, "input"_a.noconvert(), "p"_a = "fro", "dim"_a = none, "keepdim"_a = false,
        "out"_a = none, "dtype"_a = none);
  cls.def("norm", &norm_m, "p"_a = "fro", "dim"_a = none, "keepdim"_a = false, "dtype"_a = none);

  m.def("all", &logical_py<true>, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "out"_a = none);
  m.def("any", &logical_py<false>, "input"_a.noconvert(), "dim"_a = none, "keepdim"_a = false, py::kw_only(),
        "out"_a = none);
  cls.def("all", &logical_m<true>, "dim"_a = none, "keepdim"_a = false);
  cls.def("any", &logical_m<false>, "dim"_a = none, "keepdim"_a = false);

  m.def("logsumexp", &logsumexp_py, "input"_a.noconvert(), "dim"_a, "keepdim"_a = false, py::kw_only(),
        "out"_a = none);
  cls.def("logsumexp", [](const Tensor& x, py::object d, bool k) { return logsumexp_py(x, d, k, std::nullopt); },
          "dim"_a, "keepdim"_a = false);

  m.def("cumsum", &scan_py<false>, "input"_a.noconvert(), "dim"_a, py::kw_only(), "dtype"_a = none, "out"_a = none);
  m.def("cumprod", &scan_py<true>, "input"_a.noconvert(), "dim"_a, py::kw_only(), "dtype"_a = none,
        "out"_a = none);
  cls.def("cumsum", &scan_m<false>, "dim"_a, py::kw_only(), "dtype"_a = none);
  cls.def("cumprod", &scan_m<true>, "dim"_a, py::kw_only(), "dtype"_a = none);
  cls.def("cumsum_", &scan_inplace<false>, "dim"_a, py::kw_only(), "dtype"_a = none);
  cls.def("cumprod_", &scan_inplace<true>, "dim"_a, py::kw_only(), "dtype"_a = none);
}

}  // namespace py_bind
}  // namespace ctorch
