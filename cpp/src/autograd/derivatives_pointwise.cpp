// Backward formulas of the pointwise table rows, one line each, written with ctorch ops so they
// run on any device and can be differentiated again. Un-broadcasting and dtype casts are the
// engine's job (see validate_grad in engine.cpp).
#include <cmath>

#include "ctorch/autograd/derivatives.h"
#include "ctorch/ops/creation.h"
#include "ctorch/ops/pointwise.h"
#include "ctorch/ops/shape.h"

namespace ctorch {
namespace autograd {

namespace {
using G = const Tensor&;
Tensor zeros_of(G g) { return zeros_like(g); }
Tensor sq(G x) { return mul(x, x); }
Scalar negate(const Scalar& s) { return s.is_float() ? Scalar(-s.to_double()) : Scalar(int64_t(-s.to_long())); }
Scalar minus_one(const Scalar& s) { return s.is_float() ? Scalar(s.to_double() - 1) : Scalar(int64_t(s.to_long() - 1)); }
bool is_number(G t) { return t.defined() && t.get()->is_wrapped_number; }

struct Formula {
  const char* name;
  bool uses_self;  // needs the input value (an in-place op must keep a copy of it)
  bool uses_result;
  std::function<tensor_list(G g, G a, G b, G r, const Scalar& alpha)> fn;
};

const Formula* formula(OpId op) {
  static const auto table = [] {
    std::vector<Formula> t(kNumOps);
    auto set = [&](OpId op, const char* name, bool uses_self, decltype(Formula::fn) fn) {
      t[int(op)] = Formula{name, uses_self, false, std::move(fn)};
    };
    // unary: returns {grad_a}
    set(OpId::neg, "NegBackward0", false, [](G g, G, G, G, const Scalar&) { return tensor_list{neg(g)}; });
    set(OpId::abs, "AbsBackward0", true, [](G g, G a, G, G, const Scalar&) { return tensor_list{mul(g, sign(a))}; });
    set(OpId::sign, "SignBackward0", false, [](G g, G, G, G, const Scalar&) { return tensor_list{zeros_of(g)}; });
    set(OpId::floor, "FloorBackward0", false, [](G g, G, G, G, const Scalar&) { return tensor_list{zeros_of(g)}; });
    set(OpId::ceil, "CeilBackward0", false, [](G g, G, G, G, const Scalar&) { return tensor_list{zeros_of(g)}; });
    set(OpId::round, "RoundBackward0", false, [](G g, G, G, G, const Scalar&) { return tensor_list{zeros_of(g)}; });
    set(OpId::trunc, "TruncBackward0", false, [](G g, G, G, G, const Scalar&) { return tensor_list{zeros_of(g)}; });
    set(OpId::frac, "FracBackward0", false, [](G g, G, G, G, const Scalar&) { return tensor_list{g}; });
    set(OpId::relu, "ReluBackward0", false, [](G g, G, G, G r, const Scalar&) {
      return tensor_list{where(gt(r, Scalar(int64_t(0))), g, zeros_of(g))};
    });
    set(OpId::reciprocal, "ReciprocalBackward0", false,
        [](G g, G, G, G r, const Scalar&) { return tensor_list{neg(mul(g, sq(r)))}; });
    set(OpId::exp, "ExpBackward0", false, [](G g, G, G, G r, const Scalar&) { return tensor_list{mul(g, r)}; });
    set(OpId::log, "LogBackward0", true, [](G g, G a, G, G, const Scalar&) { return tensor_list{div(g, a)}; });
    set(OpId::log1p, "Log1PBackward0", true,
        [](G g, G a, G, G, const Scalar&) { return tensor_list{div(g, add(a, Scalar(int64_t(1))))}; });
    set(OpId::expm1, "Expm1Backward0", false,
        [](G g, G, G, G r, const Scalar&) { return tensor_list{mul(g, add(r, Scalar(int64_t(1))))}; });
    set(OpId::sqrt, "SqrtBackward0", false,
        [](G g, G, G, G r, const Scalar&) { return tensor_list{div(g, mul(r, Scalar(int64_t(2))))}; });
    set(OpId::rsqrt, "RsqrtBackward0", false,
        [](G g, G, G, G r, const Scalar&) { return tensor_list{mul(mul(g, pow(r, Scalar(int64_t(3)))), Scalar(-0.5))}; });
    set(OpId::sin, "SinBackward0", true, [](G g, G a, G, G, const Scalar&) { return tensor_list{mul(g, cos(a))}; });
    set(OpId::cos, "CosBackward0", true, [](G g, G a, G, G, const Scalar&) { return tensor_list{neg(mul(g, sin(a)))}; });
    set(OpId::tan, "TanBackward0", false,
        [](G g, G, G, G r, const Scalar&) { return tensor_list{mul(g, add(sq(r), Scalar(int64_t(1))))}; });
    set(OpId::asin, "AsinBackward0", true, [](G g, G a, G, G, const Scalar&) {
      return tensor_list{div(g, sqrt(rsub(sq(a), scalar_to_tensor(Scalar(int64_t(1))))))};
    });
    set(OpId::acos, "AcosBackward0", true, [](G g, G a, G, G, const Scalar&) {
      return tensor_list{neg(div(g, sqrt(rsub(sq(a), scalar_to_tensor(Scalar(int64_t(1)))))))};
    });
    set(OpId::atan, "AtanBackward0", true,
        [](G g, G a, G, G, const Scalar&) { return tensor_list{div(g, add(sq(a), Scalar(int64_t(1))))}; });
    set(OpId::sinh, "SinhBackward0", true, [](G g, G a, G, G, const Scalar&) { return tensor_list{mul(g, cosh(a))}; });
    set(OpId::cosh, "CoshBackward0", true, [](G g, G a, G, G, const Scalar&) { return tensor_list{mul(g, sinh(a))}; });
    set(OpId::tanh, "TanhBackward0", false, [](G g, G, G, G r, const Scalar&) {
      return tensor_list{mul(g, rsub(sq(r), scalar_to_tensor(Scalar(int64_t(1)))))};
    });
    set(OpId::sigmoid, "SigmoidBackward0", false, [](G g, G, G, G r, const Scalar&) {
      return tensor_list{mul(mul(g, r), rsub(r, scalar_to_tensor(Scalar(int64_t(1)))))};
    });
    // binary: returns {grad_a, grad_b}
    set(OpId::add, "AddBackward0", false,
        [](G g, G, G, G, const Scalar& al) { return tensor_list{g, al.to_double() == 1 ? g : mul(g, al)}; });
    set(OpId::sub, "SubBackward0", false,
        [](G g, G, G, G, const Scalar& al) { return tensor_list{g, al.to_double() == 1 ? neg(g) : mul(g, negate(al))}; });
    set(OpId::mul, "MulBackward0", true, [](G g, G a, G b, G, const Scalar&) { return tensor_list{mul(g, b), mul(g, a)}; });
    set(OpId::div, "DivBackward0", true, [](G g, G a, G b, G, const Scalar&) {
      return tensor_list{div(g, b), neg(div(mul(g, a), sq(b)))};
    });
    set(OpId::div_floor, "DivBackward2", false,
        [](G g, G, G, G, const Scalar&) { return tensor_list{zeros_of(g), zeros_of(g)}; });
    set(OpId::div_trunc, "DivBackward2", false,
        [](G g, G, G, G, const Scalar&) { return tensor_list{zeros_of(g), zeros_of(g)}; });
    set(OpId::fmod, "FmodBackward1", true,
        [](G g, G a, G b, G, const Scalar&) { return tensor_list{g, neg(mul(g, trunc(div(a, b))))}; });
    set(OpId::remainder, "RemainderBackward1", true,
        [](G g, G a, G b, G, const Scalar&) { return tensor_list{g, neg(mul(g, floor(div(a, b))))}; });
    set(OpId::pow, "PowBackward1", true, [](G g, G a, G b, G r, const Scalar&) {
      // d/da = b * a^(b-1) (0 where b == 0); d/db = r * log(a) (0 where a == 0 and b >= 0).
      // A Python-number operand (wrapped 0-dim tensor) is used as a double Scalar: ops on it alone
      // would round to the default dtype (float32).
      Tensor ga, gb;
      if (is_number(b)) {
        Scalar e = b.item();
        ga = e.to_double() == 0 ? zeros_like(a) : mul(g, mul(pow(a, minus_one(e)), e));
      } else if (!is_number(a)) {
        ga = mul(g, where(eq(b, Scalar(int64_t(0))), zeros_like(a), mul(b, pow(a, sub(b, Scalar(int64_t(1)))))));
      }
      if (is_number(a)) {
        double base = a.item().to_double();
        gb = mul(g, mul(r, Scalar(std::log(base))));
        if (base == 0) gb = where(ge(b, Scalar(int64_t(0))), zeros_like(gb), gb);
      } else if (!is_number(b)) {
        Tensor db_mask = logical_and(eq(a, Scalar(int64_t(0))), ge(b, Scalar(int64_t(0))));
        gb = mul(g, where(db_mask, zeros_like(r), mul(r, log(a))));
      }
      return tensor_list{ga, gb};
    });
    set(OpId::atan2, "Atan2Backward0", true, [](G g, G a, G b, G, const Scalar&) {
      Tensor den = add(sq(a), sq(b));
      return tensor_list{mul(g, div(b, den)), mul(g, div(neg(a), den))};
    });
    auto minmax = [](bool is_max) {
      return [is_max](G g, G a, G b, G, const Scalar&) {
        Tensor half = div(g, Scalar(int64_t(2)));
        Tensor same = eq(a, b);
        Tensor a_wins = is_max ? gt(a, b) : lt(a, b);
        Tensor b_wins = is_max ? lt(a, b) : gt(a, b);
        Tensor ga = where(same, half, where(a_wins, g, zeros_like(g)));
        Tensor gb = where(same, half, where(b_wins, g, zeros_like(g)));
        return tensor_list{ga, gb};
      };
    };
    set(OpId::maximum, "MaximumBackward0", true, minmax(true));
    set(OpId::minimum, "MinimumBackward0", true, minmax(false));
    for (OpId op : {OpId::relu, OpId::reciprocal, OpId::exp, OpId::expm1, OpId::sqrt, OpId::rsqrt, OpId::tan,
                    OpId::tanh, OpId::sigmoid, OpId::pow})
      t[int(op)].uses_result = true;
    return t;
  }();
  const Formula& f = table[int(op)];
  return f.fn ? &f : nullptr;
}
}  // namespace

bool pointwise_uses_self(OpId op) {
  const Formula* f = formula(op);
  return f && f->uses_self;
}

void record_pointwise(OpId op, const Tensor& a, const Tensor& b, const Tensor& result, const Scalar& alpha,
                      const Tensor& old_self) {
  const Formula* f = formula(op);
  if (!f || !is_floating(result.dtype())) return;
  bool inplace = old_self.defined() || result.is_same(a);
  const char* name = f->name;
  bool scalar_b = is_number(b), scalar_a = is_number(a);
  if (op == OpId::pow && scalar_b) name = "PowBackward0";
  if (op == OpId::pow && scalar_a) name = "PowBackward2";
  if (op == OpId::sub && scalar_a) name = "RsubBackward1";  // `2 - x`
  if (op == OpId::fmod && scalar_b) name = "FmodBackward0";
  if (op == OpId::remainder && scalar_b) name = "RemainderBackward0";
  if (inplace && f->uses_self && old_self.defined() && requires_grad(a)) {
    // The copy of self taken before the write gets self's old history, so that double backward
    // reaches what self was computed from (PyTorch likewise saves a clone made with grad mode on).
    record("CloneBackward0", {a}, {old_self}, [](const tensor_list& g, Node&) { return tensor_list{g[0]}; }, false);
  }
  SavedTensor sa = f->uses_self ? save(inplace ? old_self : a) : SavedTensor();
  SavedTensor sb = b.defined() && f->uses_self ? save(b) : SavedTensor();
  SavedTensor sr = f->uses_result && !(op == OpId::pow && scalar_b) ? save_output(result) : SavedTensor();
  bool has_b = b.defined();
  // Only nodes that saved tensors refuse a second backward (AddBackward0 etc. allow it, like PyTorch).
  bool has_saved = sa.defined() || sb.defined() || sr.defined();
  auto fn = [f, sa, sb, sr, alpha, has_b](const tensor_list& g, Node& self) {
    auto owner = self.shared_from_this();
    Tensor av = sa.unpack(), bv = sb.unpack(), rv = sr.unpack(owner);
    tensor_list r = f->fn(g[0], av, bv, rv, alpha);
    if (!has_b && r.size() > 1) r.resize(1);
    return r;
  };
  if (inplace) {
    Tensor self = result;
    record_inplace(name, self, has_b ? tensor_list{b} : tensor_list{}, fn, has_saved);
  } else {
    record(name, has_b ? tensor_list{a, b} : tensor_list{a}, {result}, fn, has_saved);
  }
}

}  // namespace autograd
}  // namespace ctorch
