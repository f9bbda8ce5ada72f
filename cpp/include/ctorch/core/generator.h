#pragma once
// CPU random number generator that reproduces PyTorch's CPU streams bit for bit.
//
// Engine: MT19937 (32-bit), seeded with init_genrand(seed & 0xffffffff); the full 64-bit seed is
// only remembered for initial_seed() and get_state(). Everything here works on raw contiguous
// memory and has no dependency on Tensor.
//
// Locking: the members (random, random64, manual_seed, get_state, set_state, ...) and
// normal_double() do NOT lock; callers hold g.mutex() around them.
// The *_fill helpers lock g.mutex() themselves (as PyTorch's kernels do), so do NOT hold the
// mutex when calling a fill helper (std::mutex is not recursive).
//
// Floating-point details follow the kernels torch uses on x86 CPUs with AVX2 (AVX512 machines run
// the same AVX2 random kernels): float randn >= 16 elements uses Cephes-style log/sincos in float,
// and several mul+add steps are fused (fma), see generator.cpp. Verified bit-exact against
// torch 2.13 CPU. On a CPU without AVX2, torch's DEFAULT kernels give different randn float32
// (>= 16 elements) and uniform_(a, b) roundings; the integer streams are the same everywhere.
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "ctorch/core/macros.h"  // CT_API only (libctorch builds with hidden visibility)

namespace ctorch {

class CT_API Generator {
 public:
  static constexpr uint64_t kDefaultSeed = 67280421310721ULL;  // torch's default_rng_seed_val
  static constexpr size_t kStateBytes = 5056;                    // torch.get_rng_state().numel()

  explicit Generator(uint64_t seed = kDefaultSeed);
  Generator(const Generator&) = delete;  // holds a mutex; use clone() or get_state/set_state
  Generator& operator=(const Generator&) = delete;

  // Stores the full 64-bit seed, seeds MT with (seed & 0xffffffff), drops both normal caches.
  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }
  // Nondeterministic reseed with 64 bits from std::random_device (like torch.Generator.seed()).
  uint64_t seed();

  // One MT19937 output (inline: the fill loops call it per element). torch accepts states with
  // left + next > 625 and then reads past its array; we twist early instead (memory safe, and
  // the same stream for every state torch itself produces).
  uint32_t random() {
    if (--left_ == 0 || next_ >= 624u) twist();
    uint32_t y = mt_[next_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }
  uint64_t random64() {  // (first << 32) | second
    const uint64_t hi = random();
    return (hi << 32) | random();
  }

  // torch.get_rng_state() layout (little endian, 5056 bytes):
  //   [0,8) seed u64 | [8,12) left i32 | [12,16) seeded i32 | [16,24) next u64 |
  //   [24,5016) 624 MT words, each zero-extended to u64 | [5016,5024) normal_x f64 (always 0) |
  //   [5024,5032) normal_y f64 = cached double normal | [5032,5040) normal_rho f64 (always 0) |
  //   [5040,5044) normal_is_valid i32 | 4 pad | [5048,5052) cached float normal f32 |
  //   [5052] float cache valid (bool) | 3 pad.  Padding bytes are written as zero.
  std::vector<uint8_t> get_state() const;
  // Throws std::invalid_argument when n != 5056 (message as torch's) or the MT part is invalid
  // (seeded == 0, left not in [1, 624], next > 624: "Invalid mt19937 state"). torch raises
  // RuntimeError for both; a binding may want to map these to RuntimeError.
  void set_state(const uint8_t* data, size_t n);

  std::mutex& mutex() { return mutex_; }
  std::shared_ptr<Generator> clone() const;  // same state, fresh mutex

  // torch.Generator(device='cuda'): a Philox (seed, offset) pair drives the CUDA kernels and the
  // MT state is unused. Its state blob is torch's CUDA one: 16 bytes, seed then offset (u64 LE);
  // set_state throws std::invalid_argument for another size or an offset not a multiple of 4.
  static std::shared_ptr<Generator> make_cuda(int device_index);
  bool is_cuda() const { return cuda_index_ >= 0; }
  int cuda_index() const { return cuda_index_; }
  // Returns (seed, offset) for one launch and moves the offset past `words` (rounded up to 4).
  std::pair<uint64_t, uint64_t> philox_reserve(uint64_t words);
  std::pair<uint64_t, uint64_t> philox_state();  // (seed, offset), under the mutex
  void set_philox_state(uint64_t seed, uint64_t offset);

  // Box-Muller caches, kept as torch keeps them. The double cache is what the scalar normal path
  // (normal_double, randn with < 16 elements) uses; the float cache is only carried in the state
  // (no CPU op in torch fills it today) so that get_state/set_state round-trip exactly.
  bool take_next_double_normal(double* out);  // pops the cached sample if present
  void set_next_double_normal(double v) { has_double_normal_ = true; double_normal_ = v; }
  bool take_next_float_normal(float* out);
  void set_next_float_normal(float v) { has_float_normal_ = true; float_normal_ = v; }
  void clear_normal_caches() { has_double_normal_ = has_float_normal_ = false; }

 private:
  void init_genrand(uint32_t s);
  void twist();

  uint64_t seed_ = 0;
  uint32_t mt_[624];
  int32_t left_ = 1;   // torch's counter: a draw twists when --left_ reaches 0
  uint32_t next_ = 0;  // index of the next word in mt_
  bool has_double_normal_ = false;
  double double_normal_ = 0.0;
  bool has_float_normal_ = false;
  float float_normal_ = 0.0f;
  int cuda_index_ = -1;  // >= 0: a CUDA generator of that device
  uint64_t philox_offset_ = 0;
  std::mutex mutex_;
};

// Process-wide default CPU generator. Like torch, it starts from a nondeterministic seed;
// manual_seed() makes it reproducible.
CT_API Generator& default_generator();

// ----- fill helpers: each draws exactly as PyTorch CPU does for a contiguous tensor of n elements.
// They lock g.mutex(). Argument validation (from <= to, low < high, 0 <= p <= 1, std >= 0) is the
// caller's job, as are the torch error messages.

// torch.rand / uniform_(from, to). float: u = (random() & 0xFFFFFF) * 2^-24, v = fmaf(u, to-from,
// from) in float, and v == to is replaced by from. double: 53 bits of random64(), fma in double.
CT_API void uniform_fill(float* out, int64_t n, double from, double to, Generator& g);
CT_API void uniform_fill(double* out, int64_t n, double from, double to, Generator& g);
// float16 / bfloat16: the float algorithm above, then rounded (RNE) to the 16-bit type, then the
// "== to -> from" check in the 16-bit type. Writes floats that are exactly representable in the
// 16-bit type, so the caller's float->half/bf16 conversion is exact.
CT_API void uniform_fill_half(float* out, int64_t n, double from, double to, Generator& g);
CT_API void uniform_fill_bfloat16(float* out, int64_t n, double from, double to, Generator& g);

// torch.randn / normal_(mean, std).
//  n < 16 (or contiguous == false: torch's path for non-contiguous tensors; the caller then
//  scatters out[] in TensorIterator order = memory order for a transposed tensor): one
//  normal_double() per element (cast to float for float32).
//  n >= 16 float: n float uniforms u24 into out, then per block of 16 Box-Muller in float
//  (Cephes log/sincos), tail: the last 16 slots get 16 fresh uniforms and are redone.
//  n >= 16 double: same structure with 53-bit uniforms and libm log/cos/sin in double.
CT_API void normal_fill(float* out, int64_t n, double mean, double std, Generator& g,
                        bool contiguous = true);
CT_API void normal_fill(double* out, int64_t n, double mean, double std, Generator& g,
                        bool contiguous = true);
// float16 / bfloat16 (exactly representable floats, see uniform_fill_half). n >= 16: per block of
// 16, draw 16 float uniforms into a buffer and transform, then the tail block (if n % 16) draws
// 16 more: 16 * ceil(n/16) uniforms in all, unlike float32's n + 16. n < 16: normal_double ->
// float -> 16-bit (RNE).
CT_API void normal_fill_half(float* out, int64_t n, double mean, double std, Generator& g,
                             bool contiguous = true);
CT_API void normal_fill_bfloat16(float* out, int64_t n, double mean, double std, Generator& g,
                                 bool contiguous = true);
// torch.normal(mean_tensor, std_tensor) with equal-length contiguous mean/std/out (broadcast
// beforehand): torch draws normal_(0, 1) into out, then out.mul_(std).add_(mean), i.e. two
// separate roundings. (normal(Tensor mean, float std) = normal_fill(out, 0, std) then out += mean;
// normal(float mean, Tensor std) = normal_fill(out, 0, 1) then out = out * std + mean, unfused.)
CT_API void normal_tensor_fill(float* out, const float* mean, const float* std, int64_t n,
                               Generator& g);
CT_API void normal_tensor_fill(double* out, const double* mean, const double* std, int64_t n,
                               Generator& g);

// One sample of torch's scalar normal path (at::normal_distribution<double>): uses the cached
// double sample if present; else u1, u2 = 53-bit uniforms, r = sqrt(-2 log1p(-u2)),
// theta = 2 pi u1, caches r sin(theta), returns fma(r cos(theta), std, mean). Does NOT lock.
CT_API double normal_double(Generator& g, double mean, double std);

// torch.randint(low, high) / random_(low, high), any integer or floating dtype (the draws do not
// depend on dtype; the caller casts). range = high - low; range >= 2^28 uses random64() % range,
// else random() % range (torch's threshold is 2^28, not 2^32).
CT_API void randint_fill(int64_t* out, int64_t n, int64_t low, int64_t high, Generator& g);

// torch.randperm(n). n < 214748364 (UINT32_MAX / 20): iota then forward Fisher-Yates,
// for i in [0, n-1): z = random() % (n - i); swap(out[i], out[i + z]).
// Otherwise torch's "inside-out" shuffle: for i in [0, n): z = random64() % (i + 1);
// out[i] = out[z]; out[z] = i.
CT_API void randperm_fill(int64_t* out, int64_t n, Generator& g);

// torch.bernoulli(p_tensor) / bernoulli_(p_tensor): out dtype = p dtype here (0 or 1).
// float p (also float16/bfloat16 p converted to float): u24 float uniform < p.
// double p: 53-bit double uniform < p.
CT_API void bernoulli_fill(float* out, const float* p, int64_t n, Generator& g);
CT_API void bernoulli_fill(double* out, const double* p, int64_t n, Generator& g);
// bernoulli_(p scalar) and train-mode dropout (mask = bernoulli_(1 - p)): 53-bit double < p,
// for every output dtype.
CT_API void bernoulli_fill(float* out, int64_t n, double p, Generator& g);
CT_API void bernoulli_fill(double* out, int64_t n, double p, Generator& g);
CT_API void bernoulli_fill(uint8_t* out, int64_t n, double p, Generator& g);

}  // namespace ctorch
