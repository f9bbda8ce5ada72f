// Backward formulas of reductions, scans and matrix products (written with ctorch ops).
#include <algorithm>
#include <cmath>

#include "ctorch/autograd/derivatives.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/linalg.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/reduce.h"
#include "ctorch/ops/shape.h"

namespace ctorch {
namespace autograd {

namespace {
// Brings a reduced gradient back to the input's shape (re-inserting dropped dims, then expanding).
Tensor unreduce(const Tensor& g, const Shape& in, const IntList& rdims, bool keepdim) {
  Tensor r = g;
  if (!keepdim && !in.empty()) {
    IntList d(rdims);
    std::sort(d.begin(), d.end());
    for (int64_t x : d) r = unsqueeze(r, x);
  }
  return expand(r, in);
}

bool all_dims(const Tensor& a, const IntList& rdims) { return int64_t(rdims.size()) >= a.dim(); }
}  // namespace

void record_sum(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim, bool full) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  Shape in = a.sizes();
  record(full ? "SumBackward0" : "SumBackward1", {a}, {r}, [in, rdims, keepdim](const tensor_list& g, Node&) {
    return tensor_list{unreduce(g[0], in, rdims, keepdim)};
  }, false);
}

void record_mean(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim, bool full) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  Shape in = a.sizes();
  int64_t n = 1;
  for (int64_t d : rdims) n *= in.empty() ? 1 : in[d];
  if (full) n = shape_numel(in);
  record(full ? "MeanBackward0" : "MeanBackward1", {a}, {r}, [in, rdims, keepdim, n](const tensor_list& g, Node&) {
    return tensor_list{div(unreduce(g[0], in, rdims, keepdim), Scalar(n))};
  }, false);
}

// Product of all the other elements along `dim` without dividing (exact with zeros, and
// differentiable again): exclusive cumprod from the left times exclusive cumprod from the right.
static Tensor prod_others(const Tensor& x, int64_t dim) {
  int64_t n = x.sizes()[dim];
  if (n == 0) return x;
  Shape os = x.sizes();
  os[dim] = 1;
  Tensor one = ones(os, x.options());
  Tensor left = cumprod(cat({one, narrow(x, dim, 0, n - 1)}, dim), dim);
  Tensor rev = arange(Scalar(n - 1), Scalar(int64_t(-1)), Scalar(int64_t(-1)), TensorOptions().dtype(kInt64).device(x.device()));
  Tensor xr = index_select(x, dim, rev);
  Tensor right = index_select(cumprod(cat({one, narrow(xr, dim, 0, n - 1)}, dim), dim), dim, rev);
  return mul(left, right);
}

void record_prod(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim, bool full) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  SavedTensor sa = save(a), sr = save_output(r);
  Shape in = a.sizes();
  record(full ? "ProdBackward0" : "ProdBackward1", {a}, {r}, [sa, sr, in, rdims, keepdim](const tensor_list& g, Node& self) {
    Tensor x = sa.unpack();
    Tensor ge = unreduce(g[0], in, rdims, keepdim);
    if (in.empty()) return tensor_list{ge};
    // Without zeros the others' product is result / x (as in PyTorch, so double backward agrees).
    if (!any(eq(x, Scalar(int64_t(0)))).item().to_bool()) {
      Tensor res = unreduce(sr.unpack(self.shared_from_this()), in, rdims, keepdim);
      return tensor_list{mul(ge, div(res, x))};
    }
    Tensor others = rdims.size() == 1 ? prod_others(x, rdims[0]) : reshape(prod_others(reshape(x, {-1}), 0), in);
    return tensor_list{mul(ge, others)};
  });
}

void record_amax(const char* name, const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  SavedTensor sa = save(a), sr = save_output(r);
  Shape in = a.sizes();
  record(name, {a}, {r}, [sa, sr, in, rdims, keepdim](const tensor_list& g, Node& self) {
    Tensor x = sa.unpack(), res = unreduce(sr.unpack(self.shared_from_this()), in, rdims, keepdim);
    Tensor mask = to_dtype(eq(x, res), g[0].dtype());
    Tensor count = rdims.empty() ? sum(mask) : sum(mask, rdims, true);
    Tensor ge = unreduce(g[0], in, rdims, keepdim);
    return tensor_list{div(mul(ge, mask), expand(count, in))};
  });
}

void record_max_dim(const char* name, const Tensor& a, const Tensor& values, const Tensor& indices, int64_t dim,
                    bool keepdim) {
  if (!should_record({a}) || !is_floating(values.dtype())) return;
  Shape in = a.sizes();
  SavedTensor si = save(indices);
  record(name, {a}, {values}, [si, in, dim, keepdim](const tensor_list& g, Node&) {
    Tensor idx = si.unpack(), gv = g[0];
    if (in.empty()) return tensor_list{gv};
    if (!keepdim) {
      idx = unsqueeze(idx, dim);
      gv = unsqueeze(gv, dim);
    }
    return tensor_list{scatter(zeros(in, gv.options()), dim, idx, gv)};
  });
}

void record_var_std(bool is_std, const Tensor& a, const Tensor& r, const IntList& rdims, double correction,
                    bool keepdim) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  SavedTensor sa = save(a), sr = is_std ? save_output(r) : SavedTensor();
  Shape in = a.sizes();
  int64_t n = 1;
  for (int64_t d : rdims) n *= in.empty() ? 1 : in[d];
  double denom = std::max(double(n) - correction, 0.0);
  record(is_std ? "StdBackward0" : "VarBackward0", {a}, {r},
         [sa, sr, in, rdims, keepdim, denom, is_std](const tensor_list& g, Node& self) {
           Tensor x = sa.unpack();
           Tensor centered = sub(x, mean(x, rdims, true));
           Tensor ge = unreduce(g[0], in, rdims, keepdim);
           if (!is_std) return tensor_list{mul(ge, div(mul(centered, Scalar(int64_t(2))), Scalar(denom)))};
           Tensor s = unreduce(sr.unpack(self.shared_from_this()), in, rdims, keepdim);
           return tensor_list{div(mul(ge, centered), mul(s, Scalar(denom)))};
         });
}

void record_norm(const Tensor& a, const Tensor& r, double p, const IntList& rdims, bool keepdim) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  SavedTensor sa = save(a), sr = save_output(r);
  Shape in = a.sizes();
  record("LinalgVectorNormBackward0", {a}, {r}, [sa, sr, in, rdims, keepdim, p](const tensor_list& g, Node& self) {
    Tensor x = sa.unpack(), nrm = unreduce(sr.unpack(self.shared_from_this()), in, rdims, keepdim);
    Tensor ge = unreduce(g[0], in, rdims, keepdim);
    Tensor zero = zeros_like(x);
    if (p == 0) return tensor_list{zero};
    if (p == 1) return tensor_list{mul(ge, sign(x))};
    if (std::isinf(p)) {
      Tensor mask = to_dtype(eq(abs(x), nrm), x.dtype());
      Tensor count = expand(rdims.empty() ? sum(mask) : sum(mask, rdims, true), in);
      return tensor_list{div(mul(mul(ge, sign(x)), mask), count)};
    }
    Tensor safe = where(eq(nrm, Scalar(int64_t(0))), ones_like(nrm), nrm);
    Tensor scale = p == 2 ? div(x, safe)
                          : div(mul(x, pow(abs(x), Scalar(p - 2))), pow(safe, Scalar(p - 1)));
    return tensor_list{where(eq(nrm, Scalar(int64_t(0))), zero, mul(ge, scale))};
  });
}

void record_logsumexp(const Tensor& a, const Tensor& r, const IntList& rdims, bool keepdim) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  SavedTensor sa = save(a), sr = save_output(r);
  Shape in = a.sizes();
  record("LogsumexpBackward0", {a}, {r}, [sa, sr, in, rdims, keepdim](const tensor_list& g, Node& self) {
    Tensor x = sa.unpack(), res = unreduce(sr.unpack(self.shared_from_this()), in, rdims, keepdim);
    return tensor_list{mul(unreduce(g[0], in, rdims, keepdim), exp(sub(x, res)))};
  });
}

void record_cumsum(const Tensor& a, const Tensor& r, int64_t dim) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  record("CumsumBackward0", {a}, {r}, [dim](const tensor_list& g, Node&) {
    if (g[0].dim() == 0) return tensor_list{g[0]};
    // reverse cumulative sum: total - cumsum + g
    return tensor_list{add(sub(sum(g[0], {dim}, true), cumsum(g[0], dim)), g[0])};
  }, false);
}

void record_cumprod(const Tensor& a, const Tensor& r, int64_t dim) {
  if (!should_record({a}) || !is_floating(r.dtype())) return;
  SavedTensor sa = save(a), sr = save_output(r);
  record("CumprodBackward0", {a}, {r}, [sa, sr, dim](const tensor_list& g, Node& self) {
    Tensor x = sa.unpack(), res = sr.unpack(self.shared_from_this());
    if (x.dim() == 0) return tensor_list{g[0]};
    int64_t n = x.sizes()[wrap_dim(dim, x.dim())];
    // d out_j / d x_i = prod_{k<=j, k!=i} x_k for j >= i: sum over j of g_j * that product.
    // Computed column by column so zeros in x are handled exactly.
    tensor_list cols;
    for (int64_t i = 0; i < n; ++i) {
      Tensor before = i == 0 ? ones_like(select(x, dim, 0)) : select(res, dim, i - 1);
      Tensor acc = zeros_like(before), run = before;
      for (int64_t j = i; j < n; ++j) {
        if (j > i) run = mul(run, select(x, dim, j));
        acc = add(acc, mul(select(g[0], dim, j), run));
      }
      cols.push_back(acc);
    }
    return tensor_list{stack(cols, dim)};
  });
}

// ---- matrix products ----
void record_mm(const char* name, const Tensor& a, const Tensor& b, const Tensor& r) {
  if (!should_record({a, b})) return;
  SavedTensor sa = save(a), sb = save(b);
  record(name, {a, b}, {r}, [sa, sb](const tensor_list& g, Node&) {
    Tensor x = sa.unpack(), y = sb.unpack();
    if (x.dim() == 1 && y.dim() == 1) return tensor_list{mul(g[0], y), mul(g[0], x)};       // dot
    if (x.dim() == 2 && y.dim() == 1) return tensor_list{outer(g[0], y), mv(t(x), g[0])};    // mv
    if (x.dim() == 2) return tensor_list{mm(g[0], t(y)), mm(t(x), g[0])};                   // mm
    return tensor_list{bmm(g[0], transpose(y, 1, 2)), bmm(transpose(x, 1, 2), g[0])};       // bmm
  });
}

void record_addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha,
                  const Tensor& r) {
  if (!should_record({self, m1, m2})) return;
  SavedTensor s1 = save(m1), s2 = save(m2);
  record("AddmmBackward0", {self, m1, m2}, {r}, [s1, s2, beta, alpha](const tensor_list& g, Node&) {
    Tensor x = s1.unpack(), y = s2.unpack();
    return tensor_list{mul(g[0], beta), mul(mm(g[0], t(y)), alpha), mul(mm(t(x), g[0]), alpha)};
  });
}

}  // namespace autograd
}  // namespace ctorch
