// The dispatcher: registered CPU kernels, and a clear error for a missing device kernel.
#include <gtest/gtest.h>

#include <string>

#include "ctorch/ctorch.h"
#include "ctorch/dispatch/registry.h"

using namespace ctorch;

TEST(Dispatch, CpuKernelsRegistered) {
  EXPECT_TRUE(has_kernel(OpId::add, kCPU));
  EXPECT_TRUE(has_kernel(OpId::copy, kCPU));
  EXPECT_STREQ(op_name(OpId::add), "add");
}

TEST(Dispatch, MissingKernelNamesOpAndDevice) {
  if (cuda_compiled()) GTEST_SKIP() << "CUDA build registers CUDA kernels";
  try {
    lookup_kernel(OpId::exp, kCUDA);
    FAIL();
  } catch (const NotImplementedError& e) {
    EXPECT_EQ(std::string(e.what()), "[exp] no kernel for cuda");
  }
}

TEST(Dispatch, CudaTensorWithoutCudaIsAClearError) {
  if (cuda_compiled()) GTEST_SKIP();
  EXPECT_THROW(ones({2}, TensorOptions().device(Device("cuda"))), Error);
}
