// PyTorch-bit-exact CPU RNG. See generator.h for the algorithms per op and dtype.
//
// Bit-exactness depends on the exact sequence of float operations. torch's x86 random kernels are
// the AVX2 build (-mavx2 -mfma, GCC's default -ffp-contract=fast), so GCC turned many of their
// mul+add pairs into FMAs -- including inside the Cephes log/sincos, whose _mm256_mul_ps /
// _mm256_add_ps intrinsics are plain vector arithmetic to GCC. We write exactly those fmas out
// with std::fma and forbid the compiler from contracting anything else (pragma below). On a CPU
// without AVX2 torch falls back to its DEFAULT kernels (libm float log/sin/cos, no fma), which
// this file does not reproduce.
#include "ctorch/core/generator.h"

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

#include "ctorch/core/half.h"

#if defined(__FAST_MATH__)
#error "build generator.cpp without -ffast-math: PyTorch-exact RNG needs IEEE float semantics"
#endif
// Turn off automatic a*b+c -> fma contraction for everything below (GCC contracts by default when
// FMA is available, e.g. with -march=native); the needed fmas are written out explicitly.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace ctorch {

namespace {
constexpr int kN = 624;
constexpr int kM = 397;
constexpr double kPi = 3.14159265358979323846;
// torch switches randint from random() to random64() once range >= 2^28 (limits modulo skew).
constexpr uint64_t kRandint64Threshold = 1ULL << 28;
// torch.randperm keeps the old Fisher-Yates below UINT32_MAX / 20.
constexpr int64_t kRandpermSmall = int64_t(0xffffffffu / 20);

inline uint32_t f2u(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
inline float u2f(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

// [0,1) uniforms exactly as torch: 24 low bits of random() for float, 53 low bits of random64().
inline float uniform24(Generator& g) {
  return float(g.random() & 0xFFFFFFu) * (1.0f / 16777216.0f);
}
inline double uniform53(Generator& g) {
  return double(g.random64() & ((1ULL << 53) - 1)) * (1.0 / 9007199254740992.0);
}

inline float round_half(float f) { return Half::to_float(Half::from_float(f)); }
inline float round_bf16(float f) { return u2f(uint32_t(BFloat16::from_float(f)) << 16); }

// Speed only: on x86-64 Linux/GCC also build an FMA clone (picked at load time) so std::fma
// is one instruction instead of a libm call. Both clones give identical bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define CT_RNG_FMA_CLONES __attribute__((target_clones("fma", "default")))
// always_inline: GCC will not otherwise inline plain functions into the fma clone.
#define CT_RNG_INLINE inline __attribute__((always_inline))
#else
#define CT_RNG_FMA_CLONES
#define CT_RNG_INLINE inline
#endif

// ---- Cephes-style float log and sincos, operation for operation as torch's AVX2 kernel
// (8 lanes there, one lane here). Inputs in randn are u1 in (0,1] and theta in [0, 2pi).
CT_RNG_INLINE float cephes_logf(float x) {
  const bool invalid = x <= 0.0f;  // torch ORs NaN bits into x <= 0 lanes
  if (x < u2f(0x00800000u)) x = u2f(0x00800000u);  // clamp denormals to FLT_MIN
  const uint32_t bits = f2u(x);
  float e = float(int32_t(bits >> 23) - 0x7f);
  float m = u2f((bits & ~0x7f800000u) | f2u(0.5f));  // mantissa in [0.5, 1)
  e = e + 1.0f;
  const bool lt = m < float(0.707106781186547524);
  const float tmp0 = lt ? m : 0.0f;
  m = m - 1.0f;
  e = e - (lt ? 1.0f : 0.0f);
  m = m + tmp0;
  const float z = m * m;
  float y = float(7.0376836292E-2);
  const float p[8] = {float(-1.1514610310E-1), float(1.1676998740E-1), float(-1.2420140846E-1),
                      float(1.4249322787E-1),  float(-1.6668057665E-1), float(2.0000714765E-1),
                      float(-2.4999993993E-1), float(3.3333331174E-1)};
  for (float c : p) y = std::fma(y, m, c);  // GCC fuses torch's mul+add pairs (see top)
  y = y * m;
  y = std::fma(y, z, e * float(-2.12194440e-4));
  y = std::fma(-z, 0.5f, y);
  const float r = std::fma(e, 0.693359375f, m + y);
  return invalid ? u2f(0xffffffffu) : r;
}

CT_RNG_INLINE void cephes_sincosf(float x, float* s, float* c) {
  uint32_t sign_sin = f2u(x) & 0x80000000u;
  x = u2f(f2u(x) & 0x7fffffffu);
  int32_t j = int32_t(x * float(1.27323954473516));  // truncation, as cvttps
  j = (j + 1) & ~1;
  const float yj = float(j);
  const uint32_t swap_sin = uint32_t(j & 4) << 29;
  const bool poly_sin = (j & 2) == 0;  // true: sine uses the sin polynomial
  x = std::fma(yj, -0.78515625f, x);  // "extended precision" reduction, fused by GCC in torch
  x = std::fma(yj, float(-2.4187564849853515625e-4), x);
  x = std::fma(yj, float(-3.77489497744594108e-8), x);
  const uint32_t sign_cos = uint32_t(~(j - 2) & 4) << 29;
  sign_sin ^= swap_sin;
  const float z = x * x;
  float y = std::fma(float(2.443315711809948E-005), z, float(-1.388731625493765E-003));
  y = std::fma(y, z, float(4.166664568298827E-002));
  y = y * z;
  y = std::fma(y, z, -(z * 0.5f));
  y = y + 1.0f;  // cos polynomial
  float y2 = std::fma(float(-1.9515295891E-4), z, float(8.3321608736E-3));
  y2 = std::fma(y2, z, float(-1.6666654611E-1));
  y2 = y2 * z;
  y2 = std::fma(y2, x, x);  // sin polynomial
  // Keep torch's masked add/sub sequence so signed zeros come out the same.
  const float ysin2 = poly_sin ? y2 : 0.0f;
  const float ysin1 = poly_sin ? 0.0f : y;
  y2 = y2 - ysin2;
  y = y - ysin1;
  *s = u2f(f2u(ysin1 + ysin2) ^ sign_sin);
  *c = u2f(f2u(y + y2) ^ sign_cos);
}

// Box-Muller on nblocks consecutive blocks of 16 float uniforms, in place: pairs (j, j+8).
CT_RNG_FMA_CLONES
void normal16_float(float* d, int64_t nblocks, float mean, float std) {
  const float two_pi = float(2.0 * kPi);
  for (int64_t b = 0; b < nblocks; ++b, d += 16) {
    for (int j = 0; j < 8; ++j) {
      const float u1 = 1.0f - d[j];  // [0,1) -> (0,1] for log
      const float u2 = d[j + 8];
      const float radius = std::sqrt(-2.0f * cephes_logf(u1));
      float s, c;
      cephes_sincosf(two_pi * u2, &s, &c);
      d[j] = std::fma(radius * c, std, mean);
      d[j + 8] = std::fma(radius * s, std, mean);
    }
  }
}

// Same in double with libm (torch's generic kernel; only float has a vectorised version).
void normal16_double(double* d, double mean, double std) {
  for (int j = 0; j < 8; ++j) {
    const double u1 = 1.0 - d[j];
    const double u2 = d[j + 8];
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * kPi * u2;
    d[j] = std::fma(radius * std::cos(theta), std, mean);
    d[j + 8] = std::fma(radius * std::sin(theta), std, mean);
  }
}

template <typename Round>
void uniform_fill_16bit(float* out, int64_t n, double from, double to, Generator& g, Round rnd) {
  const float f = float(from), t = float(to);
  const float d = t - f;
  const float to_s = rnd(float(to)), from_s = rnd(float(from));
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) {
    const float v = rnd(std::fma(uniform24(g), d, f));
    out[i] = v == to_s ? from_s : v;
  }
}

template <typename Round>
void normal_fill_16bit(float* out, int64_t n, double mean, double std, Generator& g,
                       bool contiguous, Round rnd) {
  std::lock_guard<std::mutex> lock(g.mutex());
  if (n < 16 || !contiguous) {
    for (int64_t i = 0; i < n; ++i) out[i] = rnd(float(normal_double(g, mean, std)));
    return;
  }
  float buf[16];
  auto block = [&](int64_t off) {
    for (int j = 0; j < 16; ++j) buf[j] = uniform24(g);
    normal16_float(buf, 1, float(mean), float(std));
    for (int j = 0; j < 16; ++j) out[off + j] = rnd(buf[j]);
  };
  for (int64_t i = 0; i + 16 <= n; i += 16) block(i);
  if (n % 16 != 0) block(n - 16);
}
}  // namespace

// ------------------------------------------------------------------------------------------------
Generator::Generator(uint64_t seed) { manual_seed(seed); }

void Generator::init_genrand(uint32_t s) {
  mt_[0] = s;
  for (int j = 1; j < kN; ++j)
    mt_[j] = 1812433253u * (mt_[j - 1] ^ (mt_[j - 1] >> 30)) + uint32_t(j);
  left_ = 1;  // first draw twists
  next_ = 0;
}

std::shared_ptr<Generator> Generator::make_cuda(int device_index) {
  auto g = std::make_shared<Generator>();
  g->cuda_index_ = device_index;
  return g;
}

std::pair<uint64_t, uint64_t> Generator::philox_reserve(uint64_t words) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::pair<uint64_t, uint64_t> r{seed_, philox_offset_};
  philox_offset_ += (words + 3) / 4 * 4;
  return r;
}

std::pair<uint64_t, uint64_t> Generator::philox_state() {
  std::lock_guard<std::mutex> lock(mutex_);
  return {seed_, philox_offset_};
}

void Generator::set_philox_state(uint64_t seed, uint64_t offset) {
  std::lock_guard<std::mutex> lock(mutex_);
  seed_ = seed;
  philox_offset_ = offset;
}

void Generator::manual_seed(uint64_t seed) {
  seed_ = seed;
  philox_offset_ = 0;
  init_genrand(uint32_t(seed & 0xffffffffu));
  clear_normal_caches();
}

uint64_t Generator::seed() {
  std::random_device rd;
  uint64_t s = (uint64_t(rd()) << 32) | uint64_t(rd());
  if (is_cuda()) s &= (uint64_t(1) << 53) - 1;  // torch's CUDA seeds survive a double
  manual_seed(s);
  return s;
}

void Generator::twist() {
  auto mix = [](uint32_t u, uint32_t v) {
    const uint32_t y = (u & 0x80000000u) | (v & 0x7fffffffu);
    return (y >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
  };
  int k = 0;
  for (; k < kN - kM; ++k) mt_[k] = mt_[k + kM] ^ mix(mt_[k], mt_[k + 1]);
  for (; k < kN - 1; ++k) mt_[k] = mt_[k + kM - kN] ^ mix(mt_[k], mt_[k + 1]);
  mt_[kN - 1] = mt_[kM - 1] ^ mix(mt_[kN - 1], mt_[0]);
  left_ = kN;
  next_ = 0;
}

bool Generator::take_next_double_normal(double* out) {
  if (!has_double_normal_) return false;
  *out = double_normal_;
  has_double_normal_ = false;
  return true;
}

bool Generator::take_next_float_normal(float* out) {
  if (!has_float_normal_) return false;
  *out = float_normal_;
  has_float_normal_ = false;
  return true;
}

namespace {
// Field writers/readers for the state blob (layout in generator.h). torch writes its struct in
// host byte order, which is little endian on every platform we target.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ctorch's RNG state layout assumes a little-endian host"
#endif
template <typename T>
void put(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}
template <typename T>
T get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
constexpr size_t kOffMt = 24, kOffNormalX = 5016, kOffNormalY = 5024, kOffNormalRho = 5032,
                 kOffNormalValid = 5040, kOffFloat = 5048, kOffFloatValid = 5052;
}  // namespace

std::vector<uint8_t> Generator::get_state() const {
  if (is_cuda()) {
    std::vector<uint8_t> s(16, 0);
    put<uint64_t>(&s[0], seed_);
    put<uint64_t>(&s[8], philox_offset_);
    return s;
  }
  std::vector<uint8_t> s(kStateBytes, 0);
  put<uint64_t>(&s[0], seed_);
  put<int32_t>(&s[8], left_);
  put<int32_t>(&s[12], 1);  // seeded
  put<uint64_t>(&s[16], uint64_t(next_));
  for (int i = 0; i < kN; ++i) put<uint64_t>(&s[kOffMt + 8 * i], uint64_t(mt_[i]));
  put<double>(&s[kOffNormalX], 0.0);  // torch no longer uses x/rho; always written as 0
  put<double>(&s[kOffNormalY], has_double_normal_ ? double_normal_ : 0.0);
  put<double>(&s[kOffNormalRho], 0.0);
  put<int32_t>(&s[kOffNormalValid], has_double_normal_ ? 1 : 0);
  put<float>(&s[kOffFloat], has_float_normal_ ? float_normal_ : 0.0f);
  s[kOffFloatValid] = has_float_normal_ ? 1 : 0;
  return s;
}

void Generator::set_state(const uint8_t* data, size_t n) {
  if (is_cuda()) {
    if (n != 16) throw std::invalid_argument("RNG state is wrong size");
    const uint64_t offset = get<uint64_t>(data + 8);
    if (offset % 4 != 0) throw std::invalid_argument("offset must be a multiple of 4");
    seed_ = get<uint64_t>(data);
    philox_offset_ = offset;
    return;
  }
  if (n != kStateBytes)
    throw std::invalid_argument(
        "Expected a CPUGeneratorImplState of size 5056 but found the input RNG state size to be " +
        std::to_string(n));
  const int32_t left = get<int32_t>(data + 8);
  const int32_t seeded = get<int32_t>(data + 12);
  const uint32_t next = uint32_t(get<uint64_t>(data + 16));  // torch narrows to 32 bits first
  if (seeded == 0 || left <= 0 || left > kN || next > uint32_t(kN))
    throw std::invalid_argument("Invalid mt19937 state");
  seed_ = get<uint64_t>(data);
  left_ = left;
  next_ = next;
  for (int i = 0; i < kN; ++i) mt_[i] = uint32_t(get<uint64_t>(data + kOffMt + 8 * i));
  has_double_normal_ = get<int32_t>(data + kOffNormalValid) != 0;
  double_normal_ = has_double_normal_ ? get<double>(data + kOffNormalY) : 0.0;
  has_float_normal_ = data[kOffFloatValid] != 0;
  float_normal_ = has_float_normal_ ? get<float>(data + kOffFloat) : 0.0f;
}

std::shared_ptr<Generator> Generator::clone() const {
  auto g = std::make_shared<Generator>();
  g->cuda_index_ = cuda_index_;
  const auto s = get_state();
  g->set_state(s.data(), s.size());
  return g;
}

Generator& default_generator() {
  static Generator* g = [] {
    auto* p = new Generator();  // leaked on purpose: usable during static destruction
    p->seed();
    return p;
  }();
  return *g;
}

// ------------------------------------------------------------------------------------------------
double normal_double(Generator& g, double mean, double std) {
  double ret;
  if (!g.take_next_double_normal(&ret)) {
    const double u1 = uniform53(g);
    const double u2 = uniform53(g);
    const double r = std::sqrt(-2.0 * std::log1p(-u2));
    const double theta = 2.0 * kPi * u1;
    g.set_next_double_normal(r * std::sin(theta));
    ret = r * std::cos(theta);
  }
  return std::fma(ret, std, mean);
}

void uniform_fill(float* out, int64_t n, double from, double to, Generator& g) {
  // torch computes in float (opmath of float) with from/to first narrowed to float.
  const float f = float(from), t = float(to);
  const float d = t - f;
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) {
    const float v = std::fma(uniform24(g), d, f);
    out[i] = v == t ? f : v;
  }
}

void uniform_fill(double* out, int64_t n, double from, double to, Generator& g) {
  const double d = to - from;
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) {
    const double v = std::fma(uniform53(g), d, from);
    out[i] = v == to ? from : v;
  }
}

void uniform_fill_half(float* out, int64_t n, double from, double to, Generator& g) {
  uniform_fill_16bit(out, n, from, to, g, round_half);
}

void uniform_fill_bfloat16(float* out, int64_t n, double from, double to, Generator& g) {
  uniform_fill_16bit(out, n, from, to, g, round_bf16);
}

void normal_fill(float* out, int64_t n, double mean, double std, Generator& g, bool contiguous) {
  std::lock_guard<std::mutex> lock(g.mutex());
  if (n < 16 || !contiguous) {
    for (int64_t i = 0; i < n; ++i) out[i] = float(normal_double(g, mean, std));
    return;
  }
  // float32 fills all n uniforms first, then transforms in place (torch's same-type branch).
  for (int64_t i = 0; i < n; ++i) out[i] = uniform24(g);
  normal16_float(out, n / 16, float(mean), float(std));
  if (n % 16 != 0) {
    float* tail = out + n - 16;
    for (int j = 0; j < 16; ++j) tail[j] = uniform24(g);
    normal16_float(tail, 1, float(mean), float(std));
  }
}

void normal_fill(double* out, int64_t n, double mean, double std, Generator& g, bool contiguous) {
  std::lock_guard<std::mutex> lock(g.mutex());
  if (n < 16 || !contiguous) {
    for (int64_t i = 0; i < n; ++i) out[i] = normal_double(g, mean, std);
    return;
  }
  for (int64_t i = 0; i < n; ++i) out[i] = uniform53(g);
  for (int64_t i = 0; i + 16 <= n; i += 16) normal16_double(out + i, mean, std);
  if (n % 16 != 0) {
    double* tail = out + n - 16;
    for (int j = 0; j < 16; ++j) tail[j] = uniform53(g);
    normal16_double(tail, mean, std);
  }
}

void normal_fill_half(float* out, int64_t n, double mean, double std, Generator& g,
                      bool contiguous) {
  normal_fill_16bit(out, n, mean, std, g, contiguous, round_half);
}

void normal_fill_bfloat16(float* out, int64_t n, double mean, double std, Generator& g,
                          bool contiguous) {
  normal_fill_16bit(out, n, mean, std, g, contiguous, round_bf16);
}

void normal_tensor_fill(float* out, const float* mean, const float* std, int64_t n, Generator& g) {
  normal_fill(out, n, 0.0, 1.0, g);
  for (int64_t i = 0; i < n; ++i) {
    const float scaled = out[i] * std[i];  // separate kernels in torch: mul_ then add_
    out[i] = scaled + mean[i];
  }
}

void normal_tensor_fill(double* out, const double* mean, const double* std, int64_t n,
                        Generator& g) {
  normal_fill(out, n, 0.0, 1.0, g);
  for (int64_t i = 0; i < n; ++i) {
    const double scaled = out[i] * std[i];
    out[i] = scaled + mean[i];
  }
}

void randint_fill(int64_t* out, int64_t n, int64_t low, int64_t high, Generator& g) {
  const uint64_t range = uint64_t(high) - uint64_t(low);
  std::lock_guard<std::mutex> lock(g.mutex());
  if (range >= kRandint64Threshold) {
    for (int64_t i = 0; i < n; ++i) out[i] = int64_t(g.random64() % range + uint64_t(low));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = int64_t(uint64_t(g.random() % range) + uint64_t(low));
  }
}

void randperm_fill(int64_t* out, int64_t n, Generator& g) {
  std::lock_guard<std::mutex> lock(g.mutex());
  if (n < kRandpermSmall) {
    for (int64_t i = 0; i < n; ++i) out[i] = i;
    for (int64_t i = 0; i + 1 < n; ++i) {
      const int64_t z = int64_t(g.random() % uint64_t(n - i));
      std::swap(out[i], out[i + z]);
    }
    return;
  }
  // Large n: random() % n would be visibly skewed, so torch uses random64 and the inside-out
  // shuffle (no separate iota pass).
  for (int64_t i = 0; i < n; ++i) {
    const int64_t z = int64_t(g.random64() % uint64_t(i + 1));
    out[i] = out[z];
    out[z] = i;
  }
}

void bernoulli_fill(float* out, const float* p, int64_t n, Generator& g) {
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) out[i] = uniform24(g) < p[i] ? 1.0f : 0.0f;
}

void bernoulli_fill(double* out, const double* p, int64_t n, Generator& g) {
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) out[i] = uniform53(g) < p[i] ? 1.0 : 0.0;
}

void bernoulli_fill(float* out, int64_t n, double p, Generator& g) {
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) out[i] = uniform53(g) < p ? 1.0f : 0.0f;
}

void bernoulli_fill(double* out, int64_t n, double p, Generator& g) {
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) out[i] = uniform53(g) < p ? 1.0 : 0.0;
}

void bernoulli_fill(uint8_t* out, int64_t n, double p, Generator& g) {
  std::lock_guard<std::mutex> lock(g.mutex());
  for (int64_t i = 0; i < n; ++i) out[i] = uniform53(g) < p ? 1 : 0;
}

}  // namespace ctorch
