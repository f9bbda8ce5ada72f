#pragma once
// TensorImpl: metadata over a Storage. Views copy the storage pointer and the version counter.
// See Note [Python identity]: the Python object of a tensor wraps std::shared_ptr<TensorImpl>, so
// returning the same impl from C++ returns the same Python object (a.add_(1) is a).
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "ctorch/core/dtype.h"
#include "ctorch/core/storage.h"

namespace ctorch {

using Shape = std::vector<int64_t>;
using IntList = std::vector<int64_t>;

namespace autograd {
struct AutogradMeta;  // defined by the autograd engine
}

// Shared by a tensor and all its views (and detach()); bumped by every in-place write.
struct VersionCounter {
  std::atomic<uint32_t> v{0};
};

class CT_API TensorImpl {
 public:
  TensorImpl(Storage storage, ScalarType dtype, Shape sizes, Shape strides, int64_t offset);
  ~TensorImpl();

  const Storage& storage() const { return storage_; }
  ScalarType dtype() const { return dtype_; }
  Device device() const { return storage_->device(); }
  const Shape& sizes() const { return sizes_; }
  const Shape& strides() const { return strides_; }
  int64_t storage_offset() const { return offset_; }
  int64_t dim() const { return int64_t(sizes_.size()); }
  int64_t numel() const { return numel_; }
  bool is_contiguous() const { return contiguous_; }
  // Byte address of element 0.
  char* data() const { return static_cast<char*>(storage_->data()) + offset_ * itemsize(dtype_); }

  // Metadata mutation (in-place views such as t_, squeeze_, resize of out= tensors).
  void set_geometry(Shape sizes, Shape strides, int64_t offset);
  void set_storage(Storage s) { storage_ = std::move(s); }
  void set_dtype(ScalarType t) { dtype_ = t; }

  uint32_t version() const { return version_->v.load(std::memory_order_relaxed); }
  void bump_version() { version_->v.fetch_add(1, std::memory_order_relaxed); }
  const std::shared_ptr<VersionCounter>& version_counter() const { return version_; }
  void set_version_counter(std::shared_ptr<VersionCounter> v) { version_ = std::move(v); }

  // A Python number wrapped as a 0-dim tensor: promotes like a scalar, see promote in tensor_iter.
  bool is_wrapped_number = false;
  // The tensor this one is a view of (the root base), or null. Autograd needs it to rewrite the
  // base's history when a view is modified in place (see record_inplace).
  std::shared_ptr<TensorImpl> view_base;
  // Autograd state (null until the tensor takes part in autograd).
  std::shared_ptr<autograd::AutogradMeta> autograd_meta;

 private:
  void refresh();
  Storage storage_;
  ScalarType dtype_;
  Shape sizes_, strides_;
  int64_t offset_;
  int64_t numel_ = 1;
  bool contiguous_ = true;
  std::shared_ptr<VersionCounter> version_;
};

CT_API Shape contiguous_strides(const Shape& sizes);
CT_API int64_t shape_numel(const Shape& sizes);
CT_API std::string shape_str(const Shape& s);  // "[2, 3]"

}  // namespace ctorch
