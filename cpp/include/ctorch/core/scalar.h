#pragma once
// A Python-like number: bool, int64 or double. Used for scalar arguments and item().
#include <cstdint>
#include <type_traits>

#include "ctorch/core/dtype.h"

namespace ctorch {

class Scalar {
 public:
  enum class Kind : int8_t { Bool, Int, Float };
  Scalar() : kind_(Kind::Int), i_(0) {}
  Scalar(bool b) : kind_(Kind::Bool), i_(b) {}
  template <class T, std::enable_if_t<std::is_integral<T>::value && !std::is_same<T, bool>::value, int> = 0>
  Scalar(T v) : kind_(Kind::Int), i_(int64_t(v)) {}
  template <class T, std::enable_if_t<std::is_floating_point<T>::value, int> = 0>
  Scalar(T v) : kind_(Kind::Float), d_(double(v)) {}
  Scalar(Half h) : kind_(Kind::Float), d_(float(h)) {}
  Scalar(BFloat16 h) : kind_(Kind::Float), d_(float(h)) {}

  Kind kind() const { return kind_; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_int() const { return kind_ == Kind::Int; }
  bool is_float() const { return kind_ == Kind::Float; }
  double to_double() const { return kind_ == Kind::Float ? d_ : double(i_); }
  int64_t to_long() const { return kind_ == Kind::Float ? int64_t(d_) : i_; }
  bool to_bool() const { return kind_ == Kind::Float ? d_ != 0 : i_ != 0; }
  template <class T> T to() const;
  // dtype a Python scalar of this kind contributes (int -> int64, float -> default float dtype).
  ScalarType natural_dtype() const;

 private:
  Kind kind_;
  union { int64_t i_; double d_; };
};

template <class T> inline T Scalar::to() const {
  if (std::is_same<T, bool>::value) return T(to_bool());
  if (std::is_integral<T>::value) return kind_ == Kind::Float ? T(int64_t(d_)) : T(i_);
  return T(compute_t<T>(to_double()));
}

// Default float dtype (set_default_dtype).
CT_API ScalarType get_default_dtype();
CT_API void set_default_dtype(ScalarType t);

inline ScalarType Scalar::natural_dtype() const {
  return kind_ == Kind::Bool ? kBool : kind_ == Kind::Int ? kInt64 : get_default_dtype();
}

}  // namespace ctorch
