// The dispatcher: registered CPU kernels, and a clear error for a missing device kernel.
#include <gtest/gtest.h>

#include <string>

#include "ctorch/ctorch.h"
#include "ctorch/cuda/cuda_api.h"
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

// A CUDA build on a machine without a GPU (CI): every op row has a CUDA kernel, and using the
// device raises a clear error instead of crashing.
TEST(Dispatch, CudaBuildRegistersEveryRow) {
  if (!cuda_compiled()) GTEST_SKIP() << "built without CUDA";
  for (int op = 0; op < kNumOps; ++op)
    EXPECT_TRUE(has_kernel(OpId(op), kCUDA)) << op_name(OpId(op));
  if (cuda::device_count() > 0) return;
  try {
    ones({2}, TensorOptions().device(Device("cuda")));
    FAIL() << "expected an error without a GPU";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_TRUE(m.find("NVIDIA driver") != std::string::npos || m.find("No CUDA GPUs") != std::string::npos) << m;
  }
  Tensor x = ones({2});
  EXPECT_THROW(to_device(x, Device("cuda")), Error);
}
