#pragma once
// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC'11), and the stream convention every ctorch CUDA kernel uses.
// Counter-based: block j of subsequence s is a pure function of (key, counter), so any thread
// draws its own numbers with no shared state, and the result does not depend on the grid size.
//
// Convention: key = the device generator's 64-bit seed (low word, high word); the 128-bit counter
// holds (offset / 4 + j) in words 0-1 and the subsequence s in words 2-3. A launch first reserves
// its draws with philox_reserve(device, n): the generator's offset moves past n words for every
// subsequence, so the next launch starts on fresh counters, and the same seed replays the same
// stream. Kernels use one subsequence per group of outputs (random.cu: 4 consecutive elements).
#include <cstdint>

#include "ctorch/core/macros.h"

namespace ctorch {
namespace cuda {

struct PhiloxBlock {
  uint32_t w[4];
};

// What a kernel needs to draw: passed by value to the launch.
struct PhiloxArgs {
  uint64_t seed = 0;
  uint64_t offset = 0;  // always a multiple of 4
};

// Host: returns the device generator's (seed, offset) and advances its offset by `words_per_subseq`
// 32-bit words, rounded up to a multiple of 4 (one Philox block). Locks the generator's mutex.
// device must be a valid index (>= 0). Defined in random.cu.
PhiloxArgs philox_reserve(int device, uint64_t words_per_subseq);

CT_HD uint32_t philox_mulhi(uint32_t a, uint32_t b) {
#if defined(__CUDA_ARCH__)
  return __umulhi(a, b);
#else
  return uint32_t((uint64_t(a) * uint64_t(b)) >> 32);
#endif
}

// Ten rounds: each multiplies words 0 and 2 by the Philox constants, swaps the halves around and
// mixes in the key; the key is bumped by the Weyl increments between rounds.
CT_HD PhiloxBlock philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
  constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    const uint32_t hi0 = philox_mulhi(kM0, c0), lo0 = kM0 * c0;
    const uint32_t hi1 = philox_mulhi(kM1, c2), lo1 = kM1 * c2;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  return PhiloxBlock{{c0, c1, c2, c3}};
}

// Block j (0, 1, ... up to what was reserved / 4) of subsequence `subseq` of a reserved range.
CT_HD PhiloxBlock philox_draw(const PhiloxArgs& a, uint64_t subseq, uint64_t j) {
  const uint64_t c = a.offset / 4 + j;
  return philox4x32_10(uint32_t(c), uint32_t(c >> 32), uint32_t(subseq), uint32_t(subseq >> 32), uint32_t(a.seed),
                       uint32_t(a.seed >> 32));
}

// Word -> uniform conversions (exact: the products are representable).
// [0, 1) with 24 bits, as the float kernels use.
CT_HD float philox_u24(uint32_t w) { return float(w >> 8) * 5.9604644775390625e-08f; }
// (0, 1] with 24 bits: safe under log().
CT_HD float philox_u24_open0(uint32_t w) { return float((w >> 8) + 1u) * 5.9604644775390625e-08f; }
// [0, 1) with 53 bits from two words.
CT_HD double philox_u53(uint32_t hi, uint32_t lo) {
  return double(((uint64_t(hi) << 32) | lo) >> 11) * 1.1102230246251565e-16;
}
// (0, 1] with 53 bits.
CT_HD double philox_u53_open0(uint32_t hi, uint32_t lo) {
  return double((((uint64_t(hi) << 32) | lo) >> 11) + 1u) * 1.1102230246251565e-16;
}

}  // namespace cuda
}  // namespace ctorch
