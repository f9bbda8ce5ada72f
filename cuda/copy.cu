// CUDA copy (with dtype conversion), fill and arange kernels, and copies between devices.
#include <cuda_runtime.h>

#include <type_traits>

#include "ctorch/autograd/autograd.h"
#include "ctorch/core/context.h"
#include "ctorch/core/convert.h"
#include "ctorch/ops/functors.h"
#include "ctorch/dispatch/dtype_dispatch.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/shape.h"
#include "loops.cuh"

namespace ctorch {
namespace cuda {

namespace {

template <class To, class From>
struct CopyBody {
  char* out;
  const char* in;
  __device__ void operator()(int64_t, const int64_t* off) const {
    *reinterpret_cast<To*>(out + off[0]) = convert<To>(*reinterpret_cast<const From*>(in + off[1]));
  }
};

template <class To, class From>
__global__ void contig_convert(To* out, const From* in, int64_t n) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(blockDim.x) * gridDim.x)
    out[i] = convert<To>(in[i]);
}

void copy_kernel(TensorIter& it) {
  const int64_t n = it.numel();
  if (n == 0) return;
  ScalarType dst = it.dtype(0), src = it.dtype(1);
  DeviceGuard guard(it.device());
  cudaStream_t s = stream_of(it.device());
  if (dst == src && it.is_contiguous()) {
    CT_CUDA_CHECK(cudaMemcpyAsync(it.data(0), it.data(1), size_t(n) * itemsize(dst), cudaMemcpyDeviceToDevice, s));
    return;
  }
  CT_DISPATCH_ALL(dst, "copy_", [&] {
    using to_t = scalar_t;
    CT_DISPATCH_ALL(src, "copy_", [&] {
      using from_t = scalar_t;
      if (it.is_contiguous()) {
        contig_convert<to_t, from_t><<<grid_for(n), kBlock, 0, s>>>(reinterpret_cast<to_t*>(it.data(0)),
                                                                    reinterpret_cast<const from_t*>(it.data(1)), n);
        CT_CUDA_LAUNCH_CHECK();
      } else {
        launch_offsets<2>(it, CopyBody<to_t, from_t>{it.data(0), it.data(1)});
      }
    });
  });
}

template <class T>
struct FillBody {
  char* out;
  T v;
  __device__ void operator()(int64_t, const int64_t* off) const { *reinterpret_cast<T*>(out + off[0]) = v; }
};

void fill_kernel(TensorIter& it) {
  CT_DISPATCH_ALL(it.dtype(0), "fill_", [&] {
    launch_offsets<1>(it, FillBody<scalar_t>{it.data(0), it.scalars[0].to<scalar_t>()});
  });
}

// out[i] = start + i * step: int64 for integer dtypes; for floating dtypes one fused multiply-add
// in the compute type (float for float32/16-bit, double for double), as PyTorch's CUDA kernel
// computes it (the CPU replays PyTorch's CPU rounding instead, so the last bits may differ).
template <class T>
struct ArangeBody {
  char* base;
  int64_t stride;
  double start, step;
  int64_t istart, istep;
  bool integral;
  __device__ void operator()(int64_t i, const int64_t*) const {
    using A = compute_t<T>;
    T v;
    if constexpr (std::is_floating_point<A>::value) {
      v = integral ? T(istart + i * istep) : T(ct_math::fma(A(step), A(i), A(start)));
    } else {
      v = T(istart + i * istep);
    }
    *reinterpret_cast<T*>(base + i * stride) = v;
  }
};

void arange_kernel(TensorIter& it) {
  CT_DISPATCH_NUMERIC(it.dtype(0), "arange", [&] {
    ArangeBody<scalar_t> b{it.data(0), it.numel() > 1 ? it.strides(0)[0] : 0,
                           it.scalars[0].to_double(), it.scalars[1].to_double(),
                           it.scalars[0].to_long(), it.scalars[1].to_long(), !is_floating(it.dtype(0))};
    launch_offsets<1>(it, b);
  });
}

}  // namespace

void register_copy_kernels() {
  reg(OpId::copy, reinterpret_cast<void*>(&copy_kernel));
  reg(OpId::fill, reinterpret_cast<void*>(&fill_kernel));
  reg(OpId::arange_fill, reinterpret_cast<void*>(&arange_kernel));
}

// ---- between devices ----
// Each side is brought to dst's dtype and a dense row-major layout on its own device, so the
// transfer itself is one cudaMemcpy; conversions and restriding run as ordinary copy kernels.
void copy_between(Tensor& dst, const Tensor& src_in, bool non_blocking) {
  NoGradGuard no_grad;
  Tensor src = expand(src_in, dst.sizes());
  const size_t nbytes = size_t(dst.numel()) * size_t(dst.element_size());
  if (nbytes == 0) return;
  auto dense_as = [&](const Tensor& t, Device d) {
    if (t.dtype() == dst.dtype() && t.is_contiguous() && t.device() == d) return t;
    Tensor r = empty(dst.sizes(), dst.options().device(d));
    copy_nobump_(r, t);  // same-device conversion
    return r;
  };
  if (src.device().is_cpu() && dst.device().is_cuda()) {
    Tensor h = dense_as(src, Device());
    Tensor d = dst.is_contiguous() ? dst : empty(dst.sizes(), dst.options());
    DeviceGuard g(dst.device());
    // From pageable memory the call returns once the bytes are staged, so h may die right after;
    // from pinned memory it is asynchronous, and the block is not reused before it finishes.
    CT_CUDA_CHECK(cudaMemcpyAsync(d.data_ptr(), h.data_ptr(), nbytes, cudaMemcpyHostToDevice, stream_of(dst.device())));
    if (non_blocking) record_host_use(h.data_ptr(), stream_of(dst.device()));
    if (!d.is_same(dst)) copy_nobump_(dst, d);
    if (!non_blocking) {
      check_implicit_sync();
      sync_stream(dst.device().index, stream_of(dst.device()));
    }
    return;
  }
  if (src.device().is_cuda() && dst.device().is_cpu()) {
    Tensor d = dense_as(src, src.device());
    const bool direct = dst.is_contiguous();
    Tensor h = direct ? dst : empty(dst.sizes(), dst.options());
    DeviceGuard g(src.device());
    cudaStream_t s = stream_of(src.device());
    CT_CUDA_CHECK(cudaMemcpyAsync(h.data_ptr(), d.data_ptr(), nbytes, cudaMemcpyDeviceToHost, s));
    // Only a pinned destination written directly may be left in flight (torch's non_blocking).
    if (!(non_blocking && direct && is_pinned(dst))) {
      if (!non_blocking) check_implicit_sync();  // as torch: non_blocking never reports
      sync_stream(src.device().index, s);  // also raises what earlier kernels reported
    } else {
      record_host_use(h.data_ptr(), s);
    }
    if (!direct) copy_nobump_(dst, h);
    return;
  }
  CT_CHECK(src.device().is_cuda() && dst.device().is_cuda(), "copy_: unsupported devices ", src.device().str(),
           " -> ", dst.device().str());
  Tensor d = dense_as(src, src.device());
  {
    DeviceGuard g(src.device());
    CT_CUDA_CHECK(cudaStreamSynchronize(stream_of(src.device())));
  }
  Tensor o = dst.is_contiguous() ? dst : empty(dst.sizes(), dst.options());
  DeviceGuard g(dst.device());
  CT_CUDA_CHECK(cudaMemcpyPeerAsync(o.data_ptr(), dst.device().index, d.data_ptr(), src.device().index, nbytes,
                                    stream_of(dst.device())));
  if (non_blocking) {
    // d (a temporary, or the caller's src) is read on dst's stream but belongs to src's: make
    // src's stream wait for the transfer, so neither the allocator's reuse of a freed block nor
    // a later write to src on that stream can overtake it.
    cudaEvent_t ev;
    CT_CUDA_CHECK(cudaEventCreateWithFlags(&ev, cudaEventDisableTiming));
    cudaError_t e = cudaEventRecord(ev, stream_of(dst.device()));
    if (e == cudaSuccess) {
      DeviceGuard gs(src.device());
      e = cudaStreamWaitEvent(stream_of(src.device()), ev, 0);
    }
    cudaEventDestroy(ev);  // released once the wait is satisfied
    CT_CUDA_CHECK(e);
  }
  if (!o.is_same(dst)) copy_nobump_(dst, o);
  if (!non_blocking) {
    check_implicit_sync();
    sync_stream(dst.device().index, stream_of(dst.device()));
  }
}

}  // namespace cuda
}  // namespace ctorch
