// A program written against the public, libtorch-shaped C++ API.
#include <gtest/gtest.h>

#include <cmath>

#include "ctorch/ctorch.h"

TEST(PublicApi, FactoriesOpsAndItem) {
  ctorch::Tensor a = ctorch::ones({2, 3}, ctorch::kFloat64);
  ctorch::Tensor b = ctorch::full({3, 2}, 2.0, ctorch::TensorOptions().dtype(ctorch::kFloat64));
  ctorch::Tensor c = ctorch::matmul(a, b);
  EXPECT_EQ(c.dtype(), ctorch::kFloat64);
  EXPECT_EQ(c.sizes(), (ctorch::Shape{2, 2}));
  EXPECT_DOUBLE_EQ(c.sum().item<double>(), 24.0);
  ctorch::Tensor d = (ctorch::ones({2, 3}) * 3 + 1).mean();
  EXPECT_FLOAT_EQ(d.item<float>(), 4.0f);
  EXPECT_EQ(ctorch::arange(ctorch::Scalar(int64_t(5))).dtype(), ctorch::kInt64);
  // matmul requires equal dtypes, as in PyTorch
  EXPECT_THROW(ctorch::matmul(ctorch::ones({2, 3}), b), ctorch::Error);
}

TEST(PublicApi, RandomIsSeeded) {
  ctorch::manual_seed(0);
  ctorch::Tensor r = ctorch::rand({3});
  EXPECT_NEAR(r.data_ptr<float>()[0], 0.4963f, 1e-4);
  EXPECT_NEAR(r.data_ptr<float>()[1], 0.7682f, 1e-4);
}

TEST(PublicApi, ErrorsAreExceptions) {
  try {
    ctorch::mm(ctorch::ones({2, 3}), ctorch::ones({4, 5}));
    FAIL();
  } catch (const ctorch::Error& e) {
    EXPECT_STREQ(e.what(), "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
  }
  EXPECT_THROW(ctorch::ones({2}).item(), ctorch::Error);
}
