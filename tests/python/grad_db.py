"""The table of differentiable ops checked by test_ops_grad.py.

A row is ``GradCase(name, fn, inputs, kind)``: ``fn(lib, *tensors)`` runs the op with ``lib`` (ctorch or
torch) and returns a tensor or a tuple of tensors; ``inputs`` lists the operands, either ``In`` (a
floating tensor that requires grad, built from the same NumPy values in both libraries) or ``Const``
(a tensor that does not: indices, masks). Kinds "pointwise", "reduction" and "linalg" also get a
double-backward check.

Input values are random, drawn away from the op's kinks (|x| >= 0.3 for abs/relu/sign, fractional
parts in [0.1, 0.9] for floor & co) so that central differences with eps=1e-6 are valid; ``fd=False``
marks rows evaluated exactly at a kink (ties, zero inputs), which are only compared with torch.
"""

import zlib
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

DOMAINS = {
    "any": (-2.0, 2.0),
    "pos": (0.5, 2.0),
    "unit": (-0.9, 0.9),
    "small": (-1.5, 1.5),
}


@dataclass
class In:
    """A differentiable operand. layout: "contig", "t" (a transposed view of a contiguous tensor),
    "step" (every second element along the last dim). ``values`` overrides the random draw."""

    shape: tuple
    domain: str = "any"
    layout: str = "contig"
    values: Any = None


@dataclass
class Const:
    """A non-differentiable tensor operand (int64 indices, bool masks)."""

    data: Any
    dtype: str = "int64"


@dataclass
class GradCase:
    name: str
    fn: Callable
    inputs: list
    kind: str = "pointwise"
    fd: bool = True             # finite-difference check valid at these inputs
    second: Optional[bool] = None  # double backward vs torch (default: pointwise/reduction/linalg)
    f32: bool = True            # also compare float32 gradients

    @property
    def second_order(self):
        if self.second is not None:
            return self.second
        return self.kind in ("pointwise", "reduction", "linalg")


def draw(case, i, spec):
    """Logical values (float64 NumPy array, 0-dim included) of input i of a case, reproducible per row."""
    return np.array(_draw(case, i, spec), dtype=np.float64).reshape(spec.shape)


def _draw(case, i, spec):
    if spec.values is not None:
        return np.array(spec.values, dtype=np.float64).reshape(spec.shape)
    rng = np.random.default_rng(zlib.crc32(("%s/%d" % (case.name, i)).encode()))
    shape = spec.shape
    if spec.domain == "away":  # |x| in [0.3, 2], random sign
        return rng.uniform(0.3, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    if spec.domain == "nonint":  # fractional part in [0.1, 0.9]
        return rng.integers(-3, 3, size=shape) + rng.uniform(0.1, 0.9, size=shape)
    if spec.domain == "halfway":  # round(): avoid .5 ties and integers
        return rng.integers(-3, 3, size=shape) + rng.choice([0.2, 0.3, 0.7, 0.8], size=shape) \
            + rng.uniform(-0.05, 0.05, size=shape)
    lo, hi = DOMAINS[spec.domain]
    return rng.uniform(lo, hi, size=shape)


# ------------------------------------------------------------------ helpers for rows
def A(*shape, d="any", layout="contig", values=None):
    return In(tuple(shape), d, layout, values)


def I(data):  # noqa: E743 - short name for index tensors
    return Const(np.array(data, dtype=np.int64), "int64")


def M(data):
    return Const(np.array(data, dtype=bool), "bool")


def call(name, *args, **kw):
    return lambda lib, *t: getattr(lib, name)(*t, *args, **kw)


def meth(name, *args, **kw):
    return lambda lib, x, *t: getattr(x, name)(*t, *args, **kw)


def _cases(name, fn, variants, kind="pointwise", **kw):
    """One row per (suffix, inputs) variant."""
    return [GradCase(name + ("_" + sfx if sfx else ""), fn, list(ins), kind, **kw) for sfx, ins in variants]


def _unary_variants(d):
    return [("", [A(3, 4, d=d)]), ("t", [A(3, 4, d=d, layout="t")]), ("step", [A(2, 3, d=d, layout="step")]),
            ("0d", [A(d=d)])]


def _binary_variants(d="any", d2=None):
    d2 = d2 or d
    return [("", [A(3, 4, d=d), A(3, 4, d=d2)]),
            ("bcast", [A(3, 1, 4, d=d), A(5, 4, d=d2)]),
            ("t_step", [A(3, 4, d=d, layout="t"), A(3, 4, d=d2, layout="step")]),
            ("0d_lhs", [A(d=d), A(2, 3, d=d2)]),
            ("0d_rhs", [A(2, 3, d=d), A(d=d2)])]


UNARY = [("neg", "any"), ("abs", "away"), ("sign", "away"), ("floor", "nonint"), ("ceil", "nonint"),
         ("round", "halfway"), ("trunc", "nonint"), ("frac", "nonint"), ("relu", "away"), ("reciprocal", "away"),
         ("exp", "small"), ("log", "pos"), ("log1p", "pos"), ("expm1", "small"), ("sqrt", "pos"), ("rsqrt", "pos"),
         ("sin", "any"), ("cos", "any"), ("tan", "unit"), ("asin", "unit"), ("acos", "unit"), ("atan", "any"),
         ("sinh", "small"), ("cosh", "small"), ("tanh", "any"), ("sigmoid", "any"), ("square", "any")]

CASES = []
for _n, _d in UNARY:
    CASES += _cases(_n, call(_n), _unary_variants(_d))
CASES += [
    GradCase("relu_method", meth("relu"), [A(3, 4, d="away")]),
    GradCase("exp_method_t", meth("exp"), [A(3, 4, d="small", layout="t")]),
]

def _inplace_unary(name):
    def f(lib, x):
        y = x * 1
        getattr(y, name + "_")()
        return y
    return f


def _inplace_binary(name, **kw):
    def f(lib, x, *o):
        y = x * 1
        getattr(y, name + "_")(*o, **kw)
        return y
    return f


# In-place variants on non-leaves (the formula must see self's value from before the write).
for _n, _d in UNARY:
    CASES.append(GradCase(_n + "_inplace", _inplace_unary(_n), [A(3, 4, d=_d, layout="t")]))
CASES += [
    GradCase("add_inplace", _inplace_binary("add", alpha=0.3), [A(3, 4), A(4)]),
    GradCase("sub_inplace", _inplace_binary("sub"), [A(3, 4), A(3, 1)]),
    GradCase("mul_inplace", _inplace_binary("mul"), [A(3, 4, layout="step"), A(4)]),
    GradCase("div_inplace", _inplace_binary("div"), [A(3, 4), A(4, d="away")]),
    GradCase("div_floor_inplace", _inplace_binary("div", rounding_mode="floor"), [A(3, 4), A(4, d="away")]),
    GradCase("fmod_inplace", _inplace_binary("fmod"), [A(3, 4), A(4, d="away")]),
    GradCase("remainder_inplace", _inplace_binary("remainder"), [A(3, 4), A(4, d="away")]),
    GradCase("pow_inplace", _inplace_binary("pow"), [A(3, 4, d="pos"), A(4)]),
    GradCase("pow_scalar_inplace", lambda lib, x: (x * 1).pow_(2.5), [A(3, 4, d="pos")]),
    GradCase("atan2_inplace", _inplace_binary("atan2"), [A(3, 4), A(4, d="away")]),
    GradCase("clamp_inplace", lambda lib, x: (x * 1).clamp_(-0.5, 0.5), [A(3, 4)]),
    GradCase("clamp_tensor_inplace", _inplace_binary("clamp"), [A(3, 4), A(4, d="unit"), A(3, 1, d="pos")]),
    GradCase("lerp_inplace", _inplace_binary("lerp"), [A(3, 4), A(4), A(3, 4, d="unit")]),
    GradCase("lerp_scalar_inplace", _inplace_binary("lerp", weight=0.25), [A(3, 4), A(4)]),
    GradCase("addcmul_inplace", _inplace_binary("addcmul", value=2.0), [A(3, 4), A(4), A(3, 1)]),
    GradCase("addcdiv_inplace", _inplace_binary("addcdiv"), [A(3, 4), A(4), A(3, 1, d="away")]),
]
# Empty inputs: the gradient is an empty tensor of the input's shape.
CASES += [
    GradCase("exp_empty", call("exp"), [A(0, 3)]),
    GradCase("mul_empty_bcast", call("mul"), [A(0, 3), A(3)]),
    GradCase("sum_empty", meth("sum"), [A(0, 3)], "reduction"),
    GradCase("sum_empty_dim", meth("sum", 0), [A(0, 3)], "reduction"),
    GradCase("mean_empty_dim", meth("mean", 1), [A(0, 3)], "reduction"),
    GradCase("prod_empty", meth("prod"), [A(0, 3)], "reduction"),
    GradCase("mm_empty", call("mm"), [A(3, 0), A(0, 4)], "linalg"),
    GradCase("matmul_empty_batch", call("matmul"), [A(0, 2, 3), A(3, 2)], "linalg"),
]

# ---- binary arithmetic
CASES += _cases("add", call("add"), _binary_variants())
CASES += _cases("add_alpha", call("add", alpha=2.5), _binary_variants()[:2])
CASES += _cases("sub", call("sub"), _binary_variants())
CASES += _cases("sub_alpha", call("sub", alpha=-0.5), _binary_variants()[:3])
CASES += _cases("mul", call("mul"), _binary_variants())
CASES += _cases("div", call("div"), _binary_variants("any", "away"))
CASES += _cases("div_floor", call("div", rounding_mode="floor"), _binary_variants("any", "away")[:2])
CASES += _cases("div_trunc", call("div", rounding_mode="trunc"), _binary_variants("any", "away")[:2])
CASES += _cases("fmod", call("fmod"), _binary_variants("any", "away"))
CASES += _cases("remainder", call("remainder"), _binary_variants("any", "away"))
CASES += _cases("pow", call("pow"), _binary_variants("pos", "any"))
CASES += _cases("atan2", call("atan2"), _binary_variants("any", "away"))
CASES += _cases("maximum", call("maximum"), _binary_variants())
CASES += _cases("minimum", call("minimum"), _binary_variants())
CASES += [
    GradCase("add_scalar", lambda lib, x: x + 2.5, [A(3, 4)]),
    GradCase("radd_scalar", lambda lib, x: 2 + x, [A(3, 4)]),
    GradCase("sub_scalar", lambda lib, x: x - 1.5, [A(3, 4)]),
    GradCase("rsub_scalar", lambda lib, x: 2 - x, [A(3, 4)]),
    GradCase("mul_scalar", lambda lib, x: x * -3.0, [A(3, 4, layout="t")]),
    GradCase("div_scalar", lambda lib, x: x / 4.0, [A(3, 4)]),
    GradCase("rdiv_scalar", lambda lib, x: 2.0 / x, [A(3, 4, d="away")]),
    GradCase("fmod_scalar", lambda lib, x: lib.fmod(x, 1.5), [A(3, 4)]),
    GradCase("remainder_scalar", lambda lib, x: lib.remainder(x, 1.5), [A(3, 4)]),
    GradCase("div_floor_scalar", lambda lib, x: lib.div(x, 2, rounding_mode="floor"), [A(3, 4)]),
    GradCase("pow_scalar_2", lambda lib, x: x ** 2, [A(3, 4)]),
    GradCase("pow_scalar_3", lambda lib, x: lib.pow(x, 3), [A(3, 4, layout="t")]),
    GradCase("pow_scalar_half", lambda lib, x: x ** 0.5, [A(3, 4, d="pos")]),
    GradCase("pow_scalar_neg", lambda lib, x: x ** -1.5, [A(3, 4, d="pos")]),
    GradCase("pow_scalar_0", lambda lib, x: x ** 0, [A(3, 4)]),
    GradCase("pow_scalar_inexact", lambda lib, x: x ** 0.3, [A(3, 4, d="pos")]),
    GradCase("pow_scalar_base_inexact", lambda lib, x: 2.7 ** x, [A(3, 4)]),
    GradCase("sub_alpha_inexact", lambda lib, x, y: lib.sub(x, y, alpha=0.3), [A(3, 4), A(4)]),
    GradCase("add_alpha_inexact", lambda lib, x, y: lib.add(x, y, alpha=0.3), [A(3, 4), A(4)]),
    GradCase("rsub", call("rsub"), [A(3, 4), A(4)]),
    GradCase("rsub_alpha", call("rsub", alpha=0.3), [A(3, 4), A(3, 1)]),
    GradCase("mul_scalar_inexact", lambda lib, x: x * 0.3, [A(3, 4)]),
    GradCase("div_scalar_inexact", lambda lib, x: x / 0.3, [A(3, 4)]),
    GradCase("pow_scalar_base", lambda lib, x: 2.5 ** x, [A(3, 4)]),
    GradCase("pow_scalar_base_fn", lambda lib, x: lib.pow(2.5, x), [A(3, 4, layout="step")]),
    # No double backward: at 0 ** 0 torch's d2/d(grad_output) is 0 * log(0) = nan (its mask sits outside
    # the product), ctorch's 0.
    GradCase("pow_zero_base", call("pow"), [A(4, values=[0.0, 0.0, 1.5, 0.0]), A(4, values=[2.0, 0.5, 1.0, 0.0])],
             fd=False, second=False),
    GradCase("maximum_ties", call("maximum"), [A(4, values=[1.0, 2.0, -1.0, 0.5]), A(4, values=[1.0, 1.0, -1.0, 3.0])],
             fd=False),
    GradCase("minimum_ties", call("minimum"), [A(4, values=[1.0, 2.0, -1.0, 0.5]), A(4, values=[1.0, 1.0, -1.0, 3.0])],
             fd=False),
    GradCase("abs_zero", call("abs"), [A(3, values=[0.0, 1.0, -1.0])], fd=False),
    GradCase("relu_zero", call("relu"), [A(3, values=[0.0, 1.0, -1.0])], fd=False),
]

# ---- clamp, where, lerp, addcmul, addcdiv
CASES += [
    GradCase("clamp", call("clamp", -0.5, 0.5), [A(3, 4)]),
    GradCase("clamp_min_only", call("clamp", min=0.1), [A(3, 4, layout="t")]),
    GradCase("clamp_max_only", call("clamp", max=0.1), [A(3, 4)]),
    GradCase("clamp_min", call("clamp_min", 0.1), [A(3, 4)]),
    GradCase("clamp_max", call("clamp_max", 0.1), [A(3, 4)]),
    GradCase("clamp_tensor", call("clamp"), [A(3, 4), A(3, 4, d="unit"), A(4, d="pos")]),
    GradCase("clamp_tensor_bcast", call("clamp"), [A(2, 3, 4), A(3, 1, d="unit"), A(4, d="pos")]),
    GradCase("clamp_tensor_min", lambda lib, x, lo: lib.clamp(x, min=lo), [A(3, 4), A(4)]),
    GradCase("clamp_tensor_max", lambda lib, x, hi: lib.clamp(x, max=hi), [A(3, 4, layout="step"), A(3, 1)]),
    GradCase("where", lambda lib, c, x, y: lib.where(c, x, y), [M([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 0, 0]]),
                                                              A(3, 4), A(3, 4)]),
    GradCase("where_bcast", lambda lib, c, x, y: lib.where(c, x, y), [M([1, 0, 1, 0]), A(3, 1), A(2, 1, 4)]),
    GradCase("where_0d", lambda lib, c, x, y: lib.where(c, x, y), [M([[1, 0], [0, 1]]), A(), A(2, 2)]),
    GradCase("where_method", lambda lib, x, y: x.where(x > 0, y), [A(3, 4), A(3, 4, layout="t")]),
    GradCase("lerp_scalar", call("lerp", 0.3), [A(3, 4), A(3, 4)]),
    GradCase("lerp_scalar_exact", call("lerp", 0.25), [A(3, 4), A(3, 4, layout="step")]),
    GradCase("addcmul_value_inexact", call("addcmul", value=0.3), [A(3, 4), A(3, 4), A(4)]),
    GradCase("addcdiv_value_inexact", call("addcdiv", value=0.3), [A(3, 4), A(3, 4), A(4, d="away")]),
    GradCase("clamp_inexact", call("clamp", -0.3, 0.7), [A(3, 4)]),
    GradCase("lerp_scalar_bcast", call("lerp", 1.7), [A(3, 1, 4, layout="t"), A(4)]),
    GradCase("lerp_tensor", call("lerp"), [A(3, 4), A(3, 4), A(3, 4, d="unit")]),
    GradCase("lerp_tensor_bcast", call("lerp"), [A(3, 1, 4), A(5, 4), A(4, d="unit")]),
    GradCase("addcmul", call("addcmul"), [A(3, 4), A(3, 4), A(3, 4)]),
    GradCase("addcmul_value_bcast", call("addcmul", value=-2.0), [A(4), A(3, 1, layout="t"), A(2, 3, 4)]),
    GradCase("addcdiv", call("addcdiv"), [A(3, 4), A(3, 4), A(3, 4, d="away")]),
    GradCase("addcdiv_value_bcast", call("addcdiv", value=0.5), [A(3, 4, layout="step"), A(4), A(3, 1, d="away")]),
]

# ---- reductions (kind="reduction")
_R = "reduction"


def _red(name, variants, **kw):
    return [GradCase(name + "_" + sfx, fn, list(ins), _R, **kw) for sfx, fn, ins in variants]


CASES += _red("sum", [
    ("all", meth("sum"), [A(3, 4)]), ("dim0", meth("sum", 0), [A(3, 4)]), ("dim_keep", meth("sum", 1, keepdim=True),
                                                                            [A(3, 4, layout="t")]),
    ("tuple", meth("sum", (0, 2)), [A(2, 3, 4)]), ("tuple_keep", meth("sum", (0, -1), keepdim=True), [A(2, 3, 4)]),
    ("0d", meth("sum"), [A()]), ("0d_dim", meth("sum", 0), [A()]), ("step", call("sum", -1), [A(3, 4, layout="step")])])
CASES += _red("mean", [
    ("all", meth("mean"), [A(3, 4)]), ("dim0", meth("mean", 0), [A(3, 4)]),
    ("dim_keep", meth("mean", -1, keepdim=True), [A(3, 4, layout="t")]), ("tuple", meth("mean", (0, 2)), [A(2, 3, 4)]),
    ("0d", meth("mean"), [A()])])
_Z1 = [[0.5, 1.5, -0.7, 1.2], [1.1, 0.0, 0.9, -1.3], [0.8, -0.6, 1.4, 0.7]]
_Z2 = [[0.5, 0.0, -0.7, 1.2], [1.1, 0.0, 0.9, -1.3], [0.8, 0.0, 0.0, 0.7]]
CASES += _red("prod", [
    ("all", meth("prod"), [A(3, 4, d="pos")]), ("dim0", meth("prod", 0), [A(3, 4)]),
    ("dim_keep", meth("prod", 1, keepdim=True), [A(3, 4, layout="t")]), ("0d", meth("prod"), [A()]),
    ("all_one_zero", meth("prod"), [A(3, 4, values=_Z1)]), ("all_two_zeros", meth("prod"), [A(3, 4, values=_Z2)]),
    ("dim0_zeros", meth("prod", 0), [A(3, 4, values=_Z2)]), ("dim1_zeros", meth("prod", 1), [A(3, 4, values=_Z2)])])
CASES += _red("amax", [
    ("all", meth("amax"), [A(3, 4)]), ("dim", meth("amax", 0), [A(3, 4)]), ("tuple", meth("amax", (0, 1)), [A(2, 3, 4)]),
    ("keep_t", meth("amax", -1, keepdim=True), [A(3, 4, layout="t")])])
CASES += _red("amin", [("all", meth("amin"), [A(3, 4)]), ("dim", meth("amin", 1), [A(3, 4, layout="step")])])
_TIES = [[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 0.5, 2.0], [3.0, -2.0, 0.0, 1.0]]
CASES += _red("max", [
    ("all", meth("max"), [A(3, 4)]), ("dim_values", lambda lib, x: x.max(0).values, [A(3, 4)]),
    ("dim_keep", lambda lib, x: x.max(dim=1, keepdim=True)[0], [A(3, 4, layout="t")]),
    ("dim_fn", lambda lib, x: lib.max(x, -1).values, [A(2, 3, 4)]), ("0d_dim", lambda lib, x: x.max(0)[0], [A()])])
CASES += _red("min", [
    ("all", meth("min"), [A(3, 4)]), ("dim_values", lambda lib, x: x.min(1).values, [A(3, 4, layout="step")]),
    ("dim_keep", lambda lib, x: lib.min(x, 0, keepdim=True)[0], [A(3, 4)])])
CASES += _red("ties", [
    ("amax", meth("amax"), [A(3, 4, values=_TIES)]), ("amax_dim", meth("amax", 1), [A(3, 4, values=_TIES)]),
    ("amin_dim", meth("amin", 0), [A(3, 4, values=_TIES)]), ("max", meth("max"), [A(3, 4, values=_TIES)]),
    ("min", meth("min"), [A(3, 4, values=_TIES)]),
    ("max_dim", lambda lib, x: x.max(1).values, [A(3, 4, values=_TIES)]),
    ("norm_inf", meth("norm", float("inf")), [A(3, 4, values=_TIES)])], fd=False)
CASES += _red("var", [
    ("all", meth("var"), [A(3, 4)]), ("corr0", meth("var", correction=0), [A(3, 4)]),
    ("dim", meth("var", 0), [A(3, 4)]), ("dim_keep_t", meth("var", 1, keepdim=True), [A(3, 4, layout="t")]),
    ("tuple_corr0", meth("var", (0, 2), correction=0), [A(2, 3, 4)]), ("unbiased_false", meth("var", 1, unbiased=False),
                                                                       [A(3, 4)])])
CASES += _red("std", [
    ("all", meth("std"), [A(3, 4)]), ("corr0", meth("std", correction=0), [A(3, 4, layout="step")]),
    ("dim", meth("std", 1), [A(3, 4)]), ("tuple_keep", meth("std", (0, 1), keepdim=True), [A(2, 3, 4)])])
CASES += _red("norm", [
    ("p2", meth("norm"), [A(3, 4)]), ("p1", meth("norm", 1), [A(3, 4, d="away")]),
    ("pinf", meth("norm", float("inf")), [A(3, 4)]), ("p3", meth("norm", 3), [A(3, 4, d="away")]),
    ("p2_dim", meth("norm", dim=1), [A(3, 4, layout="t")]), ("p1_dim_keep", meth("norm", 1, 0, True), [A(3, 4, d="away")]),
    ("pinf_dim", meth("norm", float("inf"), dim=-1), [A(3, 4)]), ("p3_tuple", meth("norm", 3, (0, 1)), [A(2, 3, 4, d="away")]),
    ("p2_fn", call("norm"), [A(5)])])
CASES += _red("logsumexp", [
    ("dim", meth("logsumexp", 0), [A(3, 4)]), ("keep", meth("logsumexp", 1, True), [A(3, 4, layout="t")]),
    ("tuple", call("logsumexp", (0, 1)), [A(2, 3, 4)])])
CASES += _red("cumsum", [
    ("dim0", meth("cumsum", 0), [A(3, 4)]), ("dim1_t", meth("cumsum", 1), [A(3, 4, layout="t")]),
    ("fn", call("cumsum", dim=-1), [A(2, 3, 4)]), ("0d", meth("cumsum", 0), [A()])])
_CZ = [[0.5, 0.0, -0.7, 1.2], [1.1, 0.9, 0.0, 0.0], [0.0, 1.3, 0.8, 0.7]]
CASES += _red("cumprod", [
    ("dim0", meth("cumprod", 0), [A(3, 4)]), ("dim1_t", meth("cumprod", 1), [A(3, 4, layout="t")]),
    ("zeros_dim1", meth("cumprod", 1), [A(3, 4, values=_CZ)]), ("zeros_dim0", meth("cumprod", 0), [A(3, 4, values=_CZ)]),
    ("0d", meth("cumprod", 0), [A()])])

# ---- matrix products (kind="linalg")
_L = "linalg"
CASES += [GradCase(n, f, ins, _L) for n, f, ins in [
    ("dot", call("dot"), [A(4), A(4)]),
    ("mv", call("mv"), [A(3, 4), A(4)]),
    ("mv_t", call("mv"), [A(3, 4, layout="t"), A(4)]),
    ("mm", call("mm"), [A(3, 4), A(4, 5)]),
    ("mm_noncontig", call("mm"), [A(3, 4, layout="t"), A(4, 5, layout="step")]),
    ("bmm", call("bmm"), [A(2, 3, 4), A(2, 4, 5)]),
    ("bmm_t", call("bmm"), [A(2, 3, 4, layout="t"), A(2, 4, 5)]),
    ("matmul_1d_1d", call("matmul"), [A(4), A(4)]),
    ("matmul_2d_1d", call("matmul"), [A(3, 4), A(4)]),
    ("matmul_1d_2d", call("matmul"), [A(4), A(4, 5)]),
    ("matmul_2d_2d", call("matmul"), [A(3, 4), A(4, 5)]),
    ("matmul_3d_2d", call("matmul"), [A(2, 3, 4), A(4, 5)]),
    ("matmul_2d_3d", call("matmul"), [A(3, 4), A(2, 4, 5)]),
    ("matmul_3d_1d", call("matmul"), [A(2, 3, 4), A(4)]),
    ("matmul_1d_3d", call("matmul"), [A(4), A(2, 4, 5)]),
    ("matmul_3d_3d", call("matmul"), [A(2, 3, 4), A(2, 4, 5)]),
    ("matmul_bcast_batch", call("matmul"), [A(3, 1, 2, 4), A(2, 4, 3)]),
    ("matmul_bcast_batch2", call("matmul"), [A(2, 1, 3, 4), A(1, 3, 4, 2)]),
    ("matmul_t", lambda lib, a, b: a @ b, [A(3, 4, layout="t"), A(2, 4, 3, layout="t")]),
    ("addmm", call("addmm"), [A(3, 5), A(3, 4), A(4, 5)]),
    ("addmm_beta_alpha", call("addmm", beta=0.5, alpha=-2.0), [A(3, 5), A(3, 4, layout="t"), A(4, 5)]),
    ("addmm_bcast", call("addmm", beta=2.0, alpha=0.5), [A(5), A(3, 4), A(4, 5, layout="step")]),
    ("outer", call("outer"), [A(3), A(4)]),
]]

# ---- views (kind="view")
_V = "view"
CASES += [GradCase(n, f, ins, _V) for n, f, ins in [
    ("view", lambda lib, x: x.view(2, 6) * 1, [A(3, 4)]),
    ("view_flat", lambda lib, x: x.view(-1), [A(3, 4)]),
    ("reshape", lambda lib, x: x.reshape(4, 3), [A(3, 4)]),
    ("reshape_noncontig", lambda lib, x: x.reshape(12), [A(3, 4, layout="t")]),
    ("permute", lambda lib, x: x.permute(2, 0, 1), [A(2, 3, 4)]),
    ("transpose", lambda lib, x: x.transpose(0, 2), [A(2, 3, 4)]),
    ("t", lambda lib, x: x.t(), [A(3, 4)]),
    ("mT", lambda lib, x: x.mT, [A(2, 3, 4)]),
    ("T", lambda lib, x: x.T, [A(3, 4)]),
    ("expand", lambda lib, x: x.expand(2, 3, 4), [A(3, 1)]),
    ("expand_as", lambda lib, x, y: x.expand_as(y) * y, [A(4), A(3, 4)]),
    ("narrow", lambda lib, x: x.narrow(1, 1, 2), [A(3, 4)]),
    ("select", lambda lib, x: x.select(0, 1), [A(3, 4)]),
    ("select_neg", lambda lib, x: x.select(-1, -1), [A(3, 4, layout="t")]),
    ("getitem_int", lambda lib, x: x[1], [A(3, 4)]),
    ("slice_step", lambda lib, x: x[::2, 1::2], [A(5, 4)]),
    ("slice_neg", lambda lib, x: x[-2:, :-1], [A(3, 4, layout="step")]),
    ("getitem_none_ellipsis", lambda lib, x: x[None, ..., 1], [A(3, 4)]),
    ("squeeze", lambda lib, x: x.squeeze(), [A(3, 1, 4)]),
    ("squeeze_dim", lambda lib, x: x.squeeze(1), [A(3, 1, 4)]),
    ("unsqueeze", lambda lib, x: x.unsqueeze(1), [A(3, 4)]),
    ("flatten", lambda lib, x: x.flatten(), [A(2, 3, 4)]),
    ("flatten_range", lambda lib, x: x.flatten(1), [A(2, 3, 4)]),
    ("unflatten", lambda lib, x: x.unflatten(1, (2, 2)), [A(3, 4)]),
    ("as_strided", lambda lib, x: x.as_strided((2, 2), (1, 2)), [A(3, 4)]),
    ("as_strided_overlap", lambda lib, x: x.as_strided((3, 3), (1, 1), 1), [A(12)]),
    ("diagonal", lambda lib, x: x.diagonal(), [A(3, 4)]),
    ("diagonal_offset", lambda lib, x: x.diagonal(1, 1, 2), [A(2, 3, 4)]),
    ("unfold", lambda lib, x: x.unfold(1, 2, 1), [A(3, 4)]),
    ("unfold_step", lambda lib, x: x.unfold(0, 2, 2), [A(5, 3)]),
    ("movedim", lambda lib, x: x.movedim(0, -1), [A(2, 3, 4)]),
    ("view_chain", lambda lib, x: x.t()[1:].unsqueeze(0).expand(2, 3, 3), [A(3, 4)]),
    ("view_0d", lambda lib, x: x.view(1, 1).expand(2, 3), [A()]),
    ("view_as", lambda lib, x, y: x.view_as(y) + y, [A(3, 4), A(4, 3)]),
]]

# ---- copies (kind="copy")
CASES += [GradCase(n, f, ins, "copy", fd=not n.startswith(("to_", "float"))) for n, f, ins in [
    ("clone", lambda lib, x: x.clone(), [A(3, 4)]),
    ("clone_noncontig", lambda lib, x: x.clone(), [A(3, 4, layout="t")]),
    ("contiguous", lambda lib, x: x.t().contiguous(), [A(3, 4)]),
    ("contiguous_noop", lambda lib, x: (x * 1).contiguous(), [A(3, 4)]),
    ("to_float32", lambda lib, x: x.to(lib.float32), [A(3, 4)]),
    ("to_float64", lambda lib, x: x.to(lib.float32).to(lib.float64), [A(3, 4)]),
    ("float", lambda lib, x: x.float(), [A(3, 4, layout="t")]),
    ("copy_", lambda lib, x, y: lib.zeros(3, 4, dtype=x.dtype).copy_(y) * x, [A(3, 4), A(4)]),
]]

# ---- joining and splitting (kind="join")
_J = "join"
CASES += [GradCase(n, f, ins, _J) for n, f, ins in [
    ("cat", lambda lib, a, b: lib.cat([a, b]), [A(3, 4), A(2, 4)]),
    ("cat_dim1", lambda lib, a, b, c: lib.cat([a, b, c], dim=1), [A(3, 4, layout="t"), A(3, 2), A(3, 1)]),
    ("cat_empty", lambda lib, a, b: lib.cat([a, lib.zeros(0, dtype=a.dtype), b]), [A(2, 3), A(1, 3)]),
    ("stack", lambda lib, a, b: lib.stack([a, b]), [A(3, 4), A(3, 4, layout="t")]),
    ("stack_dim", lambda lib, a, b: lib.stack([a, b], dim=-1), [A(3, 4), A(3, 4)]),
    ("stack_0d", lambda lib, a, b: lib.stack([a, b]), [A(), A()]),
    ("split", lambda lib, x: x.split(2, 1), [A(3, 5)]),
    ("split_sizes", lambda lib, x: x.split([1, 2], 0), [A(3, 4)]),
    ("split_partial_use", lambda lib, x: x.split(2)[1], [A(5, 2)]),
    ("chunk", lambda lib, x: x.chunk(3, 1), [A(2, 6)]),
    ("chunk_uneven", lambda lib, x: lib.chunk(x, 2), [A(5, 3)]),
    ("unbind", lambda lib, x: x.unbind(1), [A(3, 4)]),
    ("unbind_partial_use", lambda lib, x: x.unbind()[2] * 2, [A(3, 4)]),
]]

# ---- indexing (kind="index")
_X = "index"
_MASK34 = [[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 0, 1]]
CASES += [GradCase(n, f, ins, _X) for n, f, ins in [
    ("index_select", lambda lib, x, i: x.index_select(0, i), [A(3, 4), I([2, 0, 0])]),
    ("index_select_dim1", lambda lib, x, i: lib.index_select(x, 1, i), [A(3, 4, layout="t"), I([3, 1, 3, 3])]),
    ("index_select_0d", lambda lib, x, i: x.index_select(0, i), [A(), I([0])]),
    ("gather", lambda lib, x, i: x.gather(0, i), [A(3, 4), I([[0, 1, 2, 0], [2, 2, 2, 1]])]),
    ("gather_dim1", lambda lib, x, i: lib.gather(x, 1, i), [A(3, 4, layout="step"), I([[0, 0], [3, 1], [2, 2]])]),
    ("scatter", lambda lib, x, i, s: x.scatter(0, i, s), [A(3, 4), I([[0, 1, 2, 0], [1, 2, 0, 1]]), A(2, 4)]),
    ("scatter_dim1", lambda lib, x, i, s: lib.scatter(x, 1, i, s), [A(3, 4, layout="t"), I([[3, 1], [0, 2], [1, 0]]),
                                                                     A(3, 2, layout="t")]),
    ("scatter_value", lambda lib, x, i: x.scatter(0, i, 1.5), [A(3, 4), I([[0, 1, 2, 0]])]),
    ("scatter_add", lambda lib, x, i, s: x.scatter_add(0, i, s), [A(3, 4), I([[0, 0, 2, 0], [0, 2, 2, 1]]), A(2, 4)]),
    ("scatter_add_fn", lambda lib, x, i, s: lib.scatter_add(x, 1, i, s), [A(3, 4), I([[3, 3], [0, 0], [1, 0]]),
                                                                          A(3, 2, layout="t")]),
    ("masked_fill", lambda lib, x, m: x.masked_fill(m, 1.5), [A(3, 4), M(_MASK34)]),
    ("masked_fill_bcast", lambda lib, x, m: lib.masked_fill(x, m, -2.0), [A(3, 4, layout="t"), M([1, 0, 0, 1])]),
    ("masked_fill_tensor", lambda lib, x, m, v: x.masked_fill(m, v), [A(3, 4), M(_MASK34), A()]),
    ("masked_select", lambda lib, x, m: x.masked_select(m), [A(3, 4), M(_MASK34)]),
    ("masked_select_bcast", lambda lib, x, m: lib.masked_select(x, m), [A(3, 4, layout="t"), M([0, 1, 1, 0])]),
    ("masked_select_bcast_self", lambda lib, x, m: x.masked_select(m), [A(4), M(_MASK34)]),
    ("getitem_long", lambda lib, x, i: x[i], [A(3, 4), I([2, 0, 2])]),
    ("getitem_long_2d", lambda lib, x, i: x[i], [A(3, 4), I([[2, 0], [1, 1]])]),
    ("getitem_mask", lambda lib, x, m: x[m], [A(3, 4), M(_MASK34)]),
    ("getitem_mask_rows", lambda lib, x, m: x[m], [A(3, 4, layout="t"), M([1, 0, 1])]),
    ("getitem_col_idx", lambda lib, x, i: x[:, i], [A(3, 4), I([3, 0, 3])]),
    ("getitem_two_idx", lambda lib, x, i, j: x[i, j], [A(3, 4), I([0, 2, 2]), I([1, 3, 1])]),
    ("getitem_list", lambda lib, x: x[[0, 2]], [A(3, 4, layout="step")]),
    ("index_put", lambda lib, x, i, v: x.index_put((i,), v), [A(4, 3), I([3, 0, 1]), A(3, 3)]),
    ("index_put_bcast", lambda lib, x, i, v: x.index_put((i,), v), [A(4, 3, layout="t"), I([3, 0]), A(3)]),
    ("index_put_acc", lambda lib, x, i, v: x.index_put((i,), v, accumulate=True), [A(4, 3), I([3, 0, 3]), A(3, 3)]),
    ("index_put_acc_bcast", lambda lib, x, i, v: x.index_put((i,), v, accumulate=True), [A(4, 3), I([1, 1]), A(3)]),
    ("index_put_mask", lambda lib, x, m, v: x.index_put((m,), v), [A(3, 4), M(_MASK34), A()]),
]]

# ---- in-place on non-leaves and setitem (kind="inplace")


def _inplace_chain(lib, x, w):
    y = x * 1
    y.mul_(w)
    y.exp_()
    return y


def _inplace_view(lib, x):
    y = x.clone()
    y[1:].mul_(2)
    return y


def _inplace_view_tensor(lib, x, w):
    y = x * 1
    y[:, 1].add_(w)
    y.t()[0].sigmoid_()
    return y * y


def _setitem_idx(lib, x, i, w):
    y = x * 1
    y[i] = w
    return y * y


def _setitem_slice(lib, x, w):
    y = x * 2
    y[1:, ::2] = w
    return y.sum(0)


def _setitem_scalar(lib, x):
    y = x + 1
    y[0, 1] = 5.0
    return y * x


def _setitem_mask(lib, x, w):
    y = x.clone()
    y[y > 0] = w
    return y.exp()


def _inplace_ops(lib, x, w):
    y = x * 1
    y.add_(w, alpha=2)
    y.sub_(1.5)
    y.div_(w)
    y.clamp_(-1, 1)
    y.pow_(2)
    return y


def _inplace_index(lib, x, w, i):
    y = x * 1
    y.index_put_((i,), w, accumulate=True)
    y.masked_fill_(y > 1, 0.5)
    return y.scatter_add_(0, i.unsqueeze(1).expand(3, 4), w) * 2


def _inplace_copy(lib, x, w):
    y = x * 1
    y[1].copy_(w)
    y[0].fill_(2.0)
    return y * x


def _inplace_base_then_view(lib, x):
    y = x * 1
    v = y[:, 1:]
    y.mul_(3)
    return v.exp()


CASES += [GradCase(n, f, ins, "inplace") for n, f, ins in [
    ("inplace_chain", _inplace_chain, [A(3, 4), A(4)]),
    ("inplace_view_of_nonleaf", _inplace_view, [A(3, 4)]),
    ("inplace_view_tensor", _inplace_view_tensor, [A(3, 4), A(3)]),
    ("inplace_ops", _inplace_ops, [A(3, 4), A(4, d="away")]),
    ("inplace_index_ops", _inplace_index, [A(3, 4), A(3, 4), I([2, 0, 2])]),
    ("inplace_copy_fill", _inplace_copy, [A(3, 4), A(4)]),
    ("inplace_base_then_view", _inplace_base_then_view, [A(3, 4)]),
    ("setitem_index", _setitem_idx, [A(3, 4), I([2, 0]), A(4)]),
    ("setitem_slice", _setitem_slice, [A(3, 4), A(2, 2)]),
    ("setitem_scalar", _setitem_scalar, [A(3, 4)]),
    ("setitem_mask", _setitem_mask, [A(3, 4), A()]),
]]

CASES_BY_NAME = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "duplicate row names"
