// Tensor handle methods: thin forwards to the free functions of ctorch/ops/*.h.
#include "ctorch/core/tensor.h"

#include <cstring>

#include "ctorch/ops/creation.h"
#include "ctorch/ops/index.h"
#include "ctorch/ops/linalg.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/reduce.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

int64_t wrap_dim(int64_t d, int64_t ndim) {
  int64_t n = std::max<int64_t>(ndim, 1);  // 0-dim tensors accept dim 0 and -1
  if (d < -n || d >= n)
    throw IndexError(str_cat("Dimension out of range (expected to be in range of [", -n, ", ", n - 1,
                             "], but got ", d, ")"));
  return d < 0 ? d + n : d;
}

int64_t Tensor::size(int64_t d) const {
  d = wrap_dim(d, dim());
  return dim() == 0 ? 1 : sizes()[d];
}
int64_t Tensor::stride(int64_t d) const {
  d = wrap_dim(d, dim());
  return dim() == 0 ? 1 : strides()[d];
}

std::string Tensor::toString() const {
  return str_cat("[", device().is_cuda() ? "torch.cuda." : "torch.", dtype_legacy_name(dtype()), "Tensor ",
                 shape_str(sizes()), "]");
}

Tensor scalar_to_tensor(const Scalar& s, Device d) {
  ScalarType dt = s.is_bool() ? kBool : s.is_int() ? kInt64 : kFloat64;
  Tensor t = empty({}, TensorOptions().dtype(dt));
  if (dt == kBool) *t.data_ptr<bool>() = s.to_bool();
  else if (dt == kInt64) *t.data_ptr<int64_t>() = s.to_long();
  else *t.data_ptr<double>() = s.to_double();
  if (!d.is_cpu()) t = to_device(t, d);
  t.get()->is_wrapped_number = true;
  return t;
}

Scalar Tensor::item() const {
  CT_CHECK(numel() == 1, "a Tensor with ", numel(), " elements cannot be converted to Scalar");
  Tensor c = device().is_cpu() ? *this : to_device(*this, Device());
  const char* p = c.get()->data();
  switch (dtype()) {
    case kBool: return Scalar(*reinterpret_cast<const bool*>(p));
    case kUInt8: return Scalar(int64_t(*reinterpret_cast<const uint8_t*>(p)));
    case kInt8: return Scalar(int64_t(*reinterpret_cast<const int8_t*>(p)));
    case kInt16: return Scalar(int64_t(*reinterpret_cast<const int16_t*>(p)));
    case kInt32: return Scalar(int64_t(*reinterpret_cast<const int32_t*>(p)));
    case kInt64: return Scalar(*reinterpret_cast<const int64_t*>(p));
    case kFloat16: return Scalar(double(float(*reinterpret_cast<const Half*>(p))));
    case kBFloat16: return Scalar(double(float(*reinterpret_cast<const BFloat16*>(p))));
    case kFloat32: return Scalar(double(*reinterpret_cast<const float*>(p)));
    case kFloat64: return Scalar(*reinterpret_cast<const double*>(p));
    default: break;
  }
  throw Error("[item] unsupported dtype");
}

Tensor Tensor::view(const IntList& s) const { return ctorch::view(*this, s); }
Tensor Tensor::reshape(const IntList& s) const { return ctorch::reshape(*this, s); }
Tensor Tensor::permute(const IntList& d) const { return ctorch::permute(*this, d); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return ctorch::transpose(*this, a, b); }
Tensor Tensor::t() const { return ctorch::t(*this); }
Tensor Tensor::expand(const IntList& s) const { return ctorch::expand(*this, s); }
Tensor Tensor::expand_as(const Tensor& o) const { return ctorch::expand(*this, o.sizes()); }
Tensor Tensor::narrow(int64_t d, int64_t s, int64_t l) const { return ctorch::narrow(*this, d, s, l); }
Tensor Tensor::select(int64_t d, int64_t i) const { return ctorch::select(*this, d, i); }
Tensor Tensor::slice(int64_t d, std::optional<int64_t> s, std::optional<int64_t> e, int64_t st) const {
  return ctorch::slice(*this, d, s, e, st);
}
Tensor Tensor::squeeze() const { return ctorch::squeeze(*this); }
Tensor Tensor::squeeze(int64_t d) const { return ctorch::squeeze(*this, IntList{d}); }
Tensor Tensor::unsqueeze(int64_t d) const { return ctorch::unsqueeze(*this, d); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return ctorch::flatten(*this, s, e); }
Tensor Tensor::unflatten(int64_t d, const IntList& s) const { return ctorch::unflatten(*this, d, s); }
Tensor Tensor::diagonal(int64_t o, int64_t a, int64_t b) const { return ctorch::diagonal(*this, o, a, b); }
Tensor Tensor::unfold(int64_t d, int64_t s, int64_t st) const { return ctorch::unfold(*this, d, s, st); }
Tensor Tensor::as_strided(const IntList& s, const IntList& st, std::optional<int64_t> o) const {
  return ctorch::as_strided(*this, s, st, o);
}
Tensor Tensor::contiguous() const { return ctorch::contiguous(*this); }
Tensor Tensor::clone() const { return ctorch::clone(*this); }
Tensor& Tensor::copy_(const Tensor& src) { return ctorch::copy_(*this, src); }
Tensor Tensor::to(ScalarType t, bool copy) const { return ctorch::to_dtype(*this, t, copy); }
Tensor Tensor::to(Device d, bool copy) const { return ctorch::to_device(*this, d, copy); }
Tensor Tensor::detach() const { return ctorch::alias(*this); }

Tensor Tensor::add(const Tensor& o, const Scalar& a) const { return ctorch::add(*this, o, a); }
Tensor Tensor::sub(const Tensor& o, const Scalar& a) const { return ctorch::sub(*this, o, a); }
Tensor Tensor::mul(const Tensor& o) const { return ctorch::mul(*this, o); }
Tensor Tensor::div(const Tensor& o) const { return ctorch::div(*this, o); }
Tensor& Tensor::add_(const Tensor& o, const Scalar& a) { return ctorch::add_(*this, o, a); }
Tensor& Tensor::mul_(const Tensor& o) { return ctorch::mul_(*this, o); }
Tensor Tensor::neg() const { return ctorch::neg(*this); }
Tensor Tensor::exp() const { return ctorch::exp(*this); }
Tensor Tensor::log() const { return ctorch::log(*this); }
Tensor Tensor::sqrt() const { return ctorch::sqrt(*this); }
Tensor Tensor::pow(const Scalar& e) const { return ctorch::pow(*this, e); }
Tensor Tensor::sum() const { return ctorch::sum(*this); }
Tensor Tensor::sum(const IntList& d, bool k) const { return ctorch::sum(*this, d, k); }
Tensor Tensor::mean() const { return ctorch::mean(*this); }
Tensor Tensor::max() const { return ctorch::max(*this); }
Tensor Tensor::min() const { return ctorch::min(*this); }
Tensor Tensor::argmax() const { return ctorch::argmax(*this); }
Tensor Tensor::matmul(const Tensor& o) const { return ctorch::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return ctorch::mm(*this, o); }
Tensor& Tensor::fill_(const Scalar& v) { return ctorch::fill_(*this, v); }
Tensor& Tensor::zero_() { return ctorch::zero_(*this); }

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, b); }
Tensor operator-(const Tensor& a) { return neg(a); }

}  // namespace ctorch
