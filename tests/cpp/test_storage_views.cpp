// Storage/view aliasing and version-counter sharing.
#include <gtest/gtest.h>

#include "ctorch/ctorch.h"

using namespace ctorch;

TEST(StorageViews, ViewsShareStorageAndVersion) {
  Tensor a = zeros({3, 4});
  Tensor v = a.view({4, 3});
  Tensor s = a.select(0, 1);
  Tensor tr = a.t();
  EXPECT_EQ(a.get()->storage(), v.get()->storage());
  EXPECT_EQ(a.get()->storage(), s.get()->storage());
  EXPECT_EQ(s.storage_offset(), 4);
  EXPECT_EQ(tr.strides(), (Shape{1, 4}));
  EXPECT_FALSE(tr.is_contiguous());
  uint32_t v0 = a._version();
  s.fill_(2.0);
  EXPECT_EQ(a._version(), v0 + 1);
  EXPECT_EQ(v._version(), a._version());
  EXPECT_EQ(a.data_ptr<float>()[4], 2.0f);
  EXPECT_EQ(a.data_ptr<float>()[3], 0.0f);
}

TEST(StorageViews, Alignment) {
  Tensor a = empty({7}, kFloat64);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data_ptr()) % 64, 0u);
}

TEST(StorageViews, ViewErrors) {
  Tensor a = zeros({2, 3});
  EXPECT_THROW(a.t().view({6}), Error);
  EXPECT_THROW(a.view({4}), Error);
  EXPECT_THROW(a.select(0, 5), IndexError);
  EXPECT_THROW(a.transpose(0, 2), IndexError);
  Tensor r = a.t().reshape({6});
  EXPECT_EQ(r.sizes(), (Shape{6}));
  EXPECT_NE(r.get()->storage(), a.get()->storage());
}

TEST(StorageViews, SliceStepsExpandDiagonalUnfold) {
  Tensor a = arange(Scalar(int64_t(12))).view({3, 4});
  Tensor s = a.slice(1, 0, 4, 2);
  EXPECT_EQ(s.sizes(), (Shape{3, 2}));
  EXPECT_EQ(s.strides(), (Shape{4, 2}));
  Tensor e = a.select(0, 0).unsqueeze(0).expand({5, 4});
  EXPECT_EQ(e.strides(), (Shape{0, 1}));
  Tensor d = a.diagonal();
  EXPECT_EQ(d.sizes(), (Shape{3}));
  EXPECT_EQ(d.strides(), (Shape{5}));
  Tensor u = arange(Scalar(int64_t(7))).unfold(0, 3, 2);
  EXPECT_EQ(u.sizes(), (Shape{3, 3}));
  EXPECT_EQ(u.strides(), (Shape{2, 1}));
  Tensor c = a.t().contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_EQ(c.data_ptr<int64_t>()[1], 4);
}

TEST(StorageViews, CopyConvertsAndBroadcasts) {
  Tensor a = zeros({2, 3}, kInt32);
  Tensor b = full({3}, Scalar(2.7), kFloat64);
  a.copy_(b);
  EXPECT_EQ(a.data_ptr<int32_t>()[5], 2);
  Tensor h = a.to(kFloat16);
  EXPECT_EQ(float(h.data_ptr<Half>()[0]), 2.0f);
}
