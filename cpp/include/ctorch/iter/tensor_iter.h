#pragma once
// TensorIter owns everything about shapes for elementwise ops: broadcasting, type promotion,
// output allocation/validation, dimension reordering and coalescing. Kernels only see
// (char** ptrs, const int64_t* byte_strides, int64_t n) -- see Note [Kernels never handle shapes].
#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <vector>

#include "ctorch/core/tensor.h"

namespace ctorch {

struct CT_API IterConfig {
  const char* op = "op";
  std::vector<Tensor> outputs;  // undefined entries are allocated
  std::vector<Tensor> inputs;
  // Inputs are converted to the common dtype before the kernel runs (kernels see one dtype).
  bool promote_inputs = true;
  // Integer/bool common dtype becomes the default float dtype (exp, div, sqrt, ...).
  bool int_to_float = false;
  // Force the computation dtype (ignores promotion), e.g. where's condition handling.
  std::optional<ScalarType> compute_dtype;
  // dtype of allocated outputs when it differs from the compute dtype (comparisons: bool).
  std::optional<ScalarType> output_dtype;
  // out= / in-place: the result dtype must be castable to the given output ("result type Float
  // can't be cast to the desired output type Long").
  bool check_castable = true;
  // In-place: the output's shape must equal the broadcast shape (no resize).
  bool is_inplace = false;
  // Skip broadcasting inputs into each other; all must already have the output shape.
  bool enforce_same_shape = false;
};

class CT_API TensorIter {
 public:
  static constexpr int kMaxOperands = 8;
  explicit TensorIter(IterConfig cfg);

  // Builders for the common cases.
  static TensorIter unary(const char* op, Tensor out, const Tensor& a, bool int_to_float = false,
                          std::optional<ScalarType> out_dtype = {});
  static TensorIter binary(const char* op, Tensor out, const Tensor& a, const Tensor& b,
                           bool int_to_float = false, std::optional<ScalarType> out_dtype = {});

  int ntensors() const { return int(operands_.size()); }
  int noutputs() const { return noutputs_; }
  ScalarType common_dtype() const { return common_dtype_; }
  ScalarType dtype(int i = 0) const { return operands_[i].dtype(); }
  Device device() const { return device_; }
  // Result tensors as the user sees them (after the cast-back step of finish()).
  Tensor output(int i = 0) const { return user_outputs_[i]; }
  const Shape& shape() const { return shape_; }        // coalesced, innermost dim first
  const Shape& broadcast_shape() const { return full_shape_; }  // user-visible shape
  int64_t numel() const { return numel_; }
  int ndim() const { return int(shape_.size()); }
  const int64_t* strides(int operand) const { return strides_[operand].data(); }  // bytes, coalesced
  char* data(int operand) const { return ptrs_[operand]; }
  bool is_contiguous() const;  // every operand dense and in order (one coalesced dim, stride = itemsize)

  // Extra scalar arguments a kernel may read (alpha, clamp bounds, rounding mode, ...).
  std::array<Scalar, 3> scalars{};

  // Calls loop(ptrs, strides, n) over every inner row, in parallel when numel >= grain.
  // ptrs/strides are arrays of ntensors() entries (outputs first); strides are bytes.
  template <class Loop>
  void for_each(const Loop& loop, int64_t grain = 32768);
  // Serial version over the linear range [begin, end) of elements.
  template <class Loop>
  void serial_for_each(const Loop& loop, int64_t begin, int64_t end) const;

  // Copies compute-dtype temporaries back into user outputs of other dtypes; ops call it last.
  void finish();

 private:
  void compute_shape(const IterConfig& cfg);
  void compute_dtypes(IterConfig& cfg);
  void allocate_outputs(const IterConfig& cfg);
  void compute_strides_and_coalesce();

  std::vector<Tensor> operands_;       // outputs first, then inputs (compute-dtype views)
  std::vector<Tensor> user_outputs_;   // what the caller gets back
  std::vector<int> cast_back_;         // outputs that need finish()'s copy
  int noutputs_ = 0;
  ScalarType common_dtype_ = kFloat32;
  Device device_;
  Shape full_shape_;
  Shape perm_;                 // perm_[i] = user dim of iteration dim i (innermost first)
  Shape shape_;
  std::vector<Shape> strides_;
  std::vector<char*> ptrs_;
  int64_t numel_ = 0;
};

// Result dtype of an op over these operands, with PyTorch's rules for 0-dim tensors and
// wrapped Python numbers (torch.result_type).
CT_API ScalarType result_type(const std::vector<Tensor>& ts);
CT_API ScalarType result_type(const Tensor& a, const Scalar& b);

// ---- template bodies (small; kernels include this header anyway) ----
CT_API void parallel_for(int64_t begin, int64_t end, int64_t grain,
                         const std::function<void(int64_t, int64_t)>& f);

template <class Loop>
void TensorIter::serial_for_each(const Loop& loop, int64_t begin, int64_t end) const {
  const int nt = ntensors();
  char* ptrs[kMaxOperands];
  int64_t inner_strides[kMaxOperands];
  const int nd = ndim();
  if (nd <= 1) {
    for (int k = 0; k < nt; ++k) {
      inner_strides[k] = nd == 0 ? 0 : strides_[k][0];
      ptrs[k] = ptrs_[k] + begin * inner_strides[k];
    }
    if (end > begin) loop(ptrs, inner_strides, end - begin);
    return;
  }
  int64_t idx[16] = {0};
  int64_t rem = begin;
  for (int d = 0; d < nd; ++d) {
    idx[d] = rem % shape_[d];
    rem /= shape_[d];
  }
  for (int k = 0; k < nt; ++k) inner_strides[k] = strides_[k][0];
  int64_t pos = begin;
  while (pos < end) {
    for (int k = 0; k < nt; ++k) {
      char* p = ptrs_[k];
      for (int d = 0; d < nd; ++d) p += idx[d] * strides_[k][d];
      ptrs[k] = p;
    }
    int64_t n = std::min(shape_[0] - idx[0], end - pos);
    loop(ptrs, inner_strides, n);
    pos += n;
    idx[0] += n;
    for (int d = 0; d < nd - 1 && idx[d] >= shape_[d]; ++d) {
      idx[d] = 0;
      ++idx[d + 1];
    }
  }
}

template <class Loop>
void TensorIter::for_each(const Loop& loop, int64_t grain) {
  if (numel_ == 0) return;
  if (numel_ < grain) {
    serial_for_each(loop, 0, numel_);
    return;
  }
  parallel_for(0, numel_, grain, [&](int64_t b, int64_t e) { serial_for_each(loop, b, e); });
}

}  // namespace ctorch
