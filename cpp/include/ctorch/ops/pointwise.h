#pragma once
// Elementwise ops: out-of-place, in-place (name_) and out= (name_out) variants for every table row.
#include <optional>
#include <string>

#include "ctorch/core/tensor.h"

namespace ctorch {

#define CT_UNARY(name, F, kind)                      \
  CT_API Tensor name(const Tensor& a);               \
  CT_API Tensor& name##_(Tensor& a);                 \
  CT_API Tensor& name##_out(Tensor& out, const Tensor& a);
#define CT_BINARY(name, F, kind)                                        \
  CT_API Tensor name(const Tensor& a, const Tensor& b);                 \
  CT_API Tensor name(const Tensor& a, const Scalar& b);                 \
  CT_API Tensor& name##_(Tensor& a, const Tensor& b);                   \
  CT_API Tensor& name##_(Tensor& a, const Scalar& b);                   \
  CT_API Tensor& name##_out(Tensor& out, const Tensor& a, const Tensor& b);
#define CT_OP(name)
#include "ctorch/ops/op_table.def"

// Variants with extra arguments (alpha, rounding modes, scalar bases).
CT_API Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha);
CT_API Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha);
CT_API Tensor& add_(Tensor& a, const Tensor& b, const Scalar& alpha);
CT_API Tensor& sub_(Tensor& a, const Tensor& b, const Scalar& alpha);
CT_API Tensor& add_out(Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha);
CT_API Tensor& sub_out(Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha);
CT_API Tensor rsub(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);  // b - alpha*a
// rounding_mode: "" (true division), "trunc" or "floor".
CT_API Tensor div(const Tensor& a, const Tensor& b, const std::string& rounding_mode);
CT_API Tensor& div_(Tensor& a, const Tensor& b, const std::string& rounding_mode);
CT_API Tensor& div_out(Tensor& out, const Tensor& a, const Tensor& b, const std::string& rounding_mode);
CT_API Tensor floor_divide(const Tensor& a, const Tensor& b);
CT_API Tensor pow(const Scalar& base, const Tensor& e);
CT_API Tensor round(const Tensor& a, int64_t decimals);
CT_API Tensor& round_(Tensor& a, int64_t decimals);
CT_API Tensor& round_out(Tensor& out, const Tensor& a, int64_t decimals);

CT_API Tensor clamp(const Tensor& a, const std::optional<Scalar>& min, const std::optional<Scalar>& max);
CT_API Tensor clamp(const Tensor& a, const std::optional<Tensor>& min, const std::optional<Tensor>& max);
CT_API Tensor& clamp_(Tensor& a, const std::optional<Scalar>& min, const std::optional<Scalar>& max);
CT_API Tensor& clamp_(Tensor& a, const std::optional<Tensor>& min, const std::optional<Tensor>& max);
CT_API Tensor& clamp_out(Tensor& out, const Tensor& a, const std::optional<Tensor>& min,
                         const std::optional<Tensor>& max);
CT_API Tensor clamp_min(const Tensor& a, const Tensor& lo);  // lo may be a wrapped number
CT_API Tensor clamp_max(const Tensor& a, const Tensor& hi);
CT_API Tensor& clamp_min_(Tensor& a, const Tensor& lo);
CT_API Tensor& clamp_max_(Tensor& a, const Tensor& hi);
CT_API Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
CT_API Tensor& where_out(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b);
CT_API Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight);
CT_API Tensor& lerp_(Tensor& start, const Tensor& end, const Tensor& weight);
CT_API Tensor& lerp_out(Tensor& out, const Tensor& start, const Tensor& end, const Tensor& weight);
CT_API Tensor addcmul(const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);
CT_API Tensor& addcmul_(Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);
CT_API Tensor& addcmul_out(Tensor& out, const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);
CT_API Tensor addcdiv(const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);
CT_API Tensor& addcdiv_(Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);
CT_API Tensor& addcdiv_out(Tensor& out, const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);
CT_API Tensor& fill_(Tensor& t, const Scalar& v);
CT_API Tensor& fill_(Tensor& t, const Tensor& v);  // 0-dim v
CT_API Tensor& zero_(Tensor& t);

}  // namespace ctorch
