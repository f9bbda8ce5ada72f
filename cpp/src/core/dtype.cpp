#include "ctorch/core/dtype.h"

#include <atomic>

#include "ctorch/core/check.h"
#include "ctorch/core/device.h"
#include "ctorch/core/scalar.h"

namespace ctorch {

namespace {
struct Info {
  int64_t size;
  const char* name;
  const char* legacy;
  const char* cpp;
};
const Info kInfo[kNumDtypes] = {
    {1, "bool", "Bool", "bool"},          {1, "uint8", "Byte", "unsigned char"},
    {1, "int8", "Char", "signed char"},   {2, "int16", "Short", "short int"},
    {4, "int32", "Int", "int"},           {8, "int64", "Long", "long int"},
    {2, "float16", "Half", "c10::Half"},  {2, "bfloat16", "BFloat16", "c10::BFloat16"},
    {4, "float32", "Float", "float"},     {8, "float64", "Double", "double"},
};
std::atomic<ScalarType> g_default_dtype{kFloat32};
}  // namespace

int64_t itemsize(ScalarType t) { return kInfo[int(t)].size; }
const char* dtype_name(ScalarType t) { return kInfo[int(t)].name; }
const char* dtype_legacy_name(ScalarType t) { return kInfo[int(t)].legacy; }
const char* dtype_cpp_name(ScalarType t) { return kInfo[int(t)].cpp; }

ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  // Indexing order: b u8 i8 i16 i32 i64 f16 bf16 f32 f64 (the facts doc's table).
  constexpr ScalarType b1 = kBool, u1 = kUInt8, i1 = kInt8, i2 = kInt16, i4 = kInt32, i8 = kInt64,
                       f2 = kFloat16, bf = kBFloat16, f4 = kFloat32, f8 = kFloat64;
  static const ScalarType table[kNumDtypes][kNumDtypes] = {
      /* b   */ {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8},
      /* u8  */ {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
      /* i8  */ {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8},
      /* i16 */ {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
      /* i32 */ {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8},
      /* i64 */ {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
      /* f16 */ {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8},
      /* bf16*/ {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
      /* f32 */ {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8},
      /* f64 */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
  };
  return table[int(a)][int(b)];
}

bool can_cast(ScalarType from, ScalarType to) {
  // PyTorch forbids only downward category casts: float -> integral, non-bool -> bool.
  if (is_floating(from) && is_integral(to, true)) return false;
  if (from != kBool && to == kBool) return false;
  return true;
}

ScalarType get_default_dtype() { return g_default_dtype.load(std::memory_order_relaxed); }
void set_default_dtype(ScalarType t) {
  CT_CHECK_TYPE(t == kFloat32 || t == kFloat64 || t == kFloat16 || t == kBFloat16,
                "only floating-point types are supported as the default type");
  g_default_dtype.store(t);
}

Device::Device(const std::string& spec) {
  std::string s = spec;
  int idx = -1;
  auto colon = s.find(':');
  if (colon != std::string::npos) {
    std::string num = s.substr(colon + 1);
    CT_CHECK(!num.empty() && num.find_first_not_of("0123456789") == std::string::npos,
             "Invalid device string: '", spec, "'");
    idx = std::stoi(num);
    s = s.substr(0, colon);
  }
  if (s == "cpu") {
    CT_CHECK(idx <= 0, "Device index must be -1 or 0 for cpu, got ", idx);
    type = DeviceType::CPU;
    index = -1;
  } else if (s == "cuda") {
    type = DeviceType::CUDA;
    index = idx;
  } else {
    CT_CHECK(false, "Expected one of cpu, cuda device type at start of device string: ", spec);
  }
}

std::string Device::str() const {
  if (type == DeviceType::CPU) return "cpu";
  return index < 0 ? "cuda" : "cuda:" + std::to_string(index);
}

}  // namespace ctorch
