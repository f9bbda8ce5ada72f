// Autograd engine invariants Python can't see cheaply: ordering, deep-graph teardown, the C++ API.
#include <gtest/gtest.h>

#include "ctorch/autograd/autograd.h"
#include "ctorch/ctorch.h"

using namespace ctorch;

TEST(AutogradEngine, CppApiBackwardAndGrad) {
  Tensor x = full({3}, 2.0, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor y = (x * x * x).sum();  // dy/dx = 3x^2 = 12
  y.backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_DOUBLE_EQ(x.grad().data_ptr<double>()[0], 12.0);
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(y.is_leaf());
}

TEST(AutogradEngine, GradFunctionAndDoubleBackward) {
  Tensor x = full({}, 3.0, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor y = x * x * x;
  auto g = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true);
  EXPECT_DOUBLE_EQ(g[0].item<double>(), 27.0);  // 3x^2
  auto gg = autograd::grad({g[0]}, {x});
  EXPECT_DOUBLE_EQ(gg[0].item<double>(), 18.0);  // 6x
  EXPECT_FALSE(x.grad().defined());             // grad() leaves .grad alone
}

TEST(AutogradEngine, NoGradGuard) {
  Tensor x = ones({2}, TensorOptions().requires_grad(true));
  {
    NoGradGuard guard;
    Tensor y = x * 2;
    EXPECT_FALSE(y.requires_grad());
  }
  EXPECT_TRUE((x * 2).requires_grad());
}

TEST(AutogradEngine, SequenceNumbersIncrease) {
  Tensor x = ones({2}, TensorOptions().requires_grad(true));
  Tensor a = x * 2, b = a + 1;
  EXPECT_LT(autograd::meta(a)->grad_fn->sequence_nr, autograd::meta(b)->grad_fn->sequence_nr);
}

TEST(AutogradEngine, DeepChainBackwardAndTeardown) {
  Tensor x = ones({1}, TensorOptions().requires_grad(true));
  Tensor y = x;
  for (int i = 0; i < 200000; ++i) y = y * 1.0;
  y.sum().backward();
  EXPECT_FLOAT_EQ(x.grad().item<float>(), 1.0f);
  // Rebuild and drop without running backward: destruction must not recurse.
  Tensor z = x;
  for (int i = 0; i < 200000; ++i) z = z + 0.0;
  z = Tensor();
  SUCCEED();
}

TEST(AutogradEngine, SecondBackwardWithoutRetainGraphThrows) {
  Tensor x = ones({2}, TensorOptions().requires_grad(true));
  Tensor y = (x * x).sum();
  y.backward(Tensor(), true);
  y.backward();
  EXPECT_THROW(y.backward(), Error);
}

TEST(AutogradEngine, InplaceOnSavedTensorIsDetected) {
  Tensor a = ones({3}, TensorOptions().requires_grad(true));
  Tensor b = a * 2;
  Tensor c = b * b;
  b.add_(ones({3}));
  try {
    c.sum().backward();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is at version 1; expected version 0 instead"), std::string::npos);
  }
}
