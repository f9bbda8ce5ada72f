// Copy (with dtype conversion), fill and arange kernels.
#include "ctorch/dispatch/registry.h"
#include "loops-inl.h"

namespace ctorch {
namespace cpu {

namespace {
template <class To, class From>
inline To convert(From v) {
  if constexpr (std::is_same<To, bool>::value) return compute_t<From>(v) != compute_t<From>(0);
  else return To(compute_t<To>(compute_t<From>(v)));
}

void copy_kernel(TensorIter& it) {
  ScalarType dst = it.dtype(0), src = it.dtype(1);
  if (dst == src) {
    int64_t isz = itemsize(dst);
    it.for_each([isz](char** p, const int64_t* s, int64_t n) {
      if (s[0] == isz && s[1] == isz) {
        std::memcpy(p[0], p[1], size_t(n * isz));
        return;
      }
      for (int64_t i = 0; i < n; ++i) std::memcpy(p[0] + i * s[0], p[1] + i * s[1], size_t(isz));
    });
    return;
  }
  CT_DISPATCH_ALL(dst, "copy_", [&] {
    using to_t = scalar_t;
    CT_DISPATCH_ALL(src, "copy_", [&] {
      using from_t = scalar_t;
      it.for_each([](char** p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; ++i)
          *reinterpret_cast<to_t*>(p[0] + i * s[0]) = convert<to_t>(*reinterpret_cast<const from_t*>(p[1] + i * s[1]));
      });
    });
  });
}

void fill_kernel(TensorIter& it) {
  CT_DISPATCH_ALL(it.dtype(0), "fill_", [&] {
    scalar_t v = it.scalars[0].to<scalar_t>();
    it.for_each([v](char** p, const int64_t* s, int64_t n) {
      if (s[0] == int64_t(sizeof(scalar_t))) {
        scalar_t* o = reinterpret_cast<scalar_t*>(p[0]);
        for (int64_t i = 0; i < n; ++i) o[i] = v;
        return;
      }
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<scalar_t*>(p[0] + i * s[0]) = v;
    });
  });
}

// out[i] = start + i * step, computed in double (int64 in integer dtypes) like PyTorch.
void arange_kernel(TensorIter& it) {
  CT_DISPATCH_NUMERIC(it.dtype(0), "arange", [&] {
    double start = it.scalars[0].to_double(), step = it.scalars[1].to_double();
    int64_t istart = it.scalars[0].to_long(), istep = it.scalars[1].to_long();
    bool integral = !is_floating(it.dtype(0));
    char* base = it.data(0);
    int64_t stride = it.numel() > 1 ? it.strides(0)[0] : 0;
    parallel_for(0, it.numel(), 32768, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        scalar_t v = integral ? scalar_t(istart + i * istep) : scalar_t(compute_t<scalar_t>(start + double(i) * step));
        *reinterpret_cast<scalar_t*>(base + i * stride) = v;
      }
    });
  });
}
}  // namespace

void register_copy_kernels() {
  register_kernel(OpId::copy, kCPU, reinterpret_cast<void*>(&copy_kernel));
  register_kernel(OpId::fill, kCPU, reinterpret_cast<void*>(&fill_kernel));
  register_kernel(OpId::arange_fill, kCPU, reinterpret_cast<void*>(&arange_kernel));
}

}  // namespace cpu
}  // namespace ctorch
