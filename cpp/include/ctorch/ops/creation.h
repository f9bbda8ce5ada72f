#pragma once
// Factory functions. Random ones draw from default_generator() (PyTorch-identical CPU streams).
#include <functional>
#include <optional>

#include "ctorch/core/tensor.h"

namespace ctorch {
class Generator;

CT_API Tensor empty(const IntList& size, const TensorOptions& o = {});
CT_API Tensor empty_strided(const IntList& size, const IntList& stride, const TensorOptions& o = {});
CT_API Tensor zeros(const IntList& size, const TensorOptions& o = {});
CT_API Tensor ones(const IntList& size, const TensorOptions& o = {});
// dtype defaults to the scalar's natural dtype (int -> int64, float -> default, bool -> bool).
CT_API Tensor full(const IntList& size, const Scalar& v, const TensorOptions& o = {});
// *_like follow torch's preserve_format: dense inputs keep their strides (a transposed input gives a
// transposed result), other inputs get dense strides in the same dimension order.
CT_API Tensor empty_like(const Tensor& t, const TensorOptions& o = {});
CT_API bool is_non_overlapping_and_dense(const Tensor& t);
CT_API IntList infer_dense_strides(const Tensor& t);
CT_API Tensor zeros_like(const Tensor& t, const TensorOptions& o = {});
CT_API Tensor ones_like(const Tensor& t, const TensorOptions& o = {});
CT_API Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o = {});
// dtype defaults: int64 when start/end/step are all integers, else the default float dtype.
CT_API Tensor arange(const Scalar& end, const TensorOptions& o = {});
CT_API Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step = 1, const TensorOptions& o = {});
CT_API Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& o = {});
CT_API Tensor logspace(const Scalar& start, const Scalar& end, int64_t steps, double base = 10.0,
                       const TensorOptions& o = {});
CT_API Tensor eye(int64_t n, std::optional<int64_t> m = {}, const TensorOptions& o = {});
// Wraps memory without copying; `release` runs when the last view dies.
CT_API Tensor from_blob(void* data, const IntList& size, const IntList& stride, ScalarType dtype,
                        std::function<void()> release = {});

CT_API Tensor rand(const IntList& size, const TensorOptions& o = {}, Generator* g = nullptr);
CT_API Tensor randn(const IntList& size, const TensorOptions& o = {}, Generator* g = nullptr);
CT_API Tensor randint(int64_t low, int64_t high, const IntList& size, const TensorOptions& o = kLong,
                      Generator* g = nullptr);
CT_API Tensor randperm(int64_t n, const TensorOptions& o = kLong, Generator* g = nullptr);
CT_API Tensor normal(double mean, double std, const IntList& size, const TensorOptions& o = {}, Generator* g = nullptr);
CT_API Tensor normal(const Tensor& mean, const Tensor& std, Generator* g = nullptr);
CT_API Tensor normal(const Tensor& mean, double std, Generator* g = nullptr);
CT_API Tensor normal(double mean, const Tensor& std, Generator* g = nullptr);
CT_API Tensor bernoulli(const Tensor& p, Generator* g = nullptr);
CT_API Tensor bernoulli(const Tensor& input, double p, Generator* g = nullptr);  // like input, P(1) = p
CT_API Tensor& uniform_(Tensor& t, double from = 0, double to = 1, Generator* g = nullptr);
CT_API Tensor& normal_(Tensor& t, double mean = 0, double std = 1, Generator* g = nullptr);
CT_API Tensor& bernoulli_(Tensor& t, double p, Generator* g = nullptr);
CT_API Tensor& bernoulli_(Tensor& t, const Tensor& p, Generator* g = nullptr);
CT_API Tensor& random_(Tensor& t, int64_t from, std::optional<int64_t> to, Generator* g = nullptr);
CT_API Tensor& random_(Tensor& t, Generator* g = nullptr);  // [0, 2^mantissa] floats, [0, max] ints
CT_API Tensor& exponential_(Tensor& t, double lambd = 1, Generator* g = nullptr);
CT_API void manual_seed(uint64_t seed);

// Kernel slots of the random op rows. Each fills a CONTIGUOUS tensor (the front end fills a
// temporary and copies it into strided targets); arguments are already validated.
//  uniform:   [from, to)          normal: `contiguous` selects torch's vectorised algorithm
//  bernoulli: p is null (use p_scalar) or a contiguous float/double tensor of out's shape
//  randint:   [low, high) with high - low taken as uint64 (high = INT64_MIN stands for 2^63);
//             low == high == 0: random_()'s default range, low == high == INT64_MIN: all 64 bits
using UniformKernelFn = void(Tensor& out, double from, double to, Generator& g);
using NormalKernelFn = void(Tensor& out, double mean, double std, bool contiguous, Generator& g);
using BernoulliKernelFn = void(Tensor& out, const Tensor* p, double p_scalar, Generator& g);
using RandintKernelFn = void(Tensor& out, int64_t low, int64_t high, Generator& g);

}  // namespace ctorch
