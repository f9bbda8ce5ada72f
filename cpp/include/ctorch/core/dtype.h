#pragma once
// Scalar types, their C++ types, and PyTorch's type-promotion lattice.
#include <cstdint>
#include <string>

#include "ctorch/core/half.h"
#include "ctorch/core/macros.h"

namespace ctorch {

enum class ScalarType : int8_t {
  Bool = 0, UInt8, Int8, Int16, Int32, Int64, Float16, BFloat16, Float32, Float64,
  NumTypes, Undefined = -1
};
using Dtype = ScalarType;
constexpr int kNumDtypes = int(ScalarType::NumTypes);

constexpr ScalarType kBool = ScalarType::Bool, kUInt8 = ScalarType::UInt8, kByte = ScalarType::UInt8,
                     kInt8 = ScalarType::Int8, kChar = ScalarType::Int8, kInt16 = ScalarType::Int16,
                     kShort = ScalarType::Int16, kInt32 = ScalarType::Int32, kInt = ScalarType::Int32,
                     kInt64 = ScalarType::Int64, kLong = ScalarType::Int64, kFloat16 = ScalarType::Float16,
                     kHalf = ScalarType::Float16, kBFloat16 = ScalarType::BFloat16,
                     kFloat32 = ScalarType::Float32, kFloat = ScalarType::Float32,
                     kFloat64 = ScalarType::Float64, kDouble = ScalarType::Float64;

CT_API int64_t itemsize(ScalarType t);
CT_API const char* dtype_name(ScalarType t);     // "float32"
CT_API const char* dtype_legacy_name(ScalarType t);  // "Float" (used in PyTorch error messages)
CT_API const char* dtype_cpp_name(ScalarType t);  // "float", "double", "long int" (mm messages)
inline bool is_floating(ScalarType t) {
  return t == kFloat16 || t == kBFloat16 || t == kFloat32 || t == kFloat64;
}
inline bool is_integral(ScalarType t, bool include_bool) {
  return (t >= kUInt8 && t <= kInt64) || (include_bool && t == kBool);
}
// Category rank used by promotion with scalars / 0-dim tensors: bool < integer < floating.
inline int category(ScalarType t) { return t == kBool ? 0 : is_floating(t) ? 2 : 1; }
CT_API ScalarType promote_types(ScalarType a, ScalarType b);
// Whether a value of category `from` may be written to `to` (PyTorch's canCast).
CT_API bool can_cast(ScalarType from, ScalarType to);

// C++ type of each dtype, and the type arithmetic is done in.
template <ScalarType T> struct dtype_cpp;
template <> struct dtype_cpp<kBool> { using type = bool; };
template <> struct dtype_cpp<kUInt8> { using type = uint8_t; };
template <> struct dtype_cpp<kInt8> { using type = int8_t; };
template <> struct dtype_cpp<kInt16> { using type = int16_t; };
template <> struct dtype_cpp<kInt32> { using type = int32_t; };
template <> struct dtype_cpp<kInt64> { using type = int64_t; };
template <> struct dtype_cpp<kFloat16> { using type = Half; };
template <> struct dtype_cpp<kBFloat16> { using type = BFloat16; };
template <> struct dtype_cpp<kFloat32> { using type = float; };
template <> struct dtype_cpp<kFloat64> { using type = double; };

template <class T> struct compute_type { using type = T; };
template <> struct compute_type<Half> { using type = float; };
template <> struct compute_type<BFloat16> { using type = float; };
template <class T> using compute_t = typename compute_type<T>::type;

template <class T> constexpr ScalarType dtype_of();
template <> constexpr ScalarType dtype_of<bool>() { return kBool; }
template <> constexpr ScalarType dtype_of<uint8_t>() { return kUInt8; }
template <> constexpr ScalarType dtype_of<int8_t>() { return kInt8; }
template <> constexpr ScalarType dtype_of<int16_t>() { return kInt16; }
template <> constexpr ScalarType dtype_of<int32_t>() { return kInt32; }
template <> constexpr ScalarType dtype_of<int64_t>() { return kInt64; }
template <> constexpr ScalarType dtype_of<Half>() { return kFloat16; }
template <> constexpr ScalarType dtype_of<BFloat16>() { return kBFloat16; }
template <> constexpr ScalarType dtype_of<float>() { return kFloat32; }
template <> constexpr ScalarType dtype_of<double>() { return kFloat64; }

}  // namespace ctorch
