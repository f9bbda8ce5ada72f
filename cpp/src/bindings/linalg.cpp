// Python bindings of the matrix products: mm, bmm, matmul, dot, mv, addmm, outer/ger (module
// functions with out=, Tensor methods) and the @ operator. Python numbers are not tensors here
// (noconvert): torch.mm(x, 2) and x @ 2 raise TypeError like PyTorch.
#include "common.h"

namespace ctorch {
namespace py_bind {

namespace {
using OptT = std::optional<Tensor>;
using B2 = Tensor (*)(const Tensor&, const Tensor&);
using B2o = Tensor& (*)(Tensor&, const Tensor&, const Tensor&);

template <B2 F, B2o FO>
Tensor product_py(const Tensor& a, const Tensor& b, OptT out) {
  return out ? FO(*out, a, b) : F(a, b);
}

Tensor addmm_py(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha,
                OptT out) {
  return out ? addmm_out(*out, self, m1, m2, beta, alpha) : addmm(self, m1, m2, beta, alpha);
}
Tensor addmm_m(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  return addmm(self, m1, m2, beta, alpha);
}
Tensor& addmm_inplace(Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  return addmm_out(self, self, m1, m2, beta, alpha);
}

// a @ b with a non-tensor operand returns NotImplemented so Python raises its TypeError.
py::object matmul_op(const Tensor& a, py::object b) {
  py::detail::make_caster<std::shared_ptr<TensorImpl>> c;
  if (!c.load(b, false)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  return py::cast(matmul(a, b.cast<Tensor>()));
}
py::object rmatmul_op(const Tensor& a, py::object b) {
  py::detail::make_caster<std::shared_ptr<TensorImpl>> c;
  if (!c.load(b, false)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  return py::cast(matmul(b.cast<Tensor>(), a));
}
}  // namespace

void init_linalg(py::module_& m, TensorClass& cls) {
  auto none = py::none();
#define CT_PRODUCT(name, arg2)                                                                              \
  m.def(#name, &product_py<static_cast<B2>(&ctorch::name), static_cast<B2o>(&ctorch::name##_out)>,          \
        "input"_a.noconvert(), arg2 ""_a.noconvert(), py::kw_only(), "out"_a = none);                       \
  cls.def(#name, static_cast<B2>(&ctorch::name), arg2 ""_a.noconvert());
  CT_PRODUCT(mm, "mat2")
  CT_PRODUCT(bmm, "mat2")
  CT_PRODUCT(matmul, "other")
  CT_PRODUCT(dot, "tensor")
  CT_PRODUCT(mv, "vec")
  CT_PRODUCT(outer, "vec2")
#undef CT_PRODUCT
  m.attr("ger") = m.attr("outer");
  cls.attr("ger") = cls.attr("outer");
  m.def("vdot", &product_py<static_cast<B2>(&ctorch::dot), static_cast<B2o>(&ctorch::dot_out)>,
        "input"_a.noconvert(), "other"_a.noconvert(), py::kw_only(), "out"_a = none);

  m.def("addmm", &addmm_py, "input"_a.noconvert(), "mat1"_a.noconvert(), "mat2"_a.noconvert(), py::kw_only(),
        "beta"_a = 1, "alpha"_a = 1, "out"_a = none);
  cls.def("addmm", &addmm_m, "mat1"_a.noconvert(), "mat2"_a.noconvert(), py::kw_only(), "beta"_a = 1,
          "alpha"_a = 1);
  cls.def("addmm_", &addmm_inplace, "mat1"_a.noconvert(), "mat2"_a.noconvert(), py::kw_only(), "beta"_a = 1,
          "alpha"_a = 1);

  cls.def("__matmul__", &matmul_op, py::is_operator());
  cls.def("__rmatmul__", &rmatmul_op, py::is_operator());
}

}  // namespace py_bind
}  // namespace ctorch
