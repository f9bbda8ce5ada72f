// CPU kernels of clamp, where, lerp, addcmul and addcdiv (rows: ctorch/ops/pointwise_rows.h), with
// the CPU fast path for clamp between two numbers.
#include "pointwise-inl.h"

namespace ctorch {
namespace cpu {

namespace {

// Whether operand k is one value broadcast over the whole iteration (e.g. a Python number).
bool is_constant(const TensorIter& it, int k) {
  if (it.numel() == 0) return false;
  for (int d = 0; d < it.ndim(); ++d)
    if (it.strides(k)[d] != 0) return false;
  return true;
}

// Runs f(self) over operands 0 (out) and 1 (self) only; the other operands were hoisted by the caller.
template <class T, class F>
void first_input_kernel(TensorIter& it, const F& f) {
  it.for_each([&](char** p, const int64_t* st, int64_t n) { basic_loop<T, T>(p, st, n, f, std::index_sequence<0>{}); });
}

// clamp(x, lo, hi) with two numbers: hoisted bounds and a select-only loop (vectorises).
bool clamp_constant_bounds(TensorIter& it) {
  if (!(it.scalars[0].to_bool() && it.scalars[1].to_bool() && is_constant(it, 2) && is_constant(it, 3))) return false;
  bool done = false;
  dispatch_set<func::TypeSet::NoBool>(it.dtype(1), CpuName{OpId::clamp}, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    C lo = load<T>(it.data(2)), hi = load<T>(it.data(3));
    if (lo == lo && hi == hi) {  // Clamp without the NaN-bound cases: two selects
      first_input_kernel<T>(it, [lo, hi](C a) {
        C r = a < lo ? lo : a;  // a NaN fails both tests and stays
        return r > hi ? hi : r;
      });
    } else {
      first_input_kernel<T>(it, [lo, hi](C a) { return func::Clamp<C>{}(a, lo, hi); });
    }
    done = true;
  });
  return done;
}

}  // namespace

bool CpuLaunch::clamp_special(TensorIter& it) { return it.dtype(1) != kBool && clamp_constant_bounds(it); }

void register_ternary_kernels() { rows::register_ternary_rows<CpuLaunch>(); }

}  // namespace cpu
}  // namespace ctorch
