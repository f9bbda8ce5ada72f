"""The op table of the Python tests (OpInfo-like): one row per op.

A row says how to call the op on a library module (``ctorch`` or ``torch``), which dtypes to
try and which inputs to feed it. Generic tests (test_ops_pointwise.py, and later files for
reductions, linalg, indexing) run every row against torch. Inputs are described with NumPy
arrays plus a "view" applied to the library tensor, so the same sample gives identical
non-contiguous tensors (transposed, step-sliced) in both libraries.

Row fields (all but ``name``/``op``/``samples`` optional):
  name      test id and default attribute name (``lib.<name>`` / ``Tensor.<name>_``)
  op        callable ``op(lib, *tensors, **kwargs)`` -> result
  samples   callable ``samples(dtype_name, rng)`` -> iterable of Sample
  dtypes    dtype names to test; a dtype torch rejects must be rejected with the same class
  inplace   callable ``inplace(lib, self, *rest, **kwargs)`` or None (no in-place variant)
  out       callable ``out(lib, *tensors, out=..., **kwargs)`` or None (no out= variant)
  exact     compare bit-exactly (arithmetic); else per-dtype tolerances ``tol``
  zero_sign also compare the sign of zero results (with ``exact``)
  grad      the op supports autograd (for test_ops_grad.py)
  kind      family tag ("pointwise", "reduction", ...)
  skips     (test name, dtype name or None) pairs to skip
"""

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

ALL_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
INT_DTYPES = ("uint8", "int8", "int16", "int32", "int64")

# torch.testing.assert_close defaults.
DEFAULT_TOL = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


@dataclass
class Arg:
    """One operand: values (NumPy), an optional view applied to the library tensor, an
    optional dtype overriding the sample dtype, or a Python number (``scalar=True``)."""

    data: Any
    view: Optional[Callable] = None
    dtype: Optional[str] = None
    scalar: bool = False


@dataclass
class Sample:
    args: list
    kwargs: dict = field(default_factory=dict)
    desc: str = ""


@dataclass
class OpInfo:
    name: str
    op: Callable
    samples: Callable
    dtypes: tuple = ALL_DTYPES
    inplace: Optional[Callable] = None
    out: Optional[Callable] = None
    exact: bool = False
    zero_sign: bool = True
    tol: dict = field(default_factory=lambda: dict(DEFAULT_TOL))
    grad: bool = False
    kind: str = "pointwise"
    skips: tuple = ()

    def skipped(self, test, dtype):
        return (test, dtype) in self.skips or (test, None) in self.skips


# ---------------------------------------------------------------- value generation
DOMAINS = {
    "any": (-5.0, 5.0),
    "pos": (0.1, 5.0),
    "unit": (-0.99, 0.99),
    "small": (-3.0, 3.0),
    "ge1": (1.0, 4.0),
}
FLOAT_SPECIALS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 1.0, -1.0, 3.0])


def values(rng, shape, dtype, domain="any", nonzero=False):
    """Random values for `dtype` as a NumPy array (float64 for float dtypes: rounding to
    the dtype happens in each library)."""
    if dtype == "bool":
        v = rng.integers(0, 2, size=shape).astype(bool)
        if nonzero:
            v[...] = True
        return v
    if dtype in FLOAT_DTYPES:
        lo, hi = DOMAINS[domain]
        v = rng.uniform(lo, hi, size=shape)
        if nonzero:
            v[np.abs(v) < 0.1] = 0.5
        return v
    lo, hi = {"pos": (1, 9), "ge1": (1, 5), "unit": (-1, 1)}.get(domain, (-9, 9))
    if dtype == "uint8":
        lo = max(lo, 0)
    v = rng.integers(lo, hi + 1, size=shape).astype(np.int64)
    if nonzero:
        v[v == 0] = 1
    return v


def t_(t):
    """Transpose the last two dims (a non-contiguous view)."""
    return t.transpose(-1, -2)


def stepped(n):
    """View taking every second column of a (rows, 2n) tensor."""
    return lambda t: t.as_strided((t.shape[0], n), (t.stride(0), 2 * t.stride(1)), t.storage_offset())


# ---------------------------------------------------------------- sample generators
def unary_samples(domain="any", specials=True):
    def gen(dtype, rng):
        v = lambda shape: values(rng, shape, dtype, domain)  # noqa: E731
        yield Sample([Arg(v((3, 4)))], desc="contiguous")
        yield Sample([Arg(v((4, 3)), view=t_)], desc="transposed")
        yield Sample([Arg(v((3, 8)), view=stepped(4))], desc="stepped")
        yield Sample([Arg(v(()))], desc="0-dim")
        yield Sample([Arg(v((0, 3)))], desc="empty")
        yield Sample([Arg(v((2, 3, 70000 // 6 + 1)))], desc="large (parallel)")
        if specials and dtype in FLOAT_DTYPES:
            yield Sample([Arg(FLOAT_SPECIALS.copy())], desc="specials")
    return gen


def binary_samples(domain="any", rhs_domain=None, rhs_nonzero=False, specials=True, scalars=True,
                   rhs_values=None):
    """Samples for f(a, b); rhs_values overrides the generator of the second operand."""
    rd = rhs_domain or domain

    def gen(dtype, rng):
        a = lambda shape: values(rng, shape, dtype, domain)  # noqa: E731
        b = rhs_values(rng, dtype) if rhs_values else (lambda shape: values(rng, shape, dtype, rd, rhs_nonzero))
        yield Sample([Arg(a((3, 4))), Arg(b((3, 4)))], desc="same shape")
        yield Sample([Arg(a((3, 1, 4))), Arg(b((5, 4)))], desc="broadcast")
        yield Sample([Arg(a((4, 3)), view=t_), Arg(b((3, 4)))], desc="transposed lhs")
        yield Sample([Arg(a((3, 4))), Arg(b((4, 3)), view=t_)], desc="transposed rhs")
        yield Sample([Arg(a((3, 8)), view=stepped(4)), Arg(b((3, 8)), view=stepped(4))], desc="stepped")
        yield Sample([Arg(a(())), Arg(b((3, 4)))], desc="0-dim lhs")
        yield Sample([Arg(a((3, 4))), Arg(b(()))], desc="0-dim rhs")
        yield Sample([Arg(a(())), Arg(b(()))], desc="0-dim both")
        yield Sample([Arg(a((0, 4))), Arg(b((4,)))], desc="empty")
        yield Sample([Arg(a((2, 3, 70000 // 6 + 1))), Arg(b((70000 // 6 + 1,)))], desc="large (parallel)")
        if scalars:
            s = b(())
            yield Sample([Arg(a((3, 4))), Arg(s, scalar=True)], desc="python scalar rhs")
        if specials and dtype in FLOAT_DTYPES:
            x, y = np.meshgrid(FLOAT_SPECIALS, FLOAT_SPECIALS)
            yield Sample([Arg(x.ravel().copy()), Arg(y.ravel().copy())], desc="specials")
    return gen


def ternary_samples(gen_args):
    """gen_args(dtype, rng, shapes) -> list of Arg for each shape triple."""
    shapes = [((3, 4), (3, 4), (3, 4)), ((3, 1, 4), (5, 4), (4,)), ((), (3, 4), ()), ((0, 4), (4,), (1, 4))]

    def gen(dtype, rng):
        for sh in shapes:
            yield Sample(gen_args(dtype, rng, sh), desc="shapes %s" % (sh,))
        args = gen_args(dtype, rng, ((4, 3), (3, 4), (3, 8)))
        args[0].view = t_
        args[2].view = stepped(4)
        yield Sample(args, desc="non-contiguous")
    return gen


# ---------------------------------------------------------------- row helpers
def _call(name):
    return lambda lib, *a, **k: getattr(lib, name)(*a, **k)


def _inplace(name):
    return lambda lib, self, *a, **k: getattr(self, name + "_")(*a, **k)


def _out(name):
    return lambda lib, *a, out=None, **k: getattr(lib, name)(*a, out=out, **k)


def unary(name, domain="any", inplace=True, out=True, exact=False, dtypes=ALL_DTYPES, **kw):
    return OpInfo(name, _call(name), unary_samples(domain), dtypes=dtypes,
                  inplace=_inplace(name) if inplace else None, out=_out(name) if out else None,
                  exact=exact, **kw)


def binary(name, samples=None, inplace=True, out=True, exact=True, dtypes=ALL_DTYPES, **kw):
    return OpInfo(name, _call(name), samples or binary_samples(), dtypes=dtypes,
                  inplace=_inplace(name) if inplace else None, out=_out(name) if out else None,
                  exact=exact, **kw)


def _int_exponents(rng, dtype):
    # Small non-negative exponents for integers (negative ones are tested separately).
    def gen(shape):
        if dtype in FLOAT_DTYPES:
            return rng.uniform(-3, 3, size=shape)
        return values(rng, shape, dtype, "pos") % 4
    return gen


def _shift_amounts(rng, dtype):
    # Shift counts, including out-of-range ones whose result PyTorch defines.
    def gen(shape):
        if dtype in FLOAT_DTYPES or dtype == "bool":
            return values(rng, shape, dtype)
        hi = {"uint8": 12, "int8": 12, "int16": 20, "int32": 36, "int64": 70}[dtype]
        return rng.integers(0 if dtype == "uint8" else -2, hi, size=shape).astype(np.int64)
    return gen


def _clamp_args(dtype, rng, sh):
    lo = values(rng, sh[1], dtype, "small") - (0 if dtype in ("bool", "uint8") else 1)
    lo = np.clip(lo, 0, None) if dtype == "uint8" else lo
    hi = values(rng, sh[2], dtype, "small") + (0 if dtype == "bool" else 2)
    return [Arg(values(rng, sh[0], dtype)), Arg(lo), Arg(hi)]


def _where_args(dtype, rng, sh):
    return [Arg(values(rng, sh[0], "bool"), dtype="bool"), Arg(values(rng, sh[1], dtype)),
            Arg(values(rng, sh[2], dtype))]


def _addc_args(nonzero):
    def f(dtype, rng, sh):
        return [Arg(values(rng, sh[0], dtype)), Arg(values(rng, sh[1], dtype)),
                Arg(values(rng, sh[2], dtype, nonzero=nonzero))]
    return f


def _lerp_args(dtype, rng, sh):
    w = rng.uniform(-0.5, 1.5, size=sh[2])
    return [Arg(values(rng, sh[0], dtype)), Arg(values(rng, sh[1], dtype)), Arg(w)]


def _lerp_scalar_samples(dtype, rng):
    for w in (0.3, 0.7, -1.0, 2.0):
        yield Sample([Arg(values(rng, (3, 4), dtype)), Arg(values(rng, (3, 4), dtype))], {"weight": w})
    yield Sample([Arg(values(rng, (4, 3), dtype), view=t_), Arg(values(rng, (4,), dtype))], {"weight": 0.25})


def _clamp_scalar_samples(dtype, rng):
    for lo, hi in ((-1, 2), (-1.5, 2.5), (None, 1), (0, None), (3, -3), (True, None), (-2, 2.5)):
        yield Sample([Arg(values(rng, (3, 4), dtype))], {"min": lo, "max": hi}, desc="min=%s max=%s" % (lo, hi))
    yield Sample([Arg(values(rng, (4, 3), dtype), view=t_)], {"min": 0, "max": 1}, desc="transposed")
    yield Sample([Arg(values(rng, (0, 3), dtype))], {"min": 0, "max": 1}, desc="empty")
    yield Sample([Arg(values(rng, (2, 3, 70000 // 6 + 1), dtype))], {"min": -1, "max": 1}, desc="large")
    if dtype in FLOAT_DTYPES:
        yield Sample([Arg(FLOAT_SPECIALS.copy())], {"min": -1.0, "max": 1.0}, desc="specials")
        yield Sample([Arg(FLOAT_SPECIALS.copy())], {"min": float("nan")}, desc="nan bound")


def _round_samples(dtype, rng):
    for d in (0, 1, 2, -1, -2):
        yield Sample([Arg(values(rng, (3, 4), dtype) * 37)], {"decimals": d}, desc="decimals=%d" % d)
    if dtype in FLOAT_DTYPES:
        yield Sample([Arg(np.array([0.125, 0.375, 2.675, -1.005, 1e30, np.nan]))], {"decimals": 2})


def _pow_scalar_samples(dtype, rng):
    for e in (2, 3, 0.5, -0.5, -1, -2, 0, 1, 1.7, True, -3, 2.0):
        yield Sample([Arg(values(rng, (3, 4), dtype, "pos")), Arg(np.array(e), scalar=True)], desc="exp=%s" % e)


def _pow_scalar_base_samples(dtype, rng):
    for base in (2, 2.5, -1, 1, True):
        yield Sample([Arg(np.array(base), scalar=True), Arg(_int_exponents(rng, dtype)((3, 4)))], desc="base=%s" % base)


def _alpha_samples(dtype, rng):
    base = binary_samples()(dtype, rng)
    for s in list(base)[:6]:
        for alpha in (2, -1, 0.5, True):
            yield Sample(s.args, {"alpha": alpha}, desc=s.desc + " alpha=%s" % alpha)


OPS = [
    # ---- unary, result keeps the dtype ----
    unary("neg", exact=True),
    unary("abs", exact=True),
    unary("sign", exact=True),
    unary("floor", exact=True),
    unary("ceil", exact=True),
    unary("round", exact=True),
    unary("trunc", exact=True),
    unary("frac", exact=True),
    unary("relu", out=False, exact=True),
    unary("bitwise_not", exact=True),
    # ---- unary, floating result ----
    unary("reciprocal", domain="pos", exact=True),
    unary("exp", domain="small"),
    unary("log", domain="pos"),
    unary("log1p", domain="pos"),
    unary("expm1", domain="small"),
    unary("sqrt", domain="pos"),
    unary("rsqrt", domain="pos"),
    unary("sin"),
    unary("cos"),
    unary("tan", domain="unit"),
    unary("asin", domain="unit"),
    unary("acos", domain="unit"),
    unary("atan"),
    unary("sinh", domain="small"),
    unary("cosh", domain="small"),
    unary("tanh"),
    unary("sigmoid"),
    # ---- unary, bool result ----
    unary("logical_not", exact=True),
    unary("isnan", inplace=False, out=False, exact=True),
    unary("isinf", inplace=False, out=False, exact=True),
    unary("isfinite", inplace=False, out=False, exact=True),
    # ---- binary arithmetic ----
    binary("add"),
    OpInfo("add_alpha", _call("add"), _alpha_samples, inplace=_inplace("add"), out=_out("add"), exact=True),
    binary("sub"),
    OpInfo("sub_alpha", _call("sub"), _alpha_samples, inplace=_inplace("sub"), out=_out("sub"), exact=True),
    binary("rsub", inplace=False, out=False),
    binary("mul"),
    binary("div", samples=binary_samples(rhs_nonzero=True), exact=True),
    binary("true_divide", samples=binary_samples(rhs_nonzero=True)),
    OpInfo("div_trunc", lambda lib, a, b, **k: lib.div(a, b, rounding_mode="trunc", **k),
           binary_samples(rhs_nonzero=True), inplace=lambda lib, s, b: s.div_(b, rounding_mode="trunc"),
           out=lambda lib, a, b, out=None: lib.div(a, b, rounding_mode="trunc", out=out), exact=True),
    OpInfo("div_floor", lambda lib, a, b, **k: lib.div(a, b, rounding_mode="floor", **k),
           binary_samples(rhs_nonzero=True), inplace=lambda lib, s, b: s.div_(b, rounding_mode="floor"),
           out=lambda lib, a, b, out=None: lib.div(a, b, rounding_mode="floor", out=out), exact=True),
    binary("floor_divide", samples=binary_samples(rhs_nonzero=True)),
    binary("fmod", samples=binary_samples(rhs_nonzero=True)),
    binary("remainder", samples=binary_samples(rhs_nonzero=True)),
    binary("pow", samples=binary_samples(domain="pos", rhs_values=_int_exponents), exact=False),
    OpInfo("pow_scalar", _call("pow"), _pow_scalar_samples, inplace=_inplace("pow"), out=_out("pow")),
    OpInfo("pow_scalar_base", _call("pow"), _pow_scalar_base_samples, out=_out("pow")),
    binary("float_power", samples=binary_samples(domain="pos", rhs_values=_int_exponents), exact=False),
    unary("square", exact=True),
    binary("atan2", exact=False),
    # PyTorch's vectorised max/min return the second operand on ties (maximum(-0., 0.) == 0.), its
    # scalar tail the first: the sign of a zero result depends on the position, so it is not checked.
    binary("maximum", inplace=False, zero_sign=False),
    binary("minimum", inplace=False, zero_sign=False),
    # ---- bitwise ----
    binary("bitwise_and"),
    binary("bitwise_or"),
    binary("bitwise_xor"),
    binary("bitwise_left_shift", samples=binary_samples(rhs_values=_shift_amounts)),
    binary("bitwise_right_shift", samples=binary_samples(rhs_values=_shift_amounts)),
    # ---- comparisons and logical ----
    binary("eq"),
    binary("ne"),
    binary("lt"),
    binary("le"),
    binary("gt"),
    binary("ge"),
    binary("logical_and"),
    binary("logical_or"),
    binary("logical_xor"),
    # ---- clamp, where, lerp, addcmul, addcdiv, round(decimals) ----
    OpInfo("clamp", _call("clamp"), _clamp_scalar_samples, inplace=_inplace("clamp"), out=_out("clamp"), exact=True),
    OpInfo("clamp_tensor", _call("clamp"), ternary_samples(_clamp_args), inplace=_inplace("clamp"),
           out=_out("clamp"), exact=True),
    OpInfo("clamp_min", _call("clamp_min"), binary_samples(specials=False), inplace=_inplace("clamp_min"),
           out=_out("clamp_min"), exact=True),
    OpInfo("clamp_max", _call("clamp_max"), binary_samples(specials=False), inplace=_inplace("clamp_max"),
           out=_out("clamp_max"), exact=True),
    OpInfo("where", _call("where"), ternary_samples(_where_args), out=_out("where"), exact=True),
    OpInfo("lerp", _call("lerp"), ternary_samples(_lerp_args), dtypes=FLOAT_DTYPES + ("int64",),
           inplace=_inplace("lerp"), out=_out("lerp")),
    OpInfo("lerp_scalar", _call("lerp"), _lerp_scalar_samples, inplace=_inplace("lerp"), out=_out("lerp")),
    OpInfo("addcmul", _call("addcmul"), ternary_samples(_addc_args(False)), inplace=_inplace("addcmul"),
           out=_out("addcmul")),
    OpInfo("addcmul_value", lambda lib, *a, **k: lib.addcmul(*a, value=2, **k), ternary_samples(_addc_args(False)),
           inplace=lambda lib, s, *a: s.addcmul_(*a, value=2), out=lambda lib, *a, out=None: lib.addcmul(*a, value=2, out=out)),
    OpInfo("addcdiv", lambda lib, *a, **k: lib.addcdiv(*a, value=0.5, **k), ternary_samples(_addc_args(True)),
           inplace=lambda lib, s, *a: s.addcdiv_(*a, value=0.5),
           out=lambda lib, *a, out=None: lib.addcdiv(*a, value=0.5, out=out)),
    OpInfo("round_decimals", _call("round"), _round_samples, inplace=_inplace("round"), out=_out("round")),
]


# ---------------------------------------------------------------- indexing and joining (kind="index")
def _idx(a):
    return Arg(np.array(a, dtype=np.int64), dtype="int64")


def _mask(rng, shape):
    return Arg(rng.integers(0, 2, size=shape).astype(bool), dtype="bool")


def _join_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    yield Sample([Arg(v((3, 4))), Arg(v((2, 4)))], {"dim": 0}, desc="dim 0")
    yield Sample([Arg(v((3, 4))), Arg(v((3, 2)))], {"dim": 1}, desc="dim 1")
    yield Sample([Arg(v((4, 3)), view=t_), Arg(v((3, 8)), view=stepped(4))], {"dim": -1}, desc="non-contiguous")
    yield Sample([Arg(v((0, 4))), Arg(v((2, 4)))], {"dim": 0}, desc="empty")
    yield Sample([Arg(v((3, 4))), Arg(v((3, 4)), dtype="float64")], {"dim": 0}, desc="promotion")


def _stack_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    for dim in (0, 1, -1):
        yield Sample([Arg(v((3, 4))), Arg(v((4, 3)), view=t_)], {"dim": dim}, desc="dim %d" % dim)
    yield Sample([Arg(v(())), Arg(v(()))], {"dim": 0}, desc="0-dim")


def _index_select_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    yield Sample([Arg(v((3, 4))), _idx([2, 0, 0])], {"dim": 0})
    yield Sample([Arg(v((4, 3)), view=t_), _idx([3, 1])], {"dim": 1}, desc="transposed")
    yield Sample([Arg(v((3, 8)), view=stepped(4)), _idx([])], {"dim": 1}, desc="stepped, empty index")
    yield Sample([Arg(v(())), _idx([0])], {"dim": 0}, desc="0-dim")


def _gather_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    yield Sample([Arg(v((3, 4))), _idx(rng.integers(0, 3, size=(5, 2)))], {"dim": 0})
    yield Sample([Arg(v((4, 3)), view=t_), _idx(rng.integers(0, 4, size=(2, 6)))], {"dim": 1}, desc="transposed")
    yield Sample([Arg(v(())), _idx(0)], {"dim": 0}, desc="0-dim")


def _scatter_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    yield Sample([Arg(v((3, 4))), _idx(rng.integers(0, 3, size=(2, 4))), Arg(v((2, 4)))], {"dim": 0})
    yield Sample([Arg(v((4, 3)), view=t_), _idx(rng.integers(0, 4, size=(3, 2))), Arg(v((3, 8)), view=stepped(4))],
                 {"dim": 1}, desc="non-contiguous")
    yield Sample([Arg(v((3, 4))), _idx(np.zeros((0, 4))), Arg(v((2, 4)))], {"dim": 0}, desc="empty index")


def _masked_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    yield Sample([Arg(v((3, 4))), _mask(rng, (3, 4))])
    yield Sample([Arg(v((4, 3)), view=t_), _mask(rng, (4,))], desc="transposed, broadcast mask")
    yield Sample([Arg(v(())), _mask(rng, ())], desc="0-dim")
    yield Sample([Arg(v((0, 4))), _mask(rng, (0, 4))], desc="empty")


def _nonzero_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype, "unit")  # noqa: E731
    yield Sample([Arg(v((3, 4)))])
    yield Sample([Arg(v((4, 3)), view=t_)], desc="transposed")
    yield Sample([Arg(v(()))], desc="0-dim")
    yield Sample([Arg(v((0, 3)))], desc="empty")


def _index_put_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    yield Sample([Arg(v((4, 3))), _idx([3, 0, 1]), Arg(v((3, 3)))])
    yield Sample([Arg(v((3, 4)), view=t_), _idx([-1, 2]), Arg(v((3,)))], desc="transposed, broadcast values")


def _getitem_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype)  # noqa: E731
    yield Sample([Arg(v((3, 4))), _idx([[2, 0], [1, 1]])], desc="long index")
    yield Sample([Arg(v((4, 3)), view=t_), _mask(rng, (3, 4))], desc="mask")


INDEX_OPS = [
    OpInfo("cat", lambda lib, a, b, **k: lib.cat([a, b], **k), _join_samples,
           out=lambda lib, a, b, out=None, **k: lib.cat([a, b], out=out, **k), exact=True, kind="index"),
    OpInfo("stack", lambda lib, a, b, **k: lib.stack([a, b], **k), _stack_samples,
           out=lambda lib, a, b, out=None, **k: lib.stack([a, b], out=out, **k), exact=True, kind="index"),
    OpInfo("index_select", lambda lib, x, i, **k: lib.index_select(x, index=i, **k), _index_select_samples,
           out=lambda lib, x, i, out=None, **k: lib.index_select(x, index=i, out=out, **k), exact=True, kind="index"),
    OpInfo("gather", lambda lib, x, i, **k: lib.gather(x, index=i, **k), _gather_samples,
           out=lambda lib, x, i, out=None, **k: lib.gather(x, index=i, out=out, **k), exact=True, kind="index"),
    OpInfo("scatter", lambda lib, x, i, s, **k: lib.scatter(x, index=i, src=s, **k), _scatter_samples,
           inplace=lambda lib, x, i, s, **k: x.scatter_(index=i, src=s, **k), exact=True, kind="index"),
    OpInfo("scatter_add", lambda lib, x, i, s, **k: lib.scatter_add(x, index=i, src=s, **k), _scatter_samples,
           inplace=lambda lib, x, i, s, **k: x.scatter_add_(index=i, src=s, **k), exact=True, kind="index",
           dtypes=ALL_DTYPES[1:]),
    OpInfo("masked_fill", lambda lib, x, m: lib.masked_fill(x, m, 1), _masked_samples,
           inplace=lambda lib, x, m: x.masked_fill_(m, 1), exact=True, kind="index"),
    OpInfo("masked_select", lambda lib, x, m: lib.masked_select(x, m), _masked_samples,
           out=lambda lib, x, m, out=None: lib.masked_select(x, m, out=out), exact=True, kind="index"),
    OpInfo("nonzero", lambda lib, x: lib.nonzero(x), _nonzero_samples,
           out=None, exact=True, kind="index"),
    OpInfo("index_put", lambda lib, x, i, v: x.index_put((i,), v), _index_put_samples,
           inplace=lambda lib, x, i, v: x.index_put_((i,), v), exact=True, kind="index"),
    OpInfo("index_put_accumulate", lambda lib, x, i, v: x.index_put((i,), v, accumulate=True), _index_put_samples,
           inplace=lambda lib, x, i, v: x.index_put_((i,), v, accumulate=True), exact=True, kind="index",
           dtypes=ALL_DTYPES[1:]),
    OpInfo("getitem", lambda lib, x, i: x[i], _getitem_samples, exact=True, kind="index"),
]
OPS += INDEX_OPS


# ---------------------------------------------------------------- reductions (kind="reduction")
def _reduce_samples(dims=(0, -1, (0, 1)), domain="any", dim_kw="dim"):
    def gen(dtype, rng):
        v = lambda shape: values(rng, shape, dtype, domain)  # noqa: E731
        yield Sample([Arg(v((3, 4)))], desc="all dims")
        for d in dims:
            for k in (False, True):
                yield Sample([Arg(v((3, 4)))], {dim_kw: d, "keepdim": k}, desc="dim=%s keepdim=%s" % (d, k))
        yield Sample([Arg(v((4, 3)), view=t_)], {dim_kw: 1}, desc="transposed")
        yield Sample([Arg(v((3, 8)), view=stepped(4))], {dim_kw: 0}, desc="stepped")
        yield Sample([Arg(v(()))], {dim_kw: 0}, desc="0-dim")
        yield Sample([Arg(v((0, 3)))], {dim_kw: 1}, desc="empty")
        yield Sample([Arg(v((2, 3, 70000 // 6 + 1)))], {dim_kw: 2}, desc="large (parallel)")
    return gen


def _scan_samples(dtype, rng):
    v = lambda shape: values(rng, shape, dtype, "small")  # noqa: E731
    for d in (0, 1, -1):
        yield Sample([Arg(v((3, 4)))], {"dim": d}, desc="dim=%d" % d)
    yield Sample([Arg(v((4, 3)), view=t_)], {"dim": 0}, desc="transposed")
    yield Sample([Arg(v(()))], {"dim": 0}, desc="0-dim")
    yield Sample([Arg(v((0, 3)))], {"dim": 1}, desc="empty")


# Summation order differs from PyTorch's: tolerances sized for ~10^4-element float reductions.
RED_TOL = {"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2), "float32": (1e-5, 2e-4), "float64": (1e-7, 1e-7)}


def _red(name, dtypes=ALL_DTYPES, samples=None, out=True, **kw):
    return OpInfo(name, _call(name), samples or _reduce_samples(), dtypes=dtypes, out=_out(name) if out else None,
                  kind="reduction", tol=dict(RED_TOL), **kw)


def _with_indices(name):
    return lambda lib, x, **k: tuple(getattr(lib, name)(x, **k)) if k else getattr(lib, name)(x)


REDUCE_OPS = [
    _red("sum", grad=True),
    _red("mean", dtypes=FLOAT_DTYPES, grad=True),
    _red("prod", samples=_reduce_samples(dims=(0, -1), domain="unit"), grad=True),
    _red("amax", grad=True),
    _red("amin", grad=True),
    OpInfo("max_dim", _with_indices("max"), _reduce_samples(dims=(0, -1)), kind="reduction", grad=True),
    OpInfo("min_dim", _with_indices("min"), _reduce_samples(dims=(0, -1)), kind="reduction", grad=True),
    _red("argmax", dtypes=ALL_DTYPES[1:], samples=_reduce_samples(dims=(0, -1)), exact=True),
    _red("argmin", dtypes=ALL_DTYPES[1:], samples=_reduce_samples(dims=(0, -1)), exact=True),
    _red("var", dtypes=FLOAT_DTYPES, grad=True),
    _red("std", dtypes=FLOAT_DTYPES, grad=True),
    _red("norm", dtypes=FLOAT_DTYPES, grad=True),
    _red("all", exact=True),
    _red("any", exact=True),
    _red("logsumexp", samples=_reduce_samples(dims=(0, -1, (0, 1))), grad=True),
    _red("cumsum", samples=_scan_samples, grad=True),
    _red("cumprod", samples=_scan_samples, grad=True),
]
OPS += REDUCE_OPS


# ---------------------------------------------------------------- matrix products (kind="linalg")
def _mat_samples(shapes):
    def gen(dtype, rng):
        for sh in shapes:
            yield Sample([Arg(values(rng, s, dtype, "unit")) for s in sh], desc="shapes %s" % (sh,))
        # transposed / stepped operands of the first shape
        sh = shapes[0]
        args = [Arg(values(rng, s, dtype, "unit")) for s in sh]
        if len(sh[0]) == 2:
            args[0] = Arg(values(rng, sh[0][::-1], dtype, "unit"), view=t_)
        if len(sh[-1]) == 2:
            args[-1] = Arg(values(rng, (sh[-1][0], 2 * sh[-1][1]), dtype, "unit"), view=stepped(sh[-1][1]))
        yield Sample(args, desc="non-contiguous")
    return gen


LINALG_DTYPES = ALL_DTYPES[1:]  # bool is not implemented by torch's CPU GEMM
LINALG_OPS = [
    OpInfo("mm", _call("mm"), _mat_samples([((3, 4), (4, 5)), ((1, 7), (7, 1)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]),
           dtypes=LINALG_DTYPES, out=_out("mm"), kind="linalg", grad=True),
    OpInfo("bmm", _call("bmm"), _mat_samples([((2, 3, 4), (2, 4, 5)), ((0, 2, 3), (0, 3, 1))]),
           dtypes=LINALG_DTYPES, out=_out("bmm"), kind="linalg", grad=True),
    OpInfo("matmul", _call("matmul"), _mat_samples([((3, 4), (4, 5)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 2)),
                                                    ((2, 3, 4), (4, 5)), ((5, 1, 3, 4), (2, 4, 2))]),
           dtypes=LINALG_DTYPES, out=_out("matmul"), kind="linalg", grad=True),
    OpInfo("mv", _call("mv"), _mat_samples([((3, 4), (4,)), ((0, 2), (2,))]), dtypes=LINALG_DTYPES,
           out=_out("mv"), kind="linalg", grad=True),
    OpInfo("dot", _call("dot"), _mat_samples([((4,), (4,)), ((0,), (0,))]), dtypes=LINALG_DTYPES,
           out=_out("dot"), kind="linalg", grad=True),
    OpInfo("addmm", lambda lib, s, a, b, **k: lib.addmm(s, a, b, beta=0.5, alpha=2, **k),
           _mat_samples([((3, 5), (3, 4), (4, 5)), ((5,), (3, 4), (4, 5))]), dtypes=FLOAT_DTYPES,
           out=lambda lib, s, a, b, out=None: lib.addmm(s, a, b, beta=0.5, alpha=2, out=out), kind="linalg",
           grad=True),
    OpInfo("outer", _call("outer"), _mat_samples([((3,), (4,)), ((0,), (2,))]), out=_out("outer"), kind="linalg",
           grad=True),
]
OPS += LINALG_OPS

OPS_BY_NAME = {o.name: o for o in OPS}
