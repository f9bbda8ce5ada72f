// The promotion table of the facts doc, plus 0-dim and wrapped-scalar rules.
#include <gtest/gtest.h>

#include "ctorch/ctorch.h"
#include "ctorch/iter/tensor_iter.h"

using namespace ctorch;

TEST(Promotion, TableMatchesPyTorch) {
  // rows/cols: b u8 i8 i16 i32 i64 f16 bf16 f32 f64
  const char* expected[10] = {
      "b u8 i8 i16 i32 i64 f16 bf16 f32 f64", "u8 u8 i16 i16 i32 i64 f16 bf16 f32 f64",
      "i8 i16 i8 i16 i32 i64 f16 bf16 f32 f64", "i16 i16 i16 i16 i32 i64 f16 bf16 f32 f64",
      "i32 i32 i32 i32 i32 i64 f16 bf16 f32 f64", "i64 i64 i64 i64 i64 i64 f16 bf16 f32 f64",
      "f16 f16 f16 f16 f16 f16 f16 f32 f32 f64", "bf16 bf16 bf16 bf16 bf16 bf16 f32 bf16 f32 f64",
      "f32 f32 f32 f32 f32 f32 f32 f32 f32 f64", "f64 f64 f64 f64 f64 f64 f64 f64 f64 f64"};
  const char* shortn[10] = {"b", "u8", "i8", "i16", "i32", "i64", "f16", "bf16", "f32", "f64"};
  for (int a = 0; a < 10; ++a) {
    std::string row;
    for (int b = 0; b < 10; ++b) row += std::string(b ? " " : "") + shortn[int(promote_types(ScalarType(a), ScalarType(b)))];
    EXPECT_EQ(row, expected[a]) << "row " << shortn[a];
  }
}

TEST(Promotion, ZeroDimAndScalars) {
  auto rt = [](std::vector<Tensor> ts) { return result_type(ts); };
  EXPECT_EQ(rt({zeros({2}, kInt32), full({}, Scalar(int64_t(5)))}), kInt32);
  EXPECT_EQ(rt({zeros({2}, kInt32), full({}, Scalar(5.0), kFloat64)}), kFloat64);
  EXPECT_EQ(rt({zeros({2}, kFloat16), full({}, Scalar(5.0), kFloat64)}), kFloat16);
  EXPECT_EQ(rt({zeros({2}, kUInt8), full({}, Scalar(int64_t(5)), kInt8)}), kUInt8);
  EXPECT_EQ(rt({full({}, Scalar(1.0), kFloat64), full({}, Scalar(1.0), kFloat16)}), kFloat64);
  EXPECT_EQ(rt({zeros({2}, kInt32), scalar_to_tensor(Scalar(1.5))}), kFloat32);
  EXPECT_EQ(rt({zeros({2}, kBool), scalar_to_tensor(Scalar(int64_t(1)))}), kInt64);
  EXPECT_EQ(rt({zeros({2}, kUInt8), scalar_to_tensor(Scalar(int64_t(300)))}), kUInt8);
  EXPECT_EQ(rt({zeros({2}, kFloat16), scalar_to_tensor(Scalar(1.5))}), kFloat16);
}

TEST(Promotion, CanCast) {
  EXPECT_FALSE(can_cast(kFloat32, kInt64));
  EXPECT_FALSE(can_cast(kInt64, kBool));
  EXPECT_TRUE(can_cast(kFloat64, kFloat32));
  EXPECT_TRUE(can_cast(kBool, kFloat16));
}
