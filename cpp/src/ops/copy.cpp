// copy_, contiguous, clone, dtype/device conversion, fill_.
#include "ctorch/autograd/autograd.h"
#include "ctorch/cuda/cuda_api.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

Tensor& copy_nobump_(Tensor& dst, const Tensor& src) { return copy_nobump_(dst, src, false); }

Tensor& copy_nobump_(Tensor& dst, const Tensor& src, bool non_blocking) {
  if (dst.is_same(src) || dst.numel() == 0) return dst;
  NoGradGuard no_grad;
  if (dst.device() != src.device()) {
    // Shape errors first, with copy_'s message, then the transfer (cuda/copy.cu).
    Shape b = broadcast_shapes(dst.sizes(), src.sizes());
    CT_CHECK(b == dst.sizes(), "output with shape ", shape_str(dst.sizes()), " doesn't match the broadcast shape ",
             shape_str(b));
    cuda::copy_between(dst, src, non_blocking);
    return dst;
  }  // the broadcast view below is internal
  IterConfig c;
  c.op = "copy_";
  c.outputs = {dst};
  c.inputs = {expand(src, dst.sizes())};
  c.promote_inputs = false;
  c.check_castable = false;
  c.is_inplace = true;
  TensorIter it(std::move(c));
  kernel<PointwiseFn>(OpId::copy, dst.device())(it);
  return dst;
}

namespace {
Tensor& copy_raw(Tensor& dst, const Tensor& src) { return copy_nobump_(dst, src); }
autograd::tensor_list pass_through(const autograd::tensor_list& g, autograd::Node&) { return {g[0]}; }
}  // namespace

Tensor& copy_(Tensor& dst, const Tensor& src) {
  bool rec = autograd::should_record({dst, src});
  if (rec) autograd::check_inplace(dst);
  copy_raw(dst, src);
  dst.get()->bump_version();
  if (rec && is_floating(dst.dtype()))
    autograd::record_inplace("CopyBackwards", dst, {src}, [](const autograd::tensor_list& g, autograd::Node&) {
      return autograd::tensor_list{Tensor(), g[0]};
    }, false);
  return dst;
}

Tensor contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor out = empty(t.sizes(), t.options());
  copy_raw(out, t);
  if (autograd::should_record({t})) autograd::record("CloneBackward0", {t}, {out}, pass_through, false);
  return out;
}

Tensor clone(const Tensor& t) {
  Tensor out = empty_like(t);  // torch's clone preserves dense layouts (preserve_format)
  copy_raw(out, t);
  if (autograd::should_record({t})) autograd::record("CloneBackward0", {t}, {out}, pass_through, false);
  return out;
}

Tensor to_dtype(const Tensor& t, ScalarType dtype, bool copy) {
  if (t.dtype() == dtype && !copy) return t;
  Tensor out = empty(t.sizes(), t.options().dtype(dtype));
  copy_raw(out, t);
  if (autograd::should_record({t}) && is_floating(dtype))
    autograd::record("ToCopyBackward0", {t}, {out}, pass_through, false);
  return out;
}

Tensor to_device(const Tensor& t, Device d, bool copy, bool non_blocking) {
  // "cuda" means the current device, as in PyTorch: a tensor on another GPU moves.
  if (d.is_cuda() && d.index < 0) d = cuda::resolve(d);
  if (t.device().type == d.type && (t.device().index == d.index || t.device().is_cpu()) && !copy) return t;
  Tensor out = empty(t.sizes(), t.options().device(d));
  copy_nobump_(out, t, non_blocking);
  if (autograd::should_record({t})) autograd::record("ToCopyBackward0", {t}, {out}, pass_through, false);
  return out;
}

Tensor& fill_(Tensor& t, const Scalar& v) {
  bool rec = autograd::should_record({t});
  if (rec) autograd::check_inplace(t);
  IterConfig c;
  c.op = "fill_";
  c.outputs = {t};
  c.promote_inputs = false;
  c.check_castable = false;
  c.is_inplace = true;
  TensorIter it(std::move(c));
  it.scalars[0] = v;
  kernel<PointwiseFn>(OpId::fill, t.device())(it);
  t.get()->bump_version();
  if (rec)
    autograd::record_inplace("FillBackward0", t, {}, [](const autograd::tensor_list&, autograd::Node&) {
      return autograd::tensor_list{Tensor()};
    }, false);
  return t;
}

Tensor& fill_(Tensor& t, const Tensor& v) {
  CT_CHECK(v.dim() == 0, "fill_ only supports 0-dimension value tensor but got tensor with ", v.dim(),
           " dimensions.");
  return fill_(t, v.item());
}

Tensor& zero_(Tensor& t) { return fill_(t, Scalar(int64_t(0))); }

}  // namespace ctorch
