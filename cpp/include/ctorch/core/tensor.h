#pragma once
// ctorch::Tensor: a cheap handle (shared_ptr<TensorImpl>). Methods forward to the free functions
// declared in ctorch/ops/*.h; ctorch/ctorch.h includes everything.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ctorch/core/check.h"
#include "ctorch/core/scalar.h"
#include "ctorch/core/tensor_impl.h"

namespace ctorch {

struct CT_API TensorOptions {
  std::optional<ScalarType> dtype_;
  Device device_;
  // Set when a device was asked for: *_like(t, o) otherwise follow t's device, as in libtorch.
  bool has_device_ = false;
  bool requires_grad_ = false;
  TensorOptions() = default;
  TensorOptions(ScalarType t) : dtype_(t) {}
  TensorOptions(Device d) : device_(d), has_device_(true) {}
  TensorOptions dtype(ScalarType t) const { auto o = *this; o.dtype_ = t; return o; }
  TensorOptions device(Device d) const { auto o = *this; o.device_ = d; o.has_device_ = true; return o; }
  TensorOptions requires_grad(bool r = true) const { auto o = *this; o.requires_grad_ = r; return o; }
  ScalarType dtype_or_default() const { return dtype_ ? *dtype_ : get_default_dtype(); }
};
inline TensorOptions dtype(ScalarType t) { return TensorOptions().dtype(t); }

class CT_API Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  TensorImpl* get() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }

  // Metadata.
  ScalarType dtype() const { return impl_->dtype(); }
  ScalarType scalar_type() const { return impl_->dtype(); }
  Device device() const { return impl_->device(); }
  bool is_cuda() const { return device().is_cuda(); }
  const Shape& sizes() const { return impl_->sizes(); }
  const Shape& strides() const { return impl_->strides(); }
  int64_t size(int64_t d) const;
  int64_t stride(int64_t d) const;
  int64_t dim() const { return impl_->dim(); }
  int64_t ndimension() const { return dim(); }
  int64_t numel() const { return impl_->numel(); }
  int64_t storage_offset() const { return impl_->storage_offset(); }
  int64_t element_size() const { return itemsize(dtype()); }
  bool is_contiguous() const { return impl_->is_contiguous(); }
  bool is_floating_point() const { return is_floating(dtype()); }
  void* data_ptr() const { return impl_->data(); }
  template <class T> T* data_ptr() const { return static_cast<T*>(data_ptr()); }
  TensorOptions options() const { return TensorOptions().dtype(dtype()).device(device()); }
  uint32_t _version() const { return impl_->version(); }
  std::string toString() const;  // "[CPUFloatType [2, 3]]"-like, for messages

  Scalar item() const;
  template <class T> T item() const { return item().to<T>(); }

  // Autograd-facing accessors (implemented by the autograd engine; defaults before it exists).
  bool requires_grad() const;
  Tensor& set_requires_grad(bool r);
  Tensor& requires_grad_(bool r = true) { return set_requires_grad(r); }
  // libtorch-style autograd entry points (see ctorch/autograd/autograd.h for the full API).
  void backward(const Tensor& gradient = Tensor(), std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false) const;
  Tensor grad() const;  // undefined until a backward pass reaches this leaf
  bool is_leaf() const;

  // Views and layout.
  Tensor view(const IntList& shape) const;
  Tensor reshape(const IntList& shape) const;
  Tensor permute(const IntList& dims) const;
  Tensor transpose(int64_t d0, int64_t d1) const;
  Tensor t() const;
  Tensor expand(const IntList& shape) const;
  Tensor expand_as(const Tensor& o) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step = 1) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor flatten(int64_t start = 0, int64_t end = -1) const;
  Tensor unflatten(int64_t dim, const IntList& sizes) const;
  Tensor diagonal(int64_t offset = 0, int64_t d1 = 0, int64_t d2 = 1) const;
  Tensor unfold(int64_t dim, int64_t size, int64_t step) const;
  Tensor as_strided(const IntList& size, const IntList& stride, std::optional<int64_t> offset = {}) const;
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor& copy_(const Tensor& src);
  Tensor to(ScalarType t, bool copy = false) const;
  Tensor to(Device d, bool copy = false) const;
  Tensor detach() const;

  // Arithmetic (free functions hold the full set; these are the common ones).
  Tensor add(const Tensor& o, const Scalar& alpha = 1) const;
  Tensor sub(const Tensor& o, const Scalar& alpha = 1) const;
  Tensor mul(const Tensor& o) const;
  Tensor div(const Tensor& o) const;
  Tensor& add_(const Tensor& o, const Scalar& alpha = 1);
  Tensor& mul_(const Tensor& o);
  Tensor neg() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor sqrt() const;
  Tensor pow(const Scalar& e) const;
  Tensor sum() const;
  Tensor sum(const IntList& dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor max() const;
  Tensor min() const;
  Tensor argmax() const;
  Tensor matmul(const Tensor& o) const;
  Tensor mm(const Tensor& o) const;
  Tensor& fill_(const Scalar& v);
  Tensor& zero_();

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Operators on tensors and scalars (C++ API convenience).
CT_API Tensor operator+(const Tensor& a, const Tensor& b);
CT_API Tensor operator-(const Tensor& a, const Tensor& b);
CT_API Tensor operator*(const Tensor& a, const Tensor& b);
CT_API Tensor operator/(const Tensor& a, const Tensor& b);
CT_API Tensor operator+(const Tensor& a, const Scalar& b);
CT_API Tensor operator-(const Tensor& a, const Scalar& b);
CT_API Tensor operator*(const Tensor& a, const Scalar& b);
CT_API Tensor operator/(const Tensor& a, const Scalar& b);
CT_API Tensor operator-(const Tensor& a);

// Wraps a scalar as a 0-dim tensor that promotes like a Python number.
CT_API Tensor scalar_to_tensor(const Scalar& s, Device d = Device());
// Normalises a possibly negative dim; IndexError "Dimension out of range ..." otherwise.
CT_API int64_t wrap_dim(int64_t d, int64_t ndim);

}  // namespace ctorch
