#pragma once
// Vectorised sums and extremes of contiguous float32/float64 runs (reduce_vec.cpp), picked for
// the CPU at run time. Pairwise: leaves of kSumLeaf elements are summed in 4 vectors of lanes, leaves
// combine as a binary tree, so the error grows like log2(n) ulps.
#include <cstdint>

namespace ctorch {
namespace cpu {
namespace vred {

float sum_f32(const float* p, int64_t n);
double sum_f64(const double* p, int64_t n);
// amax / amin of a run (NaN propagates; -inf / +inf for n == 0).
float max_f32(const float* p, int64_t n);
float min_f32(const float* p, int64_t n);
double max_f64(const double* p, int64_t n);
double min_f64(const double* p, int64_t n);

}  // namespace vred
}  // namespace cpu
}  // namespace ctorch
