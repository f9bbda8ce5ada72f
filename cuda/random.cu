// CUDA random kernels (uniform, normal, bernoulli, randint/random_) and the per-device Philox
// generators behind torch.cuda.manual_seed & co.
//
// Streams: the output is cut into groups of 4 consecutive elements; group g is Philox subsequence
// g and draws `calls` blocks (1 block = 4 words: 4 float draws, or 2 double draws). Each launch
// reserves 4 * calls words per subsequence (philox_reserve), so the numbers depend only on
// (seed, offset, numel, dtype, arguments), never on the grid or the GPU model. They are NOT
// PyTorch's CUDA streams (curand's Philox layout differs); the distributions and ranges are.
//
// Semantics follow the CPU kernels (cpu/random.cpp): 24-bit float / 53-bit double uniforms,
// uniform's "== to -> from" fix-up, random_()'s per-dtype default ranges, integer results
// converted to the output dtype like the CPU's store_as.
#include <cuda_runtime.h>

#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <tuple>
#include <type_traits>

#include "common.cuh"
#include "ctorch/core/convert.h"
#include "ctorch/core/generator.h"
#include "ctorch/ops/creation.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "philox.cuh"

namespace ctorch {
namespace cuda {

// ---- per-device default generators ----
// torch.cuda.default_generators[d]: a CUDA Generator per device, made on first use. Seeding all
// of them (-1) needs no GPU: torch.manual_seed calls it unconditionally.
namespace {

constexpr int kMaxRngDevices = 64;  // runtime.cu caps device_count() at 64 too

std::shared_ptr<Generator>& slot(int d) {
  static std::mutex mu;
  static std::shared_ptr<Generator> gens[kMaxRngDevices];  // function-local: any init order
  std::lock_guard<std::mutex> lock(mu);
  if (!gens[d]) gens[d] = Generator::make_cuda(d);
  return gens[d];
}

// -1 means the current device; anything else must be a valid ordinal.
int rng_index(int device) {
  if (device < 0) return current_device();
  check_device(device);
  return device;
}

}  // namespace

std::shared_ptr<Generator> default_generator(int device) { return slot(rng_index(device)); }

PhiloxArgs philox_reserve(int device, uint64_t words_per_subseq) {
  CT_CHECK(device >= 0 && device < kMaxRngDevices, "philox_reserve: bad device index ", device);
  PhiloxArgs a;
  std::tie(a.seed, a.offset) = slot(device)->philox_reserve(words_per_subseq);
  return a;
}

void manual_seed(int device, uint64_t seed) {
  if (device < 0) {
    for (int d = 0; d < kMaxRngDevices; ++d) slot(d)->manual_seed(seed);
    return;
  }
  slot(rng_index(device))->manual_seed(seed);
}

uint64_t initial_seed(int device) { return slot(rng_index(device))->initial_seed(); }

// Like PyTorch's CUDA generator: 64 random bits limited to 53 so the seed survives a double.
uint64_t seed(int device) { return slot(rng_index(device))->seed(); }

void get_rng_state(int device, uint64_t* seed_out, uint64_t* offset_out) {
  const auto st = slot(rng_index(device))->philox_state();
  if (seed_out) *seed_out = st.first;
  if (offset_out) *offset_out = st.second;
}

void set_rng_state(int device, uint64_t seed_in, uint64_t offset_in) {
  CT_CHECK(offset_in % 4 == 0, "offset must be a multiple of 4");  // PyTorch's check
  slot(rng_index(device))->set_philox_state(seed_in, offset_in);
}

// ---- kernels ----
namespace {

// One subsequence per group of 4 outputs; `calls` (1 or 2) Philox blocks per group, words in w[].
// Op::operator()(first element, count <= 4, words) writes the group's elements.
template <class Op>
CT_HOST_DEVICE inline void philox_group(const Op& op, int64_t g, int64_t n, const PhiloxArgs& rng, int calls) {
  uint32_t w[8];
  const PhiloxBlock b0 = philox_draw(rng, uint64_t(g), 0);
  for (int k = 0; k < 4; ++k) w[k] = b0.w[k];
  if (calls > 1) {
    const PhiloxBlock b1 = philox_draw(rng, uint64_t(g), 1);
    for (int k = 0; k < 4; ++k) w[4 + k] = b1.w[k];
  }
  const int64_t i0 = g * 4;
  op(i0, n - i0 < 4 ? int(n - i0) : 4, w);
}

template <class Op>
__global__ void philox_kernel(Op op, int64_t n, PhiloxArgs rng, int calls) {
  const int64_t groups = (n + 3) / 4;
  const int64_t stride = int64_t(blockDim.x) * gridDim.x;
  for (int64_t g = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; g < groups; g += stride)
    philox_group(op, g, n, rng, calls);
}

// Launches op over out's n elements on the current stream of out's device.
// g is the default CPU generator ("none given": the device's own Philox state) or a CUDA
// Generator (check_generator ran first).
template <class Op>
void launch(const Tensor& out, const Op& op, int calls, Generator& g) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const Device d = resolve(out.device());
  DeviceGuard guard(d);
  PhiloxArgs rng;
  if (g.is_cuda()) std::tie(rng.seed, rng.offset) = g.philox_reserve(uint64_t(4 * calls));
  else rng = philox_reserve(d.index, uint64_t(4 * calls));
  const int64_t groups = (n + 3) / 4;
  philox_kernel<<<grid_for(groups), kBlock, 0, stream_of(d)>>>(op, n, rng, calls);
  CT_CUDA_LAUNCH_CHECK();
}

// The Generator argument is what the front end resolved: the default CPU one stands for "no
// generator given"; an explicit CPU generator cannot drive a CUDA kernel (PyTorch's error).
void check_generator(Generator& g) {
  if (!g.is_cuda() && &g != &ctorch::default_generator())
    throw Error("Expected a 'cuda' device type for generator but found 'cpu'");
}

[[noreturn]] void not_implemented(const char* what, ScalarType t) {
  throw NotImplementedError(str_cat("\"", what, "\" not implemented for '", dtype_legacy_name(t), "'"));
}

template <class T>
constexpr bool kIsDouble = std::is_same<T, double>::value;
// Arithmetic type of the float kernels: double for double, float for float and the 16-bit types.
template <class T>
using acc_t = typename std::conditional<kIsDouble<T>, double, float>::type;

// uniform_: [from, to). float types: fma(u24, to - from, from) in float; a result that rounds to
// `to` (in the output type) becomes `from`. double: the same with 53-bit uniforms (2 words each).
template <class T>
struct UniformOp {
  T* out;
  acc_t<T> from, range, to;   // from/to narrowed to acc_t, range = to - from in acc_t
  acc_t<T> to_s, from_s;      // to/from rounded to T (the 16-bit types compare there)
  CT_HOST_DEVICE void operator()(int64_t i0, int cnt, const uint32_t* w) const {
    for (int k = 0; k < cnt; ++k) {
      if constexpr (kIsDouble<T>) {
        const double v = fma(philox_u53(w[2 * k], w[2 * k + 1]), range, from);
        out[i0 + k] = v == to ? from : v;
      } else if constexpr (std::is_same<T, float>::value) {
        const float v = fmaf(philox_u24(w[k]), range, from);
        out[i0 + k] = v == to ? from : v;
      } else {
        const T v = T(fmaf(philox_u24(w[k]), range, from));
        out[i0 + k] = float(v) == to_s ? T(from_s) : v;
      }
    }
  }
};

template <class T>
void uniform_typed(Tensor& out, double from, double to, Generator& g) {
  using A = acc_t<T>;
  UniformOp<T> op;
  op.out = out.data_ptr<T>();
  op.from = A(from);
  op.to = A(to);
  op.range = op.to - op.from;  // float: difference of the narrowed bounds, like the CPU kernel
  op.to_s = A(compute_t<T>(T(A(to))));
  op.from_s = A(compute_t<T>(T(A(from))));
  launch(out, op, kIsDouble<T> ? 2 : 1, g);
}

void uniform_kernel(Tensor& out, double from, double to, Generator& g) {
  check_generator(g);
  switch (out.dtype()) {
    case kFloat32: return uniform_typed<float>(out, from, to, g);
    case kFloat64: return uniform_typed<double>(out, from, to, g);
    case kFloat16: return uniform_typed<Half>(out, from, to, g);
    case kBFloat16: return uniform_typed<BFloat16>(out, from, to, g);
    default: not_implemented("check_uniform_bounds", out.dtype());
  }
}

// sin and cos of 2 pi u, u in [0, 1): sincospi needs no range reduction on device.
CT_HOST_DEVICE inline void sincos_2pi(float u, float* s, float* c) {
#if defined(__CUDA_ARCH__)
  sincospif(2.0f * u, s, c);
#else
  *s = std::sin(6.2831853071795865f * u);
  *c = std::cos(6.2831853071795865f * u);
#endif
}
CT_HOST_DEVICE inline void sincos_2pi(double u, double* s, double* c) {
#if defined(__CUDA_ARCH__)
  sincospi(2.0 * u, s, c);
#else
  *s = std::sin(6.283185307179586 * u);
  *c = std::cos(6.283185307179586 * u);
#endif
}

// normal_: Box-Muller, out = z * std + mean. Each pair of uniforms (u1 in (0, 1] for the log,
// u2 in [0, 1) for the angle) gives two samples: float types use 24-bit uniforms (one word each,
// one block per group), double 53-bit ones (two words each, two blocks per group).
template <class T>
struct NormalOp {
  T* out;
  acc_t<T> mean, std;
  CT_HOST_DEVICE void operator()(int64_t i0, int cnt, const uint32_t* w) const {
    acc_t<T> z[4];
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int p = 0; p < 2; ++p) {
      acc_t<T> u1, u2;
      if constexpr (kIsDouble<T>) {
        u1 = philox_u53_open0(w[4 * p], w[4 * p + 1]);
        u2 = philox_u53(w[4 * p + 2], w[4 * p + 3]);
      } else {
        u1 = philox_u24_open0(w[2 * p]);
        u2 = philox_u24(w[2 * p + 1]);
      }
      acc_t<T> r;
      if constexpr (kIsDouble<T>) r = sqrt(-2.0 * log(u1));
      else r = sqrtf(-2.0f * logf(u1));
      acc_t<T> s, c;
      sincos_2pi(u2, &s, &c);
      z[2 * p] = r * c;
      z[2 * p + 1] = r * s;
    }
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int k = 0; k < 4; ++k) {  // fixed trip count keeps z[] in registers
      if (k >= cnt) break;
      if constexpr (kIsDouble<T>) out[i0 + k] = fma(z[k], std, mean);
      else out[i0 + k] = T(fmaf(z[k], std, mean));
    }
  }
};

template <class T>
void normal_typed(Tensor& out, double mean, double std, Generator& g) {
  NormalOp<T> op{out.data_ptr<T>(), acc_t<T>(mean), acc_t<T>(std)};
  launch(out, op, kIsDouble<T> ? 2 : 1, g);
}

// `contiguous` only selects among the CPU's PyTorch-exact streams; one algorithm serves both here.
void normal_kernel(Tensor& out, double mean, double std, bool /*contiguous*/, Generator& g) {
  check_generator(g);
  switch (out.dtype()) {
    case kFloat32: return normal_typed<float>(out, mean, std, g);
    case kFloat64: return normal_typed<double>(out, mean, std, g);
    case kFloat16: return normal_typed<Half>(out, mean, std, g);
    case kBFloat16: return normal_typed<BFloat16>(out, mean, std, g);
    default: not_implemented("normal_kernel_cuda", out.dtype());
  }
}

// bernoulli: out = u < p as 0/1 in out's dtype. P = float: a float probability tensor against a
// 24-bit uniform (one word per element). P = double: a double tensor, or the scalar p_scalar when
// p is null, against a 53-bit uniform (two words per element), like the CPU kernel.
template <class T, class P>
struct BernoulliOp {
  T* out;
  const P* p;
  double p_scalar;
  CT_HOST_DEVICE void operator()(int64_t i0, int cnt, const uint32_t* w) const {
    for (int k = 0; k < cnt; ++k) {
      bool hit;
      if constexpr (std::is_same<P, float>::value) hit = philox_u24(w[k]) < p[i0 + k];
      else hit = philox_u53(w[2 * k], w[2 * k + 1]) < (p ? p[i0 + k] : p_scalar);
      out[i0 + k] = convert<T>(hit ? 1.0f : 0.0f);
    }
  }
};

void bernoulli_kernel(Tensor& out, const Tensor* p, double p_scalar, Generator& g) {
  check_generator(g);
  if (p) {
    CT_CHECK(p->dtype() == kFloat32 || p->dtype() == kFloat64, "[bernoulli] p must be float32 or float64 here, got ",
             dtype_name(p->dtype()));
    CT_CHECK(p->device() == out.device() && p->is_contiguous() && p->numel() == out.numel(),
             "[bernoulli] p must be a contiguous tensor of out's shape on out's device");
  }
  CT_DISPATCH_ALL(out.dtype(), "bernoulli_cuda", [&] {
    if (p && p->dtype() == kFloat32) {
      launch(out, BernoulliOp<scalar_t, float>{out.data_ptr<scalar_t>(), p->data_ptr<float>(), 0.0}, 1, g);
    } else {
      const double* pd = p ? p->data_ptr<double>() : nullptr;
      launch(out, BernoulliOp<scalar_t, double>{out.data_ptr<scalar_t>(), pd, p_scalar}, 2, g);
    }
  });
}

// randint / random_: out = low + r % range with r one word (range < 2^32) or two words (wider
// ranges, 64-bit dtypes' defaults); range == 0 stands for 2^64 (all bits, no modulo). The value
// is computed as int64 (wrapping) and converted to out's dtype like the CPU's store_as.
template <class T>
struct RandintOp {
  T* out;
  uint64_t low;
  uint64_t range;
  bool wide;
  CT_HOST_DEVICE void operator()(int64_t i0, int cnt, const uint32_t* w) const {
    for (int k = 0; k < cnt; ++k) {
      uint64_t r;
      if (wide) {
        r = (uint64_t(w[2 * k]) << 32) | w[2 * k + 1];
        if (range != 0) r %= range;
      } else {
        r = uint64_t(w[k] % uint32_t(range));
      }
      out[i0 + k] = convert<T>(int64_t(low + r));
    }
  }
};

// random_()'s default range [0, mod) per dtype (the CPU's random_default): [0, max] for integers,
// [0, 2^digits] for floats (every integer the type holds exactly), {0, 1} for bool.
uint64_t default_modulus(ScalarType dt) {
  switch (dt) {
    case kBool: return 2;
    case kUInt8: return 256;
    case kInt8: return 128;
    case kInt16: return 32768;
    case kInt32: return uint64_t(1) << 31;
    case kInt64: return uint64_t(1) << 63;
    case kFloat16: return (uint64_t(1) << 11) + 1;
    case kBFloat16: return (uint64_t(1) << 8) + 1;
    case kFloat32: return (uint64_t(1) << 24) + 1;
    default: return (uint64_t(1) << 53) + 1;
  }
}

void randint_kernel(Tensor& out, int64_t low, int64_t high, Generator& g) {
  check_generator(g);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  uint64_t lo, range;
  bool wide;
  if (low == high && low == kMin) {  // random_(INT64_MIN) on int64: all 64 bits
    lo = 0;
    range = 0;
    wide = true;
  } else if (low == high) {  // random_(): the dtype's default range
    lo = 0;
    range = default_modulus(out.dtype());
    // 64-bit dtypes draw 64 bits (the CPU's random64()); the rest fit one word.
    wide = out.dtype() == kInt64 || out.dtype() == kFloat64;
  } else {  // [low, high): high - low as uint64 (high == INT64_MIN stands for 2^63)
    lo = uint64_t(low);
    range = uint64_t(high) - uint64_t(low);
    wide = range >= (uint64_t(1) << 32);
  }
  CT_DISPATCH_ALL(out.dtype(), "random_cuda", [&] {
    launch(out, RandintOp<scalar_t>{out.data_ptr<scalar_t>(), lo, range, wide}, wide ? 2 : 1, g);
  });
}

}  // namespace

void register_random_kernels() {
  reg(OpId::uniform, reinterpret_cast<void*>(&uniform_kernel));
  reg(OpId::normal, reinterpret_cast<void*>(&normal_kernel));
  reg(OpId::bernoulli, reinterpret_cast<void*>(&bernoulli_kernel));
  reg(OpId::randint, reinterpret_cast<void*>(&randint_kernel));
}

}  // namespace cuda
}  // namespace ctorch
