// Deterministic factories (random ones live in random.cpp).
#include "ctorch/ops/creation.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "ctorch/core/parallel.h"
#include "ctorch/dispatch/dtype_dispatch.h"
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

namespace {
// c10::checked_convert: the fill value must fit the dtype (ints may wrap into unsigned types).
void check_fits(const Scalar& v, ScalarType dt) {
  static const char* names[kNumDtypes] = {"bool", "uint8_t", "int8_t", "int16_t", "int", "int64_t",
                                          "c10::Half", "c10::BFloat16", "float", "double"};
  if (dt == kBool || v.is_bool()) return;
  double lo, hi;
  switch (dt) {
    case kUInt8: lo = 0; hi = 255; break;
    case kInt8: lo = -128; hi = 127; break;
    case kInt16: lo = -32768; hi = 32767; break;
    case kInt32: lo = -2147483648.0; hi = 2147483647.0; break;
    case kInt64: lo = -9223372036854775808.0; hi = 9223372036854775807.0; break;
    case kFloat16: lo = -65504.0; hi = 65504.0; break;
    case kBFloat16: lo = -3.3895313892515355e38; hi = 3.3895313892515355e38; break;
    case kFloat32: lo = -3.4028234663852886e38; hi = 3.4028234663852886e38; break;
    default: return;
  }
  bool bad;
  if (v.is_int()) {
    int64_t i = v.to_long();
    if (is_floating(dt)) return;
    bad = dt == kUInt8 ? (i > 255 || i < -255) : (double(i) < lo || double(i) > hi);
  } else {
    double d = v.to_double();
    if (is_floating(dt)) bad = !std::isinf(d) && !std::isnan(d) && (d < lo || d > hi);
    else bad = std::isnan(d) || d < lo || d > hi;
  }
  CT_CHECK(!bad, "value cannot be converted to type ", names[int(dt)], " without overflow");
}
}  // namespace

Tensor full(const IntList& size, const Scalar& v, const TensorOptions& o) {
  TensorOptions oo = o;
  if (!oo.dtype_) oo.dtype_ = v.natural_dtype();
  check_fits(v, *oo.dtype_);
  bool rg = oo.requires_grad_;
  oo.requires_grad_ = false;
  Tensor t = empty(size, oo);
  fill_(t, v);
  t.get()->set_version_counter(std::make_shared<VersionCounter>());  // a fresh tensor starts at version 0
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
  if (!r.has_device_) r = r.device(t.device());  // zeros_like(cuda_t) stays on cuda_t's device
  return r;
}
}  // namespace

bool is_non_overlapping_and_dense(const Tensor& t) {
  if (t.numel() == 0 || t.is_contiguous()) return true;
  int64_t nd = t.dim();
  const Shape& sz = t.sizes();
  const Shape& st = t.strides();
  if (nd == 1) return sz[0] < 2 || st[0] == 1;
  IntList perm(size_t(nd), 0);
  for (int64_t i = 0; i < nd; ++i) perm[size_t(i)] = i;
  std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
    if (sz[a] < 2) return false;
    if (sz[b] < 2) return true;
    return st[a] < st[b];
  });
  int64_t require = 1;
  for (int64_t d : perm) {
    if (sz[d] < 2) return true;
    if (st[d] != require) return false;
    require *= sz[d];
  }
  return true;
}

// Dense strides that keep t's dimension order (torch's infer_dense_strides; 0 strides stay put).
IntList infer_dense_strides(const Tensor& t) {
  int64_t nd = t.dim();
  const Shape& sz = t.sizes();
  const Shape& st = t.strides();
  IntList perm(static_cast<size_t>(nd));
  for (int64_t i = 0; i < nd; ++i) perm[size_t(i)] = nd - 1 - i;  // innermost first
  auto should_swap = [&](int64_t d0, int64_t d1) {
    if (st[d0] == 0 || st[d1] == 0) return 0;
    if (st[d0] < st[d1]) return -1;
    if (st[d0] > st[d1]) return 1;
    return sz[d0] > sz[d1] ? 1 : 0;
  };
  for (int64_t i = 1; i < nd; ++i) {
    int64_t d1 = i;
    for (int64_t j = 1; j <= i; ++j) {
      int64_t d0 = i - j;
      int c = should_swap(perm[size_t(d0)], perm[size_t(d1)]);
      if (c > 0) {
        std::swap(perm[size_t(d0)], perm[size_t(d1)]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  IntList out(static_cast<size_t>(nd));
  int64_t cur = 1;
  for (int64_t i = 0; i < nd; ++i) {
    int64_t d = perm[size_t(i)];
    out[size_t(d)] = cur;
    if (sz[d] > 1) cur *= sz[d];
  }
  return out;
}

// torch's memory_format=preserve_format: dense layouts keep their strides, others get dense
// strides in the same dimension order.
Tensor empty_like(const Tensor& t, const TensorOptions& o) {
  TensorOptions oo = like(t, o);
  if (t.is_contiguous() && t.numel() != 0) return empty(t.sizes(), oo);
  if (is_non_overlapping_and_dense(t)) return empty_strided(t.sizes(), t.strides(), oo);
  return empty_strided(t.sizes(), infer_dense_strides(t), oo);
}
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o) {
  TensorOptions oo = like(t, o);
  check_fits(v, *oo.dtype_);
  oo.requires_grad_ = false;
  Tensor r = empty_like(t, oo);
  fill_(r, v);
  r.get()->set_version_counter(std::make_shared<VersionCounter>());  // a fresh tensor starts at version 0
  if (o.requires_grad_) r.set_requires_grad(true);
  return r;
}
Tensor zeros_like(const Tensor& t, const TensorOptions& o) { return full_like(t, Scalar(int64_t(0)), o); }
Tensor ones_like(const Tensor& t, const TensorOptions& o) { return full_like(t, Scalar(int64_t(1)), o); }

Tensor arange(const Scalar& end, const TensorOptions& o) { return arange(Scalar(int64_t(0)), end, Scalar(int64_t(1)), o); }

// Note [Range factories]: torch's CPU kernels round in a specific order (acc types, FMA
// contraction, 32-byte vector blocks for arange), so the CPU path below replays that order to
// match torch bit for bit; other devices use the arange_fill kernel row.
namespace {

template <class T> inline T to_t(double v) { return T(compute_t<T>(v)); }

int64_t range_tasks(int64_t n) {
  int64_t tasks = std::min<int64_t>(std::max(get_num_threads(), 1), (n + kGrainSize - 1) / kGrainSize);
  return std::max<int64_t>(tasks, 1);
}

// arange: value = start + step * idx in acc type A; whole 2*W blocks take a base rounded to T
// then add k * step (torch's Vectorized::arange), the tail is per element.
template <class T, class A>
void arange_cpu(T* out, int64_t n, A start, A step) {
  constexpr int64_t W = 32 / int64_t(sizeof(T));
  auto fmadd = [](A a, A b, A c) -> A {
    if constexpr (std::is_floating_point<A>::value) return std::fma(a, b, c);
    else return a * b + c;
  };
  int64_t chunk = (n + range_tasks(n) - 1) / range_tasks(n);
  for (int64_t b = 0; b < n; b += chunk) {
    int64_t cnt = std::min(n, b + chunk) - b, i = 0, idx = b;
    for (; i + 2 * W <= cnt; i += 2 * W) {
      for (int64_t v = 0; v < 2 * W; v += W, idx += W) {
        T base = T(fmadd(step, A(idx), start));
        out[b + i + v] = base;
        for (int64_t k = 1; k < W; ++k) out[b + i + v + k] = T(fmadd(A(k), step, A(compute_t<T>(base))));
      }
    }
    for (; i < cnt; ++i, ++idx) out[b + i] = T(fmadd(step, A(idx), start));
  }
}

// linspace: per element, start + step * i for the first half and end - step * (n - 1 - i) for
// the rest, in T (float16/bfloat16 round after every op; integers step in double).
template <class T>
void linspace_cpu(T* out, int64_t n, const Scalar& s, const Scalar& e) {
  if constexpr (std::is_integral<T>::value) {
    double start = double(s.to<T>()), end = double(e.to<T>());
    double step = (end - start) / double(n - 1);
    for (int64_t i = 0; i < n; ++i)
      out[i] = T(i < n / 2 ? std::fma(step, double(i), start) : std::fma(-step, double(n - 1 - i), end));
  } else if constexpr (std::is_floating_point<T>::value) {
    T start = T(s.to_double()), end = T(e.to_double());
    T step = (end - start) / T(n - 1);
    for (int64_t i = 0; i < n; ++i)
      out[i] = i < n / 2 ? std::fma(step, T(i), start) : std::fma(-step, T(n - 1 - i), end);
  } else {  // Half / BFloat16 arithmetic: float op, then round
    auto r = [](float v) { return float(T(v)); };
    float start = r(float(s.to_double())), end = r(float(e.to_double()));
    float step = r(r(end - start) / r(float(n - 1)));
    for (int64_t i = 0; i < n; ++i)
      out[i] = T(i < n / 2 ? start + r(step * r(float(i))) : end - r(step * r(float(n - 1 - i))));
  }
}

// logspace: pow(base, start + step * i) in double for floating types, float for integer types.
template <class T>
void logspace_cpu(T* out, int64_t n, const Scalar& s, const Scalar& e, double base) {
  if constexpr (std::is_integral<T>::value) {
    T start = s.to<T>(), end = e.to<T>();
    float step = float(end - start) / float(n - 1), fb = float(base);
    for (int64_t i = 0; i < n; ++i)
      out[i] = T(i < n / 2 ? std::pow(fb, float(start) + step * float(i))
                           : std::pow(fb, float(end) - step * float(n - i - 1)));
  } else {
    using C = compute_t<T>;
    T start = to_t<T>(s.to_double()), end = to_t<T>(e.to_double());
    double step = double(C(T(C(end) - C(start)))) / double(n - 1);
    for (int64_t i = 0; i < n; ++i) {
      double v = i < n / 2 ? double(C(start)) + step * double(i) : double(C(end)) - step * double(n - i - 1);
      out[i] = T(C(std::pow(base, v)));
    }
  }
}

}  // namespace

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& o) {
  bool all_int = !start.is_float() && !end.is_float() && !step.is_float();
  ScalarType dt = o.dtype_ ? *o.dtype_ : (all_int ? kInt64 : get_default_dtype());
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  CT_CHECK(st != 0, "step must be nonzero");
  CT_CHECK(std::isfinite(s) && std::isfinite(e), "unsupported range: ", s, " -> ", e);
  CT_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), "upper bound and lower bound inconsistent with step sign");
  if (dt == kBool) throw NotImplementedError("\"arange_cpu\" not implemented for 'Bool'");
  int64_t n;
  if (all_int) {
    int64_t is = start.to_long(), ie = end.to_long(), ist = step.to_long();
    n = (ie - is + ist + (ist > 0 ? -1 : 1)) / ist;
  } else {
    n = int64_t(std::ceil((e - s) / st));
  }
  n = std::max<int64_t>(n, 0);
  Tensor t = empty({n}, TensorOptions().dtype(dt).device(o.device_));
  if (o.device_.is_cpu()) {
    CT_DISPATCH_NUMERIC(dt, "arange_cpu", [&] {
      if constexpr (std::is_integral<scalar_t>::value)
        arange_cpu<scalar_t, int64_t>(t.data_ptr<scalar_t>(), n, start.to_long(), step.to_long());
      else if constexpr (std::is_floating_point<scalar_t>::value)
        arange_cpu<scalar_t, double>(t.data_ptr<scalar_t>(), n, s, st);
      else
        arange_cpu<scalar_t, float>(t.data_ptr<scalar_t>(), n, float(s), float(st));
    });
  } else {
    IterConfig c;
    c.op = "arange";
    c.outputs = {t};
    c.promote_inputs = false;
    c.is_inplace = true;
    TensorIter it(std::move(c));
    it.scalars[0] = start;
    it.scalars[1] = step;
    kernel<PointwiseFn>(OpId::arange_fill, t.device())(it);
  }
  if (o.requires_grad_) t.set_requires_grad(true);
  return t;
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& o) {
  CT_CHECK(steps >= 0, "number of steps must be non-negative");
  ScalarType dt = o.dtype_or_default();
  Tensor t = empty({steps}, TensorOptions().dtype(dt));
  if (steps == 1) fill_(t, start);
  if (steps > 1)
    CT_DISPATCH_NUMERIC(dt, "linspace_cpu", [&] { linspace_cpu<scalar_t>(t.data_ptr<scalar_t>(), steps, start, end); });
  return o.device_.is_cpu() ? t : to_device(t, o.device_);
}

Tensor logspace(const Scalar& start, const Scalar& end, int64_t steps, double base, const TensorOptions& o) {
  CT_CHECK(steps >= 0, "number of steps must be non-negative");
  ScalarType dt = o.dtype_or_default();
  Tensor t = empty({steps}, TensorOptions().dtype(dt));
  if (steps == 1) {
    fill_(t, Scalar(std::pow(base, start.to_double())));
  } else if (steps > 1) {
    CT_DISPATCH_NUMERIC(dt, "logspace_cpu",
                        [&] { logspace_cpu<scalar_t>(t.data_ptr<scalar_t>(), steps, start, end, base); });
  }
  return o.device_.is_cpu() ? t : to_device(t, o.device_);
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
