#pragma once
// Scalar math of every pointwise op, shared by the CPU kernels and the CUDA .cu files.
// Each functor is a template over the compute type T (compute_t<storage type>: Half -> float).
// Semantics follow PyTorch exactly (floor division and remainder signs, NaN propagation of
// maximum/minimum/clamp, integer pow with negative exponents, shift overflow, ...).
// No std:: math here: the ct_math shim calls the C functions that nvcc provides on device.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "ctorch/core/macros.h"

namespace ctorch {

namespace ct_math {
#define CT_MATH_1(name, fname, dname)                \
  CT_HD float name(float x) { return ::fname(x); }   \
  CT_HD double name(double x) { return ::dname(x); }
#define CT_MATH_2(name, fname, dname)                                 \
  CT_HD float name(float x, float y) { return ::fname(x, y); }        \
  CT_HD double name(double x, double y) { return ::dname(x, y); }
CT_MATH_1(exp, expf, exp)
CT_MATH_1(log, logf, log)
CT_MATH_1(log1p, log1pf, log1p)
CT_MATH_1(expm1, expm1f, expm1)
CT_MATH_1(sqrt, sqrtf, sqrt)
CT_MATH_1(sin, sinf, sin)
CT_MATH_1(cos, cosf, cos)
CT_MATH_1(tan, tanf, tan)
CT_MATH_1(asin, asinf, asin)
CT_MATH_1(acos, acosf, acos)
CT_MATH_1(atan, atanf, atan)
CT_MATH_1(sinh, sinhf, sinh)
CT_MATH_1(cosh, coshf, cosh)
CT_MATH_1(tanh, tanhf, tanh)
CT_MATH_1(floor, floorf, floor)
CT_MATH_1(ceil, ceilf, ceil)
CT_MATH_1(trunc, truncf, trunc)
CT_MATH_1(nearbyint, nearbyintf, nearbyint)
CT_MATH_1(fabs, fabsf, fabs)
CT_MATH_2(fmod, fmodf, fmod)
CT_MATH_2(pow, powf, pow)
CT_MATH_2(atan2, atan2f, atan2)
CT_MATH_2(copysign, copysignf, copysign)
CT_HD float fma(float x, float y, float z) {
#if defined(__CUDA_ARCH__) || defined(__FMA__)
  return ::fmaf(x, y, z);
#else
  // Without FMA hardware fmaf is a libm call; the product is exact in double, so this equals
  // fmaf except for rare double-rounding ties, and it vectorises.
  return float(double(x) * double(y) + double(z));
#endif
}
CT_HD double fma(double x, double y, double z) { return ::fma(x, y, z); }
#undef CT_MATH_1
#undef CT_MATH_2
template <class T> CT_HD bool isnan(T x) { return x != x; }
template <class T> CT_HD bool isinf(T x) { return x == T(INFINITY) || x == -T(INFINITY); }
template <class T> CT_HD T quiet_nan() { return T(NAN); }
}  // namespace ct_math

namespace func {

template <class T> constexpr bool kIsFloat = std::is_floating_point<T>::value;
template <class T> constexpr bool kIsBool = std::is_same<T, bool>::value;
template <class T> constexpr bool kIsSignedInt = std::is_integral<T>::value && std::is_signed<T>::value;

// Two's-complement negation without signed-overflow UB (neg/abs of INT_MIN wrap like PyTorch).
template <class T> CT_HD T wrap_neg(T a) {
  if constexpr (kIsSignedInt<T>) return T(-static_cast<std::make_unsigned_t<T>>(a));
  else return T(-a);
}

// Which dtypes a row is instantiated for (a missing dtype raises NotImplementedError).
enum class TypeSet : uint8_t { All, NoBool, Floating, Integral /* + bool */, Int /* no bool */ };
template <template <class> class F> struct TypeSetOf { static constexpr TypeSet value = TypeSet::All; };
#define CT_TYPESET(F, S) \
  template <class> struct F; \
  template <> struct TypeSetOf<F> { static constexpr TypeSet value = TypeSet::S; };

// ---------------------------------------------------------------- unary, same dtype
CT_TYPESET(Neg, NoBool)
template <class T> struct Neg { CT_HD T operator()(T a) const { return wrap_neg(a); } };

CT_TYPESET(Abs, NoBool)
template <class T> struct Abs {
  CT_HD T operator()(T a) const {
    if constexpr (kIsFloat<T>) return ct_math::fabs(a);
    else if constexpr (kIsSignedInt<T>) return a < 0 ? wrap_neg(a) : a;
    else return a;
  }
};

// sign(nan) == 0 and sign(-0.) == +0 in PyTorch.
template <class T> struct Sign {
  CT_HD T operator()(T a) const {
    if constexpr (kIsBool<T>) return a;
    else if constexpr (std::is_unsigned<T>::value) return T(a != 0);
    else return T(int(T(0) < a) - int(a < T(0)));
  }
};

#define CT_ROUNDING(F, fn)                                                   \
  CT_TYPESET(F, NoBool)                                                      \
  template <class T> struct F {                                              \
    CT_HD T operator()(T a) const {                                          \
      if constexpr (kIsFloat<T>) return ct_math::fn(a);                      \
      else return a;                                                         \
    }                                                                        \
  };
CT_ROUNDING(Floor, floor)
CT_ROUNDING(Ceil, ceil)
CT_ROUNDING(Trunc, trunc)
CT_ROUNDING(Round, nearbyint)  // half to even (default rounding mode)
#undef CT_ROUNDING

CT_TYPESET(Frac, Floating)
template <class T> struct Frac { CT_HD T operator()(T a) const { return a - ct_math::trunc(a); } };

// relu keeps NaN and -0. (clamp_min(a, 0) semantics).
CT_TYPESET(Relu, NoBool)
template <class T> struct Relu {
  CT_HD T operator()(T a) const {
    if constexpr (std::is_unsigned<T>::value) return a;
    else return a < T(0) ? T(0) : a;
  }
};

CT_TYPESET(BitwiseNot, Integral)
template <class T> struct BitwiseNot {
  CT_HD T operator()(T a) const {
    if constexpr (kIsBool<T>) return !a;
    else return T(~a);
  }
};

// ---------------------------------------------------------------- unary, floating result
#define CT_FLOAT_UNARY(F, expr)                                      \
  CT_TYPESET(F, Floating)                                            \
  template <class T> struct F { CT_HD T operator()(T a) const { return expr; } };
CT_FLOAT_UNARY(Reciprocal, T(1) / a)
CT_FLOAT_UNARY(Exp, ct_math::exp(a))
CT_FLOAT_UNARY(Log, ct_math::log(a))
CT_FLOAT_UNARY(Log1p, ct_math::log1p(a))
CT_FLOAT_UNARY(Expm1, ct_math::expm1(a))
CT_FLOAT_UNARY(Sqrt, ct_math::sqrt(a))
CT_FLOAT_UNARY(Rsqrt, T(1) / ct_math::sqrt(a))
CT_FLOAT_UNARY(Sin, ct_math::sin(a))
CT_FLOAT_UNARY(Cos, ct_math::cos(a))
CT_FLOAT_UNARY(Tan, ct_math::tan(a))
CT_FLOAT_UNARY(Asin, ct_math::asin(a))
CT_FLOAT_UNARY(Acos, ct_math::acos(a))
CT_FLOAT_UNARY(Atan, ct_math::atan(a))
CT_FLOAT_UNARY(Sinh, ct_math::sinh(a))
CT_FLOAT_UNARY(Cosh, ct_math::cosh(a))
CT_FLOAT_UNARY(Tanh, ct_math::tanh(a))
CT_FLOAT_UNARY(Sigmoid, T(1) / (T(1) + ct_math::exp(-a)))
#undef CT_FLOAT_UNARY

// ---------------------------------------------------------------- unary, bool result
template <class T> struct LogicalNot { CT_HD bool operator()(T a) const { return !(a != T(0)); } };
template <class T> struct IsNan {
  CT_HD bool operator()(T a) const {
    if constexpr (kIsFloat<T>) return ct_math::isnan(a);
    else return false;
  }
};
template <class T> struct IsInf {
  CT_HD bool operator()(T a) const {
    if constexpr (kIsFloat<T>) return ct_math::isinf(a);
    else return false;
  }
};
template <class T> struct IsFinite {
  CT_HD bool operator()(T a) const {
    if constexpr (kIsFloat<T>) return !ct_math::isnan(a) && !ct_math::isinf(a);
    else return true;
  }
};

// ---------------------------------------------------------------- binary arithmetic
// add/sub carry alpha: a + alpha * b, fused (one rounding) for floats as PyTorch's vectorised
// loops do; with alpha == 1 that equals a + b, which kernels may use instead. Bool add is or.
template <class T> struct Add {
  T alpha = T(1);
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) return ct_math::fma(alpha, b, a);
    else return T(a + alpha * b);
  }
};
CT_TYPESET(Sub, NoBool)
template <class T> struct Sub {
  T alpha = T(1);
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) return ct_math::fma(-alpha, b, a);
    else return T(a - alpha * b);
  }
};
template <class T> struct Mul {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsBool<T>) return a && b;
    else return T(a * b);
  }
};
CT_TYPESET(Div, Floating)
template <class T> struct Div { CT_HD T operator()(T a, T b) const { return a / b; } };

// Integer division kernels must reject b == 0 before calling these (PyTorch raises
// "ZeroDivisionError"); the functors return 0 there and avoid the INT_MIN / -1 trap.
// For floats, S is the storage type: PyTorch rounds every intermediate of float16/bfloat16
// floor/trunc division to S (its vectorised 16-bit arithmetic); S == T otherwise.
template <class S, class T> CT_HD T round_to(T x) { return T(S(x)); }

template <class T, class S> struct DivTruncIn {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      return ct_math::trunc(round_to<S>(a / b));
    } else {
      if (b == 0) return T(0);
      if constexpr (kIsSignedInt<T>) {
        if (b == T(-1)) return wrap_neg(a);
      }
      return T(a / b);
    }
  }
};
CT_TYPESET(DivTrunc, NoBool)
template <class T> struct DivTrunc : DivTruncIn<T, T> {};

template <class T, class S> struct DivFloorIn {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      // Python's float floor division: exact quotient from fmod, then floor, as PyTorch does.
      if (b == T(0)) return round_to<S>(a / b);
      T mod = round_to<S>(ct_math::fmod(a, b));
      T div = round_to<S>(round_to<S>(a - mod) / b);
      if (mod != T(0) && (b < T(0)) != (mod < T(0))) div = round_to<S>(div - T(1));
      if (div == T(0)) return ct_math::copysign(T(0), round_to<S>(a / b));
      T fl = ct_math::floor(div);
      if (round_to<S>(div - fl) > T(0.5)) fl = round_to<S>(fl + T(1));
      return fl;
    } else {
      if (b == 0) return T(0);
      if constexpr (kIsSignedInt<T>) {
        if (b == T(-1)) return wrap_neg(a);
        T q = T(a / b);
        if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
        return q;
      } else {
        return T(a / b);
      }
    }
  }
};
CT_TYPESET(DivFloor, NoBool)
template <class T> struct DivFloor : DivFloorIn<T, T> {};

// fmod: the result takes the dividend's sign.
CT_TYPESET(Fmod, NoBool)
template <class T> struct Fmod {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      return ct_math::fmod(a, b);
    } else {
      if (b == 0) return T(0);
      if constexpr (kIsSignedInt<T>) {
        if (b == T(-1)) return T(0);
      }
      return T(a % b);
    }
  }
};

// remainder (Python %): the result takes the divisor's sign.
CT_TYPESET(Remainder, NoBool)
template <class T> struct Remainder {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      T mod = ct_math::fmod(a, b);
      if (mod != T(0) && (b < T(0)) != (mod < T(0))) mod += b;
      return mod;
    } else {
      if (b == 0) return T(0);
      if constexpr (kIsSignedInt<T>) {
        if (b == T(-1)) return T(0);
        T r = T(a % b);
        if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
        return r;
      } else {
        return T(a % b);
      }
    }
  }
};

// Integer power by squaring in unsigned arithmetic (wraps like PyTorch); negative exponents
// give 1 / a truncated: 1 for a == 1, +-1 for a == -1, else 0.
template <class T> CT_HD T int_pow(T a, T b) {
  if constexpr (kIsSignedInt<T>) {
    if (b < 0) {
      if (a == 1) return T(1);
      if (a == -1) return (b % 2) ? T(-1) : T(1);
      return T(0);
    }
  }
  using U = std::make_unsigned_t<T>;
  U base = U(a), r = U(1);
  for (U e = U(b); e; e >>= 1) {
    if (e & 1) r = U(r * base);
    base = U(base * base);
  }
  return T(r);
}
CT_TYPESET(Pow, NoBool)
template <class T> struct Pow {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) return ct_math::pow(a, b);
    else return int_pow(a, b);
  }
};
// pow with a Python-scalar exponent: PyTorch's fast paths for common exponents.
template <class T> struct PowScalar {
  T e;
  int mode;  // 0 generic, 1: x^2, 2: x^3, 3: sqrt, 4: rsqrt, 5: 1/x, 6: 1/x^2
  CT_HD T operator()(T a) const {
    switch (mode) {
      case 1: return a * a;
      case 2: return a * a * a;
      case 3: return ct_math::sqrt(a);
      case 4: return T(1) / ct_math::sqrt(a);
      case 5: return T(1) / a;
      case 6: return T(1) / (a * a);
      default: return ct_math::pow(a, e);
    }
  }
};

CT_TYPESET(Atan2, Floating)
template <class T> struct Atan2 { CT_HD T operator()(T a, T b) const { return ct_math::atan2(a, b); } };

// maximum/minimum propagate NaN; on ties the first operand wins (so maximum(-0., 0.) == -0.).
template <class T> struct Maximum {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      if (ct_math::isnan(a) || ct_math::isnan(b)) return ct_math::quiet_nan<T>();
    }
    return a < b ? b : a;
  }
};
template <class T> struct Minimum {
  CT_HD T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      if (ct_math::isnan(a) || ct_math::isnan(b)) return ct_math::quiet_nan<T>();
    }
    return b < a ? b : a;
  }
};

// ---------------------------------------------------------------- bitwise
CT_TYPESET(BitwiseAnd, Integral)
template <class T> struct BitwiseAnd { CT_HD T operator()(T a, T b) const { return T(a & b); } };
CT_TYPESET(BitwiseOr, Integral)
template <class T> struct BitwiseOr { CT_HD T operator()(T a, T b) const { return T(a | b); } };
CT_TYPESET(BitwiseXor, Integral)
template <class T> struct BitwiseXor { CT_HD T operator()(T a, T b) const { return T(a ^ b); } };

// Shifts by a negative amount or by >= the bit width give 0 (<<) or the sign fill (>>).
CT_TYPESET(Lshift, Int)
template <class T> struct Lshift {
  CT_HD T operator()(T a, T b) const {
    using U = std::make_unsigned_t<T>;
    constexpr int kBits = int(sizeof(T) * 8);
    if (static_cast<std::make_signed_t<T>>(b) < 0 || int64_t(U(b)) >= kBits) return T(0);
    return T(U(a) << U(b));
  }
};
CT_TYPESET(Rshift, Int)
template <class T> struct Rshift {
  CT_HD T operator()(T a, T b) const {
    using U = std::make_unsigned_t<T>;
    constexpr int kBits = int(sizeof(T) * 8);
    if (static_cast<std::make_signed_t<T>>(b) < 0 || int64_t(U(b)) >= kBits) {
      if constexpr (kIsSignedInt<T>) return T(a >> (kBits - 1));
      else return T(0);
    }
    return T(a >> b);
  }
};

// ---------------------------------------------------------------- comparisons and logical
template <class T> struct Eq { CT_HD bool operator()(T a, T b) const { return a == b; } };
template <class T> struct Ne { CT_HD bool operator()(T a, T b) const { return a != b; } };
template <class T> struct Lt { CT_HD bool operator()(T a, T b) const { return a < b; } };
template <class T> struct Le { CT_HD bool operator()(T a, T b) const { return a <= b; } };
template <class T> struct Gt { CT_HD bool operator()(T a, T b) const { return a > b; } };
template <class T> struct Ge { CT_HD bool operator()(T a, T b) const { return a >= b; } };
template <class T> struct LogicalAnd {
  CT_HD bool operator()(T a, T b) const { return (a != T(0)) && (b != T(0)); }
};
template <class T> struct LogicalOr {
  CT_HD bool operator()(T a, T b) const { return (a != T(0)) || (b != T(0)); }
};
template <class T> struct LogicalXor {
  CT_HD bool operator()(T a, T b) const { return (a != T(0)) != (b != T(0)); }
};

// ---------------------------------------------------------------- ternary and parametrised
// clamp = minimum(maximum(a, lo), hi): NaN in a or a bound propagates; lo > hi gives hi.
CT_TYPESET(Clamp, NoBool)
template <class T> struct Clamp {
  CT_HD T operator()(T a, T lo, T hi) const { return Minimum<T>()(Maximum<T>()(a, lo), hi); }
};
template <class T> struct ClampMin { CT_HD T operator()(T a, T lo) const { return Maximum<T>()(a, lo); } };
template <class T> struct ClampMax { CT_HD T operator()(T a, T hi) const { return Minimum<T>()(a, hi); } };

template <class T> struct Where { CT_HD T operator()(bool c, T a, T b) const { return c ? a : b; } };

// Two formulas keep lerp exact at both ends (weight 0 gives start, 1 gives end); fused like
// PyTorch's kernels.
CT_TYPESET(Lerp, Floating)
template <class T> struct Lerp {
  CT_HD T operator()(T s, T e, T w) const {
    T d = e - s;
    return ct_math::fabs(w) < T(0.5) ? ct_math::fma(w, d, s) : ct_math::fma(-d, T(1) - w, e);
  }
};

CT_TYPESET(Addcmul, NoBool)
template <class T> struct Addcmul {
  T value = T(1);
  CT_HD T operator()(T a, T b, T c) const {
    if constexpr (kIsFloat<T>) return ct_math::fma(value * b, c, a);
    else return T(a + value * b * c);
  }
};
CT_TYPESET(Addcdiv, Floating)
template <class T> struct Addcdiv {
  T value = T(1);
  CT_HD T operator()(T a, T b, T c) const { return a + value * b / c; }
};

// round(x, decimals): scale by 10^|decimals|, round half to even, scale back.
CT_TYPESET(RoundDecimals, Floating)
template <class T> struct RoundDecimals {
  T ten_pow = T(1);
  bool neg = false;
  CT_HD T operator()(T a) const {
    return neg ? ct_math::nearbyint(a / ten_pow) * ten_pow : ct_math::nearbyint(a * ten_pow) / ten_pow;
  }
};

#undef CT_TYPESET
}  // namespace func
}  // namespace ctorch
