// Matrix-product front ends: checks with PyTorch's messages, then one OpId::gemm kernel call
// (see ops/gemm_kernel.h). Strided operands are passed as they are; only batch dims that cannot
// be merged into one stride are copied.
#include "ctorch/autograd/autograd.h"
#include "ctorch/autograd/derivatives.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/gemm_kernel.h"
#include "ctorch/ops/linalg.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

namespace {

const char* cpp_name(const Tensor& t) { return dtype_cpp_name(t.dtype()); }
const char* legacy(const Tensor& t) { return dtype_legacy_name(t.dtype()); }

void check_not_bool(const Tensor& t, const char* kernel_name) {
  CT_CHECK_T(t.dtype() != kBool, NotImplementedError, "\"", kernel_name, "\" not implemented for 'Bool'");
}

// Kernels get raw pointers: every operand must be on one device (PyTorch's messages).
void check_devices(const Tensor& a, const Tensor& b) {
  CT_CHECK(a.device() == b.device(), "Expected all tensors to be on the same device, but found at least two devices, ",
           a.device().str(), " and ", b.device().str(), "!");
}
void check_out_device(const Tensor& out, const Tensor& like) {
  CT_CHECK(out.device() == like.device(), "Expected out tensor to have device ", like.device().str(), ", but got ",
           out.device().str(), " instead");
}

bool overlaps(const Tensor& a, const Tensor& b) {
  return a.defined() && b.defined() && a.get()->storage().get() == b.get()->storage().get();
}

// c[bi] = beta * c[bi] + alpha * a[bi] @ b[bi]; operands are 2-D or 3-D (same batch size).
void run_gemm(const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& alpha, const Scalar& beta) {
  GemmDesc g;
  const bool batched = c.dim() == 3;
  const int o = batched ? 1 : 0;
  g.dtype = c.dtype();
  g.batch = batched ? c.sizes()[0] : 1;
  g.M = c.sizes()[size_t(o)];
  g.N = c.sizes()[size_t(o + 1)];
  g.K = a.sizes()[size_t(o + 1)];
  g.a = a.data_ptr();
  g.b = b.data_ptr();
  g.c = c.data_ptr();
  g.a_bs = batched ? a.strides()[0] : 0;
  g.b_bs = batched ? b.strides()[0] : 0;
  g.c_bs = batched ? c.strides()[0] : 0;
  g.a_rs = a.strides()[size_t(o)], g.a_cs = a.strides()[size_t(o + 1)];
  g.b_rs = b.strides()[size_t(o)], g.b_cs = b.strides()[size_t(o + 1)];
  g.c_rs = c.strides()[size_t(o)], g.c_cs = c.strides()[size_t(o + 1)];
  g.alpha = alpha;
  g.beta = beta;
  if (c.numel() == 0) return;
  check_devices(a, b);
  check_devices(a, c);
  kernel<GemmFn>(OpId::gemm, c.device())(g);
}

// Writes the product into `out` (resized), through a temporary when out overlaps an input.
Tensor& gemm_into(Tensor& out, const Shape& shape, const Tensor& a, const Tensor& b) {
  check_out_device(out, a);
  resize_out(out, shape, "mm");
  if (overlaps(out, a) || overlaps(out, b)) {
    Tensor tmp = empty(shape, out.options());
    run_gemm(tmp, a, b, 1, 0);
    copy_(out, tmp);
  } else {
    run_gemm(out, a, b, 1, 0);
    out.get()->bump_version();
  }
  return out;
}

void check_out_dtype(const Tensor& out, ScalarType expected) {
  CT_CHECK(out.dtype() == expected, "Expected out tensor to have dtype ", dtype_cpp_name(expected), ", but got ",
           dtype_cpp_name(out.dtype()), " instead");
}

void check_mm(const Tensor& a, const Tensor& b) {
  CT_CHECK(a.dim() == 2, "self must be a matrix");
  CT_CHECK(b.dim() == 2, "mat2 must be a matrix");
  check_devices(a, b);
  CT_CHECK(a.sizes()[1] == b.sizes()[0], "mat1 and mat2 shapes cannot be multiplied (", a.sizes()[0], "x",
           a.sizes()[1], " and ", b.sizes()[0], "x", b.sizes()[1], ")");
  CT_CHECK(a.dtype() == b.dtype(), "expected m1 and m2 to have the same dtype, but got: ", cpp_name(a), " != ",
           cpp_name(b));
  check_not_bool(a, a.is_cuda() ? "addmm_cuda" : "addmm_impl_cpu_");
}

void check_bmm(const Tensor& a, const Tensor& b) {
  CT_CHECK(a.dim() == 3, "batch1 must be a 3D tensor");
  CT_CHECK(b.dim() == 3, "batch2 must be a 3D tensor");
  check_devices(a, b);
  CT_CHECK(b.sizes()[0] == a.sizes()[0] && b.sizes()[1] == a.sizes()[2],
           "Expected size for first two dimensions of batch2 tensor to be: [", a.sizes()[0], ", ", a.sizes()[2],
           "] but got: [", b.sizes()[0], ", ", b.sizes()[1], "].");
  CT_CHECK(a.dtype() == b.dtype(), "expected scalar type ", legacy(a), " but found ", legacy(b));
  check_not_bool(a, "bmm");
}

void check_mv(const Tensor& m, const Tensor& v) {
  CT_CHECK(m.dim() == 2 && v.dim() == 1, "vector + matrix @ vector expected, got 1, ", m.dim(), ", ", v.dim());
  check_devices(m, v);
  CT_CHECK(m.sizes()[1] == v.sizes()[0], "size mismatch, got input (", m.sizes()[0], "), mat (", m.sizes()[0], "x",
           m.sizes()[1], "), vec (", v.sizes()[0], ")");
  CT_CHECK(m.dtype() == v.dtype(), "addmv input tensors must have the same dtype, but got ", legacy(v), ", ",
           legacy(m), ", and ", legacy(v));
  check_not_bool(m, "addmv_impl_cpu");
}

void check_dot(const Tensor& a, const Tensor& b) {
  CT_CHECK(a.dim() == 1 && b.dim() == 1, "1D tensors expected, but got ", a.dim(), "D and ", b.dim(), "D tensors");
  check_devices(a, b);
  CT_CHECK(a.dtype() == b.dtype(), "dot : expected both vectors to have same dtype, but found ", legacy(a), " and ",
           legacy(b));
  CT_CHECK(a.numel() == b.numel(), "inconsistent tensor size, expected tensor [", a.numel(), "] and src [",
           b.numel(), "] to have the same number of elements, but got ", a.numel(), " and ", b.numel(),
           " elements respectively");
  check_not_bool(a, "dot");
}

// Views a (batch..., r, c) tensor as (B, r, c) without copying when the batch dims nest.
Tensor as_3d(const Tensor& t) {
  if (t.dim() == 3) return t;
  const int64_t nb = t.dim() - 2;
  const int64_t r = t.sizes()[size_t(nb)], c = t.sizes()[size_t(nb + 1)];
  int64_t B = 1, stride = 0;
  bool ok = true, have = false;
  for (int64_t i = nb - 1; i >= 0; --i) {  // inner to outer: each stride must nest in the next
    const int64_t s = t.sizes()[size_t(i)], st = t.strides()[size_t(i)];
    if (s != 1) {
      if (!have) stride = st, have = true;
      else if (st != stride * B) ok = false;
    }
    B *= s;
  }
  if (B == 0) return empty({0, r, c}, t.options());
  // as_strided has no backward for overlapping (broadcast) layouts: with autograd, reshape.
  if (!ok || autograd::should_record({t})) return reshape(t, {B, r, c});
  return as_strided(t, {B, r, c}, {stride, t.strides()[size_t(nb)], t.strides()[size_t(nb + 1)]});
}

}  // namespace

// ---------------- dot / mv / mm / bmm ----------------
Tensor dot(const Tensor& a, const Tensor& b) {
  check_dot(a, b);
  Tensor out = empty({}, a.options());
  {
    NoGradGuard ng;  // the unsqueezed views are kernel plumbing, not graph nodes
    run_gemm(out.unsqueeze(0).unsqueeze(1), a.unsqueeze(0), b.unsqueeze(1), 1, 0);
  }
  autograd::record_mm("DotBackward0", a, b, out);
  return out;
}

Tensor& dot_out(Tensor& out, const Tensor& a, const Tensor& b) {
  check_dot(a, b);
  check_out_dtype(out, a.dtype());
  check_out_device(out, a);
  resize_out(out, {}, "dot");
  return copy_(out, dot(a, b));
}

Tensor mv(const Tensor& m, const Tensor& v) {
  check_mv(m, v);
  Tensor out = empty({m.sizes()[0]}, m.options());
  {
    NoGradGuard ng;
    run_gemm(out.unsqueeze(1), m, v.unsqueeze(1), 1, 0);
  }
  autograd::record_mm("MvBackward0", m, v, out);
  return out;
}

Tensor& mv_out(Tensor& out, const Tensor& m, const Tensor& v) {
  check_mv(m, v);
  CT_CHECK(out.dtype() == m.dtype(), "addmv input tensors must have the same dtype, but got ", legacy(out), ", ",
           legacy(m), ", and ", legacy(v));
  check_out_device(out, m);
  resize_out(out, {m.sizes()[0]}, "mv");
  return copy_(out, mv(m, v));
}

Tensor mm(const Tensor& a, const Tensor& b) {
  check_mm(a, b);
  Tensor out = empty({a.sizes()[0], b.sizes()[1]}, a.options());
  run_gemm(out, a, b, 1, 0);
  autograd::record_mm("MmBackward0", a, b, out);
  return out;
}

Tensor& mm_out(Tensor& out, const Tensor& a, const Tensor& b) {
  check_mm(a, b);
  check_out_dtype(out, a.dtype());
  return gemm_into(out, {a.sizes()[0], b.sizes()[1]}, a, b);
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  check_bmm(a, b);
  Tensor out = empty({a.sizes()[0], a.sizes()[1], b.sizes()[2]}, a.options());
  run_gemm(out, a, b, 1, 0);
  autograd::record_mm("BmmBackward0", a, b, out);
  return out;
}

Tensor& bmm_out(Tensor& out, const Tensor& a, const Tensor& b) {
  check_bmm(a, b);
  check_out_dtype(out, a.dtype());
  return gemm_into(out, {a.sizes()[0], a.sizes()[1], b.sizes()[2]}, a, b);
}

// ---------------- addmm / outer ----------------
namespace {
void check_addmm(const Tensor& self, const Tensor& m1, const Tensor& m2) {
  CT_CHECK(m1.dim() == 2, "mat1 must be a matrix, got ", m1.dim(), "-D tensor");
  CT_CHECK(m2.dim() == 2, "mat2 must be a matrix, got ", m2.dim(), "-D tensor");
  check_devices(self, m1);
  check_devices(self, m2);
  CT_CHECK(self.dtype() == m2.dtype(), "self and mat2 must have the same dtype, but got ", legacy(self), " and ",
           legacy(m2));
  CT_CHECK(m1.dtype() == m2.dtype(), "mat1 and mat2 must have the same dtype, but got ", legacy(m1), " and ",
           legacy(m2));
  CT_CHECK(m1.sizes()[1] == m2.sizes()[0], "mat1 and mat2 shapes cannot be multiplied (", m1.sizes()[0], "x",
           m1.sizes()[1], " and ", m2.sizes()[0], "x", m2.sizes()[1], ")");
  check_not_bool(m1, m1.is_cuda() ? "addmm_cuda" : "addmm_impl_cpu_");
}
bool scalar_is_zero(const Scalar& s) { return s.is_float() ? s.to_double() == 0 : s.to_long() == 0; }
}  // namespace

Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  check_addmm(self, m1, m2);
  Shape shape{m1.sizes()[0], m2.sizes()[1]};
  Tensor out = empty(shape, m1.options());
  {
    NoGradGuard ng;
    if (!scalar_is_zero(beta)) copy_(out, expand(self, shape));
    run_gemm(out, m1, m2, alpha, beta);
  }
  autograd::record_addmm(self, m1, m2, beta, alpha, out);
  return out;
}

Tensor& addmm_out(Tensor& out, const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta,
                  const Scalar& alpha) {
  check_addmm(self, m1, m2);
  check_out_dtype(out, m1.dtype());
  check_out_device(out, m1);
  Tensor r = addmm(self, m1, m2, beta, alpha);
  resize_out(out, r.sizes(), "addmm");
  return copy_(out, r);
}

Tensor outer(const Tensor& a, const Tensor& b) {
  CT_CHECK(a.dim() == 1, "outer: Expected 1-D argument self, but got ", a.dim(), "-D");
  CT_CHECK(b.dim() == 1, "outer: Expected 1-D argument vec2, but got ", b.dim(), "-D");
  return mul(a.unsqueeze(1), b);
}

Tensor& outer_out(Tensor& out, const Tensor& a, const Tensor& b) {
  CT_CHECK(a.dim() == 1, "outer: Expected 1-D argument self, but got ", a.dim(), "-D");
  CT_CHECK(b.dim() == 1, "outer: Expected 1-D argument vec2, but got ", b.dim(), "-D");
  return mul_out(out, a.unsqueeze(1), b);
}

// ---------------- matmul ----------------
namespace {
// Batched case of matmul: broadcast the batch dims, view as (B, n, m) @ (B, m, p).
Tensor matmul_batched(const Tensor& a0, const Tensor& b0) {
  const bool a_vec = a0.dim() == 1, b_vec = b0.dim() == 1;
  Tensor a = a_vec ? a0.unsqueeze(0) : a0;
  Tensor b = b_vec ? b0.unsqueeze(1) : b0;
  Shape ba(a.sizes().begin(), a.sizes().end() - 2), bb(b.sizes().begin(), b.sizes().end() - 2);
  Shape batch = broadcast_shapes(ba, bb);
  const int64_t n = a.sizes()[size_t(a.dim() - 2)], m = a.sizes()[size_t(a.dim() - 1)];
  const int64_t m2 = b.sizes()[size_t(b.dim() - 2)], p = b.sizes()[size_t(b.dim() - 1)];
  Shape sa = batch, sb = batch;
  sa.push_back(n), sa.push_back(m);
  sb.push_back(m2), sb.push_back(p);
  Tensor out3 = bmm(as_3d(expand(a, sa)), as_3d(expand(b, sb)));
  Shape so = batch;
  if (!a_vec) so.push_back(n);
  if (!b_vec) so.push_back(p);
  return out3.view(so);
}
}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  const int64_t da = a.dim(), db = b.dim();
  CT_CHECK(da > 0 && db > 0, "both arguments to matmul need to be at least 1D, but they are ", da, "D and ", db, "D");
  if (da == 1 && db == 1) return dot(a, b);
  if (da == 2 && db == 1) return mv(a, b);
  if (da == 1 && db == 2) return mm(a.unsqueeze(0), b).squeeze(0);
  if (da == 2 && db == 2) return mm(a, b);
  if (da >= 3 && db <= 2) {
    // Fold the batch into the rows of one matrix product (as PyTorch does).
    Shape so(a.sizes().begin(), a.sizes().end() - 1);
    Tensor a2 = reshape(a, {-1, a.sizes()[size_t(da - 1)]});
    if (db == 1) return mv(a2, b).view(so);
    so.push_back(b.sizes()[1]);
    return mm(a2, b).view(so);
  }
  return matmul_batched(a, b);
}

Tensor& matmul_out(Tensor& out, const Tensor& a, const Tensor& b) {
  Tensor r = matmul(a, b);
  check_out_dtype(out, r.dtype());
  check_out_device(out, r);
  resize_out(out, r.sizes(), "matmul");
  return copy_(out, r);
}

}  // namespace ctorch
