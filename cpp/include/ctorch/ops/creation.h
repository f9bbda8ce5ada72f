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
CT_API Tensor empty_like(const Tensor& t, const TensorOptions& o = {});
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
CT_API Tensor bernoulli(const Tensor& p, Generator* g = nullptr);
CT_API Tensor& uniform_(Tensor& t, double from = 0, double to = 1, Generator* g = nullptr);
CT_API Tensor& normal_(Tensor& t, double mean = 0, double std = 1, Generator* g = nullptr);
CT_API Tensor& bernoulli_(Tensor& t, double p, Generator* g = nullptr);
CT_API Tensor& bernoulli_(Tensor& t, const Tensor& p, Generator* g = nullptr);
CT_API Tensor& random_(Tensor& t, int64_t from, std::optional<int64_t> to, Generator* g = nullptr);
CT_API Tensor& exponential_(Tensor& t, double lambd = 1, Generator* g = nullptr);
CT_API void manual_seed(uint64_t seed);

}  // namespace ctorch
