// Deterministic factories (random ones live in random.cpp).
#include "ctorch/ops/creation.h"

#include <cmath>

#include "ctorch/dispatch/registry.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

namespace {
void check_sizes(const IntList& size) {
  for (auto s : size)
    CT_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", shape_str(size));
}
}  // namespace

Tensor empty_strided(const IntList& size, const IntList& stride, const TensorOptions& o) {
  check_sizes(size);
  ScalarType dt = o.dtype_or_default();
  int64_t need = 1;
  bool any_zero = false;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == 0) any_zero = true;
    need += (size[i] - 1) * stride[i];
  }
  if (any_zero) need = 0;
  auto storage = std::make_shared<StorageImpl>(size_t(need * itemsize(dt)), o.device_);
  Tensor t(std::make_shared<TensorImpl>(std::move(storage), dt, size, stride, 0));
  if (o.requires_grad_) t.set_requires_grad(true);
  return t;
}

Tensor empty(const IntList& size, const TensorOptions& o) {
  return empty_strided(size, contiguous_strides(size), o);
}

Tensor full(const IntList& size, const Scalar& v, const TensorOptions& o) {
  TensorOptions oo = o;
  if (!oo.dtype_) oo.dtype_ = v.natural_dtype();
  bool rg = oo.requires_grad_;
  oo.requires_grad_ = false;
  Tensor t = empty(size, oo);
  fill_(t, v);
  if (rg) t.set_requires_grad(true);
  return t;
}
Tensor zeros(const IntList& size, const TensorOptions& o) {
  TensorOptions oo = o;
  if (!oo.dtype_) oo.dtype_ = get_default_dtype();
  return full(size, Scalar(int64_t(0)), oo);
}
Tensor ones(const IntList& size, const TensorOptions& o) {
  TensorOptions oo = o;
  if (!oo.dtype_) oo.dtype_ = get_default_dtype();
  return full(size, Scalar(int64_t(1)), oo);
}

namespace {
TensorOptions like(const Tensor& t, const TensorOptions& o) {
  TensorOptions r = o;
  if (!r.dtype_) r.dtype_ = t.dtype();
  return r;
}
}  // namespace
Tensor empty_like(const Tensor& t, const TensorOptions& o) { return empty(t.sizes(), like(t, o)); }
Tensor zeros_like(const Tensor& t, const TensorOptions& o) { return zeros(t.sizes(), like(t, o)); }
Tensor ones_like(const Tensor& t, const TensorOptions& o) { return ones(t.sizes(), like(t, o)); }
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o) { return full(t.sizes(), v, like(t, o)); }

Tensor arange(const Scalar& end, const TensorOptions& o) { return arange(Scalar(int64_t(0)), end, Scalar(int64_t(1)), o); }

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& o) {
  bool all_int = !start.is_float() && !end.is_float() && !step.is_float();
  ScalarType dt = o.dtype_ ? *o.dtype_ : (all_int ? kInt64 : get_default_dtype());
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  CT_CHECK(st != 0, "step must be nonzero");
  CT_CHECK(std::isfinite(s) && std::isfinite(e), "unsupported range: ", s, " -> ", e);
  CT_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), "upper bound and larger bound inconsistent with step sign");
  int64_t n;
  if (all_int) {
    int64_t is = start.to_long(), ie = end.to_long(), ist = step.to_long();
    n = (ie - is + ist + (ist > 0 ? -1 : 1)) / ist;
  } else {
    n = int64_t(std::ceil((e - s) / st));
  }
  Tensor t = empty({std::max<int64_t>(n, 0)}, TensorOptions().dtype(dt).device(o.device_));
  IterConfig c;
  c.op = "arange";
  c.outputs = {t};
  c.promote_inputs = false;
  c.is_inplace = true;
  TensorIter it(std::move(c));
  it.scalars[0] = start;
  it.scalars[1] = step;
  kernel<PointwiseFn>(OpId::arange_fill, t.device())(it);
  if (o.requires_grad_) t.set_requires_grad(true);
  return t;
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& o) {
  CT_CHECK(steps >= 0, "number of steps must be non-negative");
  ScalarType dt = o.dtype_or_default();
  // Computed in float64 then cast; PyTorch fills the second half from the end for symmetry.
  Tensor t = empty({steps}, TensorOptions().dtype(kFloat64));
  double s = start.to_double(), e = end.to_double();
  double* p = t.data_ptr<double>();
  if (steps == 1) p[0] = s;
  if (steps > 1) {
    double step = (e - s) / double(steps - 1);
    int64_t half = steps / 2;
    for (int64_t i = 0; i < steps; ++i) p[i] = i < half ? s + step * double(i) : e - step * double(steps - i - 1);
  }
  if (!is_floating(dt)) {
    // Integer linspace truncates the float values.
    Tensor r = to_dtype(t, dt);
    return o.device_.is_cpu() ? r : to_device(r, o.device_);
  }
  Tensor r = to_dtype(t, dt);
  return o.device_.is_cpu() ? r : to_device(r, o.device_);
}

Tensor logspace(const Scalar& start, const Scalar& end, int64_t steps, double base, const TensorOptions& o) {
  Tensor lin = linspace(start, end, steps, TensorOptions().dtype(kFloat64));
  double* p = lin.data_ptr<double>();
  for (int64_t i = 0; i < steps; ++i) p[i] = std::pow(base, p[i]);
  Tensor r = to_dtype(lin, o.dtype_or_default());
  return o.device_.is_cpu() ? r : to_device(r, o.device_);
}

Tensor eye(int64_t n, std::optional<int64_t> m_opt, const TensorOptions& o) {
  CT_CHECK(n >= 0, "n must be greater or equal to 0, got ", n);
  int64_t m = m_opt.value_or(n);
  CT_CHECK(m >= 0, "m must be greater or equal to 0, got ", m);
  Tensor t = zeros({n, m}, o);
  Tensor d = diagonal(t);
  fill_(d, Scalar(int64_t(1)));
  t.get()->set_version_counter(std::make_shared<VersionCounter>());
  return t;
}

Tensor from_blob(void* data, const IntList& size, const IntList& stride, ScalarType dtype,
                 std::function<void()> release) {
  int64_t need = 1;
  for (size_t i = 0; i < size.size(); ++i) need += (size[i] - 1) * stride[i];
  auto storage = std::make_shared<StorageImpl>(data, size_t(std::max<int64_t>(need, 0) * itemsize(dtype)), Device(),
                                               std::move(release));
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), dtype, size, stride, 0));
}

}  // namespace ctorch
