#pragma once
// 16-bit float storage types. Arithmetic always happens in float (see compute_t in dtype.h).
#include <cstdint>
#include <cstring>

#include "ctorch/core/macros.h"

namespace ctorch {

namespace detail {
CT_HD uint32_t f2u(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
#endif
}
CT_HD float u2f(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, 4);
  return f;
#endif
}
}  // namespace detail

struct Half {
  uint16_t x = 0;
  Half() = default;
  struct from_bits_t {};
  CT_HD constexpr Half(uint16_t bits, from_bits_t) : x(bits) {}
  CT_HD Half(float f) : x(from_float(f)) {}
  CT_HD operator float() const { return to_float(x); }

  // IEEE binary16 <-> binary32 with round-to-nearest-even, as hardware does.
  static CT_HD float to_float(uint16_t h) {
    uint32_t sign = uint32_t(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    if (exp == 0) {
      if (man == 0) return detail::u2f(sign);
      float v = float(man) * 5.9604644775390625e-08f;  // man * 2^-24
      return sign ? -v : v;
    }
    if (exp == 31) return detail::u2f(sign | 0x7f800000u | (man << 13));
    return detail::u2f(sign | ((exp + 112) << 23) | (man << 13));
  }
  static CT_HD uint16_t from_float(float f) {
    uint32_t u = detail::f2u(f);
    uint16_t sign = uint16_t((u >> 16) & 0x8000);
    uint32_t a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) return uint16_t(sign | 0x7c00 | (a > 0x7f800000u ? 0x200 : 0));
    if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00);  // rounds to inf
    if (a < 0x38800000u) {                                  // subnormal half or zero
      float v = detail::u2f(a) + 0.5f;                       // align mantissa; FP add rounds RNE
      return uint16_t(sign | uint16_t(detail::f2u(v) - 0x3f000000u));
    }
    uint32_t mant_odd = (a >> 13) & 1;
    a += 0xc8000fffu + mant_odd;  // rebias exponent and round to nearest even
    return uint16_t(sign | uint16_t(a >> 13));
  }
};

struct BFloat16 {
  uint16_t x = 0;
  BFloat16() = default;
  struct from_bits_t {};
  CT_HD constexpr BFloat16(uint16_t bits, from_bits_t) : x(bits) {}
  CT_HD BFloat16(float f) : x(from_float(f)) {}
  CT_HD operator float() const { return detail::u2f(uint32_t(x) << 16); }
  static CT_HD uint16_t from_float(float f) {
    uint32_t u = detail::f2u(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // canonical NaN
    u += 0x7fffu + ((u >> 16) & 1);                         // round to nearest even
    return uint16_t(u >> 16);
  }
};

}  // namespace ctorch
