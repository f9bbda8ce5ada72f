#pragma once
// Kernel signatures of the indexing rows of the op table (cat index_select gather scatter
// scatter_add masked_fill masked_select nonzero index index_put), shared by the front ends in
// src/ops/index*.cpp and the device kernels.
//
// Note [Restrided indexing]: index, index_put, index_select, gather, scatter and scatter_add all
// run as one TensorIter over operands that already have the result's shape: the tensor being read
// or written is restrided so that each indexed dim has stride 0, and each index operand (int64)
// holds, per element, a position along one indexed dim. The kernel adds idx * stride (bytes) per
// index operand to the restrided pointer -- the iterator never learns about the indexing.
#include <cstdint>
#include <vector>

#include "ctorch/core/tensor.h"

namespace ctorch {

class TensorIter;

struct IndexGeom {
  static constexpr int kMax = 6;  // TensorIter holds 8 operands: 2 fixed + 6 indices
  enum Kind : int8_t {
    kIndex,        // IndexError "index 5 is out of bounds for dimension k with size 3"
    kGather,       // RuntimeError, same text (gather/scatter)
    kIndexSelect,  // IndexError "index out of range in self"
    kTake,         // IndexError "out of range: tried to access index 6 on a tensor of 6 elements."
    kIndexCopy,    // IndexError "index_copy_(): index 5 is out of bounds for dimension 0 with size 3"
  };
  int n = 0;                 // number of index operands
  int64_t sizes[kMax] = {};  // size of the indexed dim
  int64_t strides[kMax] = {};  // its stride in bytes
  int64_t dims[kMax] = {};   // dim reported in bounds errors
  Kind kind = kIndex;
  bool wrap_negative = true;  // index/index_put accept -size <= i < 0
};

// Raises the op's out-of-bounds error for index operand k holding `idx`.
[[noreturn]] CT_API void index_out_of_bounds(const IndexGeom& g, int k, int64_t idx);

// index / index_select / gather: operands (out, src restrided, idx...). `mode` is unused.
// index_put: operands (dst restrided, values, idx...), all inputs; mode 1 = accumulate.
// scatter / scatter_add: operands (dst restrided, src, idx), all inputs; mode: 0 assign, 1 add,
// 2 multiply, 3 add src * it.scalars[0] (index_add_'s alpha). Writes run serially so duplicate
// indices resolve like PyTorch's CPU kernels.
using IndexKernelFn = void(TensorIter& it, const IndexGeom& g, int mode);

// masked_fill: TensorIter over inputs (self, mask broadcast to self); value in it.scalars[0].
// (PointwiseFn)

// masked_select: self and mask contiguous with equal shapes, mask bool; returns the selected
// elements of self, 1-D.
using MaskedSelectFn = Tensor(const Tensor& self, const Tensor& mask);
// nonzero: returns the [n, ndim] int64 coordinates in row-major order.
using NonzeroFn = Tensor(const Tensor& self);
// cat fast path: every input contiguous with out's dtype, out contiguous and already sized.
using CatFn = void(Tensor& out, const std::vector<Tensor>& ins, int64_t dim);

}  // namespace ctorch
