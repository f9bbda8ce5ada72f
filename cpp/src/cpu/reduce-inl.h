#pragma once
// Generic CPU reduction driver over a ReduceDesc (see Note [Reduction layout]). Only the
// reduction kernel TUs include this file.
//
// The Ops (init / step / merge / write) are ctorch/ops/reduce_ops.h, shared with CUDA.
// Rows are reduced with a pairwise cascade over 16 independent lanes, so float32 sums stay
// accurate (error ~ log2(R) ulps) and the leaf loop vectorises (`omp simd`: the -O2 cost model
// alone leaves compare/select loops scalar).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "ctorch/core/parallel.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/reduce_kernel.h"

namespace ctorch {
namespace cpu {
namespace red {

constexpr int kLanes = 16;       // independent accumulators (hide add/compare latency)
constexpr int64_t kLeaf = 1024;  // elements per cascade leaf (row path)
constexpr int64_t kMaxCols = 4096;  // outputs per block (column path)
constexpr int64_t kColLeaf = 64;

template <class T>
inline compute_t<T> ld(const T* p) {
  return compute_t<T>(*p);
}

template <class T, class Op>
typename Op::acc_t row_leaf(const Op& op, const T* p, int64_t s, int64_t n, int64_t i0) {
  using A = typename Op::acc_t;
  A l[kLanes];
  for (auto& a : l) a = op.init();
  int64_t i = 0;
  if (s == 1) {
    for (; i + kLanes <= n; i += kLanes)
#pragma omp simd
      for (int j = 0; j < kLanes; ++j) op.step(l[j], ld(p + i + j), i0 + i + j);
  } else {
    for (; i + kLanes <= n; i += kLanes)
      for (int j = 0; j < kLanes; ++j) op.step(l[j], ld(p + (i + j) * s), i0 + i + j);
  }
  for (int j = 0; i < n; ++i, ++j) op.step(l[j], ld(p + i * s), i0 + i);
  for (int st = 1; st < kLanes; st *= 2)
    for (int j = 0; j + st < kLanes; j += 2 * st) op.merge(l[j], l[j + st]);
  return l[0];
}

// CPU-only fast paths for unit-stride rows (float sums, extremes, logsumexp: vectorised per ISA
// in reduce_vec.cpp): reduce.cpp specialises FastRow<Op> with value = true and
// `static acc_t run(const Op&, const T*, int64_t n)`.
template <class Op>
struct FastRow : std::false_type {};

template <class T, class Op>
typename Op::acc_t row_reduce(const Op& op, const T* p, int64_t s, int64_t n, int64_t i0) {
  if constexpr (FastRow<Op>::value) {
    if (s == 1) return FastRow<Op>::run(op, p, n);
  }
  if (n <= kLeaf) return row_leaf(op, p, s, n, i0);
  int64_t h = (n / 2 + kLanes - 1) / kLanes * kLanes;  // lane-aligned halves
  auto a = row_reduce(op, p, s, h, i0);
  auto b = row_reduce(op, p + h * s, s, n - h, i0 + h);
  op.merge(a, b);
  return a;
}

// Column path: w adjacent outputs whose inputs are adjacent (stride 1) while the reduced dim has
// stride s. Each leaf streams kColLeaf whole rows of w elements (sequential memory, vectorisable);
// leaves combine pairwise. acc must be initialised by the caller.
template <class T, class Op>
void col_reduce(const Op& op, const T* p, int64_t s, int64_t n, int64_t i0, int64_t w, typename Op::acc_t* acc) {
  if (n <= kColLeaf) {
    for (int64_t r = 0; r < n; ++r) {
      const T* row = p + r * s;
#pragma omp simd
      for (int64_t j = 0; j < w; ++j) op.step(acc[j], ld(row + j), i0 + r);
    }
    return;
  }
  int64_t h = n / 2;
  col_reduce(op, p, s, h, i0, w, acc);
  std::unique_ptr<typename Op::acc_t[]> b(new typename Op::acc_t[size_t(w)]);  // acc_t may be bool
  std::fill(b.get(), b.get() + w, op.init());
  col_reduce(op, p + h * s, s, n - h, i0 + h, w, b.get());
  for (int64_t j = 0; j < w; ++j) op.merge(acc[j], b[size_t(j)]);
}

template <class T, class Op>
void run(const ReduceDesc& d, const Op& op) {
  using A = typename Op::acc_t;
  const T* in = static_cast<const T*>(d.in);
  const int64_t R = d.reduce_size, rs = d.reduce_stride, N = d.outer_numel;
  if (N == 0) return;
  const int nthreads = get_num_threads();
  const int64_t L = d.n_outer > 0 ? d.outer_sizes[d.n_outer - 1] : 1;
  const bool columns = d.n_outer > 0 && d.outer_strides[d.n_outer - 1] == 1 && rs != 1 && R > 1 && L > 1;
  if (columns) {
    // Blocks of up to kMaxCols outputs; narrower when that leaves threads idle.
    int64_t width = std::min(L, kMaxCols);
    while (width > 64 && (N / L) * ((L + width - 1) / width) < nthreads) width = (width + 1) / 2;
    const int64_t nb = (L + width - 1) / width, tasks = (N / L) * nb;
    int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, R * width));
    parallel_for(0, tasks, grain, [&](int64_t b, int64_t e) {
      std::unique_ptr<A[]> acc(new A[size_t(width)]);
      for (int64_t t = b; t < e; ++t) {
        int64_t o0 = (t / nb) * L + (t % nb) * width;
        int64_t w = std::min(width, L - (t % nb) * width);
        std::fill(acc.get(), acc.get() + w, op.init());
        col_reduce(op, in + d.in_offset(o0), rs, R, 0, w, acc.get());
        for (int64_t j = 0; j < w; ++j) op.write(o0 + j, acc[size_t(j)]);
      }
    });
    return;
  }
  // Few outputs with long rows: split each row across threads and merge the partials in order.
  if (N < nthreads && R >= 2 * kGrainSize && nthreads > 1 && !in_parallel_region()) {
    int64_t nch = std::min<int64_t>(nthreads, R / kGrainSize);
    int64_t chunk = ((R + nch - 1) / nch + kLanes - 1) / kLanes * kLanes;
    nch = (R + chunk - 1) / chunk;
    std::vector<A> part(size_t(nch), op.init());
    for (int64_t o = 0; o < N; ++o) {
      const T* base = in + d.in_offset(o);
      parallel_for(0, nch, 1, [&](int64_t b, int64_t e) {
        for (int64_t c = b; c < e; ++c) {
          int64_t s0 = c * chunk, len = std::min(chunk, R - s0);
          part[size_t(c)] = row_reduce(op, base + s0 * rs, rs, len, s0);
        }
      });
      A acc = part[0];
      for (int64_t c = 1; c < nch; ++c) op.merge(acc, part[size_t(c)]);
      op.write(o, acc);
    }
    return;
  }
  int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, R));
  parallel_for(0, N, grain, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) op.write(o, row_reduce(op, in + d.in_offset(o), rs, R, 0));
  });
}

}  // namespace red
}  // namespace cpu
}  // namespace ctorch
