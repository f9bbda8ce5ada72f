// Random front ends: argument checks with torch's messages, then a contiguous fill through the
// random kernel rows. Strided targets get a temporary that is filled in the order torch's
// TensorIterator visits them (memory order) and copied in, so streams match torch's.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "ctorch/autograd/autograd.h"
#include "ctorch/core/generator.h"
#include "ctorch/cuda/cuda_api.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

namespace {

Generator& gen_or_default(Generator* g) { return g ? *g : default_generator(); }

// The generator for filling t: a CUDA generator cannot drive a CPU fill (PyTorch's error). The
// CUDA kernels check the converse themselves (they are handed the default CPU generator when none
// was given).
Generator& gen_for(const Tensor& t, Generator* g) {
  if (g && g->is_cuda() && t.device().is_cpu()) throw Error("Expected a 'cpu' device type for generator but found 'cuda'");
  return gen_or_default(g);
}

// Dims of t ordered outermost-first by stride: permute(t, perm) walks memory in order.
IntList memory_order(const Tensor& t) {
  IntList perm(size_t(t.dim()));
  std::iota(perm.begin(), perm.end(), 0);
  std::stable_sort(perm.begin(), perm.end(),
                   [&](int64_t a, int64_t b) { return t.strides()[a] > t.strides()[b]; });
  return perm;
}

// Calls fill(contiguous tensor) for t's elements and writes the result into t.
template <class F>
Tensor& fill_into(Tensor& t, const F& fill) {
  if (t.numel() == 0) return t;
  if (t.is_contiguous()) {
    fill(t);
    t.get()->bump_version();
    return t;
  }
  Tensor view = permute(t, memory_order(t));
  Tensor tmp = empty(view.sizes(), t.options());
  fill(tmp);
  copy_(view, tmp);
  return t;
}

void check_floating(const Tensor& t, const char* what) {
  if (!is_floating(t.dtype()))
    throw NotImplementedError(str_cat("\"", what, "\" not implemented for '", dtype_legacy_name(t.dtype()), "'"));
}

// Contiguous copy of p in float (float16/bfloat16/float32) or double, broadcast to `shape`.
Tensor bernoulli_probs(const Tensor& p, const Shape& shape) {
  if (!is_floating(p.dtype()))
    throw NotImplementedError(str_cat("\"", p.is_cuda() ? "bernoulli_tensor_cuda_p_" : "bernoulli_tensor_cpu_p_",
                                      "\" not implemented for '", dtype_legacy_name(p.dtype()),
                                      "'"));
  ScalarType dt = p.dtype() == kFloat64 ? kFloat64 : kFloat32;
  Tensor c = empty(shape, TensorOptions().dtype(dt));
  copy_(c, p.device().is_cpu() ? p : to_device(p, Device()));
  int64_t n = c.numel();
  bool ok = true;
  if (dt == kFloat64) {
    const double* q = c.data_ptr<double>();
    for (int64_t i = 0; i < n && ok; ++i) ok = q[i] >= 0 && q[i] <= 1;
  } else {
    const float* q = c.data_ptr<float>();
    for (int64_t i = 0; i < n && ok; ++i) ok = q[i] >= 0 && q[i] <= 1;
  }
  CT_CHECK(ok, "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  "
               "If so, please report an enhancement request to PyTorch.)");
  return c;
}

// out = a * b + c elementwise in out's dtype with one rounding per op (torch runs mul_ then add_).
void mul_add(Tensor& out, const Tensor& b, const Tensor& c) {
  if (!out.device().is_cpu()) {  // device memory: the same two rounded ops as kernels
    NoGradGuard ng;
    mul_(out, b);
    add_(out, c, Scalar(int64_t(1)));
    return;
  }
  CT_DISPATCH_FLOATING(out.dtype(), "normal", [&] {
    using acc = compute_t<scalar_t>;
    scalar_t* o = out.data_ptr<scalar_t>();
    const scalar_t* pb = b.data_ptr<scalar_t>();
    const scalar_t* pc = c.data_ptr<scalar_t>();
    for (int64_t i = 0, n = out.numel(); i < n; ++i) {
      scalar_t s = scalar_t(acc(o[i]) * acc(pb[i]));
      o[i] = scalar_t(acc(s) + acc(pc[i]));
    }
  });
}

Tensor contiguous_as(const Tensor& t, const Shape& shape, ScalarType dt) {
  Tensor c = empty(shape, TensorOptions().dtype(dt).device(t.device()));
  copy_(c, t);
  return c;
}

void check_std_tensor(const Tensor& std) {
  // Checked on the host (one copy for a device tensor).
  Tensor s = contiguous_as(std.device().is_cpu() ? std : to_device(std, Device()), std.sizes(), kFloat64);
  const double* p = s.data_ptr<double>();
  for (int64_t i = 0; i < s.numel(); ++i)
    CT_CHECK(p[i] >= 0.0, "normal expects all elements of std >= 0.0");
}

}  // namespace

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

Tensor& uniform_(Tensor& t, double from, double to, Generator* g) {
  CT_CHECK(from <= to, "uniform_ expects to return a [from, to) range, but found from=", from, " > to=", to);
  if (!is_floating(t.dtype()))
    throw NotImplementedError(str_cat("\"check_uniform_bounds\" not implemented for '", dtype_legacy_name(t.dtype()), "'"));
  CT_CHECK(to - from <= std::numeric_limits<double>::max(),
           "uniform_ expects to-from <= std::numeric_limits<", dtype_cpp_name(t.dtype()), ">::max(), but found to=", to,
           " and from=", from, " which result in to-from to exceed the limit");
  Generator& gen = gen_for(t, g);
  auto* k = kernel<UniformKernelFn>(OpId::uniform, t.device());
  return fill_into(t, [&](Tensor& c) { k(c, from, to, gen); });
}

Tensor& normal_(Tensor& t, double mean, double std, Generator* g) {
  CT_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);
  check_floating(t, t.is_cuda() ? "normal_kernel_cuda" : "normal_kernel_cpu");
  Generator& gen = gen_for(t, g);
  auto* k = kernel<NormalKernelFn>(OpId::normal, t.device());
  bool contig = t.is_contiguous();
  return fill_into(t, [&](Tensor& c) { k(c, mean, std, contig, gen); });
}

Tensor& bernoulli_(Tensor& t, double p, Generator* g) {
  CT_CHECK(p >= 0 && p <= 1, "bernoulli_ expects p to be in [0, 1], but got p=", p);
  Generator& gen = gen_for(t, g);
  auto* k = kernel<BernoulliKernelFn>(OpId::bernoulli, t.device());
  return fill_into(t, [&](Tensor& c) { k(c, nullptr, p, gen); });
}

Tensor& bernoulli_(Tensor& t, const Tensor& p, Generator* g) {
  Generator& gen = gen_for(t, g);
  auto* k = kernel<BernoulliKernelFn>(OpId::bernoulli, t.device());
  // Probabilities laid out like the (possibly permuted) fill temporary.
  Tensor pe = expand(p, t.sizes());
  if (!t.is_contiguous()) pe = permute(pe, memory_order(t));
  Tensor probs = bernoulli_probs(pe, pe.sizes());
  if (!t.device().is_cpu()) probs = to_device(probs, t.device());
  return fill_into(t, [&](Tensor& c) { k(c, &probs, 0.0, gen); });
}

namespace {
// Bounds of random_/randint for integral dtypes, torch's messages ("from is out of bounds for int").
void check_int_bounds(ScalarType dt, int64_t from, int64_t to_inc) {
  if (is_floating(dt)) return;  // torch only warns for floats outside [-2^digits, 2^digits]
  int64_t lo, hi;
  switch (dt) {
    case kBool: lo = 0; hi = 1; break;
    case kUInt8: lo = 0; hi = 255; break;
    case kInt8: lo = -128; hi = 127; break;
    case kInt16: lo = -32768; hi = 32767; break;
    case kInt32: lo = std::numeric_limits<int32_t>::min(); hi = std::numeric_limits<int32_t>::max(); break;
    default: return;
  }
  CT_CHECK(from >= lo && from <= hi, "from is out of bounds for ", dtype_cpp_name(dt));
  CT_CHECK(to_inc >= lo && to_inc <= hi, "to - 1 is out of bounds for ", dtype_cpp_name(dt));
}
}  // namespace

Tensor& random_(Tensor& t, int64_t from, std::optional<int64_t> to, Generator* g) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  int64_t hi;
  if (to) {
    CT_CHECK(from < *to, "random_ expects 'from' to be less than 'to', but got from=", from, " >= to=", *to);
    hi = *to;
  } else {
    // random_(from): up to the largest value the dtype holds exactly (inclusive).
    switch (t.dtype()) {
      case kBool: hi = 2; break;
      case kUInt8: hi = 256; break;
      case kInt8: hi = 128; break;
      case kInt16: hi = 32768; break;
      case kInt32: hi = int64_t(1) << 31; break;
      case kFloat16: hi = (int64_t(1) << 11) + 1; break;
      case kBFloat16: hi = (int64_t(1) << 8) + 1; break;
      case kFloat32: hi = (int64_t(1) << 24) + 1; break;
      case kFloat64: hi = (int64_t(1) << 53) + 1; break;
      default: hi = kMin; break;  // int64: 2^63, wraps in the kernel's uint64 range
    }
    CT_CHECK(hi == kMin || from < hi, "random_ expects 'from' to be less than 'to', but got from=", from,
             " >= to=", hi);
  }
  if (hi != kMin) check_int_bounds(t.dtype(), from, hi - 1);
  Generator& gen = gen_for(t, g);
  auto* k = kernel<RandintKernelFn>(OpId::randint, t.device());
  return fill_into(t, [&](Tensor& c) { k(c, from, hi, gen); });
}

Tensor& random_(Tensor& t, Generator* g) {
  Generator& gen = gen_for(t, g);
  auto* k = kernel<RandintKernelFn>(OpId::randint, t.device());
  return fill_into(t, [&](Tensor& c) { k(c, 0, 0, gen); });
}

Tensor& exponential_(Tensor& t, double lambd, Generator* g) {
  CT_CHECK(is_floating(t.dtype()),
           "Exponential distribution is a continuous probability distribution. dtype must be a floating point but you "
           "specified ", dtype_legacy_name(t.dtype()));
  CT_CHECK(lambd > 0.0, "exponential_ expects lambda > 0.0, but found lambda=", lambd);
  if (!t.device().is_cpu()) {
    // Device memory: uniforms from the device's generator (uniform_ rejects a CPU generator, as
    // PyTorch does), then the same transformation, -1/lambda * log1p(-u), as kernels.
    if (t.numel() == 0) return t;
    NoGradGuard ng;
    Tensor u = empty(t.sizes(), t.options().dtype(t.dtype() == kFloat64 ? kFloat64 : kFloat32));
    uniform_(u, 0.0, 1.0, g);
    copy_(t, mul(log1p(neg(u)), Scalar(-1.0 / lambd)));
    return t;
  }
  Generator& gen = gen_for(t, g);
  return fill_into(t, [&](Tensor& c) {
    // torch's exponential_distribution<double>: -1/lambda * log1p(-u), u a 53-bit uniform.
    int64_t n = c.numel();
    Tensor buf = empty({n}, TensorOptions().dtype(kFloat64));
    double* p = buf.data_ptr<double>();
    {
      std::lock_guard<std::mutex> lock(gen.mutex());
      for (int64_t i = 0; i < n; ++i) {
        double u = double(gen.random64() & ((1ULL << 53) - 1)) * (1.0 / 9007199254740992.0);
        p[i] = -1.0 / lambd * std::log1p(-u);
      }
    }
    Tensor cv = view(c, {n});
    copy_(cv, buf);
  });
}

Tensor rand(const IntList& size, const TensorOptions& o, Generator* g) {
  Tensor t = empty(size, o);
  return uniform_(t, 0, 1, g);
}

Tensor randn(const IntList& size, const TensorOptions& o, Generator* g) {
  Tensor t = empty(size, o);
  return normal_(t, 0, 1, g);
}

Tensor randint(int64_t low, int64_t high, const IntList& size, const TensorOptions& o, Generator* g) {
  TensorOptions oo = o;
  if (!oo.dtype_) oo.dtype_ = kInt64;
  Tensor t = empty(size, oo);
  return random_(t, low, high, g);
}

Tensor randperm(int64_t n, const TensorOptions& o, Generator* g) {
  CT_CHECK(n >= 0, "Trying to create tensor with negative dimension ", n, ": [", n, "]");
  ScalarType dt = o.dtype_ ? *o.dtype_ : kInt64;
  if (dt == kBool) throw NotImplementedError("\"randperm\" not implemented for 'Bool'");
  if (dt == kFloat16) CT_CHECK(n <= 2049, "n cannot be greater than 2049 for Half type.");
  if (dt == kBFloat16) CT_CHECK(n <= 257, "n cannot be greater than 257 for BFloat16 type.");
  const char* cname = dt == kUInt8 ? "uint8_t" : dt == kInt8 ? "int8_t" : dt == kInt16 ? "int16_t" : "int";
  int64_t maxv = dt == kUInt8 ? 255 : dt == kInt8 ? 127 : dt == kInt16 ? 32767
               : dt == kInt32 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
  CT_CHECK(n <= maxv, "value cannot be converted to type ", cname, " without overflow");
  Tensor idx = empty({n}, TensorOptions().dtype(kInt64));
  if (o.device_.is_cpu()) {
    randperm_fill(idx.data_ptr<int64_t>(), n, gen_for(idx, g));
    return to_dtype(idx, dt);
  }
  // CUDA: the shuffle runs on the host, but its randomness comes from the device's generator (as
  // in PyTorch, cuda.manual_seed decides it and the CPU stream is untouched): a CPU generator is
  // seeded from the device's (seed, offset), which then advances like one kernel's draw.
  CT_CHECK(!g || g->is_cuda(), "Expected a 'cuda' device type for generator but found 'cpu'");
  const Device d = cuda::resolve(o.device_);
  uint64_t seed = 0, offset = 0;
  if (g) {
    std::tie(seed, offset) = g->philox_reserve(4);
  } else {
    cuda::get_rng_state(d.index, &seed, &offset);
    cuda::set_rng_state(d.index, seed, offset + 4);
  }
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (offset / 4 + 1);  // splitmix64 of (seed, offset)
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  Generator local(z ^ (z >> 31));
  randperm_fill(idx.data_ptr<int64_t>(), n, local);
  return to_device(to_dtype(idx, dt), d);
}

Tensor normal(double mean, double std, const IntList& size, const TensorOptions& o, Generator* g) {
  CT_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);
  Tensor t = empty(size, o);
  return normal_(t, mean, std, g);
}

Tensor normal(const Tensor& mean, const Tensor& std, Generator* g) {
  check_std_tensor(std);
  Shape shape = broadcast_shapes(mean.sizes(), std.sizes());
  Tensor out = empty(shape, mean.options());
  normal_(out, 0, 1, g);
  mul_add(out, contiguous_as(std, shape, out.dtype()), contiguous_as(mean, shape, out.dtype()));
  return out;
}

Tensor normal(const Tensor& mean, double std, Generator* g) {
  CT_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);
  Tensor out = empty(mean.sizes(), mean.options());
  normal_(out, 0, std, g);
  Tensor ones_t = full(mean.sizes(), Scalar(int64_t(1)), out.options());
  mul_add(out, ones_t, contiguous_as(mean, mean.sizes(), out.dtype()));
  return out;
}

Tensor normal(double mean, const Tensor& std, Generator* g) {
  check_std_tensor(std);
  Tensor out = empty(std.sizes(), std.options());
  normal_(out, 0, 1, g);
  Tensor mean_t = full(std.sizes(), Scalar(mean), out.options());
  mul_add(out, contiguous_as(std, std.sizes(), out.dtype()), mean_t);
  return out;
}

Tensor bernoulli(const Tensor& p, Generator* g) {
  Tensor out = empty(p.sizes(), p.options());
  return bernoulli_(out, p, g);
}

Tensor bernoulli(const Tensor& input, double p, Generator* g) {
  Tensor out = empty(input.sizes(), input.options());
  return bernoulli_(out, p, g);
}

}  // namespace ctorch
