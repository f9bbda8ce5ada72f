// Reduction front ends: dim handling, result dtypes, empty-input rules and out= variants, then
// one ReduceFn kernel call per op (see Note [Reduction layout] in ops/reduce_kernel.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "ctorch/iter/tensor_iter.h"
#include "ctorch/autograd/autograd.h"
#include "ctorch/autograd/derivatives.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/reduce.h"
#include "ctorch/ops/reduce_kernel.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

namespace {

// Which dims are reduced. `dims` empty means all (when empty_is_all); duplicates are errors.
std::vector<bool> reduce_mask(const Tensor& a, const IntList& dims, bool empty_is_all = true) {
  const int64_t nd = a.dim();
  std::vector<bool> m(size_t(nd), dims.empty() && empty_is_all);
  std::vector<bool> seen(size_t(std::max<int64_t>(nd, 1)), false);
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, nd);
    CT_CHECK(!seen[size_t(w)], "dim ", w, " appears multiple times in the list of dims");
    seen[size_t(w)] = true;
    if (nd > 0) m[size_t(w)] = true;
  }
  return m;
}

// The reduced dims as a list (what the autograd formulas take).
IntList rdims_of(const std::vector<bool>& mask) {
  IntList r;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) r.push_back(int64_t(i));
  return r;
}

Shape reduced_shape(const Tensor& a, const std::vector<bool>& mask, bool keepdim) {
  Shape s;
  for (int64_t d = 0; d < a.dim(); ++d) {
    if (!mask[size_t(d)]) s.push_back(a.sizes()[size_t(d)]);
    else if (keepdim) s.push_back(1);
  }
  return s;
}

struct DimSS {
  int64_t size, stride;
};

// Merges dims of a list (outer-to-inner order) whose strides nest; drops size-1 dims.
std::vector<DimSS> coalesce(const std::vector<DimSS>& in) {
  std::vector<DimSS> out;
  for (const auto& d : in) {
    if (d.size == 1) continue;
    if (!out.empty() && out.back().stride == d.size * d.stride) {
      out.back().size *= d.size;
      out.back().stride = d.stride;
    } else {
      out.push_back(d);
    }
  }
  return out;
}

// Fills the kernel description; `holder` keeps a copied input alive when the reduced dims do not
// merge into one strided dim (or the outer dims are too many).
void describe(const Tensor& a, const std::vector<bool>& mask, ReduceDesc& d, Tensor& holder) {
  std::vector<DimSS> outer, red;
  int64_t rnumel = 1;
  for (int64_t i = 0; i < a.dim(); ++i) {
    DimSS ds{a.sizes()[size_t(i)], a.strides()[size_t(i)]};
    if (mask[size_t(i)]) {
      red.push_back(ds);
      rnumel *= ds.size;
    } else {
      outer.push_back(ds);
    }
  }
  std::stable_sort(red.begin(), red.end(), [](const DimSS& x, const DimSS& y) { return x.stride > y.stride; });
  auto oc = coalesce(outer), rc = coalesce(red);
  if (rnumel != 0 && a.numel() != 0 && (rc.size() > 1 || oc.size() > size_t(kMaxReduceDims))) {
    // Copy to [outer..., reduced...] contiguous order; then everything coalesces.
    IntList perm;
    std::vector<bool> m2;
    for (int64_t i = 0; i < a.dim(); ++i)
      if (!mask[size_t(i)]) perm.push_back(i), m2.push_back(false);
    for (int64_t i = 0; i < a.dim(); ++i)
      if (mask[size_t(i)]) perm.push_back(i), m2.push_back(true);
    holder = contiguous(permute(a, perm));
    describe(holder, m2, d, holder);
    return;
  }
  d.in = a.data_ptr();
  d.in_dtype = a.dtype();
  d.n_outer = int(std::min<size_t>(oc.size(), size_t(kMaxReduceDims)));
  d.outer_numel = 1;
  for (int i = 0; i < d.n_outer; ++i) {
    d.outer_sizes[i] = oc[size_t(i)].size;
    d.outer_strides[i] = oc[size_t(i)].stride;
    d.outer_numel *= oc[size_t(i)].size;
  }
  if (a.numel() == 0) {
    d.outer_numel = 1;
    for (int64_t i = 0; i < a.dim(); ++i)
      if (!mask[size_t(i)]) d.outer_numel *= a.sizes()[size_t(i)];
    d.n_outer = 0;  // nothing is read when R == 0 or no output exists
  }
  d.reduce_size = rnumel;
  d.reduce_stride = rc.empty() ? 0 : rc[0].stride;
}

// Runs a reduction kernel into fresh contiguous outputs of the given dtypes.
struct Reduced {
  Tensor out, out2;
};
Reduced run_reduce(OpId op, const Tensor& a, const std::vector<bool>& mask, bool keepdim, ScalarType out_dtype,
                   std::optional<ScalarType> out2_dtype = {}, double p = 2, double correction = 1, int flags = 0) {
  Shape shape = reduced_shape(a, mask, keepdim);
  Reduced r;
  r.out = empty(shape, a.options().dtype(out_dtype));
  if (out2_dtype) r.out2 = empty(shape, a.options().dtype(*out2_dtype));
  ReduceDesc d;
  Tensor holder;
  describe(a, mask, d, holder);
  d.out = r.out.data_ptr();
  d.out_dtype = out_dtype;
  d.out2 = out2_dtype ? r.out2.data_ptr() : nullptr;
  d.p = p;
  d.correction = correction;
  d.flags = flags;
  if (r.out.numel() > 0) kernel<ReduceFn>(op, a.device())(d);
  return r;
}

// out= helpers: PyTorch resizes `out` and copies the result in (with a castability check).
Tensor& write_out(Tensor& out, const Tensor& result, bool check_cast = true) {
  CT_CHECK(!check_cast || can_cast(result.dtype(), out.dtype()), "result type ", dtype_legacy_name(result.dtype()),
           " can't be cast to the desired output type ", dtype_legacy_name(out.dtype()));
  CT_CHECK(out.device() == result.device(), "Expected out tensor to have device ", result.device().str(),
           ", but got ", out.device().str(), " instead");  // copy_ would cross devices silently
  resize_out(out, result.sizes(), "reduce");
  copy_(out, result);
  return out;
}
void check_out_dtype(const Tensor& out, ScalarType expected) {
  CT_CHECK(out.dtype() == expected, "Expected out tensor to have dtype ", dtype_cpp_name(expected), ", but got ",
           dtype_cpp_name(out.dtype()), " instead");
}

// Errors of ops without an identity (max, amax, argmax, ...) on empty reduced dims.
void check_nonempty(const Tensor& a, const IntList& dims, const char* op) {
  if (a.numel() != 0) return;
  CT_CHECK(!dims.empty(), op, "(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
           "reduction dim with the 'dim' argument.");
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, a.dim());
    CT_CHECK_INDEX(a.dim() == 0 || a.sizes()[size_t(w)] != 0, op, "(): Expected reduction dim ", d,
                   " to have non-zero size.");
  }
}

ScalarType sum_result_dtype(const Tensor& a, std::optional<ScalarType> dtype) {
  if (dtype) return *dtype;
  return is_integral(a.dtype(), true) ? kInt64 : a.dtype();
}

// sum/prod kernels accept in == out dtype or integral -> int64; anything else is cast first.
Tensor sum_like(OpId op, const Tensor& a, const std::vector<bool>& mask, bool keepdim, ScalarType rt) {
  bool widen = rt == kInt64 && is_integral(a.dtype(), true);
  Tensor x = (a.dtype() == rt || widen) ? a : to_dtype(a, rt);
  return run_reduce(op, x, mask, keepdim, rt).out;
}

void check_floating_var(const Tensor& a) {
  CT_CHECK(is_floating(a.dtype()), "std and var only support floating point and complex dtypes");
}

}  // namespace

// ---------------- sum / mean / prod ----------------
Tensor sum(const Tensor& a, const IntList& dims, bool keepdim, std::optional<ScalarType> dtype) {
  auto mask = reduce_mask(a, dims);
  Tensor r;
  {
    NoGradGuard ng;
    r = sum_like(OpId::sum, a, mask, keepdim, sum_result_dtype(a, dtype));
  }
  autograd::record_sum(a, r, rdims_of(mask), keepdim, dims.empty());
  return r;
}

Tensor& sum_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim, std::optional<ScalarType> dtype) {
  // The result dtype is out's dtype unless dtype= is given (then they must agree).
  if (dtype) check_out_dtype(out, *dtype);
  Tensor r = sum_like(OpId::sum, a, reduce_mask(a, dims), keepdim, out.dtype());
  return write_out(out, r, false);
}

namespace {
ScalarType mean_dtype(const Tensor& a, std::optional<ScalarType> dtype) {
  if (dtype) {
    CT_CHECK(is_floating(*dtype), "mean(): could not infer output dtype. Optional dtype must be either a floating "
             "point or complex dtype. Got: ", dtype_legacy_name(*dtype));
    return *dtype;
  }
  CT_CHECK(is_floating(a.dtype()), "mean(): could not infer output dtype. Input dtype must be either a floating "
           "point or complex dtype. Got: ", dtype_legacy_name(a.dtype()));
  return a.dtype();
}
}  // namespace

Tensor mean(const Tensor& a, const IntList& dims, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType rt = mean_dtype(a, dtype);
  auto mask = reduce_mask(a, dims);
  Tensor r;
  {
    NoGradGuard ng;
    Tensor x = a.dtype() == rt ? a : to_dtype(a, rt);
    r = run_reduce(OpId::mean, x, mask, keepdim, rt).out;
  }
  autograd::record_mean(a, r, rdims_of(mask), keepdim, dims.empty());
  return r;
}

Tensor& mean_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim, std::optional<ScalarType> dtype) {
  if (dtype) check_out_dtype(out, *dtype);
  return write_out(out, mean(a, dims, keepdim, dtype));
}

Tensor prod(const Tensor& a, std::optional<int64_t> dim, bool keepdim, std::optional<ScalarType> dtype) {
  IntList dims;
  if (dim) dims.push_back(*dim);
  auto mask = reduce_mask(a, dims);
  if (!dim) keepdim = false;
  Tensor r;
  {
    NoGradGuard ng;
    r = sum_like(OpId::prod, a, mask, keepdim, sum_result_dtype(a, dtype));
  }
  autograd::record_prod(a, r, rdims_of(mask), keepdim, !dim);
  return r;
}

Tensor& prod_out(Tensor& out, const Tensor& a, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) {
  if (dtype) check_out_dtype(out, *dtype);
  Tensor r = sum_like(OpId::prod, a, reduce_mask(a, {dim}), keepdim, out.dtype());
  return write_out(out, r, false);
}

// ---------------- amax / amin / max / min ----------------
namespace {
Tensor extreme(OpId op, const char* node, const Tensor& a, const IntList& dims, bool keepdim) {
  auto mask = reduce_mask(a, dims);
  Tensor r;
  {
    NoGradGuard ng;
    r = run_reduce(op, a, mask, keepdim, a.dtype()).out;
  }
  autograd::record_amax(node, a, r, rdims_of(mask), keepdim);
  return r;
}
}  // namespace

Tensor amax(const Tensor& a, const IntList& dims, bool keepdim) {
  check_nonempty(a, dims, "amax");
  return extreme(OpId::amax, "AmaxBackward0", a, dims, keepdim);
}
Tensor amin(const Tensor& a, const IntList& dims, bool keepdim) {
  check_nonempty(a, dims, "amin");
  return extreme(OpId::amin, "AminBackward0", a, dims, keepdim);
}

Tensor& amax_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim) {
  CT_CHECK(out.dtype() == a.dtype(), "Expected the dtype for input and out to match, but got ",
           dtype_legacy_name(a.dtype()), " for input's dtype and ", dtype_legacy_name(out.dtype()), " for out's dtype.");
  return write_out(out, amax(a, dims, keepdim));
}
Tensor& amin_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim) {
  CT_CHECK(out.dtype() == a.dtype(), "Expected the dtype for input and out to match, but got ",
           dtype_legacy_name(a.dtype()), " for input's dtype and ", dtype_legacy_name(out.dtype()), " for out's dtype.");
  return write_out(out, amin(a, dims, keepdim));
}

Tensor max(const Tensor& a) {
  CT_CHECK(a.numel() > 0, "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
           "reduction dim with the 'dim' argument.");
  return extreme(OpId::amax, "MaxBackward1", a, {}, false);
}
Tensor min(const Tensor& a) {
  CT_CHECK(a.numel() > 0, "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
           "reduction dim with the 'dim' argument.");
  return extreme(OpId::amin, "MinBackward1", a, {}, false);
}

namespace {
std::tuple<Tensor, Tensor> minmax_dim(OpId op, const char* name, const Tensor& a, int64_t dim, bool keepdim) {
  int64_t w = wrap_dim(dim, a.dim());
  if (a.dim() > 0)
    CT_CHECK_INDEX(a.sizes()[size_t(w)] != 0, name, "(): Expected reduction dim ", w, " to have non-zero size.");
  Reduced r;
  {
    NoGradGuard ng;
    r = run_reduce(op, a, reduce_mask(a, {dim}), keepdim, a.dtype(), kInt64);
  }
  autograd::record_max_dim(op == OpId::max_dim ? "MaxBackward0" : "MinBackward0", a, r.out, r.out2, a.dim() ? w : 0,
                           keepdim);
  return {r.out, r.out2};
}

Tensor arg_reduce(OpId op, const char* name, const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  CT_CHECK(a.dtype() != kBool, name, "(): does not support bool input");
  if (!dim) {
    CT_CHECK_INDEX(a.numel() > 0, name, "(): Expected reduction dim to be specified for input.numel() == 0.");
    Tensor flat = reshape(a, {-1});
    Tensor r = run_reduce(op, flat, {true}, false, kInt64).out;
    if (keepdim) r = reshape(r, Shape(size_t(a.dim()), 1));
    return r;
  }
  int64_t w = wrap_dim(*dim, a.dim());
  if (a.dim() > 0)
    CT_CHECK_INDEX(a.sizes()[size_t(w)] != 0, name, "(): Expected reduction dim ", w, " to have non-zero size.");
  return run_reduce(op, a, reduce_mask(a, {*dim}), keepdim, kInt64).out;
}
}  // namespace

std::tuple<Tensor, Tensor> max(const Tensor& a, int64_t dim, bool keepdim) {
  return minmax_dim(OpId::max_dim, "max", a, dim, keepdim);
}
std::tuple<Tensor, Tensor> min(const Tensor& a, int64_t dim, bool keepdim) {
  return minmax_dim(OpId::min_dim, "min", a, dim, keepdim);
}

std::tuple<Tensor&, Tensor&> max_out(Tensor& values, Tensor& indices, const Tensor& a, int64_t dim, bool keepdim) {
  check_out_dtype(values, a.dtype());
  check_out_dtype(indices, kInt64);
  auto r = max(a, dim, keepdim);
  write_out(values, std::get<0>(r));
  write_out(indices, std::get<1>(r));
  return {values, indices};
}
std::tuple<Tensor&, Tensor&> min_out(Tensor& values, Tensor& indices, const Tensor& a, int64_t dim, bool keepdim) {
  check_out_dtype(values, a.dtype());
  check_out_dtype(indices, kInt64);
  auto r = min(a, dim, keepdim);
  write_out(values, std::get<0>(r));
  write_out(indices, std::get<1>(r));
  return {values, indices};
}

Tensor argmax(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  return arg_reduce(OpId::argmax, "argmax", a, dim, keepdim);
}
Tensor argmin(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  return arg_reduce(OpId::argmin, "argmin", a, dim, keepdim);
}
Tensor& argmax_out(Tensor& out, const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  check_out_dtype(out, kInt64);
  return write_out(out, argmax(a, dim, keepdim));
}
Tensor& argmin_out(Tensor& out, const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  check_out_dtype(out, kInt64);
  return write_out(out, argmin(a, dim, keepdim));
}

// ---------------- var / std ----------------
namespace {
Reduced var_impl(const Tensor& a, const IntList& dims, double correction, bool keepdim, bool take_sqrt,
                 bool want_mean) {
  check_floating_var(a);
  std::optional<ScalarType> t2;
  if (want_mean) t2 = a.dtype();
  NoGradGuard ng;
  return run_reduce(OpId::var, a, reduce_mask(a, dims), keepdim, a.dtype(), t2, 2, correction, take_sqrt ? 1 : 0);
}
}  // namespace

Tensor var(const Tensor& a, const IntList& dims, double correction, bool keepdim) {
  Tensor r = var_impl(a, dims, correction, keepdim, false, false).out;
  autograd::record_var_std(false, a, r, rdims_of(reduce_mask(a, dims)), correction, keepdim);
  return r;
}
Tensor std(const Tensor& a, const IntList& dims, double correction, bool keepdim) {
  Tensor r = var_impl(a, dims, correction, keepdim, true, false).out;
  autograd::record_var_std(true, a, r, rdims_of(reduce_mask(a, dims)), correction, keepdim);
  return r;
}
// One fused kernel pass; with autograd on, two recorded ops instead (each output gets a grad_fn).
std::tuple<Tensor, Tensor> var_mean(const Tensor& a, const IntList& dims, double correction, bool keepdim) {
  if (autograd::should_record({a})) return {var(a, dims, correction, keepdim), mean(a, dims, keepdim)};
  auto r = var_impl(a, dims, correction, keepdim, false, true);
  return {r.out, r.out2};
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& a, const IntList& dims, double correction, bool keepdim) {
  if (autograd::should_record({a})) return {std(a, dims, correction, keepdim), mean(a, dims, keepdim)};
  auto r = var_impl(a, dims, correction, keepdim, true, true);
  return {r.out, r.out2};
}
Tensor& var_out(Tensor& out, const Tensor& a, const IntList& dims, double correction, bool keepdim) {
  return write_out(out, var(a, dims, correction, keepdim));
}
Tensor& std_out(Tensor& out, const Tensor& a, const IntList& dims, double correction, bool keepdim) {
  return write_out(out, std(a, dims, correction, keepdim));
}

// ---------------- norm ----------------
Tensor norm(const Tensor& a, double p, const IntList& dims, bool keepdim, std::optional<ScalarType> dtype) {
  CT_CHECK(is_floating(a.dtype()), "linalg.vector_norm: Expected a floating point or complex tensor as input. Got ",
           dtype_legacy_name(a.dtype()));
  Tensor x = a;
  if (dtype) {
    CT_CHECK(is_floating(*dtype) && promote_types(a.dtype(), *dtype) == *dtype,
             "linalg.vector_norm: the dtype of the input (", dtype_legacy_name(a.dtype()),
             ") should be convertible without narrowing to the specified dtype (", dtype_legacy_name(*dtype), ")");
    x = to_dtype(a, *dtype);
  }
  auto mask = reduce_mask(x, dims);
  if ((std::isinf(p) || p < 0) && x.numel() == 0) {  // max|x| and negative orders have no identity
    std::string ps = str_cat(p);
    CT_CHECK(!dims.empty(), "linalg.vector_norm cannot compute the ", ps,
             " norm on an empty tensor because the operation does not have an identity");
    for (int64_t d : dims) {
      int64_t w = wrap_dim(d, x.dim());
      CT_CHECK(x.dim() == 0 || x.sizes()[size_t(w)] != 0, "linalg.vector_norm cannot compute the ", ps,
               " norm on the dimension ", w, "because this dimension is empty and the operation does not have an "
               "identity");
    }
  }
  Tensor r;
  {
    NoGradGuard ng;
    r = run_reduce(OpId::norm, x, mask, keepdim, x.dtype(), {}, p).out;
  }
  autograd::record_norm(x, r, p, rdims_of(mask), keepdim);
  return r;
}

Tensor& norm_out(Tensor& out, const Tensor& a, double p, const IntList& dims, bool keepdim,
                 std::optional<ScalarType> dtype) {
  Tensor r = norm(a, p, dims, keepdim, dtype);
  check_out_dtype(out, r.dtype());
  return write_out(out, r);
}

// ---------------- all / any ----------------
namespace {
Tensor logical_reduce(OpId op, const Tensor& a, const std::vector<bool>& mask, bool keepdim) {
  ScalarType rt = a.dtype() == kUInt8 ? kUInt8 : kBool;
  return run_reduce(op, a, mask, keepdim, rt).out;
}
Tensor& logical_out(Tensor& out, const Tensor& r, const char* name) {
  CT_CHECK(out.dtype() == kBool || out.dtype() == kUInt8, name, " only supports bool tensor for result, got: ",
           dtype_legacy_name(out.dtype()));
  return write_out(out, r, false);
}
}  // namespace

Tensor all(const Tensor& a, const IntList& dims, bool keepdim) {
  return logical_reduce(OpId::all, a, reduce_mask(a, dims), keepdim);
}
Tensor any(const Tensor& a, const IntList& dims, bool keepdim) {
  return logical_reduce(OpId::any, a, reduce_mask(a, dims), keepdim);
}
Tensor all_dims(const Tensor& a, const IntList& dims, bool keepdim) {
  return logical_reduce(OpId::all, a, reduce_mask(a, dims, false), keepdim);
}
Tensor any_dims(const Tensor& a, const IntList& dims, bool keepdim) {
  return logical_reduce(OpId::any, a, reduce_mask(a, dims, false), keepdim);
}
Tensor& all_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim) {
  return logical_out(out, all(a, dims, keepdim), "all");
}
Tensor& any_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim) {
  return logical_out(out, any(a, dims, keepdim), "any");
}

// ---------------- logsumexp ----------------
Tensor logsumexp(const Tensor& a, const IntList& dims, bool keepdim) {
  auto mask = reduce_mask(a, dims);
  Tensor r;
  {
    NoGradGuard ng;
    Tensor x = is_floating(a.dtype()) ? a : to_dtype(a, get_default_dtype());
    r = run_reduce(OpId::logsumexp, x, mask, keepdim, x.dtype()).out;
  }
  autograd::record_logsumexp(a, r, rdims_of(mask), keepdim);
  return r;
}
Tensor& logsumexp_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim) {
  CT_CHECK(is_floating(out.dtype()), "logsumexp(): Expected floating point type for result tensor, but got: ",
           dtype_legacy_name(out.dtype()));
  return write_out(out, logsumexp(a, dims, keepdim));
}

// ---------------- cumsum / cumprod ----------------
namespace {
Tensor scan(OpId op, const char* name, const Tensor& a, int64_t dim, ScalarType rt) {
  int64_t w = wrap_dim(dim, a.dim());
  CT_CHECK_T(rt != kBool, NotImplementedError, "\"", name, "_out_cpu\" not implemented for 'Bool'");
  Tensor x = a.dtype() == rt ? a : to_dtype(a, rt);
  Tensor out = empty(x.sizes(), x.options());
  if (x.numel() == 0) return out;
  ReduceDesc d;
  d.in = x.data_ptr();
  d.in_dtype = rt;
  d.out = out.data_ptr();
  d.out_dtype = rt;
  // Outer dims keep their order; coalescing is unnecessary here (offsets are computed per row).
  int n = 0;
  for (int64_t i = 0; i < x.dim(); ++i) {
    if (i == w || x.sizes()[size_t(i)] == 1) continue;
    if (n == kMaxReduceDims) {  // very high rank: scan a [rows, R] contiguous copy
      Tensor xc = contiguous(movedim(x, {w}, {-1}));
      Tensor r = scan(op, name, reshape(xc, {-1, x.sizes()[size_t(w)]}), 1, rt);
      return contiguous(movedim(reshape(r, xc.sizes()), {-1}, {w}));
    }
    d.outer_sizes[n] = x.sizes()[size_t(i)];
    d.outer_strides[n] = x.strides()[size_t(i)];
    d.out_outer_strides[n] = out.strides()[size_t(i)];
    d.outer_numel *= x.sizes()[size_t(i)];
    ++n;
  }
  d.n_outer = n;
  d.reduce_size = x.dim() == 0 ? 1 : x.sizes()[size_t(w)];
  d.reduce_stride = x.dim() == 0 ? 0 : x.strides()[size_t(w)];
  d.out_reduce_stride = x.dim() == 0 ? 0 : out.strides()[size_t(w)];
  kernel<ReduceFn>(op, x.device())(d);
  return out;
}
}  // namespace

Tensor cumsum(const Tensor& a, int64_t dim, std::optional<ScalarType> dtype) {
  Tensor r;
  {
    NoGradGuard ng;
    r = scan(OpId::cumsum, "cumsum", a, dim, sum_result_dtype(a, dtype));
  }
  autograd::record_cumsum(a, r, wrap_dim(dim, a.dim()));
  return r;
}
Tensor cumprod(const Tensor& a, int64_t dim, std::optional<ScalarType> dtype) {
  Tensor r;
  {
    NoGradGuard ng;
    r = scan(OpId::cumprod, "cumprod", a, dim, sum_result_dtype(a, dtype));
  }
  autograd::record_cumprod(a, r, wrap_dim(dim, a.dim()));
  return r;
}
Tensor& cumsum_out(Tensor& out, const Tensor& a, int64_t dim, std::optional<ScalarType> dtype) {
  if (dtype) check_out_dtype(out, *dtype);
  check_partial_overlap(out, a);  // PyTorch's scans reject it (they read what they already wrote)
  return write_out(out, scan(OpId::cumsum, "cumsum", a, dim, out.dtype()), false);
}
Tensor& cumprod_out(Tensor& out, const Tensor& a, int64_t dim, std::optional<ScalarType> dtype) {
  if (dtype) check_out_dtype(out, *dtype);
  check_partial_overlap(out, a);  // PyTorch's scans reject it (they read what they already wrote)
  return write_out(out, scan(OpId::cumprod, "cumprod", a, dim, out.dtype()), false);
}

}  // namespace ctorch
