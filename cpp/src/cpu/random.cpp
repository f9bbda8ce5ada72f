// CPU kernels of the random rows: contiguous fills drawn from the PyTorch-exact generator.
// 16-bit and integer outputs are drawn into a float/double/int64 buffer (what torch computes)
// and converted, so the streams stay identical to torch's for every dtype.
#include <cstring>
#include <limits>
#include <vector>

#include "ctorch/core/generator.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/creation.h"
#include "loops-inl.h"

namespace ctorch {
namespace cpu {

namespace {

[[noreturn]] void not_implemented(const char* what, ScalarType t) {
  throw NotImplementedError(str_cat("\"", what, "\" not implemented for '", dtype_legacy_name(t), "'"));
}

// Converts n values of type From to out's dtype (out is contiguous).
template <class From>
void store_as(Tensor& out, const From* src, int64_t n) {
  CT_DISPATCH_ALL(out.dtype(), "random", [&] {
    scalar_t* o = out.data_ptr<scalar_t>();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same<scalar_t, bool>::value) o[i] = src[i] != From(0);
      else o[i] = scalar_t(compute_t<scalar_t>(src[i]));
    }
  });
}

void uniform_kernel(Tensor& out, double from, double to, Generator& g) {
  int64_t n = out.numel();
  switch (out.dtype()) {
    case kFloat32: return uniform_fill(out.data_ptr<float>(), n, from, to, g);
    case kFloat64: return uniform_fill(out.data_ptr<double>(), n, from, to, g);
    case kFloat16:
    case kBFloat16: {
      std::vector<float> buf(static_cast<size_t>(n));
      if (out.dtype() == kFloat16) uniform_fill_half(buf.data(), n, from, to, g);
      else uniform_fill_bfloat16(buf.data(), n, from, to, g);
      return store_as(out, buf.data(), n);
    }
    default: not_implemented("check_uniform_bounds", out.dtype());
  }
}

void normal_kernel(Tensor& out, double mean, double std, bool contiguous, Generator& g) {
  int64_t n = out.numel();
  switch (out.dtype()) {
    case kFloat32: return normal_fill(out.data_ptr<float>(), n, mean, std, g, contiguous);
    case kFloat64: return normal_fill(out.data_ptr<double>(), n, mean, std, g, contiguous);
    case kFloat16:
    case kBFloat16: {
      std::vector<float> buf(static_cast<size_t>(n));
      if (out.dtype() == kFloat16) normal_fill_half(buf.data(), n, mean, std, g, contiguous);
      else normal_fill_bfloat16(buf.data(), n, mean, std, g, contiguous);
      return store_as(out, buf.data(), n);
    }
    default: not_implemented("normal_kernel_cpu", out.dtype());
  }
}

void bernoulli_kernel(Tensor& out, const Tensor* p, double p_scalar, Generator& g) {
  int64_t n = out.numel();
  if (!p) {
    switch (out.dtype()) {
      case kFloat32: return bernoulli_fill(out.data_ptr<float>(), n, p_scalar, g);
      case kFloat64: return bernoulli_fill(out.data_ptr<double>(), n, p_scalar, g);
      default: {
        std::vector<uint8_t> buf(static_cast<size_t>(n));
        bernoulli_fill(buf.data(), n, p_scalar, g);
        return store_as(out, buf.data(), n);
      }
    }
  }
  if (p->dtype() == kFloat64) {
    if (out.dtype() == kFloat64) return bernoulli_fill(out.data_ptr<double>(), p->data_ptr<double>(), n, g);
    std::vector<double> buf(static_cast<size_t>(n));
    bernoulli_fill(buf.data(), p->data_ptr<double>(), n, g);
    return store_as(out, buf.data(), n);
  }
  CT_CHECK(p->dtype() == kFloat32, "[bernoulli] p must be float32 or float64 here, got ", dtype_name(p->dtype()));
  if (out.dtype() == kFloat32) return bernoulli_fill(out.data_ptr<float>(), p->data_ptr<float>(), n, g);
  std::vector<float> buf(static_cast<size_t>(n));
  bernoulli_fill(buf.data(), p->data_ptr<float>(), n, g);
  store_as(out, buf.data(), n);
}

// random_() without bounds: torch's uniform_int over [0, 2^digits] (floats) or [0, max] (ints);
// int64/double draw random64(), the rest random().
void random_default(Tensor& out, Generator& g) {
  int64_t n = out.numel();
  ScalarType dt = out.dtype();
  std::lock_guard<std::mutex> lock(g.mutex());
  if (dt == kBool) {
    bool* o = out.data_ptr<bool>();
    for (int64_t i = 0; i < n; ++i) o[i] = (g.random() & 1) != 0;
    return;
  }
  uint64_t mod;
  switch (dt) {
    case kUInt8: mod = 256; break;
    case kInt8: mod = 128; break;
    case kInt16: mod = 32768; break;
    case kInt32: mod = 2147483648ULL; break;
    case kInt64: mod = 9223372036854775808ULL; break;
    case kFloat16: mod = (1ULL << 11) + 1; break;
    case kBFloat16: mod = (1ULL << 8) + 1; break;
    case kFloat32: mod = (1ULL << 24) + 1; break;
    default: mod = (1ULL << 53) + 1; break;
  }
  bool wide = dt == kInt64 || dt == kFloat64;
  std::vector<int64_t> buf(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) buf[size_t(i)] = int64_t((wide ? g.random64() : uint64_t(g.random())) % mod);
  store_as(out, buf.data(), n);
}

void randint_kernel(Tensor& out, int64_t low, int64_t high, Generator& g) {
  int64_t n = out.numel();
  if (low == high && low == std::numeric_limits<int64_t>::min()) {  // random_(INT64_MIN): all 64 bits
    std::vector<int64_t> buf(static_cast<size_t>(n));
    {
      std::lock_guard<std::mutex> lock(g.mutex());
      for (auto& v : buf) v = int64_t(g.random64());
    }
    return store_as(out, buf.data(), n);
  }
  if (low == high) return random_default(out, g);
  if (out.dtype() == kInt64) return randint_fill(out.data_ptr<int64_t>(), n, low, high, g);
  std::vector<int64_t> buf(static_cast<size_t>(n));
  randint_fill(buf.data(), n, low, high, g);
  store_as(out, buf.data(), n);
}

}  // namespace

void register_random_kernels() {
  register_kernel(OpId::uniform, kCPU, reinterpret_cast<void*>(&uniform_kernel));
  register_kernel(OpId::normal, kCPU, reinterpret_cast<void*>(&normal_kernel));
  register_kernel(OpId::bernoulli, kCPU, reinterpret_cast<void*>(&bernoulli_kernel));
  register_kernel(OpId::randint, kCPU, reinterpret_cast<void*>(&randint_kernel));
}

}  // namespace cpu
}  // namespace ctorch
