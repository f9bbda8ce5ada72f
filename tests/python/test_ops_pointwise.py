"""Pointwise ops vs PyTorch, driven by op_db.OPS.

For every row and dtype: forward results (values, dtype, shape) on contiguous, transposed,
step-sliced, broadcast, 0-dim and empty inputs; the in-place variant (same object back,
version bumped, same values); the out= variant (written into the given tensor, resized);
promotion with Python scalars and 0-dim tensors; Python operators; and bad inputs raising
PyTorch's exception class.
"""

import math
import os
import sys

import numpy as np
import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
from _torch_ref import require_torch  # noqa: E402
import op_db  # noqa: E402
from op_db import ALL_DTYPES, FLOAT_DTYPES, OPS  # noqa: E402

ctorch = pytest.importorskip("ctorch")
_C = ctorch._C

POINTWISE = [o for o in OPS if o.kind == "pointwise"]


@pytest.fixture(scope="module")
def torch():
    return require_torch()


# ---------------------------------------------------------------- conversion helpers
def _ct_dtype(name):
    return getattr(ctorch, name if name != "bool" else "bool")


def _from_numpy(lib, arr):
    arr = np.ascontiguousarray(arr)
    if lib is ctorch:
        f = getattr(ctorch, "from_numpy", None) or _C.from_numpy
        return f(arr.copy())
    return lib.from_numpy(arr.copy())


def _to(lib, t, dtype_name):
    if lib is ctorch:
        dt = _ct_dtype(dtype_name)
        if hasattr(t, "to"):
            return t.to(dt)
        return t._to_dtype(dt, False)
    return t.to(getattr(lib, dtype_name))


def make(lib, arg, dtype):
    """Library operand for an op_db.Arg (a Python number when arg.scalar)."""
    if arg.scalar:
        return np.asarray(arg.data).item()
    dt = arg.dtype or dtype
    t = _to(lib, _from_numpy(lib, np.asarray(arg.data)), dt)
    return arg.view(t) if arg.view else t


def make_args(lib, sample, dtype):
    return [make(lib, a, dtype) for a in sample.args]


def dtype_name(t):
    return repr(t.dtype).split(".")[-1] if not isinstance(t.dtype, str) else t.dtype


def to_np(t):
    """NumPy copy of a tensor from either library (bfloat16 through float32)."""
    name = dtype_name(t)
    if hasattr(t, "detach"):  # torch
        if name == "bfloat16":
            t = t.float()
        return t.detach().cpu().numpy().copy()
    if name == "bfloat16":
        t = _to(ctorch, t, "float32")
    return np.array(t._numpy(), copy=True)


def assert_same(ct, th, info, exact=True, tol=None, zero_sign=True, tol_dtype=None):
    assert dtype_name(ct) == dtype_name(th), "%s: dtype %s != torch %s" % (info, dtype_name(ct), dtype_name(th))
    assert tuple(ct.shape) == tuple(th.shape), "%s: shape %s != torch %s" % (info, tuple(ct.shape), tuple(th.shape))
    a, b = to_np(ct), to_np(th)
    name = dtype_name(th)
    if name not in FLOAT_DTYPES:
        np.testing.assert_array_equal(a, b, err_msg=info)
        return
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    if exact:
        np.testing.assert_array_equal(a64, b64, err_msg=info)
        zero = (a64 == 0) & (b64 == 0)
        assert not zero_sign or (np.signbit(a64[zero]) == np.signbit(b64[zero])).all(), "%s: signed zeros differ" % info
    else:
        rtol, atol = (tol or op_db.DEFAULT_TOL)[tol_dtype if tol_dtype in FLOAT_DTYPES else name]
        np.testing.assert_allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=True, err_msg=info)
        assert (np.isnan(a64) == np.isnan(b64)).all(), info


def run_both(torch, f):
    """(ctorch result, torch result, None) or (None, None, exception class) when torch raises;
    fails when ctorch does not raise the same class."""
    try:
        th = f(torch)
    except Exception as e:  # noqa: BLE001
        cls = type(e)
        try:
            f(ctorch)
        except Exception as e2:  # noqa: BLE001
            assert type(e2) is cls or (cls is RuntimeError and type(e2) is NotImplementedError), (
                "torch raised %s(%s) but ctorch raised %s(%s)" % (cls.__name__, e, type(e2).__name__, e2))
            return None, None, cls
        pytest.fail("torch raised %s(%s) but ctorch did not" % (cls.__name__, e))
    ct = f(ctorch)
    return ct, th, None


def _params(test):
    out = []
    for o in POINTWISE:
        for d in o.dtypes:
            marks = [pytest.mark.skip(reason="op_db skip")] if o.skipped(test, d) else []
            out.append(pytest.param(o, d, id="%s-%s" % (o.name, d), marks=marks))
    return out


# ---------------------------------------------------------------- generic row tests
@pytest.mark.parametrize("info,dtype", _params("forward"))
def test_forward(torch, info, dtype):
    rng = np.random.default_rng(0)
    for s in info.samples(dtype, rng):
        def f(lib):
            return info.op(lib, *make_args(lib, s, dtype), **s.kwargs)
        ct, th, _ = run_both(torch, f)
        if th is not None:
            assert_same(ct, th, "%s %s [%s]" % (info.name, dtype, s.desc), info.exact, info.tol, info.zero_sign)


@pytest.mark.parametrize("info,dtype", _params("inplace"))
def test_inplace(torch, info, dtype):
    if info.inplace is None:
        pytest.skip("no in-place variant")
    rng = np.random.default_rng(1)
    for s in info.samples(dtype, rng):
        if s.args[0].scalar:
            continue
        th_args = make_args(torch, s, dtype)
        ct_args = make_args(ctorch, s, dtype)
        try:
            th = info.inplace(torch, *th_args, **s.kwargs)
        except Exception as e:  # noqa: BLE001
            with pytest.raises(Exception) as ei:
                info.inplace(ctorch, *ct_args, **s.kwargs)
            assert type(ei.value) is type(e), "%s [%s]: torch %r, ctorch %r" % (info.name, s.desc, e, ei.value)
            continue
        v0 = ct_args[0]._version
        ct = info.inplace(ctorch, *ct_args, **s.kwargs)
        assert ct is ct_args[0], "%s_ must return self" % info.name
        assert ct_args[0]._version > v0, "%s_ must bump the version" % info.name
        assert_same(ct, th, "%s_ %s [%s]" % (info.name, dtype, s.desc), info.exact, info.tol, info.zero_sign)
        # in-place == out-of-place (cast to self's dtype)
        ref = info.op(ctorch, *make_args(ctorch, s, dtype), **s.kwargs)
        assert_same(ct, _to(ctorch, ref, dtype_name(ct)) if dtype_name(ref) != dtype_name(ct) else ref,
                    "%s_ vs %s" % (info.name, info.name), info.exact, info.tol, info.zero_sign)


@pytest.mark.parametrize("info,dtype", _params("out"))
def test_out(torch, info, dtype):
    if info.out is None:
        pytest.skip("no out= variant")
    rng = np.random.default_rng(2)
    for s in info.samples(dtype, rng):
        try:
            ref = info.op(torch, *make_args(torch, s, dtype), **s.kwargs)
        except Exception:  # noqa: BLE001
            continue
        for out_dtype in (dtype_name(ref), "float64", "int64"):
            def f(lib):
                out = _to(lib, _from_numpy(lib, np.zeros(0)), out_dtype).clone()  # resized by the op
                r = info.out(lib, *make_args(lib, s, dtype), out=out, **s.kwargs)
                assert r is out, "out= must return the out tensor"
                return out
            ct, th, _ = run_both(torch, f)
            if th is not None:
                assert ct._version > 0
                assert_same(ct, th, "%s out=%s %s [%s]" % (info.name, out_dtype, dtype, s.desc), info.exact,
                            info.tol, info.zero_sign, tol_dtype=dtype_name(ref))


# ---------------------------------------------------------------- promotion
PROMO_OPS = ["add", "sub", "mul", "div", "floor_divide", "fmod", "remainder", "pow", "atan2", "maximum",
             "bitwise_and", "bitwise_left_shift", "eq", "lt", "logical_xor", "true_divide"]
SCALARS = [2, -1, 2.5, True, False]


@pytest.mark.parametrize("name", PROMO_OPS)
def test_promotion(torch, name):
    fn = op_db.OPS_BY_NAME[name].op
    rng = np.random.default_rng(3)
    for d in ALL_DTYPES:
        a_np = op_db.values(rng, (2, 3), d, "pos")
        others = [("scalar %r" % s, op_db.Arg(np.array(s), scalar=True)) for s in SCALARS]
        for d2 in ALL_DTYPES:
            others.append(("0-dim %s" % d2, op_db.Arg(op_db.values(rng, (), d2, "pos"), dtype=d2)))
            others.append(("1-d %s" % d2, op_db.Arg(op_db.values(rng, (3,), d2, "pos"), dtype=d2)))
        for desc, b in others:
            a = op_db.Arg(a_np)
            for order in ((a, b), (b, a)):
                if order[0].scalar:
                    continue
                ct, th, _ = run_both(torch, lambda lib: fn(lib, *[make(lib, x, d) for x in order]))
                if th is not None:
                    assert_same(ct, th, "%s(%s, %s)" % (name, d, desc), exact=False)


@pytest.mark.parametrize("d", ALL_DTYPES)
def test_result_type_matches(torch, d):
    for d2 in ALL_DTYPES:
        for dim in (0, 1):
            shape = () if dim == 0 else (2,)
            a = make(ctorch, op_db.Arg(np.ones((2,)), dtype=d), d)
            b = make(ctorch, op_db.Arg(np.ones(shape), dtype=d2), d2)
            ta = make(torch, op_db.Arg(np.ones((2,)), dtype=d), d)
            tb = make(torch, op_db.Arg(np.ones(shape), dtype=d2), d2)
            if d == "bool" or d2 == "bool":
                continue
            assert dtype_name(a + b) == str(torch.result_type(ta, tb)).split(".")[-1]


# ---------------------------------------------------------------- Python operators
BIN_OPERATORS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
    "//": lambda a, b: a // b, "%": lambda a, b: a % b, "**": lambda a, b: a ** b, "&": lambda a, b: a & b,
    "|": lambda a, b: a | b, "^": lambda a, b: a ^ b, "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _iop(sym):
    ns = {}
    exec("def f(a, b):\n    a %s= b\n    return a" % sym, ns)
    return ns["f"]


@pytest.mark.parametrize("sym", list(BIN_OPERATORS))
@pytest.mark.parametrize("d", ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"])
def test_operators(torch, sym, d):
    f = BIN_OPERATORS[sym]
    rng = np.random.default_rng(4)
    a = op_db.Arg(op_db.values(rng, (2, 3), d, "pos"))
    others = [op_db.Arg(np.array(s), scalar=True) for s in (2, 3.5, True)]
    others += [op_db.Arg(op_db.values(rng, (3,), d2, "pos"), dtype=d2) for d2 in ("int64", "float32", "bool")]
    for b in others:
        for x, y in ((a, b), (b, a)):
            ct, th, _ = run_both(torch, lambda lib: f(make(lib, x, d), make(lib, y, d)))
            if th is not None:
                assert_same(ct, th, "%s %s %s" % (d, sym, b), exact=sym != "**")
        if sym in ("==", "!=", "<", "<=", ">", ">="):
            continue
        # augmented assignment: same object, version bump
        g = _iop(sym)
        ct_a = make(ctorch, a, d)

        def h(lib):
            x = ct_a if lib is ctorch else make(lib, a, d)
            return g(x, make(lib, b, d))
        ct, th, _ = run_both(torch, h)
        if th is not None:
            assert ct is ct_a and ct._version > 0
            assert_same(ct, th, "%s %s= %s" % (d, sym, b), exact=sym != "**")


def test_operators_not_implemented():
    t = make(ctorch, op_db.Arg(np.arange(3.0)), "float32")
    assert (t == None) is False  # noqa: E711
    assert (t != None) is True  # noqa: E711
    assert t.__eq__(None) is NotImplemented
    assert t.__add__("a") is NotImplemented
    assert t.__radd__(None) is NotImplemented
    assert t.__iadd__("a") is NotImplemented
    for bad in (None, "a", [1, 2]):
        with pytest.raises(TypeError):
            t + bad
        with pytest.raises(TypeError):
            t < bad
    assert isinstance(hash(t), int)
    assert len({t, t}) == 1


def test_unary_operators(torch):
    for d in ALL_DTYPES:
        a = op_db.Arg(op_db.values(np.random.default_rng(5), (2, 3), d))
        for f in (lambda x: -x, lambda x: +x, lambda x: abs(x), lambda x: ~x):
            ct, th, _ = run_both(torch, lambda lib: f(make(lib, a, d)))
            if th is not None:
                assert_same(ct, th, d)
    x = make(ctorch, op_db.Arg(np.arange(3.0)), "float32")
    assert (+x) is x


def test_rtruediv_matches_reciprocal_mul(torch):
    # PyTorch computes `s / t` as t.reciprocal() * s, which can differ from s / t in the last bit.
    a = op_db.Arg(np.random.default_rng(6).uniform(0.1, 10, size=1000))
    for d in ("float32", "float64", "int64", "float16"):
        ct, th, _ = run_both(torch, lambda lib: 3.7 / make(lib, a, d))
        assert_same(ct, th, d, exact=True)


# ---------------------------------------------------------------- bad inputs
def _T(lib, data, dtype="float32"):
    return make(lib, op_db.Arg(np.array(data)), dtype)


ERROR_CASES = {
    "broadcast": lambda lib: lib.add(_T(lib, np.ones((2, 3))), _T(lib, np.ones(4))),
    "inplace broadcast": lambda lib: _T(lib, 1.0).add_(_T(lib, [1.0, 2.0])),
    "inplace cast": lambda lib: _T(lib, [1, 2], "int64").add_(1.5),
    "inplace float result": lambda lib: _T(lib, [1, 2], "int64").exp_(),
    "out cast": lambda lib: lib.add(_T(lib, [1.5]), 1, out=_T(lib, [0], "int64")),
    "bool sub": lambda lib: _T(lib, [True], "bool") - _T(lib, [True], "bool"),
    "bool sub scalar": lambda lib: _T(lib, [True], "bool") - 1,
    "bool rsub": lambda lib: 1 - _T(lib, [True], "bool"),
    "bool neg": lambda lib: -_T(lib, [True], "bool"),
    "bool pos": lambda lib: +_T(lib, [True], "bool"),
    "bool relu": lambda lib: lib.relu(_T(lib, [True], "bool")),
    "float invert": lambda lib: ~_T(lib, [1.0]),
    "float bitwise": lambda lib: lib.bitwise_and(_T(lib, [1.0]), _T(lib, [1.0])),
    "int div zero": lambda lib: _T(lib, [1, 2], "int64") // 0,
    "int mod zero": lambda lib: _T(lib, [1, 2], "int32") % _T(lib, [1, 0], "int32"),
    "int fmod zero": lambda lib: lib.fmod(_T(lib, [1], "uint8"), 0),
    "int trunc zero": lambda lib: lib.div(_T(lib, [1], "int16"), 0, rounding_mode="trunc"),
    "int neg pow": lambda lib: _T(lib, [2], "int64") ** -1,
    "int neg pow method": lambda lib: _T(lib, [2], "int8").pow(-2),
    "bad rounding": lambda lib: lib.div(_T(lib, [1.0]), 2, rounding_mode="bad"),
    "int alpha": lambda lib: lib.add(_T(lib, [1], "int64"), _T(lib, [1], "int64"), alpha=1.5),
    "bool alpha": lambda lib: lib.add(_T(lib, [1.0]), _T(lib, [1.0]), alpha=True),
    "clamp none": lambda lib: lib.clamp(_T(lib, [1.0])),
    "clamp none method": lambda lib: _T(lib, [1.0]).clamp(min=None, max=None),
    "clamp inplace cast": lambda lib: _T(lib, [1, 5], "int64").clamp_(0.5),
    "clamp bool": lambda lib: lib.clamp(_T(lib, [True], "bool"), False, True),
    "where cond": lambda lib: lib.where(_T(lib, [1.0]), _T(lib, [1.0]), _T(lib, [2.0])),
    "where shape": lambda lib: lib.where(_T(lib, [True, False], "bool"), _T(lib, [1.0]), _T(lib, [2.0, 3, 4])),
    "lerp int": lambda lib: lib.lerp(_T(lib, [1], "int64"), _T(lib, [2], "int64"), 0.5),
    "lerp end dtype": lambda lib: lib.lerp(_T(lib, [1.0]), _T(lib, [2.0], "float64"), 0.5),
    "lerp weight dtype": lambda lib: lib.lerp(_T(lib, [1.0]), _T(lib, [2.0]), _T(lib, [0.5], "float64")),
    "lerp_ shape": lambda lib: _T(lib, 1.0).lerp_(_T(lib, [2.0, 3.0]), 0.5),
    "addcdiv int": lambda lib: lib.addcdiv(_T(lib, [1.0]), _T(lib, [2], "int64"), _T(lib, [3], "int64")),
    "addcmul bool": lambda lib: lib.addcmul(_T(lib, [True], "bool"), _T(lib, [True], "bool"), _T(lib, [True], "bool")),
    "addcmul_ cast": lambda lib: _T(lib, [1], "int8").addcmul_(_T(lib, [2.0]), _T(lib, [3], "int64")),
    "round decimals int": lambda lib: lib.round(_T(lib, [15], "int64"), decimals=-1),
    "frac int": lambda lib: lib.frac(_T(lib, [1], "int64")),
    "abs bool": lambda lib: lib.abs(_T(lib, [True], "bool")),
    "shift bool": lambda lib: _T(lib, [True], "bool") << _T(lib, [True], "bool"),
    "exp of int": lambda lib: lib.exp(1),
    "add str": lambda lib: _T(lib, [1.0]) + "a",
    "lt none": lambda lib: _T(lib, [1.0]) < None,
    "remainder bool": lambda lib: lib.remainder(_T(lib, [True], "bool"), _T(lib, [True], "bool")),
    "pow bool": lambda lib: lib.pow(_T(lib, [True], "bool"), _T(lib, [True], "bool")),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors(torch, case):
    _, th, cls = run_both(torch, ERROR_CASES[case])
    assert cls is not None, "torch accepted %s" % case


def test_error_messages():
    cases = {
        "Subtraction, the `-` operator, with two bool tensors is not supported": ERROR_CASES["bool sub"],
        "Negation, the `-` operator, on a bool tensor is not supported": ERROR_CASES["bool neg"],
        "ZeroDivisionError": ERROR_CASES["int div zero"],
        "Integers to negative integer powers are not allowed.": ERROR_CASES["int neg pow"],
        "torch.clamp: At least one of 'min' or 'max' must not be None": ERROR_CASES["clamp none"],
        "where expected condition to be a boolean tensor, but got a tensor with dtype Float": ERROR_CASES["where cond"],
        "For integral input tensors, argument alpha must not be a floating point number.": ERROR_CASES["int alpha"],
        "result type Float can't be cast to the desired output type Long": ERROR_CASES["inplace cast"],
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1":
            ERROR_CASES["broadcast"],
    }
    for msg, f in cases.items():
        with pytest.raises(Exception) as ei:
            f(ctorch)
        assert msg in str(ei.value), (msg, str(ei.value))


# ---------------------------------------------------------------- misc semantics
def test_inplace_returns_same_object_and_views_share_version():
    x = make(ctorch, op_db.Arg(np.arange(6.0).reshape(2, 3)), "float32")
    v = x.transpose(0, 1)
    assert x.add_(1) is x
    assert x.mul_(2) is x
    assert v._version == x._version
    assert x.clamp_(min=0.5) is x
    before = x._version
    x.select(0, 0).exp_()  # writing through a view bumps the shared counter
    assert x._version > before
    out = make(ctorch, op_db.Arg(np.zeros(3)), "float32")
    assert _C.add(x.select(0, 1), 1, out=out) is out


def test_method_aliases():
    x = make(ctorch, op_db.Arg(np.array([-1.5, 0.5, 2.0])), "float32")
    for name in ("negative", "absolute", "multiply", "divide", "true_divide", "subtract", "clip", "clamp_min",
                 "clamp_max", "greater", "less", "greater_equal", "less_equal", "not_equal", "arctan2", "arcsin",
                 "arccos", "arctan", "fix", "square", "sigmoid", "relu", "float_power", "positive"):
        assert hasattr(_C, name), name
    for name in ("negative", "absolute", "multiply", "divide", "true_divide", "subtract", "clip", "clamp_min",
                 "clamp_max", "greater", "less", "greater_equal", "less_equal", "not_equal", "arctan2", "arcsin",
                 "arccos", "arctan", "fix", "square", "sigmoid", "relu", "clip_", "fix_", "negative_"):
        assert hasattr(x, name), name
    assert np.allclose(to_np(x.fix()), [-1.0, 0.0, 2.0])
    assert np.allclose(to_np(_C.clip(x, -1, 1)), [-1.0, 0.5, 1.0])


def test_int_min_and_overflow(torch):
    for d, lo in (("int64", -2 ** 63), ("int32", -2 ** 31), ("int8", -128)):
        for f in (lambda lib, t: lib.abs(t), lambda lib, t: -t, lambda lib, t: t // -1, lambda lib, t: t % -1,
                  lambda lib, t: lib.fmod(t, -1), lambda lib, t: t * -1, lambda lib, t: t.sign()):
            ct, th, _ = run_both(torch, lambda lib: f(lib, _T(lib, [lo, -1, 0, 1], d)))
            if th is not None:
                assert_same(ct, th, d)
    ct, th, _ = run_both(torch, lambda lib: _T(lib, [250, 3], "uint8") + 300)
    assert_same(ct, th, "uint8 wrap")


def test_float_division_by_zero(torch):
    for mode in (None, "trunc", "floor"):
        ct, th, _ = run_both(torch, lambda lib: lib.div(_T(lib, [5.0, -5.0, 0.0, -0.0]), 0, rounding_mode=mode))
        assert_same(ct, th, str(mode))
    for name in ("fmod", "remainder"):
        ct, th, _ = run_both(torch, lambda lib: getattr(lib, name)(_T(lib, [5.0, -5.0, 0.0]), 0.0))
        assert_same(ct, th, name)
