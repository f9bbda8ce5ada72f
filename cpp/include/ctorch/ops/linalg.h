#pragma once
// Matrix products. All route through one strided batched GEMM kernel (OpId::gemm).
#include "ctorch/core/tensor.h"

namespace ctorch {

CT_API Tensor dot(const Tensor& a, const Tensor& b);
CT_API Tensor mv(const Tensor& m, const Tensor& v);
CT_API Tensor mm(const Tensor& a, const Tensor& b);
CT_API Tensor bmm(const Tensor& a, const Tensor& b);
CT_API Tensor matmul(const Tensor& a, const Tensor& b);  // numpy-style batch broadcasting
CT_API Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta = 1,
                    const Scalar& alpha = 1);
CT_API Tensor outer(const Tensor& a, const Tensor& b);
CT_API Tensor& mm_out(Tensor& out, const Tensor& a, const Tensor& b);
CT_API Tensor& bmm_out(Tensor& out, const Tensor& a, const Tensor& b);
CT_API Tensor& matmul_out(Tensor& out, const Tensor& a, const Tensor& b);
CT_API Tensor& addmm_out(Tensor& out, const Tensor& self, const Tensor& m1, const Tensor& m2,
                         const Scalar& beta = 1, const Scalar& alpha = 1);
CT_API Tensor& dot_out(Tensor& out, const Tensor& a, const Tensor& b);
CT_API Tensor& mv_out(Tensor& out, const Tensor& m, const Tensor& v);
CT_API Tensor& outer_out(Tensor& out, const Tensor& a, const Tensor& b);

}  // namespace ctorch
