"""NumPy reference data for test_numpy_ref.py: dtype facts, the promotion table of
pytorch-facts.md 4.3 encoded as data, tolerances, input makers and the op tables.

Never imports torch: values are checked against NumPy, result dtypes against the facts-doc rules.
``CTORCH_NUMPY_REF_LIB=torch`` runs the same tables against real PyTorch, which is how the
references themselves were validated (PyTorch is the spec); the default library is ctorch.
"""

import importlib
import os

import numpy as np

L = importlib.import_module(os.environ.get("CTORCH_NUMPY_REF_LIB", "ctorch"))

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")
FLOATS = ("float16", "bfloat16", "float32", "float64")
INTS = ("uint8", "int8", "int16", "int32", "int64")
NOBOOL = DTYPES[1:]
SHORT = {"b": "bool", "u8": "uint8", "i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64",
         "f16": "float16", "bf16": "bfloat16", "f32": "float32", "f64": "float64"}
# NumPy dtype holding each dtype's values exactly (bfloat16 goes through float32).
NP = {"bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16, "int32": np.int32,
      "int64": np.int64, "float16": np.float16, "bfloat16": np.float32, "float32": np.float32, "float64": np.float64}
# torch.testing.assert_close defaults (rtol, atol).
TOL = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}

# pytorch-facts.md 4.3, verbatim: dim>=1 tensor a (row) with tensor b / Python scalar (columns).
PROMO_DOC = """
| b | b | u8 | i8 | i16 | i32 | i64 | f16 | bf16 | f32 | f64 | i64 | f32 | b | c64 |
| u8 | u8 | u8 | i16 | i16 | i32 | i64 | f16 | bf16 | f32 | f64 | u8 | f32 | u8 | c64 |
| i8 | i8 | i16 | i8 | i16 | i32 | i64 | f16 | bf16 | f32 | f64 | i8 | f32 | i8 | c64 |
| i16 | i16 | i16 | i16 | i16 | i32 | i64 | f16 | bf16 | f32 | f64 | i16 | f32 | i16 | c64 |
| i32 | i32 | i32 | i32 | i32 | i32 | i64 | f16 | bf16 | f32 | f64 | i32 | f32 | i32 | c64 |
| i64 | i64 | i64 | i64 | i64 | i64 | i64 | f16 | bf16 | f32 | f64 | i64 | f32 | i64 | c64 |
| f16 | f16 | f16 | f16 | f16 | f16 | f16 | f16 | f32 | f32 | f64 | f16 | f16 | f16 | c32 |
| bf16 | bf16 | bf16 | bf16 | bf16 | bf16 | bf16 | f32 | bf16 | f32 | f64 | bf16 | bf16 | bf16 | c64 |
| f32 | f32 | f32 | f32 | f32 | f32 | f32 | f32 | f32 | f32 | f64 | f32 | f32 | f32 | c64 |
| f64 | f64 | f64 | f64 | f64 | f64 | f64 | f64 | f64 | f64 | f64 | f64 | f64 | f64 | c128 |
"""
SCALAR_COLS = ("int", "float", "bool", "complex")


def _parse_promo():
    table, scalar = {}, {}
    for line in PROMO_DOC.strip().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        a = SHORT[cells[0]]
        for b, r in zip(DTYPES, cells[1:11]):
            table[(a, b)] = SHORT[r]
        for s, r in zip(SCALAR_COLS, cells[11:]):
            scalar[(a, s)] = SHORT.get(r, r)
    return table, scalar


PROMO, PROMO_SCALAR = _parse_promo()


def category(d):
    return 0 if d == "bool" else 1 if d in INTS else 2


def promote(*ds):
    r = ds[0]
    for d in ds[1:]:
        r = PROMO[(r, d)]
    return r


SCALAR_DTYPE = {bool: "bool", int: "int64", float: "float32"}  # default dtype of each scalar category


def _combine(higher, lower):
    return higher if lower is None or category(higher) >= category(lower) else promote(higher, lower)


def result_type(*ops):
    """Facts-doc rule. ops: ("t", dtype) dim>=1 tensor, ("z", dtype) 0-dim tensor, or a Python
    number. A lower group (0-dim tensors, then Python scalars) only changes the result when its
    category is higher than that of the group above it."""
    dims = [o[1] for o in ops if isinstance(o, tuple) and o[0] == "t"]
    zeros = [o[1] for o in ops if isinstance(o, tuple) and o[0] == "z"]
    scal = [SCALAR_DTYPE[type(o)] for o in ops if not isinstance(o, tuple)]
    res = None
    for g in (scal, zeros, dims):
        if g:
            res = _combine(promote(*g), res)
    return res


def to_float(d):
    """Result dtype of a floating op (exp, true division): integers and bool give float32."""
    return d if d in FLOATS else "float32"


# ---------------------------------------------------------------- tensors and values
def dt(name):
    return getattr(L, name)


def dname(d):
    return str(d).split(".")[-1]


DOMAINS = {"any": (-5.0, 5.0), "pos": (0.1, 5.0), "unit": (-0.95, 0.95), "small": (-1.2, 1.2),
           "ge1": (1.0, 4.0), "prod": (0.5, 1.5), "exp": (-2.0, 2.0), "shift": (0.0, 7.0)}
INT_DOMAINS = {"pos": (1, 9), "ge1": (1, 4), "unit": (-1, 1), "small": (-1, 1), "prod": (-2, 2),
               "exp": (0, 3), "shift": (0, 7)}
FLOAT_SPECIALS = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 1.0, -3.0])


def values(rng, shape, dtype, domain="any", nonzero=False):
    """Random NumPy values for `dtype` (float64 for float dtypes; each library rounds)."""
    if dtype == "bool":
        v = rng.integers(0, 2, size=shape).astype(bool)
        if nonzero:
            v[...] = True
        return v
    if dtype in FLOATS:
        lo, hi = DOMAINS[domain]
        v = rng.uniform(lo, hi, size=shape)
        if nonzero:
            v[np.abs(v) < 0.25] = 0.5
        return v
    lo, hi = INT_DOMAINS.get(domain, (-9, 9))
    if dtype == "uint8":
        lo = max(lo, 0)
    v = rng.integers(lo, hi + 1, size=shape).astype(np.int64)
    if nonzero:
        v[v == 0] = 1
    return v


def tensor(arr, dtype):
    arr = np.array(arr, order="C", copy=True)  # (np.ascontiguousarray would make 0-dim arrays 1-dim)
    if arr.dtype == np.float64 and dtype not in ("float64",):
        arr = arr.astype(np.float32)  # both libraries round float -> half/bfloat16 from float32 here
    return L.from_numpy(arr).to(dt(dtype))


def to_np(t):
    """Values of a library tensor as a NumPy array (bfloat16 through float32)."""
    if t.dtype == L.bfloat16:
        t = t.float()
    return np.array(t.detach().numpy(), copy=True)


def ref_in(t):
    """Reference operand: float tensors as float64, integer/bool in their own NumPy dtype."""
    a = to_np(t)
    return a.astype(np.float64) if a.dtype.kind == "f" else a


# A view is (library fn, NumPy fn, base shape) applied to a contiguous base of that shape.
VIEWS = {
    "contig": (lambda t: t, lambda a: a, (3, 4)),
    "T": (lambda t: t.t(), lambda a: a.T, (4, 3)),
    "step": (lambda t: t[:, ::2], lambda a: a[:, ::2], (3, 8)),
    "0-dim": (lambda t: t, lambda a: a, ()),
    "empty": (lambda t: t, lambda a: a, (0, 3)),
}


def make(rng, dtype, shape_or_view, domain="any", nonzero=False, base=None):
    """-> (library tensor, reference NumPy operand): a view name from VIEWS or a shape."""
    if isinstance(shape_or_view, str):
        lf, nf, shape = VIEWS[shape_or_view]
    else:
        lf, nf, shape = (lambda t: t), (lambda a: a), shape_or_view
    v = values(rng, shape, dtype, domain, nonzero) if base is None else base
    t = tensor(v, dtype)
    return lf(t), nf(ref_in(t))


def round_to(ref, dtype):
    """Rounds/wraps a reference array to `dtype` (what the library stores)."""
    ref = np.asarray(ref)
    if dtype == "bfloat16":
        f = ref.astype(np.float32)
        bits = f.view(np.uint32).astype(np.uint64)
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16).astype(np.uint32).view(np.float32)
        return np.where(np.isnan(f), f, rounded)
    if dtype in FLOATS:
        return ref.astype(NP[dtype])
    if dtype == "bool":
        return ref.astype(bool)
    if ref.dtype.kind == "f":
        return np.trunc(ref).astype(np.int64).astype(NP[dtype])
    return ref.astype(np.int64).astype(NP[dtype])


def assert_close(got, ref, dtype=None, exact=False, tol=None, zero_sign=False):
    """got: library tensor; ref: NumPy reference values; dtype: expected result dtype name."""
    if dtype is not None:
        assert dname(got.dtype) == dtype, "dtype %s, expected %s" % (dname(got.dtype), dtype)
    dtype = dname(got.dtype)
    ref = np.asarray(ref)
    assert tuple(got.shape) == ref.shape, "shape %s, expected %s" % (tuple(got.shape), ref.shape)
    g = to_np(got)
    with np.errstate(all="ignore"):
        r = round_to(ref, dtype)
    if dtype in FLOATS and not exact:
        rtol, atol = tol or TOL[dtype]
        np.testing.assert_allclose(g.astype(np.float64), r.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, r)
    if zero_sign and dtype in FLOATS:
        np.testing.assert_array_equal(np.signbit(g[g == 0]), np.signbit(r[r == 0]))


# ---------------------------------------------------------------- unary ops
SAME, FLOAT, BOOL = "same", "float", "bool"


def _ident_int(f):
    return lambda a: a if a.dtype.kind in "iub" else f(a)


def _sign(a):
    # PyTorch: sign(nan) == 0 (NumPy gives nan)
    return a if a.dtype == bool else np.where(np.isnan(a), 0, np.sign(a)) if a.dtype.kind == "f" else np.sign(a)


NIE, RE = NotImplementedError, RuntimeError
NO_BOOL_NIE = {"bool": NIE}
FLOAT_ONLY = {d: NIE for d in ("bool",) + INTS}
INT_ONLY = {d: NIE for d in FLOATS}

# name, reference, input domain, result rule, {dtype: exception class torch raises}
UNARY = [
    ("neg", np.negative, "any", SAME, {"bool": RE}),
    ("abs", np.abs, "any", SAME, NO_BOOL_NIE),
    ("sign", _sign, "any", SAME, {}),
    ("floor", _ident_int(np.floor), "any", SAME, NO_BOOL_NIE),
    ("ceil", _ident_int(np.ceil), "any", SAME, NO_BOOL_NIE),
    ("round", _ident_int(np.round), "any", SAME, NO_BOOL_NIE),
    ("trunc", _ident_int(np.trunc), "any", SAME, NO_BOOL_NIE),
    ("frac", lambda a: a - np.trunc(a), "any", SAME, FLOAT_ONLY),
    ("relu", lambda a: np.maximum(a, 0), "any", SAME, {"bool": RE}),
    ("reciprocal", lambda a: 1.0 / a, "any", FLOAT, {}),
    ("exp", np.exp, "any", FLOAT, {}),
    ("log", np.log, "pos", FLOAT, {}),
    ("log1p", np.log1p, "pos", FLOAT, {}),
    ("expm1", np.expm1, "any", FLOAT, {}),
    ("sqrt", np.sqrt, "pos", FLOAT, {}),
    ("rsqrt", lambda a: 1.0 / np.sqrt(a), "pos", FLOAT, {}),
    ("sin", np.sin, "any", FLOAT, {}),
    ("cos", np.cos, "any", FLOAT, {}),
    ("tan", np.tan, "small", FLOAT, {}),
    ("asin", np.arcsin, "unit", FLOAT, {}),
    ("acos", np.arccos, "unit", FLOAT, {}),
    ("atan", np.arctan, "any", FLOAT, {}),
    ("sinh", np.sinh, "any", FLOAT, {}),
    ("cosh", np.cosh, "any", FLOAT, {}),
    ("tanh", np.tanh, "any", FLOAT, {}),
    ("sigmoid", lambda a: 1.0 / (1.0 + np.exp(-a)), "any", FLOAT, {}),
    ("logical_not", lambda a: ~a.astype(bool), "any", BOOL, {}),
    ("bitwise_not", np.invert, "any", SAME, INT_ONLY),
    ("isnan", np.isnan, "any", BOOL, {}),
    ("isinf", np.isinf, "any", BOOL, {}),
    ("isfinite", np.isfinite, "any", BOOL, {}),
]


def unary_result(rule, dtype):
    return {SAME: dtype, FLOAT: to_float(dtype), BOOL: "bool"}[rule]


# ---------------------------------------------------------------- binary ops
def _floor_div_ref(R):
    """PyTorch's floor division, step by step in the result dtype (half/bfloat16 round every
    intermediate, so a quotient like 1892.7 becomes 1893 before the floor)."""
    if R not in FLOATS:
        return np.floor_divide
    C = np.float64 if R == "float64" else np.float32

    def r(v):
        return round_to(np.asarray(v, dtype=C), R).astype(C)

    def f(a, b):
        a, b = r(a), r(b)
        mod = np.fmod(a, b)
        div = r(r(a - mod) / b)
        div = np.where((mod != 0) & ((b < 0) != (mod < 0)), r(div - 1), div)
        fl = np.floor(div)
        fl = np.where(div - fl > 0.5, r(fl + 1), fl)
        fl = np.where(div == 0, np.copysign(0.0, a / b).astype(C), fl)
        return np.where(b == 0, a / b, fl)
    return f


def _trunc_div_ref(R):
    # PyTorch rounds the quotient to the result dtype before truncating.
    return lambda a, b: np.trunc(round_to(a / b, R).astype(np.float64)) if R in FLOATS else _int_trunc_div(a, b)


def _int_trunc_div(a, b):
    q = np.abs(a.astype(np.int64)) // np.abs(b.astype(np.int64))
    return np.where((a < 0) != (b < 0), -q, q)


def _np_op(f):
    return lambda R: f


PROMOTE, TRUE_DIV = "promote", "float"
SHIFT_DT = INTS
# name, call(L, a, b), reference factory(result dtype) -> f(a, b), rule, dtypes torch accepts,
# rhs domain, rhs nonzero, in-place method name, torch's exception class for other dtypes
BINARY = [
    ("add", lambda L, a, b: L.add(a, b), _np_op(np.add), PROMOTE, DTYPES, "any", False, "add_", None),
    ("add_alpha", lambda L, a, b: L.add(a, b, alpha=2), _np_op(lambda a, b: a + 2 * b), PROMOTE, DTYPES, "any",
     False, None, None),
    ("sub", lambda L, a, b: L.sub(a, b), _np_op(np.subtract), PROMOTE, NOBOOL, "any", False, "sub_", RE),
    ("mul", lambda L, a, b: L.mul(a, b), _np_op(np.multiply), PROMOTE, DTYPES, "any", False, "mul_", None),
    ("div", lambda L, a, b: L.div(a, b), _np_op(np.true_divide), TRUE_DIV, DTYPES, "any", True, None, None),
    ("div_trunc", lambda L, a, b: L.div(a, b, rounding_mode="trunc"), _trunc_div_ref, PROMOTE, NOBOOL, "any", True,
     None, NIE),
    ("div_floor", lambda L, a, b: L.div(a, b, rounding_mode="floor"), _floor_div_ref, PROMOTE, NOBOOL, "any",
     True, None, NIE),
    ("fmod", lambda L, a, b: L.fmod(a, b), _np_op(np.fmod), PROMOTE, NOBOOL, "any", True, "fmod_", NIE),
    ("remainder", lambda L, a, b: L.remainder(a, b), _np_op(np.remainder), PROMOTE, NOBOOL, "any", True,
     "remainder_", NIE),
    ("pow", lambda L, a, b: L.pow(a, b), _np_op(np.power), PROMOTE, NOBOOL, "exp", False, "pow_", NIE),
    ("atan2", lambda L, a, b: L.atan2(a, b), _np_op(np.arctan2), TRUE_DIV, DTYPES, "any", False, None, None),
    ("maximum", lambda L, a, b: L.maximum(a, b), _np_op(np.maximum), PROMOTE, DTYPES, "any", False, None, None),
    ("minimum", lambda L, a, b: L.minimum(a, b), _np_op(np.minimum), PROMOTE, DTYPES, "any", False, None, None),
    ("bitwise_and", lambda L, a, b: L.bitwise_and(a, b), _np_op(np.bitwise_and), PROMOTE, ("bool",) + INTS, "any",
     False, "bitwise_and_", NIE),
    ("bitwise_or", lambda L, a, b: L.bitwise_or(a, b), _np_op(np.bitwise_or), PROMOTE, ("bool",) + INTS, "any",
     False, "bitwise_or_", NIE),
    ("bitwise_xor", lambda L, a, b: L.bitwise_xor(a, b), _np_op(np.bitwise_xor), PROMOTE, ("bool",) + INTS, "any",
     False, "bitwise_xor_", NIE),
    ("bitwise_left_shift", lambda L, a, b: L.bitwise_left_shift(a, b), _np_op(np.left_shift), PROMOTE, SHIFT_DT,
     "shift", False, None, NIE),
    ("bitwise_right_shift", lambda L, a, b: L.bitwise_right_shift(a, b), _np_op(np.right_shift), PROMOTE, SHIFT_DT,
     "shift", False, None, NIE),
    ("eq", lambda L, a, b: L.eq(a, b), _np_op(np.equal), BOOL, DTYPES, "any", False, None, None),
    ("ne", lambda L, a, b: L.ne(a, b), _np_op(np.not_equal), BOOL, DTYPES, "any", False, None, None),
    ("lt", lambda L, a, b: L.lt(a, b), _np_op(np.less), BOOL, DTYPES, "any", False, None, None),
    ("le", lambda L, a, b: L.le(a, b), _np_op(np.less_equal), BOOL, DTYPES, "any", False, None, None),
    ("gt", lambda L, a, b: L.gt(a, b), _np_op(np.greater), BOOL, DTYPES, "any", False, None, None),
    ("ge", lambda L, a, b: L.ge(a, b), _np_op(np.greater_equal), BOOL, DTYPES, "any", False, None, None),
    ("logical_and", lambda L, a, b: L.logical_and(a, b), _np_op(np.logical_and), BOOL, DTYPES, "any", False, None,
     None),
    ("logical_or", lambda L, a, b: L.logical_or(a, b), _np_op(np.logical_or), BOOL, DTYPES, "any", False, None, None),
    ("logical_xor", lambda L, a, b: L.logical_xor(a, b), _np_op(np.logical_xor), BOOL, DTYPES, "any", False, None,
     None),
]
BINARY_BY_NAME = {r[0]: r for r in BINARY}
# Rows whose PyTorch signature takes a Number operand (the others raise TypeError for one).
SCALAR_OK = {"add", "add_alpha", "sub", "mul", "div", "div_trunc", "div_floor", "fmod", "remainder", "pow",
             "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift",
             "eq", "ne", "lt", "le", "gt", "ge"}


def binary_result(rule, promoted):
    return {PROMOTE: promoted, TRUE_DIV: to_float(promoted), BOOL: "bool"}[rule]


def binary_ref(row, a, b, R):
    """Reference of a binary op computed in dtype R (the promoted dtype; for comparisons the
    caller passes the promoted operand dtype): operands are first converted to R (integers wrap,
    floats round), integer/bool ops then run in R, float ops in float64 (rounded afterwards)."""
    f = row[2](R)
    if row[0].startswith("logical"):
        return f(a.astype(bool), b.astype(bool))
    if R in FLOATS:
        return f(round_to(a, R).astype(np.float64), round_to(b, R).astype(np.float64))
    return f(round_to(a, R), round_to(b, R))


# Operators with a tensor on either side: symbol -> (forward, reflected) on library/NumPy objects.
OPERATORS = {
    "+": (lambda a, b: a + b, lambda a, b: b + a), "-": (lambda a, b: a - b, lambda a, b: b - a),
    "*": (lambda a, b: a * b, lambda a, b: b * a), "/": (lambda a, b: a / b, lambda a, b: b / a),
    "//": (lambda a, b: a // b, lambda a, b: b // a), "%": (lambda a, b: a % b, lambda a, b: b % a),
    "**": (lambda a, b: a ** b, lambda a, b: b ** a), "&": (lambda a, b: a & b, lambda a, b: b & a),
    "|": (lambda a, b: a | b, lambda a, b: b | a), "^": (lambda a, b: a ^ b, lambda a, b: b ^ a),
    "<<": (lambda a, b: a << b, lambda a, b: b << a), ">>": (lambda a, b: a >> b, lambda a, b: b >> a),
    "==": (lambda a, b: a == b, None), "!=": (lambda a, b: a != b, None), "<": (lambda a, b: a < b, None),
    "<=": (lambda a, b: a <= b, None), ">": (lambda a, b: a > b, None), ">=": (lambda a, b: a >= b, None),
}


# ---------------------------------------------------------------- reductions
def _ax(a, dim):
    return None if (dim is None or a.ndim == 0) else dim


def _acc(a):
    """NumPy accumulation dtype matching PyTorch: integers and bool sum/prod in int64."""
    return np.int64 if a.dtype.kind in "iub" else np.float64


def _red(f, **fixed):
    return lambda a, dim, keep: f(a, axis=_ax(a, dim), keepdims=keep, **fixed)


def _norm(p):
    def f(a, axis, keepdims):
        m = np.abs(a)
        if p == 2:
            return np.sqrt(np.sum(m * m, axis=axis, keepdims=keepdims))
        return np.sum(m, axis=axis, keepdims=keepdims) if p == 1 else np.max(m, axis=axis, keepdims=keepdims)
    return _red(f)


def _lse(a, axis, keepdims):
    m = np.max(a, axis=axis, keepdims=True)
    r = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return r if keepdims else np.squeeze(r, axis=axis)


def _dim_call(method, **kw):
    """Calls lib.<method>(x[, dim], keepdim=...) leaving out dim when it is None."""
    def call(L, x, dim, keep):
        f = getattr(L, method)
        return f(x, **kw) if dim is None else f(x, dim, keepdim=keep, **kw)
    return call


INT_TO_I64 = lambda d: "int64" if d in ("bool",) + INTS else d  # noqa: E731
ANY_ALL = lambda d: "uint8" if d == "uint8" else "bool"  # noqa: E731
FLOAT_RES = {d: RE for d in ("bool",) + INTS}
TUPLE, INT, NONE_INT = "tuple", "int", "none_int"
# name, call(L, x, dim, keepdim), reference(a, dim, keepdim), result dtype fn, {dtype: exception},
# accepted dims (TUPLE: None/int/tuple, INT: None/int, NONE_INT), input domain
REDUCTIONS = [
    ("sum", _dim_call("sum"), lambda a, d, k: np.sum(a, axis=_ax(a, d), keepdims=k, dtype=_acc(a)), INT_TO_I64, {},
     TUPLE, "any"),
    ("mean", _dim_call("mean"), _red(np.mean), lambda d: d, FLOAT_RES, TUPLE, "any"),
    ("prod", _dim_call("prod"), lambda a, d, k: np.prod(a, axis=_ax(a, d), keepdims=k, dtype=_acc(a)), INT_TO_I64,
     {}, INT, "prod"),
    ("amax", _dim_call("amax"), _red(np.max), lambda d: d, {}, TUPLE, "any"),
    ("amin", _dim_call("amin"), _red(np.min), lambda d: d, {}, TUPLE, "any"),
    ("argmax", _dim_call("argmax"), _red(np.argmax), lambda d: "int64", {"bool": RE}, INT, "any"),
    ("argmin", _dim_call("argmin"), _red(np.argmin), lambda d: "int64", {"bool": RE}, INT, "any"),
    ("var0", _dim_call("var", correction=0), _red(np.var, ddof=0), lambda d: d, FLOAT_RES, TUPLE, "any"),
    ("var1", _dim_call("var", correction=1), _red(np.var, ddof=1), lambda d: d, FLOAT_RES, TUPLE, "any"),
    ("std0", _dim_call("std", correction=0), _red(np.std, ddof=0), lambda d: d, FLOAT_RES, TUPLE, "any"),
    ("std1", _dim_call("std", correction=1), _red(np.std, ddof=1), lambda d: d, FLOAT_RES, TUPLE, "any"),
    ("norm2", lambda L, x, d, k: L.norm(x, 2, d, k), _norm(2), lambda d: d, FLOAT_RES, TUPLE, "any"),
    ("norm1", lambda L, x, d, k: L.norm(x, 1, d, k), _norm(1), lambda d: d, FLOAT_RES, TUPLE, "any"),
    ("norm_inf", lambda L, x, d, k: L.norm(x, float("inf"), d, k), _norm(np.inf), lambda d: d, FLOAT_RES, TUPLE,
     "any"),
    ("all", _dim_call("all"), lambda a, d, k: np.all(a, axis=_ax(a, d), keepdims=k), ANY_ALL, {}, TUPLE, "unit"),
    ("any", _dim_call("any"), lambda a, d, k: np.any(a, axis=_ax(a, d), keepdims=k), ANY_ALL, {}, TUPLE, "unit"),
    ("logsumexp", lambda L, x, d, k: L.logsumexp(x, d, keepdim=k), lambda a, d, k: _lse(a, _ax(a, d), k),
     to_float, {}, TUPLE, "any"),
]
REDUCE_DIMS = (None, 0, -1, 1, (0, 2), (-1, 0))


# ---------------------------------------------------------------- bad inputs
def _backward_twice(L):
    x = L.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _saved_modified(L):
    a = L.ones(3, requires_grad=True)
    b = a * 2
    c = b * b
    b.add_(1)
    c.sum().backward()


# name, fn(L), exception class PyTorch raises, first line of its message (None: class only;
# ctorch's text differs there, see test_known_bugs)
BAD_INPUTS = [
    ("broadcast", lambda L: L.ones(2, 3) + L.ones(4), RuntimeError,
     'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1'),
    ("broadcast_inplace", lambda L: L.ones(3).add_(L.ones(2, 3)), RuntimeError,
     "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    ("matmul_2d", lambda L: L.ones(2, 3) @ L.ones(4, 5), RuntimeError,
     'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)'),
    ("mm", lambda L: L.mm(L.ones(2, 3), L.ones(4, 5)), RuntimeError,
     'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)'),
    ("mm_1d", lambda L: L.mm(L.ones(3), L.ones(3, 2)), RuntimeError, 'self must be a matrix'),
    ("matmul_1d", lambda L: L.ones(3) @ L.ones(4), RuntimeError,
     'inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, '
     'but got 3 and 4 elements respectively'),
    ("dot", lambda L: L.dot(L.ones(3), L.ones(4)), RuntimeError,
     'inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, '
     'but got 3 and 4 elements respectively'),
    ("mv", lambda L: L.mv(L.ones(2, 3), L.ones(4)), RuntimeError,
     'size mismatch, got input (2), mat (2x3), vec (4)'),
    ("bmm", lambda L: L.bmm(L.ones(2, 2, 3), L.ones(2, 4, 5)), RuntimeError,
     'Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].'),
    ("bmm_rank", lambda L: L.bmm(L.ones(2, 3), L.ones(3, 2)), RuntimeError, 'batch1 must be a 3D tensor'),
    ("matmul_batch", lambda L: L.ones(2, 2, 3) @ L.ones(3, 4, 5), RuntimeError,
     'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0'),
    ("mm_dtype", lambda L: L.mm(L.ones(2, 3), L.ones(3, 2, dtype=L.float64)), RuntimeError,
     'expected m1 and m2 to have the same dtype, but got: float != double'),
    ("matmul_0d", lambda L: L.matmul(L.tensor(1.), L.ones(3)), RuntimeError,
     'both arguments to matmul need to be at least 1D, but they are 0D and 1D'),
    ("view_stride", lambda L: L.ones(2, 3).t().view(6), RuntimeError,
     "view size is not compatible with input tensor's size and stride (at least one dimension spans a"
     'cross two contiguous subspaces). Use .reshape(...) instead.'),
    ("view_size", lambda L: L.ones(6).view(4), RuntimeError, "shape '[4]' is invalid for input of size 6"),
    ("reshape_size", lambda L: L.ones(6).reshape(4), RuntimeError, "shape '[4]' is invalid for input of size 6"),
    ("view_two_infer", lambda L: L.ones(6).view(-1, -1), RuntimeError, 'only one dimension can be inferred'),
    ("cat_sizes", lambda L: L.cat([L.ones(2, 3), L.ones(2, 4)]), RuntimeError,
     'Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor nu'
     'mber 1 in the list.'),
    ("cat_empty_list", lambda L: L.cat([]), ValueError, 'torch.cat(): expected a non-empty list of Tensors'),
    ("cat_rank", lambda L: L.cat([L.ones(2, 3), L.ones(3)]), RuntimeError,
     'Tensors must have same number of dimensions: got 2 and 1'),
    ("stack", lambda L: L.stack([L.ones(2, 3), L.ones(2, 4)]), RuntimeError,
     'stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1'),
    ("expand", lambda L: L.ones(2, 3).expand(4, 3), RuntimeError,
     'The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension'
     ' 0.  Target sizes: [4, 3].  Tensor sizes: [2, 3]'),
    ("expand_rank", lambda L: L.ones(2, 3).expand(3), RuntimeError, None),
    ("index", lambda L: L.ones(3)[5], IndexError, 'index 5 is out of bounds for dimension 0 with size 3'),
    ("index_neg", lambda L: L.ones(3)[-4], IndexError, 'index -4 is out of bounds for dimension 0 with size 3'),
    ("too_many_indices", lambda L: L.ones(3)[0, 0], IndexError, 'too many indices for tensor of dimension 1'),
    ("dim_sum", lambda L: L.ones(3).sum(2), IndexError,
     'Dimension out of range (expected to be in range of [-1, 0], but got 2)'),
    ("dim_transpose", lambda L: L.ones(2, 3).transpose(0, 2), IndexError,
     'Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
    ("dim_unsqueeze", lambda L: L.ones(2, 3).unsqueeze(4), IndexError,
     'Dimension out of range (expected to be in range of [-3, 2], but got 4)'),
    ("dim_cat", lambda L: L.cat([L.ones(2), L.ones(2)], 1), IndexError,
     'Dimension out of range (expected to be in range of [-1, 0], but got 1)'),
    ("select", lambda L: L.ones(2, 3).select(1, 5), IndexError, None),
    ("narrow", lambda L: L.ones(2, 3).narrow(1, 2, 2), RuntimeError,
     'start (2) + length (2) exceeds dimension size (3).'),
    ("float_index", lambda L: L.ones(3)[L.tensor([0.])], IndexError,
     'tensors used as indices must be long, int, byte or bool tensors'),
    ("index_tensor_oob", lambda L: L.ones(3)[L.tensor([0, 3])], IndexError,
     'index 3 is out of bounds for dimension 0 with size 3'),
    ("bool_mask_shape", lambda L: L.ones(3)[L.tensor([True, False])], IndexError,
     'The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at inde'
     'x 0'),
    ("index_select_oob", lambda L: L.index_select(L.ones(3), 0, L.tensor([3])), IndexError,
     'index out of range in self'),
    ("index_select_float", lambda L: L.index_select(L.ones(3), 0, L.tensor([0.])), RuntimeError,
     'index_select(): Expected dtype int32 or int64 for index'),
    ("gather_oob", lambda L: L.gather(L.ones(2, 3), 1, L.tensor([[5]])), RuntimeError,
     'index 5 is out of bounds for dimension 1 with size 3'),
    ("gather_rank", lambda L: L.gather(L.ones(2, 3), 1, L.tensor([1])), RuntimeError,
     'Index tensor must have the same number of dimensions as input tensor'),
    ("scatter_oob", lambda L: L.ones(2, 3).scatter(1, L.tensor([[3]]), 1.0), RuntimeError,
     'index 3 is out of bounds for dimension 1 with size 3'),
    ("masked_fill_mask", lambda L: L.ones(3).masked_fill(L.ones(3), 0.), RuntimeError,
     'masked_fill_ only supports boolean masks, but got mask with dtype float'),
    ("where_cond", lambda L: L.where(L.ones(3), L.ones(3), L.ones(3)), RuntimeError,
     'where expected condition to be a boolean tensor, but got a tensor with dtype Float'),
    ("leaf_inplace", lambda L: L.ones(3, requires_grad=True).add_(1), RuntimeError,
     'a leaf Variable that requires grad is being used in an in-place operation.'),
    ("backward_nonscalar", lambda L: (L.ones(3, requires_grad=True) * 2).backward(), RuntimeError,
     'grad can be implicitly created only for scalar outputs'),
    ("backward_nograd", lambda L: L.ones(3).sum().backward(), RuntimeError,
     'element 0 of tensors does not require grad and does not have a grad_fn'),
    ("backward_twice", _backward_twice, RuntimeError,
     'Trying to backward through the graph a second time (or direc'),
    ("saved_modified", _saved_modified, RuntimeError,
     'one of the variables needed for gradient computation has been modified by an inplace operation:'
     ' [tor'),
    ("numpy_grad", lambda L: L.ones(3, requires_grad=True).numpy(), RuntimeError,
     "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."),
    ("item_2", lambda L: L.ones(2).item(), RuntimeError, 'a Tensor with 2 elements cannot be converted to Scalar'),
    ("bool_2", lambda L: bool(L.ones(2)), RuntimeError,
     'Boolean value of Tensor with more than one value is ambiguous'),
    ("int_inplace_float", lambda L: L.ones(2, dtype=L.int64).add_(1.5), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("int_div_zero", lambda L: L.tensor([5, 3]) // L.tensor([0, 1]), RuntimeError, 'ZeroDivisionError'),
    ("int_fmod_zero", lambda L: L.fmod(L.tensor([5, 3]), 0), RuntimeError, 'ZeroDivisionError'),
    ("sub_bool", lambda L: L.ones(2, dtype=L.bool) - L.ones(2, dtype=L.bool), RuntimeError,
     'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_'
     'xor()` operator instead.'),
    ("neg_bool", lambda L: -L.ones(2, dtype=L.bool), RuntimeError,
     'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a ma'
     'sk, use the `~` or `logical_not()` operator instead.'),
    ("mean_int", lambda L: L.tensor([1, 2]).mean(), RuntimeError,
     'mean(): could not infer output dtype. Input dtype must be either a floating point or complex dt'
     'ype. Got: Long'),
    ("var_int", lambda L: L.tensor([1, 2]).var(), RuntimeError,
     'std and var only support floating point and complex dtypes'),
    ("arange_sign", lambda L: L.arange(0, 5, -1), RuntimeError,
     'upper bound and lower bound inconsistent with step sign'),
    ("arange_zero_step", lambda L: L.arange(0, 5, 0), RuntimeError, 'step must be nonzero'),
    ("linspace_steps", lambda L: L.linspace(0, 1, -1), RuntimeError, 'number of steps must be non-negative'),
    ("zeros_negative", lambda L: L.zeros(-1), RuntimeError, None),
    ("chunk_zero", lambda L: L.ones(4).chunk(0), RuntimeError,
     'chunk expects `chunks` to be greater than 0, got: 0'),
    ("split_sizes", lambda L: L.ones(4).split([1, 2]), RuntimeError,
     "split_with_sizes expects split_sizes to sum exactly to 4 (input tensor's size at dimension 0), "
     'but got split_sizes=[1, 2]'),
    ("clamp_none", lambda L: L.ones(3).clamp(), RuntimeError,
     "torch.clamp: At least one of 'min' or 'max' must not be None"),
    ("permute_len", lambda L: L.ones(2, 3).permute(0, 1, 2), RuntimeError,
     'permute(sparse_coo): number of dimensions in the tensor input does not match the length of the '
     'desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 3'),
    ("permute_repeat", lambda L: L.ones(2, 3).permute(0, 0), RuntimeError,
     'permute(): duplicate dims are not allowed.'),
    ("unflatten", lambda L: L.ones(6).unflatten(0, (4, 2)), RuntimeError, None),
    ("out_dtype", lambda L: L.add(L.ones(2), L.ones(2), out=L.empty(2, dtype=L.int64)), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("mm_out_dtype", lambda L: L.mm(L.ones(2, 2), L.ones(2, 2), out=L.empty(2, 2, dtype=L.float64)), RuntimeError,
     'Expected out tensor to have dtype float, but got double instead'),
    ("setitem_shape", lambda L: L.ones(2, 3).__setitem__(0, L.ones(4)), RuntimeError,
     'The expanded size of the tensor (3) must match the existing size (4) at non-singleton dimension'
     ' 0.  Target sizes: [3].  Tensor sizes: [4]'),
    ("as_strided_oob", lambda L: L.ones(4).as_strided((3,), (2,)), RuntimeError,
     'setStorage: sizes [3], strides [2], storage offset 0, and itemsize 4 requiring a storage size o'
     'f 20 are out of bounds for storage of size 16'),
    ("diagonal_dims", lambda L: L.ones(2, 3).diagonal(0, 0, 0), RuntimeError,
     'diagonal dimensions cannot be identical 0, 0'),
    ("unfold_size", lambda L: L.ones(3).unfold(0, 4, 1), RuntimeError,
     'maximum size for tensor at dimension 0 is 3 but size is 4'),
    ("amax_empty", lambda L: L.ones(0, 3).amax(0), IndexError,
     'amax(): Expected reduction dim 0 to have non-zero size.'),
    ("max_empty", lambda L: L.ones(0).max(), RuntimeError,
     'max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim'
     " with the 'dim' argument."),
    ("argmax_bool", lambda L: L.ones(3, dtype=L.bool).argmax(), RuntimeError,
     'argmax(): does not support bool input'),
    ("squeeze_dim", lambda L: L.ones(2, 3).squeeze(3), IndexError,
     'Dimension out of range (expected to be in range of [-2, 1], but got 3)'),
    ("movedim", lambda L: L.ones(2, 3).movedim(0, 3), IndexError,
     'Dimension out of range (expected to be in range of [-2, 1], but got 3)'),
    ("eye_negative", lambda L: L.eye(-1), RuntimeError, 'n must be greater or equal to 0, got -1'),
    ("full_bad", lambda L: L.full((2,), "a"), TypeError,
     "full(): argument 'fill_value' (position 2) must be Number, not str"),
    ("tensor_ragged", lambda L: L.tensor([[1, 2], [3]]), ValueError,
     'expected sequence of length 2 at dim 1 (got 1)'),
    ("lerp_dtype", lambda L: L.lerp(L.ones(2), L.ones(2, dtype=L.float64), 0.5), RuntimeError,
     'expected dtype float for `end` but got dtype double'),
    ("pow_int_negative_scalar", lambda L: L.tensor([2, 3]) ** -1, RuntimeError,
     'Integers to negative integer powers are not allowed.'),
    ("cat_0d", lambda L: L.cat([L.tensor(1), L.tensor(2)]), RuntimeError,
     'zero-dimensional tensor (at position 0) cannot be concatenated'),
    ("reshape_empty_infer", lambda L: L.ones(0, 3).reshape(-1, 0), RuntimeError, None),
    ("addcdiv_int", lambda L: L.addcdiv(*[L.ones(2, dtype=L.int64)] * 3), RuntimeError,
     'Integer division with addcdiv is no longer supported, and in'),
]
