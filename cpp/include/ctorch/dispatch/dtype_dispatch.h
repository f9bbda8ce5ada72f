#pragma once
// Run a generic lambda with `scalar_t` bound to the C++ type of a runtime dtype.
// Usage: CT_DISPATCH_ALL(t.dtype(), "add", [&] { kernel<scalar_t>(...); });
#include "ctorch/core/check.h"
#include "ctorch/core/dtype.h"

#define CT_DTYPE_CASE(DT, ...)                                   \
  case DT: {                                                     \
    using scalar_t = typename ::ctorch::dtype_cpp<DT>::type;     \
    return __VA_ARGS__();                                        \
  }

#define CT_DISPATCH_FAIL(dt, op)                                                             \
  default:                                                                                   \
    throw ::ctorch::Error(::ctorch::str_cat("\"", op, "\" not implemented for '",            \
                                            ::ctorch::dtype_legacy_name(dt), "'"));

// Every dtype.
#define CT_DISPATCH_ALL(dt, op, ...)                                                          \
  [&] {                                                                                       \
    switch (dt) {                                                                             \
      CT_DTYPE_CASE(::ctorch::kBool, __VA_ARGS__)                                             \
      CT_DTYPE_CASE(::ctorch::kUInt8, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt8, __VA_ARGS__)                                             \
      CT_DTYPE_CASE(::ctorch::kInt16, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt32, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt64, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kFloat16, __VA_ARGS__)                                          \
      CT_DTYPE_CASE(::ctorch::kBFloat16, __VA_ARGS__)                                         \
      CT_DTYPE_CASE(::ctorch::kFloat32, __VA_ARGS__)                                          \
      CT_DTYPE_CASE(::ctorch::kFloat64, __VA_ARGS__)                                          \
      CT_DISPATCH_FAIL(dt, op)                                                                \
    }                                                                                         \
  }()

// Every dtype except bool.
#define CT_DISPATCH_NUMERIC(dt, op, ...)                                                      \
  [&] {                                                                                       \
    switch (dt) {                                                                             \
      CT_DTYPE_CASE(::ctorch::kUInt8, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt8, __VA_ARGS__)                                             \
      CT_DTYPE_CASE(::ctorch::kInt16, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt32, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt64, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kFloat16, __VA_ARGS__)                                          \
      CT_DTYPE_CASE(::ctorch::kBFloat16, __VA_ARGS__)                                         \
      CT_DTYPE_CASE(::ctorch::kFloat32, __VA_ARGS__)                                          \
      CT_DTYPE_CASE(::ctorch::kFloat64, __VA_ARGS__)                                          \
      CT_DISPATCH_FAIL(dt, op)                                                                \
    }                                                                                         \
  }()

// Floating dtypes (float16/bfloat16 compute in float via compute_t).
#define CT_DISPATCH_FLOATING(dt, op, ...)                                                     \
  [&] {                                                                                       \
    switch (dt) {                                                                             \
      CT_DTYPE_CASE(::ctorch::kFloat16, __VA_ARGS__)                                          \
      CT_DTYPE_CASE(::ctorch::kBFloat16, __VA_ARGS__)                                         \
      CT_DTYPE_CASE(::ctorch::kFloat32, __VA_ARGS__)                                          \
      CT_DTYPE_CASE(::ctorch::kFloat64, __VA_ARGS__)                                          \
      CT_DISPATCH_FAIL(dt, op)                                                                \
    }                                                                                         \
  }()

// Integral dtypes, bool included (bitwise ops).
#define CT_DISPATCH_INTEGRAL(dt, op, ...)                                                     \
  [&] {                                                                                       \
    switch (dt) {                                                                             \
      CT_DTYPE_CASE(::ctorch::kBool, __VA_ARGS__)                                             \
      CT_DTYPE_CASE(::ctorch::kUInt8, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt8, __VA_ARGS__)                                             \
      CT_DTYPE_CASE(::ctorch::kInt16, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt32, __VA_ARGS__)                                            \
      CT_DTYPE_CASE(::ctorch::kInt64, __VA_ARGS__)                                            \
      CT_DISPATCH_FAIL(dt, op)                                                                \
    }                                                                                         \
  }()
