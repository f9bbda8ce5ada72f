// Front ends of the unary and binary pointwise rows: out-of-place `name`, in-place `name_` and
// `name_out`. Shapes, promotion and output allocation are TensorIter's job; this file only
// adds PyTorch's per-op checks (bool subtraction, alpha, integer pow, rounding modes).
#include "ctorch/autograd/derivatives.h"
#include "ctorch/dispatch/registry.h"
#include "ctorch/iter/tensor_iter.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/shape.h"

namespace ctorch {

namespace {

enum class Kind { Same, Float, Bool, Promote, Integral };

// Builds the iterator of a one-output op: `out` undefined allocates; `inplace` requires the
// output to keep its shape. Operands go in as an array (no heap vectors on the hot path).
TensorIter make_iter(const char* name, Kind k, const Tensor& out, const Tensor* inputs, int ninputs, bool inplace) {
  IterConfig c;
  c.op = name;
  c.int_to_float = k == Kind::Float;
  if (k == Kind::Bool) c.output_dtype = kBool;
  c.is_inplace = inplace;
  return TensorIter(c, &out, 1, inputs, ninputs);
}
TensorIter make_iter(const char* name, Kind k, const Tensor& out, std::initializer_list<Tensor> inputs, bool inplace) {
  return make_iter(name, k, out, inputs.begin(), int(inputs.size()), inplace);
}
TensorIter make_iter(const char* name, Kind k, const Tensor& out, const std::vector<Tensor>& inputs, bool inplace) {
  return make_iter(name, k, out, inputs.data(), int(inputs.size()), inplace);
}

// Runs the kernel, copies temporaries back and bumps the version of a written user tensor.
Tensor run(OpId op, TensorIter& it, const Tensor& out) {
  kernel<PointwiseFn>(op, it.device())(it);
  it.finish();
  if (out.defined()) out.get()->bump_version();
  return it.output(0);
}

constexpr const char* kBoolNeg =
    "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the "
    "`~` or `logical_not()` operator instead.";

// Ops whose out= must have exactly the result dtype in PyTorch (no cast on write).
void check_exact_out(const Tensor& out, ScalarType want) {
  CT_CHECK(out.dtype() == want, "Found dtype ", dtype_legacy_name(out.dtype()), " but expected ",
           dtype_legacy_name(want));
}

Tensor unary_op_raw(OpId op, Kind k, const Tensor& out, const Tensor& a, bool inplace) {
  if (op == OpId::neg) CT_CHECK(a.dtype() != kBool, kBoolNeg);
  if (op == OpId::relu) CT_CHECK(a.dtype() != kBool, "Boolean inputs not supported for relu");
  if (k == Kind::Same && out.defined() && !inplace) check_exact_out(out, a.dtype());
  TensorIter it = make_iter(op_name(op), k, out, {a}, inplace);
  return run(op, it, out);
}

void check_sub_bool(const Tensor& a, const Tensor& b) {
  CT_CHECK(a.dtype() != kBool || b.dtype() != kBool,
           "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
           "`logical_xor()` operator instead.");
  CT_CHECK(a.dtype() != kBool && b.dtype() != kBool,
           "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
           "mask, use the `~` or `logical_not()` operator instead.");
}

void check_alpha(ScalarType dt, const Scalar& alpha) {
  CT_CHECK(!alpha.is_bool() || dt == kBool, "Boolean alpha only supported for Boolean results.");
  CT_CHECK(is_floating(dt) || !alpha.is_float(),
           "For integral input tensors, argument alpha must not be a floating point number.");
}

Tensor pow_scalar_op(const Tensor& out, const Tensor& a, const Scalar& e, bool inplace) {
  CT_CHECK(!(is_integral(a.dtype(), true) && !e.is_float() && e.to_long() < 0),
           "Integers to negative integer powers are not allowed.");
  TensorIter it = make_iter("pow", Kind::Promote, out, {a, scalar_to_tensor(e)}, inplace);
  double ed = e.to_double();
  if (ed == 0 || ed == 1) {  // PyTorch fills / copies (any dtype, bool included)
    Tensor o = it.output(0);
    if (ed == 0) fill_(o, Scalar(int64_t(1)));
    else if (!o.is_same(a)) copy_(o, a);
    else o.get()->bump_version();
    return o;
  }
  it.scalars[0] = e;
  it.scalars[1] = true;  // exponent is a Python scalar: enables the fast paths
  return run(OpId::pow, it, out);
}

Tensor binary_op_raw(OpId op, Kind k, const Tensor& out, const Tensor& a, const Tensor& b, bool inplace,
                     const Scalar& alpha) {
  if (op == OpId::pow && b.get()->is_wrapped_number) return pow_scalar_op(out, a, b.item(), inplace);
  if (op == OpId::sub) check_sub_bool(a, b);
  TensorIter it = make_iter(op_name(op), k, out, {a, b}, inplace);
  if (op == OpId::add || op == OpId::sub) {
    check_alpha(it.common_dtype(), alpha);
    it.scalars[0] = alpha;
  } else if ((op == OpId::mul || op == OpId::div || op == OpId::div_floor || op == OpId::div_trunc) &&
             (it.common_dtype() == kFloat16 || it.common_dtype() == kBFloat16) && b.numel() == 1 &&
             it.numel() > 0 && b.device().is_cpu()) {
    // A CUDA divisor/factor is read on the device in the op's dtype (as PyTorch's CUDA kernels
    // do, and without a host sync); CPU ones keep their original value.
    it.scalars[0] = b.item();  // see reduced_scalar_kernel
    it.scalars[1] = true;
  }
  return run(op, it, out);
}

// ---- autograd wrapping (see Note [Recording pointwise ops]) ----
// Note [Recording pointwise ops]: the forward runs under NoGradGuard (internal fills/copies are
// not part of the user's graph); then the row's formula is recorded. In-place ops check the leaf
// rule first and keep a copy of self when the formula needs the old value.
void check_out_grad(const char* op, const Tensor& out, std::initializer_list<Tensor> ins) {
  if (!out.defined() || !GradMode::is_enabled()) return;
  for (const auto& t : ins)
    CT_CHECK(!(t.defined() && t.requires_grad()), op,
             "(): functions with out=... arguments don't support automatic differentiation, but one of the "
             "arguments requires grad.");
}

template <class F>
Tensor recorded(OpId op, const Tensor& out, const Tensor& a, const Tensor& b, bool inplace, const Scalar& alpha,
                const F& compute) {
  // should_record({a, b}) without copying the handles (this runs for every pointwise call)
  bool rec = !(out.defined() && !inplace) && GradMode::is_enabled() &&
             (autograd::requires_grad(a) || (b.defined() && autograd::requires_grad(b)));
  if (!inplace) check_out_grad(op_name(op), out, {a, b});
  Tensor old;
  if (rec && inplace) {
    autograd::check_inplace(a);
    if (autograd::pointwise_uses_self(op)) {
      NoGradGuard ng;
      old = clone(a);
    }
  }
  Tensor r;
  {
    NoGradGuard ng;
    r = compute();
  }
  if (rec) autograd::record_pointwise(op, a, b, r, alpha, old);
  return r;
}

Tensor unary_op(OpId op, Kind k, const Tensor& out, const Tensor& a, bool inplace) {
  return recorded(op, out, a, Tensor(), inplace, Scalar(int64_t(1)),
                  [&] { return unary_op_raw(op, k, out, a, inplace); });
}

Tensor binary_op(OpId op, Kind k, const Tensor& out, const Tensor& a, const Tensor& b, bool inplace,
                 const Scalar& alpha = 1) {
  return recorded(op, out, a, b, inplace, alpha, [&] { return binary_op_raw(op, k, out, a, b, inplace, alpha); });
}

OpId div_mode_op(const std::string& mode) {
  if (mode.empty()) return OpId::div;
  if (mode == "trunc") return OpId::div_trunc;
  if (mode == "floor") return OpId::div_floor;
  throw Error(str_cat("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '", mode, "'"));
}
Kind div_kind(OpId op) { return op == OpId::div ? Kind::Float : Kind::Promote; }

}  // namespace

// ---- generated table rows ----
#define CT_UNARY(name, F, kind)                                                                          \
  Tensor name(const Tensor& a) { return unary_op(OpId::name, Kind::kind, Tensor(), a, false); }          \
  Tensor& name##_(Tensor& a) {                                                                           \
    unary_op(OpId::name, Kind::kind, a, a, true);                                                        \
    return a;                                                                                            \
  }                                                                                                      \
  Tensor& name##_out(Tensor& out, const Tensor& a) {                                                     \
    unary_op(OpId::name, Kind::kind, out, a, false);                                                     \
    return out;                                                                                          \
  }
#define CT_BINARY(name, F, kind)                                                                         \
  Tensor name(const Tensor& a, const Tensor& b) {                                                        \
    return binary_op(OpId::name, Kind::kind, Tensor(), a, b, false);                                     \
  }                                                                                                      \
  Tensor name(const Tensor& a, const Scalar& b) { return name(a, scalar_to_tensor(b)); }                 \
  Tensor& name##_(Tensor& a, const Tensor& b) {                                                          \
    binary_op(OpId::name, Kind::kind, a, a, b, true);                                                    \
    return a;                                                                                            \
  }                                                                                                      \
  Tensor& name##_(Tensor& a, const Scalar& b) { return name##_(a, scalar_to_tensor(b)); }                \
  Tensor& name##_out(Tensor& out, const Tensor& a, const Tensor& b) {                                    \
    binary_op(OpId::name, Kind::kind, out, a, b, false);                                                 \
    return out;                                                                                          \
  }
#define CT_OP(name)
#include "ctorch/ops/op_table.def"

// ---- alpha, rounding modes, scalar bases ----
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return binary_op(OpId::add, Kind::Promote, Tensor(), a, b, false, alpha);
}
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return binary_op(OpId::sub, Kind::Promote, Tensor(), a, b, false, alpha);
}
Tensor& add_(Tensor& a, const Tensor& b, const Scalar& alpha) {
  binary_op(OpId::add, Kind::Promote, a, a, b, true, alpha);
  return a;
}
Tensor& sub_(Tensor& a, const Tensor& b, const Scalar& alpha) {
  binary_op(OpId::sub, Kind::Promote, a, a, b, true, alpha);
  return a;
}
Tensor& add_out(Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  binary_op(OpId::add, Kind::Promote, out, a, b, false, alpha);
  return out;
}
Tensor& sub_out(Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  binary_op(OpId::sub, Kind::Promote, out, a, b, false, alpha);
  return out;
}
Tensor rsub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  Tensor r;
  {
    NoGradGuard ng;
    r = sub(b, a, alpha);
  }
  if (autograd::should_record({a, b}) && is_floating(r.dtype())) {
    Scalar neg_alpha = alpha.is_float() ? Scalar(-alpha.to_double()) : Scalar(-alpha.to_long());
    autograd::record(b.get()->is_wrapped_number ? "RsubBackward1" : "RsubBackward0", {a, b}, {r},
                     [neg_alpha](const autograd::tensor_list& g, autograd::Node&) {
                       return autograd::tensor_list{mul(g[0], neg_alpha), g[0]};
                     }, false);
  }
  return r;
}

Tensor div(const Tensor& a, const Tensor& b, const std::string& mode) {
  OpId op = div_mode_op(mode);
  return binary_op(op, div_kind(op), Tensor(), a, b, false);
}
Tensor& div_(Tensor& a, const Tensor& b, const std::string& mode) {
  OpId op = div_mode_op(mode);
  binary_op(op, div_kind(op), a, a, b, true);
  return a;
}
Tensor& div_out(Tensor& out, const Tensor& a, const Tensor& b, const std::string& mode) {
  OpId op = div_mode_op(mode);
  binary_op(op, div_kind(op), out, a, b, false);
  return out;
}
Tensor floor_divide(const Tensor& a, const Tensor& b) { return div_floor(a, b); }

Tensor pow(const Scalar& base, const Tensor& e) { return pow(scalar_to_tensor(base), e); }

// ---- round(decimals), clamp, where, lerp, addcmul, addcdiv ----
namespace {
Tensor round_dec_op(const Tensor& out, const Tensor& a, int64_t decimals, bool inplace) {
  if (out.defined() && !inplace) check_exact_out(out, a.dtype());
  TensorIter it = make_iter("round", Kind::Same, out, {a}, inplace);
  it.scalars[0] = decimals;
  return run(OpId::round_decimals, it, out);
}

Tensor clamp_op_raw(const Tensor& out, const Tensor& a, const std::optional<Tensor>& lo,
                    const std::optional<Tensor>& hi, bool inplace) {
  bool has_lo = lo && lo->defined(), has_hi = hi && hi->defined();
  CT_CHECK(has_lo || has_hi, "torch.clamp: At least one of 'min' or 'max' must not be None");
  std::vector<Tensor> in{a};
  if (has_lo) in.push_back(*lo);
  if (has_hi) in.push_back(*hi);
  TensorIter it = make_iter("clamp", Kind::Promote, out, std::move(in), inplace);
  // Bool tensors clamp only against one tensor bound (PyTorch's clamp_min/clamp_max kernels).
  if (it.common_dtype() == kBool && (has_lo == has_hi || (has_lo ? *lo : *hi).get()->is_wrapped_number))
    throw NotImplementedError(str_cat("\"", has_lo == has_hi ? "clamp_cpu" : has_lo ? "clamp_min_scalar_cpu"
                                                                                      : "clamp_max_scalar_cpu",
                                      "\" not implemented for 'Bool'"));
  // Python-number bounds: PyTorch's clamp.out wants exactly the result dtype.
  if (out.defined() && !inplace && (!has_lo || lo->get()->is_wrapped_number) &&
      (!has_hi || hi->get()->is_wrapped_number))
    check_exact_out(out, it.common_dtype());
  it.scalars[0] = has_lo;
  it.scalars[1] = has_hi;
  return run(OpId::clamp, it, out);
}

std::optional<Tensor> wrap_opt(const std::optional<Scalar>& s) {
  if (!s) return std::nullopt;
  return scalar_to_tensor(*s);
}

Tensor lerp_op_raw(const Tensor& out, const Tensor& s, const Tensor& e, const Tensor& w, bool inplace) {
  CT_CHECK(e.dtype() == s.dtype(), "expected dtype ", dtype_cpp_name(s.dtype()), " for `end` but got dtype ",
           dtype_cpp_name(e.dtype()));
  bool scalar_w = w.get()->is_wrapped_number;
  CT_CHECK(scalar_w || w.dtype() == s.dtype(), "expected dtype ", dtype_cpp_name(s.dtype()),
           " for `weight` but got dtype ", dtype_cpp_name(w.dtype()));
  if (!scalar_w && out.defined() && !inplace) check_exact_out(out, s.dtype());
  std::vector<Tensor> in{s, e};
  if (!scalar_w) in.push_back(w);
  TensorIter it = make_iter("lerp", Kind::Same, out, std::move(in), inplace);
  if (scalar_w) it.scalars[0] = w.item();
  return run(OpId::lerp, it, out);
}

Tensor addc_op_raw(OpId op, const Tensor& out, const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v,
                   bool inplace) {
  CT_CHECK(op != OpId::addcdiv || !(is_integral(t1.dtype(), true) && is_integral(t2.dtype(), true)),
           "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
           "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + "
           "value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
           "implementation: (input + value * tensor1 / tensor2), for all dtypes.");
  TensorIter it = make_iter(op_name(op), Kind::Promote, out, {a, t1, t2}, inplace);
  it.scalars[0] = v;
  return run(op, it, out);
}

// Ternary rows: forward without grad, then one closure per op. `old` is self before an in-place
// write (needed by clamp's mask and lerp's end - start).
using autograd::SavedTensor;
using autograd::tensor_list;
template <class Compute, class MakeFn>
Tensor recorded_n(const char* name, const Tensor& out, bool inplace, const tensor_list& ins, bool need_old,
                  const Compute& compute, const MakeFn& make_fn) {
  bool rec = !(out.defined() && !inplace) && autograd::any_requires_grad(ins);
  if (!inplace && out.defined() && GradMode::is_enabled())
    for (const auto& t : ins) check_out_grad(name, out, {t});
  Tensor old;
  if (rec && inplace) {
    autograd::check_inplace(ins[0]);
    // Keeps the pre-write history (CloneBackward0) so double backward through `old` is right.
    if (need_old) old = clone(ins[0]);
  }
  Tensor r;
  {
    NoGradGuard ng;
    r = compute();
  }
  if (!rec || !is_floating(r.dtype())) return r;
  SavedTensor self_s = autograd::save(inplace ? old : ins[0]);
  auto fn = make_fn(self_s);
  std::string node = name;
  if (inplace) {
    tensor_list others(ins.begin() + 1, ins.end());
    autograd::record_inplace(node.c_str(), r, others, fn);
  } else {
    autograd::record(node.c_str(), ins, {r}, fn);
  }
  return r;
}

Tensor zero_where(const Tensor& mask, const Tensor& g) { return where(mask, g, zeros_like(g)); }

// `kind`: "" for clamp, "Min"/"Max" for clamp_min/clamp_max (only the node name differs).
Tensor clamp_op(const Tensor& out, const Tensor& a, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi,
                bool inplace, const std::string& kind = "") {
  bool has_lo = lo && lo->defined(), has_hi = hi && hi->defined();
  bool scalars = (!has_lo || lo->get()->is_wrapped_number) && (!has_hi || hi->get()->is_wrapped_number);
  tensor_list ins{a};
  if (!scalars) {
    ins.push_back(has_lo ? *lo : Tensor());
    ins.push_back(has_hi ? *hi : Tensor());
  }
  Tensor lo_t = has_lo ? *lo : Tensor(), hi_t = has_hi ? *hi : Tensor();
  std::string node = kind.empty() ? (scalars ? "ClampBackward1" : "ClampBackward0")
                                  : "Clamp" + kind + (scalars ? "Backward0" : "Backward1");
  return recorded_n(node.c_str(), out, inplace, ins, true,
                    [&] { return clamp_op_raw(out, a, lo, hi, inplace); }, [&](SavedTensor self_s) {
                      SavedTensor slo = autograd::save(lo_t), shi = autograd::save(hi_t);
                      return [self_s, slo, shi, scalars](const tensor_list& g, autograd::Node&) {
                        // The gradient goes to whichever value clamp selected: min(max(x, lo), hi).
                        Tensor x = self_s.unpack(), l = slo.unpack(), h = shi.unpack();
                        Tensor lifted = l.defined() ? maximum(x, l) : x;
                        Tensor hi_sel = h.defined() ? gt(lifted, h) : zeros_like(x, TensorOptions().dtype(kBool));
                        Tensor lo_sel = l.defined() ? logical_and(logical_not(hi_sel), lt(x, l))
                                                    : zeros_like(hi_sel);
                        Tensor x_sel = logical_not(logical_or(hi_sel, lo_sel));
                        tensor_list r{zero_where(x_sel, g[0])};
                        if (!scalars) {
                          r.push_back(l.defined() ? zero_where(lo_sel, g[0]) : Tensor());
                          r.push_back(h.defined() ? zero_where(hi_sel, g[0]) : Tensor());
                        }
                        return r;
                      };
                    });
}

Tensor lerp_op(const Tensor& out, const Tensor& s, const Tensor& e, const Tensor& w, bool inplace) {
  bool scalar_w = w.get()->is_wrapped_number;
  tensor_list ins{s, e};
  if (!scalar_w) ins.push_back(w);
  return recorded_n(scalar_w ? "LerpBackward0" : "LerpBackward1", out, inplace, ins, !scalar_w,
                    [&] { return lerp_op_raw(out, s, e, w, inplace); }, [&](SavedTensor self_s) {
                      SavedTensor se = autograd::save(scalar_w ? Tensor() : e), sw = autograd::save(w);
                      return [self_s, se, sw, scalar_w](const tensor_list& g, autograd::Node&) {
                        Tensor wv = sw.unpack();
                        if (scalar_w) {  // a Python number: keep it in double precision
                          double w = wv.item<double>();
                          return tensor_list{mul(g[0], Scalar(1.0 - w)), mul(g[0], Scalar(w))};
                        }
                        Tensor gs = mul(g[0], rsub(wv, scalar_to_tensor(Scalar(int64_t(1)))));
                        Tensor ge_ = mul(g[0], wv);
                        return tensor_list{gs, ge_, mul(g[0], sub(se.unpack(), self_s.unpack()))};
                      };
                    });
}

Tensor addc_op(OpId op, const Tensor& out, const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v,
               bool inplace) {
  bool is_mul = op == OpId::addcmul;
  return recorded_n(is_mul ? "AddcmulBackward0" : "AddcdivBackward0", out, inplace, {a, t1, t2}, false,
                    [&] { return addc_op_raw(op, out, a, t1, t2, v, inplace); }, [&](SavedTensor) {
                      SavedTensor s1 = autograd::save(t1), s2 = autograd::save(t2);
                      return [s1, s2, v, is_mul](const tensor_list& g, autograd::Node&) {
                        Tensor x1 = s1.unpack(), x2 = s2.unpack();
                        Tensor gv = mul(g[0], v);
                        if (is_mul) return tensor_list{g[0], mul(gv, x2), mul(gv, x1)};
                        return tensor_list{g[0], div(gv, x2), neg(div(mul(gv, x1), mul(x2, x2)))};
                      };
                    });
}
}  // namespace

Tensor round(const Tensor& a, int64_t decimals) { return round_dec_op(Tensor(), a, decimals, false); }
Tensor& round_(Tensor& a, int64_t decimals) {
  round_dec_op(a, a, decimals, true);
  return a;
}
Tensor& round_out(Tensor& out, const Tensor& a, int64_t decimals) {
  round_dec_op(out, a, decimals, false);
  return out;
}

Tensor clamp(const Tensor& a, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi) {
  return clamp_op(Tensor(), a, wrap_opt(lo), wrap_opt(hi), false);
}
Tensor clamp(const Tensor& a, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi) {
  return clamp_op(Tensor(), a, lo, hi, false);
}
Tensor& clamp_(Tensor& a, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi) {
  clamp_op(a, a, wrap_opt(lo), wrap_opt(hi), true);
  return a;
}
Tensor& clamp_(Tensor& a, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi) {
  clamp_op(a, a, lo, hi, true);
  return a;
}
Tensor& clamp_out(Tensor& out, const Tensor& a, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi) {
  clamp_op(out, a, lo, hi, false);
  return out;
}
Tensor clamp_min(const Tensor& a, const Tensor& lo) { return clamp_op(Tensor(), a, lo, std::nullopt, false, "Min"); }
Tensor clamp_max(const Tensor& a, const Tensor& hi) { return clamp_op(Tensor(), a, std::nullopt, hi, false, "Max"); }
Tensor& clamp_min_(Tensor& a, const Tensor& lo) {
  clamp_op(a, a, lo, std::nullopt, true, "Min");
  return a;
}
Tensor& clamp_max_(Tensor& a, const Tensor& hi) {
  clamp_op(a, a, std::nullopt, hi, true, "Max");
  return a;
}

// The condition keeps its bool dtype while a and b promote, so the iterator does not promote
// (out= must have the result dtype, as in PyTorch).
Tensor& where_out(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  CT_CHECK(cond.dtype() == kBool || cond.dtype() == kUInt8,
           "where expected condition to be a boolean tensor, but got a tensor with dtype ",
           dtype_legacy_name(cond.dtype()));
  ScalarType rt = result_type({a, b});
  CT_CHECK(!out.defined() || out.dtype() == rt, "Expected out type to be ", dtype_legacy_name(rt), " but got ",
           dtype_legacy_name(out.dtype()));
  IterConfig c;
  c.op = "where";
  c.outputs = {out};
  c.inputs = {to_dtype(cond, kBool), to_dtype(a, rt), to_dtype(b, rt)};
  c.promote_inputs = false;
  c.compute_dtype = rt;
  TensorIter it(std::move(c));
  kernel<PointwiseFn>(OpId::where, it.device())(it);
  if (out.defined()) out.get()->bump_version();
  else out = it.output(0);
  return out;
}
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Tensor out;
  bool rec = autograd::should_record({a, b});
  {
    NoGradGuard ng;
    where_out(out, cond, a, b);
  }
  if (rec && is_floating(out.dtype())) {
    SavedTensor sc = autograd::save(cond);
    autograd::record("WhereBackward0", {cond, a, b}, {out}, [sc](const tensor_list& g, autograd::Node&) {
      Tensor c = sc.unpack();
      Tensor z = zeros_like(g[0]);
      return tensor_list{Tensor(), where(c, g[0], z), where(c, z, g[0])};
    });
  }
  return out;
}

Tensor lerp(const Tensor& s, const Tensor& e, const Tensor& w) { return lerp_op(Tensor(), s, e, w, false); }
Tensor& lerp_(Tensor& s, const Tensor& e, const Tensor& w) {
  lerp_op(s, s, e, w, true);
  return s;
}
Tensor& lerp_out(Tensor& out, const Tensor& s, const Tensor& e, const Tensor& w) {
  lerp_op(out, s, e, w, false);
  return out;
}

Tensor addcmul(const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v) {
  return addc_op(OpId::addcmul, Tensor(), a, t1, t2, v, false);
}
Tensor& addcmul_(Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v) {
  addc_op(OpId::addcmul, a, a, t1, t2, v, true);
  return a;
}
Tensor& addcmul_out(Tensor& out, const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v) {
  addc_op(OpId::addcmul, out, a, t1, t2, v, false);
  return out;
}
Tensor addcdiv(const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v) {
  return addc_op(OpId::addcdiv, Tensor(), a, t1, t2, v, false);
}
Tensor& addcdiv_(Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v) {
  addc_op(OpId::addcdiv, a, a, t1, t2, v, true);
  return a;
}
Tensor& addcdiv_out(Tensor& out, const Tensor& a, const Tensor& t1, const Tensor& t2, const Scalar& v) {
  addc_op(OpId::addcdiv, out, a, t1, t2, v, false);
  return out;
}

}  // namespace ctorch
