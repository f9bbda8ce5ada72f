#pragma once
// Reductions. `dims` empty = all dims. dtype= casts the input before reducing (PyTorch semantics):
// sum/prod/cumsum/cumprod of bool/integer inputs default to int64.
#include <optional>
#include <tuple>

#include "ctorch/core/tensor.h"

namespace ctorch {

CT_API Tensor sum(const Tensor& a, const IntList& dims = {}, bool keepdim = false,
                  std::optional<ScalarType> dtype = {});
CT_API Tensor& sum_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim = false,
                       std::optional<ScalarType> dtype = {});
CT_API Tensor mean(const Tensor& a, const IntList& dims = {}, bool keepdim = false,
                   std::optional<ScalarType> dtype = {});
CT_API Tensor& mean_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim = false,
                        std::optional<ScalarType> dtype = {});
CT_API Tensor prod(const Tensor& a, std::optional<int64_t> dim = {}, bool keepdim = false,
                   std::optional<ScalarType> dtype = {});
CT_API Tensor amax(const Tensor& a, const IntList& dims = {}, bool keepdim = false);
CT_API Tensor amin(const Tensor& a, const IntList& dims = {}, bool keepdim = false);
CT_API Tensor max(const Tensor& a);  // all elements; error on empty
CT_API Tensor min(const Tensor& a);
CT_API std::tuple<Tensor, Tensor> max(const Tensor& a, int64_t dim, bool keepdim = false);
CT_API std::tuple<Tensor, Tensor> min(const Tensor& a, int64_t dim, bool keepdim = false);
CT_API Tensor argmax(const Tensor& a, std::optional<int64_t> dim = {}, bool keepdim = false);
CT_API Tensor argmin(const Tensor& a, std::optional<int64_t> dim = {}, bool keepdim = false);
// correction: 1 = unbiased (Bessel), 0 = population.
CT_API Tensor var(const Tensor& a, const IntList& dims = {}, double correction = 1, bool keepdim = false);
CT_API Tensor std(const Tensor& a, const IntList& dims = {}, double correction = 1, bool keepdim = false);
CT_API std::tuple<Tensor, Tensor> var_mean(const Tensor& a, const IntList& dims = {}, double correction = 1,
                                           bool keepdim = false);
CT_API std::tuple<Tensor, Tensor> std_mean(const Tensor& a, const IntList& dims = {}, double correction = 1,
                                           bool keepdim = false);
// p: 2 by default; inf / -inf / 0 / any positive p; "fro" == 2.
CT_API Tensor norm(const Tensor& a, double p = 2, const IntList& dims = {}, bool keepdim = false,
                   std::optional<ScalarType> dtype = {});
CT_API Tensor all(const Tensor& a, const IntList& dims = {}, bool keepdim = false);
CT_API Tensor any(const Tensor& a, const IntList& dims = {}, bool keepdim = false);
CT_API Tensor logsumexp(const Tensor& a, const IntList& dims, bool keepdim = false);
CT_API Tensor cumsum(const Tensor& a, int64_t dim, std::optional<ScalarType> dtype = {});
CT_API Tensor cumprod(const Tensor& a, int64_t dim, std::optional<ScalarType> dtype = {});
CT_API Tensor& cumsum_out(Tensor& out, const Tensor& a, int64_t dim, std::optional<ScalarType> dtype = {});
CT_API Tensor& cumprod_out(Tensor& out, const Tensor& a, int64_t dim, std::optional<ScalarType> dtype = {});

// all/any where an empty `dims` reduces nothing (torch.all(x, dim=())), unlike all()/any().
CT_API Tensor all_dims(const Tensor& a, const IntList& dims, bool keepdim = false);
CT_API Tensor any_dims(const Tensor& a, const IntList& dims, bool keepdim = false);
// out= variants (out is resized; dtype rules follow PyTorch per op).
CT_API Tensor& prod_out(Tensor& out, const Tensor& a, int64_t dim, bool keepdim = false,
                        std::optional<ScalarType> dtype = {});
CT_API Tensor& amax_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim = false);
CT_API Tensor& amin_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim = false);
CT_API std::tuple<Tensor&, Tensor&> max_out(Tensor& values, Tensor& indices, const Tensor& a, int64_t dim,
                                            bool keepdim = false);
CT_API std::tuple<Tensor&, Tensor&> min_out(Tensor& values, Tensor& indices, const Tensor& a, int64_t dim,
                                            bool keepdim = false);
CT_API Tensor& argmax_out(Tensor& out, const Tensor& a, std::optional<int64_t> dim = {}, bool keepdim = false);
CT_API Tensor& argmin_out(Tensor& out, const Tensor& a, std::optional<int64_t> dim = {}, bool keepdim = false);
CT_API Tensor& var_out(Tensor& out, const Tensor& a, const IntList& dims, double correction = 1,
                       bool keepdim = false);
CT_API Tensor& std_out(Tensor& out, const Tensor& a, const IntList& dims, double correction = 1,
                       bool keepdim = false);
CT_API Tensor& norm_out(Tensor& out, const Tensor& a, double p, const IntList& dims, bool keepdim = false,
                        std::optional<ScalarType> dtype = {});
CT_API Tensor& all_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim = false);
CT_API Tensor& any_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim = false);
CT_API Tensor& logsumexp_out(Tensor& out, const Tensor& a, const IntList& dims, bool keepdim = false);

}  // namespace ctorch
