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

// Read-only view of an iterator's dims (the iterator keeps them inline, without heap vectors).
// Converts to Shape; compares equal to a Shape with the same entries.
struct IntSpan {
  const int64_t* ptr = nullptr;
  size_t len = 0;
  size_t size() const { return len; }
  bool empty() const { return len == 0; }
  const int64_t* data() const { return ptr; }
  const int64_t* begin() const { return ptr; }
  const int64_t* end() const { return ptr + len; }
  int64_t operator[](size_t i) const { return ptr[i]; }
  int64_t back() const { return ptr[len - 1]; }
  operator Shape() const { return Shape(begin(), end()); }
  friend bool operator==(const IntSpan& a, const Shape& b) { return a.len == b.size() && std::equal(a.begin(), a.end(), b.begin()); }
  friend bool operator==(const Shape& b, const IntSpan& a) { return a == b; }
  friend bool operator!=(const IntSpan& a, const Shape& b) { return !(a == b); }
  friend bool operator!=(const Shape& b, const IntSpan& a) { return !(a == b); }
};

class CT_API TensorIter {
 public:
  static constexpr int kMaxOperands = 8;
  static constexpr int kMaxDims = 16;
  explicit TensorIter(IterConfig cfg);
  // Allocation-free form for hot paths: the options of `cfg` with the operands passed as arrays
  // (cfg.outputs / cfg.inputs are ignored).
  TensorIter(const IterConfig& cfg, const Tensor* outputs, int noutputs, const Tensor* inputs, int ninputs);

  // Builders for the common cases.
  static TensorIter unary(const char* op, Tensor out, const Tensor& a, bool int_to_float = false,
                          std::optional<ScalarType> out_dtype = {});
  static TensorIter binary(const char* op, Tensor out, const Tensor& a, const Tensor& b,
                           bool int_to_float = false, std::optional<ScalarType> out_dtype = {});

  int ntensors() const { return ntensors_; }
  int noutputs() const { return noutputs_; }
  ScalarType common_dtype() const { return common_dtype_; }
  ScalarType dtype(int i = 0) const { return operands_[i].dtype(); }
  Device device() const { return device_; }
  // Result tensors as the user sees them (after the cast-back step of finish()).
  Tensor output(int i = 0) const { return user_outputs_[i]; }
  IntSpan shape() const { return {shape_, size_t(ndim_)}; }               // coalesced, innermost dim first
  IntSpan broadcast_shape() const { return {full_shape_, size_t(nfull_)}; }  // user-visible shape
  int64_t numel() const { return numel_; }
  int ndim() const { return ndim_; }
  const int64_t* strides(int operand) const { return strides_[operand]; }  // bytes, coalesced
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
  void build(const IterConfig& cfg, const Tensor* outs, const Tensor* ins, int nin);
  bool build_dense(const IterConfig& cfg, const Tensor* outs, const Tensor* ins, int nin);
  void compute_shape(const IterConfig& cfg, const Tensor* ins, int nin, const Tensor* outs);
  void compute_dtypes(const IterConfig& cfg, const Tensor* ins, int nin, const Tensor* outs);
  void allocate_outputs(const IterConfig& cfg, const Tensor* outs, const Tensor* ins, int nin);
  void compute_strides_and_coalesce();
  Tensor alloc_output(ScalarType dt) const;

  // Fixed-size storage: an elementwise op on small tensors must not pay for heap vectors.
  Tensor operands_[kMaxOperands];      // outputs first, then inputs (compute-dtype views)
  Tensor user_outputs_[kMaxOperands];  // what the caller gets back
  int8_t cast_back_[kMaxOperands] = {};  // outputs that need finish()'s copy
  int ncast_back_ = 0;
  int ntensors_ = 0;
  int noutputs_ = 0;
  ScalarType common_dtype_ = kFloat32;
  Device device_;
  int nfull_ = 0, ndim_ = 0;
  int64_t full_shape_[kMaxDims];
  int64_t perm_[kMaxDims];  // perm_[i] = user dim of iteration dim i (innermost first)
  int64_t shape_[kMaxDims];
  int64_t strides_[kMaxOperands][kMaxDims];
  char* ptrs_[kMaxOperands] = {};
  int64_t numel_ = 0;
};

// Result dtype of an op over these operands, with PyTorch's rules for 0-dim tensors and
// wrapped Python numbers (torch.result_type).
// Raises PyTorch's "some elements of the input tensor and the written-to tensor refer to a single
// memory location" when `in` partially overlaps `out` (TensorIter checks every pair).
CT_API void check_partial_overlap(const Tensor& out, const Tensor& in);
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
