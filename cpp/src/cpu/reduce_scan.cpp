// CPU scan kernels (cumsum, cumprod) over a ReduceDesc: one sequential scan per outer index.
// The running value and its math are red_ops::ScanOp (ctorch/ops/reduce_ops.h, shared with
// CUDA); the output dtype equals the input dtype.
#include "ctorch/dispatch/registry.h"
#include "ctorch/ops/reduce_ops.h"
#include "reduce-inl.h"

namespace ctorch {
namespace cpu {

namespace {
template <bool Prod>
void scan_kernel(const ReduceDesc& d) {
  CT_DISPATCH_ALL(d.in_dtype, Prod ? "cumprod" : "cumsum", [&] {
    using Op = red_ops::ScanOp<scalar_t, Prod>;
    using A = typename Op::acc_t;
    const scalar_t* in = static_cast<const scalar_t*>(d.in);
    scalar_t* out = static_cast<scalar_t*>(d.out);
    const int64_t R = d.reduce_size, rs = d.reduce_stride, ors = d.out_reduce_stride;
    const int last = d.n_outer - 1;
    if (last >= 0 && d.outer_strides[last] == 1 && d.out_outer_strides[last] == 1 && rs != 1 && R > 1) {
      // Scan along a strided dim: carry a row of running values and stream whole rows.
      const int64_t L = d.outer_sizes[last], width = std::min<int64_t>(L, 1024), nb = (L + width - 1) / width;
      int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, R * width));
      parallel_for(0, (d.outer_numel / L) * nb, grain, [&](int64_t b, int64_t e) {
        std::vector<A> acc(static_cast<size_t>(width));
        for (int64_t t = b; t < e; ++t) {
          const int64_t o0 = (t / nb) * L + (t % nb) * width, w = std::min(width, L - (t % nb) * width);
          const scalar_t* p = in + d.in_offset(o0);
          scalar_t* q = out + d.out_offset(o0);
          std::fill(acc.begin(), acc.end(), Op::init());
          for (int64_t r = 0; r < R; ++r)
            for (int64_t j = 0; j < w; ++j) {
              acc[size_t(j)] = Op::combine(acc[size_t(j)], Op::load(p[r * rs + j]));
              q[r * ors + j] = Op::store(acc[size_t(j)]);
            }
        }
      });
      return;
    }
    int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, R));
    parallel_for(0, d.outer_numel, grain, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        const scalar_t* p = in + d.in_offset(o);
        scalar_t* q = out + d.out_offset(o);
        A acc = Op::init();
        for (int64_t r = 0; r < R; ++r) {
          acc = Op::combine(acc, Op::load(p[r * rs]));
          q[r * ors] = Op::store(acc);
        }
      }
    });
  });
}
}  // namespace

void register_scan_kernels() {
  register_kernel(OpId::cumsum, kCPU, reinterpret_cast<void*>(static_cast<ReduceFn*>(&scan_kernel<false>)));
  register_kernel(OpId::cumprod, kCPU, reinterpret_cast<void*>(static_cast<ReduceFn*>(&scan_kernel<true>)));
}

}  // namespace cpu
}  // namespace ctorch
