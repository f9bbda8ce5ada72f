// TensorIter: broadcasting, coalescing, output layout and promotion.
#include <gtest/gtest.h>

#include "ctorch/ctorch.h"
#include "ctorch/iter/tensor_iter.h"

using namespace ctorch;

TEST(TensorIter, CoalescesContiguousDims) {
  Tensor a = zeros({4, 5, 6}), b = zeros({4, 5, 6});
  auto it = TensorIter::binary("add", Tensor(), a, b);
  EXPECT_EQ(it.ndim(), 1);
  EXPECT_EQ(it.shape()[0], 120);
  EXPECT_TRUE(it.is_contiguous());
}

TEST(TensorIter, BroadcastStridesAreZero) {
  Tensor a = zeros({3, 1, 4}), b = zeros({5, 4});
  auto it = TensorIter::binary("add", Tensor(), a, b);
  EXPECT_EQ(it.broadcast_shape(), (Shape{3, 5, 4}));
  EXPECT_EQ(it.output().sizes(), (Shape{3, 5, 4}));
  // innermost dim 4 is shared; the broadcast dim of `a` has stride 0
  bool saw_zero = false;
  for (int d = 0; d < it.ndim(); ++d) saw_zero |= it.strides(1)[d] == 0;
  EXPECT_TRUE(saw_zero);
}

TEST(TensorIter, BroadcastErrorMessage) {
  try {
    TensorIter::binary("add", Tensor(), zeros({2, 3}), zeros({4}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
  }
}

TEST(TensorIter, OutputFollowsInputLayout) {
  Tensor a = zeros({3, 4}).t();  // strides (1, 4)
  auto it = TensorIter::unary("neg", Tensor(), a);
  EXPECT_EQ(it.output().strides(), (Shape{1, 4}));
  EXPECT_EQ(it.ndim(), 1);  // both operands coalesce to one dim in memory order
}

TEST(TensorIter, NonCoalescableSlice) {
  Tensor a = zeros({4, 6}).slice(1, 0, 3, 1);  // [4,3] strides (6,1): rows don't touch
  auto it = TensorIter::unary("neg", Tensor(), a);
  EXPECT_EQ(it.ndim(), 2);
  EXPECT_EQ(it.strides(1)[0], 4);
  EXPECT_EQ(it.strides(1)[1], 24);  // 6 floats
  EXPECT_EQ(it.strides(0)[1], 12);  // the fresh output is dense
  // A step-2 slice of full rows is one uniform stride: it coalesces to 1-D.
  auto it2 = TensorIter::unary("neg", Tensor(), zeros({4, 6}).slice(1, 0, 6, 2));
  EXPECT_EQ(it2.ndim(), 1);
  EXPECT_EQ(it2.strides(1)[0], 8);
}

TEST(TensorIter, PromotionAndCastCheck) {
  Tensor i = zeros({3}, kInt32);
  auto it = TensorIter::binary("add", Tensor(), i, scalar_to_tensor(Scalar(1.5)));
  EXPECT_EQ(it.common_dtype(), kFloat32);
  try {
    TensorIter::binary("add", zeros({3}, kInt64), zeros({3}, kInt64), scalar_to_tensor(Scalar(1.5)));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "result type Float can't be cast to the desired output type Long");
  }
}

TEST(TensorIter, ForEachVisitsEveryElementOnce) {
  Tensor a = arange(Scalar(int64_t(0)), Scalar(int64_t(100000)), Scalar(int64_t(1)), kFloat64).view({100, 1000}).t();
  Tensor out = empty({1000, 100}, kFloat64);
  IterConfig c;
  c.outputs = {out};
  c.inputs = {a};
  TensorIter it(std::move(c));
  it.for_each([](char** p, const int64_t* s, int64_t n) {
    for (int64_t k = 0; k < n; ++k)
      *reinterpret_cast<double*>(p[0] + k * s[0]) = *reinterpret_cast<double*>(p[1] + k * s[1]) + 1;
  }, 1000);
  EXPECT_EQ(out.data_ptr<double>()[1], 1001.0);     // out[0,1] = a[0,1] + 1 = (1*1000 + 0) + 1
  EXPECT_EQ(out.data_ptr<double>()[100], 2.0);      // out[1,0] = a[1,0] + 1
}
