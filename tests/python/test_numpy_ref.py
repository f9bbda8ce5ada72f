"""ctorch against NumPy references, with no torch import: values from NumPy, result dtypes from the
promotion rules of pytorch-facts.md 4.3 (encoded in numpy_db.py), exception classes from 4.4.

Covers pointwise, reductions, linalg, views, creation, joining/indexing, promotion, in-place /
out= variants, bad inputs and a few analytic autograd gradients. Samples: broadcast, transposed,
step-sliced, 0-dim, empty and large inputs over every dtype (bfloat16 compared through float32).
"""

import re
import zlib

import numpy as np
import pytest

import numpy_db as db
from numpy_db import DTYPES, FLOATS, INTS, L, assert_close, dname, dt, make, result_type, to_np

SAMPLE_VIEWS = ("contig", "T", "step", "0-dim", "empty")


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def raises_same(cls, fn):
    """fn() raises exactly `cls` (NotImplementedError is a RuntimeError: check the precise class)."""
    with pytest.raises(Exception) as ei:
        fn()
    assert type(ei.value) is cls, "raised %s(%s), expected %s" % (type(ei.value).__name__, ei.value, cls.__name__)


# ---------------------------------------------------------------- unary pointwise
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("row", db.UNARY, ids=[r[0] for r in db.UNARY])
def test_unary(row, dtype):
    name, ref, domain, rule, errors = row
    fn = getattr(L, name)
    rng = rng_for(name, dtype)
    if dtype in errors:
        x, _ = make(rng, dtype, "contig", domain)
        raises_same(errors[dtype], lambda: fn(x))
        return
    R = db.unary_result(rule, dtype)
    exact = rule != db.FLOAT
    samples = [make(rng, dtype, v, domain) for v in SAMPLE_VIEWS] + [make(rng, dtype, (2, 3, 6000), domain)]
    if dtype in FLOATS:
        samples.append(make(rng, dtype, (12,), base=db.FLOAT_SPECIALS.copy()))
    for x, a in samples:
        with np.errstate(all="ignore"):
            expected = ref(a.astype(np.float64) if rule == db.FLOAT else a)
        assert_close(fn(x), expected, R, exact=exact)
        assert_close(getattr(x, name)(), expected, R, exact=exact)


@pytest.mark.parametrize("dtype", ("uint8", "int32", "float16", "bfloat16", "float32", "float64"))
@pytest.mark.parametrize("row", [r for r in db.UNARY if r[3] != db.BOOL], ids=lambda r: r[0])
def test_unary_inplace_out(row, dtype):
    name, ref, domain, rule, errors = row
    if dtype in errors:
        return
    R = db.unary_result(rule, dtype)
    x, a = make(rng_for(name, dtype, "ip"), dtype, "T", domain)
    expected = getattr(L, name)(x)
    v0 = x._version
    if R != dtype:  # exp_ on an integer tensor: the float result can't be stored
        raises_same(RuntimeError, lambda: getattr(x, name + "_")())
    else:
        r = getattr(x, name + "_")()
        assert r is x and x._version > v0
        assert_close(x, to_np(expected), dtype, exact=True)
    if name == "relu":
        return  # torch.relu has no out= overload
    out = L.empty((4, 3), dtype=dt(R)).t()
    y, _ = make(rng_for(name, dtype, "ip"), dtype, "T", domain)
    r = getattr(L, name)(y, out=out)
    assert r is out
    assert_close(out, to_np(expected), R, exact=True)
    empty = L.empty(0, dtype=dt(R))
    getattr(L, name)(y, out=empty)
    assert tuple(empty.shape) == (3, 4)


# ---------------------------------------------------------------- binary pointwise
def _binary_samples(rng, dtype, domain, nonzero):
    lhs = lambda v: make(rng, dtype, v)  # noqa: E731
    rhs = lambda v: make(rng, dtype, v, domain, nonzero)  # noqa: E731
    yield lhs("contig"), rhs("contig")
    yield lhs((3, 1, 4)), rhs((5, 4))
    yield lhs("T"), rhs("contig")
    yield lhs("contig"), rhs("T")
    yield lhs("step"), rhs("step")
    yield lhs("0-dim"), rhs("contig")
    yield lhs("contig"), rhs("0-dim")
    yield lhs("0-dim"), rhs("0-dim")
    yield lhs((0, 4)), rhs((4,))
    yield lhs((2, 3, 6000)), rhs((6000,))
    if dtype in FLOATS:
        x, y = np.meshgrid(db.FLOAT_SPECIALS, db.FLOAT_SPECIALS)
        yield make(rng, dtype, x.shape, base=x.copy()), make(rng, dtype, y.shape, base=y.copy())


def _kind(t):
    return ("t", dname(t.dtype)) if t.dim() > 0 else ("z", dname(t.dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("row", db.BINARY, ids=[r[0] for r in db.BINARY])
def test_binary(row, dtype):
    name, call, _, rule, dtypes, domain, nonzero, _, err = row
    rng = rng_for(name, dtype)
    if dtype not in dtypes:
        x, _ = make(rng, dtype, "contig")
        raises_same(err, lambda: call(L, x, x))
        return
    # integer division by zero raises (checked in test_bad_inputs); float division by zero is defined
    for (x, a), (y, b) in _binary_samples(rng, dtype, domain, nonzero and dtype not in FLOATS):
        P = result_type(_kind(x), _kind(y))
        R = db.binary_result(rule, P)
        with np.errstate(all="ignore"):
            expected = db.binary_ref(row, a, b, R if rule != db.BOOL else P)
        assert_close(call(L, x, y), expected, R, exact=rule != db.TRUE_DIV and name != "pow")
    # mixed dtypes: the operands are computed in the promoted dtype
    for p, v in (("int16", (4,)), ("float64", "0-dim"), ("int64", "0-dim"), ("bool", (3, 1))):
        x, a = make(rng, dtype, "T")
        y, b = make(rng, p, v, domain, nonzero and p not in FLOATS)
        P = result_type(_kind(x), _kind(y))
        if name == "sub" and "bool" in (dtype, p):
            raises_same(RuntimeError, lambda: call(L, x, y))  # no subtraction with a bool operand
            continue
        if P not in dtypes or (nonzero and P not in FLOATS and p == "bool"):
            continue
        R = db.binary_result(rule, P)
        with np.errstate(all="ignore"):
            expected = db.binary_ref(row, a, b, R if rule != db.BOOL else P)
        # not exact: PyTorch keeps a 0-dim operand in float32 ("opmath") next to half/bfloat16
        assert_close(call(L, x, y), expected, R)
    # a Python scalar operand promotes like a scalar of its category
    x, a = make(rng, dtype, "contig")
    if name not in db.SCALAR_OK:
        raises_same(TypeError, lambda: call(L, x, 2))
        return
    s = {"bool": True}.get(dtype, 2 if dtype in INTS else 1.5)
    if name == "pow" and dtype in FLOATS:
        s = 2.5
    P = result_type(("t", dtype), s)
    R = db.binary_result(rule, P)
    with np.errstate(all="ignore"):
        expected = db.binary_ref(row, a, np.array(s, dtype=db.NP[P]), R if rule != db.BOOL else P)
    assert_close(call(L, x, s), expected, R, exact=rule != db.TRUE_DIV and name != "pow")


OUT_CALL = {"div_trunc": ("div", {"rounding_mode": "trunc"}), "div_floor": ("div", {"rounding_mode": "floor"}),
            "add_alpha": ("add", {"alpha": 2})}


@pytest.mark.parametrize("row", db.BINARY, ids=[r[0] for r in db.BINARY])
def test_binary_inplace_out(row):
    name, call, _, rule, dtypes, domain, nonzero, inplace, _ = row
    for dtype in [d for d in ("bool", "uint8", "int32", "int64", "float16", "bfloat16", "float32") if d in dtypes]:
        rng = rng_for(name, dtype, "ip")
        R = db.binary_result(rule, dtype)
        x, _ = make(rng, dtype, "T")
        y, _ = make(rng, dtype, (4,), domain, nonzero and dtype not in FLOATS)
        expected = to_np(call(L, x, y))
        fname, kw = OUT_CALL.get(name, (name, {}))
        out = L.empty((4, 3), dtype=dt(R)).t()
        r = getattr(L, fname)(x, y, out=out, **kw)
        assert r is out
        assert_close(out, expected, R, exact=True)
        if inplace is None:
            continue
        v0 = x._version
        if R != dtype:
            raises_same(RuntimeError, lambda: getattr(x, inplace)(y))
            continue
        r = getattr(x, inplace)(y)
        assert r is x and x._version > v0
        assert_close(x, expected, R, exact=True)


@pytest.mark.parametrize("dtype", ("bool", "uint8", "int32", "float16", "float32", "float64"))
@pytest.mark.parametrize("sym", list(db.OPERATORS))
def test_operators(sym, dtype):
    fwd, refl = db.OPERATORS[sym]
    rng = rng_for(sym, dtype)
    is_float = dtype in FLOATS
    if sym in ("&", "|", "^", "<<", ">>") and (is_float or (dtype == "bool" and sym in ("<<", ">>"))):
        return
    if dtype == "bool" and sym in ("-", "//", "%", "**"):
        return
    domain = "shift" if sym in ("<<", ">>") else "exp" if sym == "**" else "any"
    x, a = make(rng, dtype, "step", "pos" if sym == "**" else "any")
    y, b = make(rng, dtype, (4,), domain, nonzero=sym in ("/", "//", "%"))
    scal = {"bool": True}.get(dtype, 2 if not is_float else 1.75)
    cases = [(x, a, y, b, fwd), (x, a, scal, scal, fwd)]
    if refl is not None:
        cases.append((x, a, scal, scal, refl))
    for xt, xa, yt, yb, f in cases:
        P = result_type(_kind(xt), _kind(yt) if isinstance(yt, L.Tensor) else yt)
        R = "bool" if sym in ("==", "!=", "<", "<=", ">", ">=") else db.to_float(P) if sym == "/" else P
        comp = np.float64 if (P in FLOATS or sym == "/") else db.NP[P]
        with np.errstate(all="ignore"):
            expected = f(np.asarray(xa).astype(comp), np.asarray(yb).astype(comp))
        if f is refl and sym in ("**", "/", "//", "%") and dtype in INTS:
            continue  # scalar ** / scalar // int tensor: domain issues (zeros, negatives) out of scope
        assert_close(f(xt, yt), expected, R, exact=sym not in ("/", "**"))


# ---------------------------------------------------------------- ternary
@pytest.mark.parametrize("dtype", DTYPES)
def test_clamp(dtype):
    rng = rng_for("clamp", dtype)
    lo, hi = (0, 1) if dtype == "bool" else (-2, 3) if dtype in INTS else (-2.5, 3.25)
    if dtype == "uint8":
        lo = 1
    for v in SAMPLE_VIEWS:
        x, a = make(rng, dtype, v)
        R = result_type(_kind(x), lo, hi)
        lo_r, hi_r = db.round_to(lo, R), db.round_to(hi, R)
        assert_close(L.clamp(x, lo, hi), np.clip(a.astype(db.NP[R]), lo_r, hi_r), R, exact=True)
        assert_close(x.clamp(min=lo), np.maximum(a.astype(db.NP[R]), lo_r), R, exact=True)
        assert_close(x.clamp(max=hi), np.minimum(a.astype(db.NP[R]), hi_r), R, exact=True)
    if dtype == "bool":  # bool limits: no bool clamp kernel in PyTorch
        raises_same(NotImplementedError, lambda: L.clamp(x, False, True))
        return
    x, a = make(rng, dtype, (3, 1, 4))
    mn, am = make(rng, dtype, (5, 4))
    mx, ax = make(rng, dtype, (4,))
    assert_close(L.clamp(x, mn, mx), np.minimum(np.maximum(a, am), ax), dtype, exact=True)
    r = x.clamp_(lo, hi)
    assert r is x
    assert_close(x, np.clip(a, lo, hi), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_where(dtype):
    rng = rng_for("where", dtype)
    for shapes in (((3, 4), (3, 4), (3, 4)), ((3, 1, 4), (5, 4), (4,)), ((), (3, 4), ()), ((0, 4), (4,), (1, 4))):
        c, ca = make(rng, "bool", shapes[0])
        x, a = make(rng, dtype, shapes[1])
        y, b = make(rng, dtype, shapes[2])
        assert_close(L.where(c, x, y), np.where(ca, a, b), dtype, exact=True)
    x, a = make(rng, dtype, "T")
    y, b = make(rng, "float64", "step")
    R = result_type(("t", dtype), ("t", "float64"))
    assert_close(L.where(x > 0, x, y), np.where(a > 0, a, b), R, exact=True)
    assert_close(L.where(x > 0, x, 0), np.where(a > 0, a, 0), result_type(("t", dtype), 0), exact=True)
    got = L.where(x > 0)
    for g, r in zip(got, np.nonzero(a > 0)):
        assert_close(g, r, "int64")


@pytest.mark.parametrize("dtype", DTYPES)
def test_lerp_addcmul_addcdiv(dtype):
    rng = rng_for("lerp", dtype)
    s, e = make(rng, dtype, (3, 1, 4)), make(rng, dtype, (5, 4))
    if dtype in FLOATS:
        assert_close(L.lerp(s[0], e[0], 0.3), s[1] + 0.3 * (e[1] - s[1]), dtype)
        w2, wa = make(rng, dtype, (4,), "unit")
        assert_close(L.lerp(s[0], e[0], w2), s[1] + wa * (e[1] - s[1]), dtype)
    else:
        raises_same(NotImplementedError, lambda: L.lerp(s[0], e[0], 0.5))
    x, a = make(rng, dtype, "T")
    t1, b = make(rng, dtype, (4,))
    t2, c = make(rng, dtype, "step", "any", nonzero=True)
    if dtype == "bool":
        raises_same(NotImplementedError, lambda: L.addcmul(x, t1, t2))
    else:
        comp = np.float64 if dtype in FLOATS else np.int64
        assert_close(L.addcmul(x, t1, t2, value=2), a.astype(comp) + 2 * b * c, dtype, tol=_tol3(dtype))
    if dtype in FLOATS:
        assert_close(L.addcdiv(x, t1, t2, value=0.5), a + 0.5 * b / c, dtype, tol=_tol3(dtype))
        r = x.addcdiv_(t1, t2, value=0.5)
        assert r is x
        assert_close(x, a + 0.5 * b / c, dtype, tol=_tol3(dtype))
    else:
        raises_same(RuntimeError, lambda: L.addcdiv(x, t1, t2))


def _tol3(dtype):
    """Two roundings in low precision (torch computes these ternaries in the tensor dtype)."""
    return {"float16": (2e-3, 2e-3), "bfloat16": (1.6e-2, 2e-2)}.get(dtype)


# ---------------------------------------------------------------- reductions
def _reduce_inputs(rng, dtype, domain):
    x, a = make(rng, dtype, (2, 3, 4), domain)
    yield x, a
    yield x.transpose(0, 2), np.swapaxes(a, 0, 2)
    x, a = make(rng, dtype, (2, 3, 8), domain)
    yield x[:, :, 1::2], a[:, :, 1::2]
    yield make(rng, dtype, (), domain)


def _red_tol(name, dtype):
    if name.startswith(("var", "std", "norm", "logsumexp")) and dtype in ("float16", "bfloat16"):
        return {"float16": (2e-3, 1e-3), "bfloat16": (1.6e-2, 1e-2)}[dtype]
    return None


@pytest.mark.filterwarnings("ignore:.*[Dd]egrees of freedom")
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("row", db.REDUCTIONS, ids=[r[0] for r in db.REDUCTIONS])
def test_reduction(row, dtype):
    name, call, ref, res, errors, dims, domain = row
    rng = rng_for(name, dtype)
    if dtype in errors:
        x, _ = make(rng, dtype, (2, 3), domain)
        raises_same(errors[dtype], lambda: call(L, x, 0, False))
        return
    R = res(dtype)
    for x, a in _reduce_inputs(rng, dtype, domain):
        ra = a.astype(np.float64) if R in FLOATS else a
        for dim in db.REDUCE_DIMS:
            if (dim is None and name == "logsumexp") or (isinstance(dim, tuple) and dims != db.TUPLE):
                continue
            if x.dim() == 0 and dim not in (None, 0, -1):
                continue
            for keep in (False, True) if dim is not None else (False,):
                with np.errstate(all="ignore"):
                    expected = ref(ra, dim, keep)
                got = call(L, x, dim, keep)
                assert_close(got, expected, R, tol=_red_tol(name, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_max_min_dim(dtype):
    rng = rng_for("maxmin", dtype)
    for x, a in _reduce_inputs(rng, dtype, "any"):
        for fn, npv, npi in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
            assert_close(getattr(L, fn)(x), npv(a), dtype, exact=True)
            assert_close(getattr(x, fn)(), npv(a), dtype, exact=True)
            for dim in (0, -1, 1) if x.dim() else (0, -1):
                ax = _ax0(a, dim)
                for keep in (False, True):
                    r = getattr(L, fn)(x, dim, keepdim=keep)
                    v, i = r
                    assert r.values is not None and r.indices is not None
                    assert_close(v, npv(a, axis=ax, keepdims=keep), dtype, exact=True)
                    if dtype != "bool":  # ties everywhere for bool: index choice is unspecified
                        assert_close(i, npi(a, axis=ax, keepdims=keep) if a.ndim else np.array(0), "int64")
                    if a.ndim:  # the indices point at the values (ties included)
                        idx = to_np(i) if keep else np.expand_dims(to_np(i), ax)
                        np.testing.assert_array_equal(np.take_along_axis(a, idx, ax), npv(a, axis=ax, keepdims=True))


def _ax0(a, dim):
    return None if a.ndim == 0 else dim


@pytest.mark.parametrize("dtype", DTYPES)
def test_cumulative(dtype):
    rng = rng_for("cum", dtype)
    R = db.INT_TO_I64(dtype)
    for x, a in _reduce_inputs(rng, dtype, "prod"):
        ra = a.astype(np.float64 if dtype in FLOATS else np.int64)
        for dim in (0, -1, 1) if x.dim() else (0,):
            ax = _ax0(a, dim)
            ref_s = np.cumsum(ra, axis=ax).reshape(a.shape)
            ref_p = np.cumprod(ra, axis=ax).reshape(a.shape)
            tol = {"float16": (4e-3, 1e-3), "bfloat16": (3e-2, 1e-2)}.get(dtype)
            assert_close(L.cumsum(x, dim), ref_s, R, tol=tol)
            assert_close(x.cumprod(dim), ref_p, R, tol=tol)
            assert_close(L.cumsum(x, dim, dtype=L.float64), ref_s, "float64")
    if dtype == "bool":
        return  # torch: cumsum_ on bool raises NotImplementedError (see test_known_bugs)
    x, a = make(rng, dtype, (2, 3))
    v0 = x._version
    assert x.cumsum_(1) is x and x._version > v0  # in-place keeps the dtype (wraps for narrow ints)
    assert_close(x, np.cumsum(a.astype(np.float64 if dtype in FLOATS else np.int64), 1), dtype)


@pytest.mark.filterwarnings("ignore:.*[Dd]egrees of freedom")
@pytest.mark.parametrize("dtype", ("bool", "int8", "int32", "float16", "float32", "float64"))
def test_reduction_dtype_arg_and_empty(dtype):
    rng = rng_for("dt", dtype)
    x, a = make(rng, dtype, (3, 4))
    assert_close(L.sum(x, dtype=L.float64), np.sum(a, dtype=np.float64), "float64")
    assert_close(L.sum(x, 1, dtype=L.float32), np.sum(a, 1, dtype=np.float64), "float32")
    e, ea = make(rng, dtype, (0, 3))
    assert_close(L.sum(e), np.zeros((), db.NP[db.INT_TO_I64(dtype)]), db.INT_TO_I64(dtype))
    assert_close(L.prod(e, 0), np.ones(3), db.INT_TO_I64(dtype))
    assert_close(L.sum(e, 1, keepdim=True), np.zeros((0, 1)), db.INT_TO_I64(dtype))
    assert_close(L.amax(e, 1), np.zeros(0), dtype)
    assert_close(L.all(e), np.array(True), db.ANY_ALL(dtype))
    assert_close(L.any(e, 0), np.zeros(3, bool), db.ANY_ALL(dtype))
    if dtype in FLOATS:
        assert_close(L.mean(e), np.array(np.nan), dtype)
        assert_close(L.var(e, 0), np.full(3, np.nan), dtype)
    with pytest.raises(IndexError, match=re.escape("amax(): Expected reduction dim 0 to have non-zero size.")):
        L.amax(e, 0)
    with pytest.raises(IndexError):
        L.max(e, 0)
    with pytest.raises(RuntimeError):
        L.max(e)


# ---------------------------------------------------------------- type promotion (facts 4.3)
def test_promotion_table_is_consistent():
    for (a, b), r in db.PROMO.items():
        assert db.PROMO[(b, a)] == r
        assert db.category(r) == max(db.category(a), db.category(b))
    for a in DTYPES:  # the scalar columns follow the written rule
        for s, col in ((3, "int"), (2.5, "float"), (True, "bool")):
            assert result_type(("t", a), s) == db.PROMO_SCALAR[(a, col)], (a, col)


@pytest.mark.parametrize("a", DTYPES)
def test_promotion(a):
    rng = rng_for("promo", a)
    add = db.BINARY_BY_NAME["add"]
    x, xa = make(rng, a, (3,))
    x0, x0a = make(rng, a, ())
    for b in DTYPES:
        y, ya = make(rng, b, (3,))
        y0, y0a = make(rng, b, ())
        for (p, pa), (q, qa) in (((x, xa), (y, ya)), ((x, xa), (y0, y0a)), ((y0, y0a), (x, xa)),
                                 ((x0, x0a), (y0, y0a))):
            R = result_type(_kind(p), _kind(q))
            assert dname(L.result_type(p, q)) == R, (dname(p.dtype), p.dim(), dname(q.dtype), q.dim())
            assert_close(p + q, db.binary_ref(add, pa, qa, R), R)
        assert result_type(("t", a), ("t", b)) == db.PROMO[(a, b)]
        # in-place / out= must be able to hold the result: no float -> int, no int -> bool
        z = x.clone()
        if db.category(db.PROMO[(a, b)]) > db.category(a):
            raises_same(RuntimeError, lambda: z.add_(y))
            raises_same(RuntimeError, lambda: L.add(x, y, out=L.empty(3, dtype=dt(a))))
        else:
            assert_close(z.add_(y), db.binary_ref(add, xa, ya, db.PROMO[(a, b)]), a)  # computed in the promoted dtype
    for s in (3, -2, 2.5, True, False):
        for p, pa in ((x, xa), (x0, x0a)):
            R = result_type(_kind(p), s)
            assert dname(L.result_type(p, s)) == R
            assert_close(p + s, db.binary_ref(add, pa, np.array(s), R), R)
            assert_close(s * p, db.binary_ref(db.BINARY_BY_NAME["mul"], np.array(s), pa, R), R)


def test_promotion_doc_examples():
    i32, f16 = L.ones(2, dtype=L.int32), L.ones(2, dtype=L.float16)
    assert (i32 + L.tensor(5)).dtype == L.int32
    assert (i32 + L.tensor(5., dtype=L.float64)).dtype == L.float64
    assert (f16 + L.tensor(5., dtype=L.float64)).dtype == L.float16
    assert (L.ones(2, dtype=L.uint8) + L.tensor(5, dtype=L.int8)).dtype == L.uint8
    assert (L.tensor(1., dtype=L.float64) + L.tensor(1., dtype=L.float16)).dtype == L.float64
    assert (L.ones(2, dtype=L.float16) + L.ones(2, dtype=L.bfloat16)).dtype == L.float32
    assert_close(L.tensor([1, 200], dtype=L.uint8) + 300, np.array([45, 244]), "uint8")
    assert (L.ones(2) < 2).dtype == L.bool
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        L.ones(2, dtype=L.int64).add_(1.5)
    f = L.ones(2)
    assert f.add_(L.ones(2, dtype=L.float64)) is f and f.dtype == L.float32


# ---------------------------------------------------------------- linalg
MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3,)),
                 ((3,), (2, 3, 4)), ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 4)),
                 ((2, 2, 3), (2, 3, 4)), ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((2, 0, 3), (3,))]
MM_TOL = {"float16": (1e-3, 1e-2), "bfloat16": (1.6e-2, 5e-2)}


def _mm_ref(dtype, f, *ops):
    """Integer products accumulate in int64 and wrap to the dtype like PyTorch's loops."""
    with np.errstate(all="ignore"):
        return f(*[o.astype(np.float64 if dtype in FLOATS else np.int64) for o in ops])


@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul_family(dtype):
    rng = rng_for("mm", dtype)
    tol = MM_TOL.get(dtype)
    x, a = make(rng, dtype, (4, 3))
    y, b = make(rng, dtype, (4, 5))
    v, va = make(rng, dtype, (8,))
    if dtype == "bool":
        for f in (lambda: L.mm(x.t(), y), lambda: L.matmul(x.t(), y), lambda: L.dot(v, v), lambda: L.mv(x, v[:3]),
                  lambda: L.bmm(x[None], y[None, :3]), lambda: L.addmm(y[:3], x.t(), y)):
            raises_same(NotImplementedError, f)
        assert_close(L.outer(v, v), np.outer(va, va), "bool")
        return
    for sa, sb in MATMUL_SHAPES:
        p, pa = make(rng, dtype, sa)
        q, qa = make(rng, dtype, sb)
        ref = _mm_ref(dtype, np.matmul, pa, qa)
        assert_close(L.matmul(p, q), ref, dtype, tol=tol)
        assert_close(p @ q, ref, dtype, tol=tol)
    # non-contiguous operands: transposed and step-sliced
    xt, at = x.t(), a.T
    assert_close(L.mm(xt, y), _mm_ref(dtype, np.matmul, at, b), dtype, tol=tol)
    assert_close(L.mm(y.t(), x[:, ::2]), _mm_ref(dtype, np.matmul, b.T, a[:, ::2]), dtype, tol=tol)
    assert_close(L.mv(xt, v[::2]), _mm_ref(dtype, np.matmul, at, va[::2]), dtype, tol=tol)
    assert_close(L.dot(v[::2], v[1::2]), _mm_ref(dtype, np.dot, va[::2], va[1::2]), dtype, tol=tol)
    assert_close(L.outer(v[:3], v[::2]), _mm_ref(dtype, np.outer, va[:3], va[::2]), dtype, tol=tol)
    bx, bxa = make(rng, dtype, (2, 3, 4))
    by, bya = make(rng, dtype, (2, 5, 4))
    assert_close(L.bmm(bx, by.transpose(1, 2)), _mm_ref(dtype, np.matmul, bxa, np.swapaxes(bya, 1, 2)), dtype,
                 tol=tol)
    beta, alpha = (0.5, 2.0) if dtype in FLOATS else (2, 3)
    c, ca = make(rng, dtype, (3,))
    ref = _mm_ref(dtype, lambda c_, m1, m2: beta * c_ + alpha * (m1 @ m2), ca, b.T, a)
    assert_close(L.addmm(c, y.t(), x, beta=beta, alpha=alpha), ref, dtype, tol=MM_TOL.get(dtype, (1e-5, 1e-5)))
    out = L.empty((3, 5), dtype=dt(dtype))
    assert L.mm(xt, y, out=out) is out
    assert_close(out, _mm_ref(dtype, np.matmul, at, b), dtype, tol=tol)
    out = L.empty(0, dtype=dt(dtype))
    assert L.matmul(bx, by.transpose(1, 2), out=out) is out and tuple(out.shape) == (2, 3, 5)
    # 0-dim and empty reductions inside matmul
    e1, e2 = L.ones(0, dtype=dt(dtype)), L.ones(0, dtype=dt(dtype))
    assert_close(L.dot(e1, e2), np.zeros(()), dtype)
    assert_close(L.mm(L.ones(2, 0, dtype=dt(dtype)), L.ones(0, 3, dtype=dt(dtype))), np.zeros((2, 3)), dtype)


# ---------------------------------------------------------------- bad inputs (facts 4.4)
@pytest.mark.parametrize("row", db.BAD_INPUTS, ids=[r[0] for r in db.BAD_INPUTS])
def test_bad_input(row):
    name, fn, cls, msg = row
    with pytest.raises(Exception) as ei:
        fn(L)
    assert type(ei.value) is cls, "raised %s(%s), expected %s" % (type(ei.value).__name__, ei.value, cls.__name__)
    if msg is not None:
        first = str(ei.value).split("\n")[0]
        assert first.startswith(msg), "message %r, expected %r" % (first, msg)


# ---------------------------------------------------------------- autograd against analytic gradients
def _leaf(rng, dtype, shape, domain="any"):
    x, a = make(rng, dtype, shape, domain)
    return x.requires_grad_(True), a


# name, f(L, x) -> tensor, d sum(f)/dx as a NumPy function of x, domain
GRADS = [
    ("exp", lambda L, x: L.exp(x), np.exp, "any"),
    ("sin", lambda L, x: L.sin(x), np.cos, "any"),
    ("tanh", lambda L, x: L.tanh(x), lambda a: 1 - np.tanh(a) ** 2, "any"),
    ("sigmoid", lambda L, x: L.sigmoid(x), lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2, "any"),
    ("log", lambda L, x: L.log(x), lambda a: 1 / a, "pos"),
    ("sqrt", lambda L, x: x.sqrt(), lambda a: 0.5 / np.sqrt(a), "pos"),
    ("pow3", lambda L, x: x ** 3, lambda a: 3 * a ** 2, "any"),
    ("recip", lambda L, x: 1 / x, lambda a: -1 / a ** 2, "pos"),
    ("abs", lambda L, x: x.abs(), np.sign, "any"),
    ("relu", lambda L, x: L.relu(x), lambda a: (a > 0).astype(float), "any"),
    ("clamp", lambda L, x: x.clamp(-1, 2), lambda a: ((a > -1) & (a < 2)).astype(float), "any"),
    ("mean", lambda L, x: x.mean(), lambda a: np.full(a.shape, 1 / a.size), "any"),
    ("var", lambda L, x: x.var(1), lambda a: 2 * (a - a.mean(1, keepdims=True)) / (a.shape[1] - 1), "any"),
    ("logsumexp", lambda L, x: L.logsumexp(x, 1), lambda a: np.exp(a) / np.exp(a).sum(1, keepdims=True), "any"),
    ("cumsum", lambda L, x: x.cumsum(1), lambda a: np.cumsum(np.ones_like(a)[:, ::-1], 1)[:, ::-1], "any"),
    ("norm", lambda L, x: x.norm(), lambda a: a / np.sqrt((a * a).sum()), "any"),
    ("view_chain", lambda L, x: x.t()[::2].reshape(-1) * 2, lambda a: np.where(np.arange(4)[None, :] % 2 == 0, 2.0, 0.0)
     * np.ones_like(a), "any"),
    ("index_dup", lambda L, x: x[[0, 0, 2]], lambda a: np.array([2.0, 0, 1])[:, None] * np.ones_like(a), "any"),
]


@pytest.mark.parametrize("dtype", ("float32", "float64"))
@pytest.mark.parametrize("row", GRADS, ids=[r[0] for r in GRADS])
def test_grad_analytic(row, dtype):
    name, f, grad, domain = row
    x, a = _leaf(rng_for("grad", name, dtype), dtype, (3, 4), domain)
    y = f(L, x).sum()
    y.backward()
    assert x.grad is not None and tuple(x.grad.shape) == (3, 4)
    assert_close(x.grad, grad(a), dtype, tol=(1e-5, 1e-6) if dtype == "float32" else None)


@pytest.mark.parametrize("dtype", ("float32", "float64"))
def test_grad_products_broadcast_matmul(dtype):
    rng = rng_for("grad2", dtype)
    tol = (1e-5, 1e-5) if dtype == "float32" else None
    x, a = _leaf(rng, dtype, (3, 4))
    w, b = _leaf(rng, dtype, (3, 4))
    (x * w).sum().backward()
    assert_close(x.grad, b, dtype)
    assert_close(w.grad, a, dtype)
    (x * w).sum().backward()  # gradients accumulate
    assert_close(x.grad, 2 * b, dtype)
    # broadcast: the gradient is summed back to each operand's shape
    p, pa = _leaf(rng, dtype, (3, 1, 4))
    q, qa = _leaf(rng, dtype, (5, 4))
    g, ga = make(rng, dtype, (3, 5, 4))
    (p * q).backward(g)
    assert_close(p.grad, (ga * qa).sum(1, keepdims=True), dtype, tol=tol)
    assert_close(q.grad, (ga * pa).sum(0), dtype, tol=tol)
    # matmul over every rank combination: dA = G B^T, dB = A^T G (summed over broadcast batches)
    for sa, sb in MATMUL_SHAPES[:10]:
        m1, ma = _leaf(rng, dtype, sa)
        m2, mb = _leaf(rng, dtype, sb)
        out = L.matmul(m1, m2)
        g, ga = make(rng, dtype, tuple(out.shape))
        out.backward(g)
        ma2, mb2 = (ma[None] if ma.ndim == 1 else ma), (mb[:, None] if mb.ndim == 1 else mb)
        ga2 = ga.reshape(np.matmul(ma2, mb2).shape)
        da = np.matmul(ga2, np.swapaxes(mb2, -1, -2))
        db_ = np.matmul(np.swapaxes(ma2, -1, -2), ga2)
        da = _sum_to(da, ma2.shape).reshape(ma.shape)
        db_ = _sum_to(db_, mb2.shape).reshape(mb.shape)
        assert_close(m1.grad, da, dtype, tol=tol)
        assert_close(m2.grad, db_, dtype, tol=tol)
    # autograd.grad, max over a dim (one-hot), where (masked)
    x, a = _leaf(rng, dtype, (3, 4))
    (gx,) = L.autograd.grad(x.max(1).values.sum(), x)
    onehot = np.zeros_like(a)
    onehot[np.arange(3), a.argmax(1)] = 1
    assert_close(gx, onehot, dtype)
    (gx,) = L.autograd.grad(L.where(x > 0, x * 3, x * x).sum(), x)
    assert_close(gx, np.where(a > 0, 3.0, 2 * a), dtype)


def _sum_to(g, shape):
    while g.ndim > len(shape):
        g = g.sum(0)
    return g.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1), keepdims=True)


# ---------------------------------------------------------------- known differences from PyTorch
def _warns_dof():
    with pytest.warns(UserWarning, match=re.escape("var(): degrees of freedom is <= 0")):
        L.var(L.ones(1), 0)


def _module_views():
    x = L.ones(2, 3)
    assert tuple(L.reshape(x, (3, 2)).shape) == (3, 2)
    assert tuple(L.transpose(x, 0, 1).shape) == (3, 2)
    for n in ("permute", "t", "narrow", "select", "squeeze", "unsqueeze", "flatten", "unflatten", "as_strided",
              "diagonal", "movedim", "swapaxes"):
        assert hasattr(L, n), n


def _message(fn, msg):
    def check():
        with pytest.raises(Exception) as ei:
            fn()
        assert str(ei.value).split("\n")[0] == msg
    return check


def _cumsum_bool():
    raises_same(NotImplementedError, lambda: L.ones(3, dtype=L.bool).cumsum_(0))


KNOWN = [
    ("module_level_view_functions", _module_views),
    ("var_dof_warning", _warns_dof),
    ("cumsum_inplace_bool", _cumsum_bool),
    ("msg_expand_rank", _message(lambda: L.ones(2, 3).expand(3), "expand(torch.FloatTensor{[2, 3]}, size=[3]): the "
                                 "number of sizes provided (1) must be greater or equal to the number of dimensions "
                                 "in the tensor (2)")),
    ("msg_select", _message(lambda: L.ones(2, 3).select(1, 5),
                            "select(): index 5 out of range for tensor of size [2, 3] at dimension 1")),
    ("msg_zeros_negative", _message(lambda: L.zeros(-1), "zeros: Dimension size must be non-negative.")),
    ("msg_reshape_empty_infer", _message(lambda: L.ones(0, 3).reshape(-1, 0), "cannot reshape tensor of 0 elements "
                                         "into shape [-1, 0] because the unspecified dimension size -1 can be any "
                                         "value and is ambiguous")),
    ("clamp_tensor_and_number_bounds", lambda: raises_same(TypeError, lambda: L.clamp(L.ones(3), L.zeros(3), 2.))),
    ("msg_unflatten", _message(lambda: L.ones(6).unflatten(0, (4, 2)), "unflatten: Provided sizes [4, 2] don't "
                               "multiply up to the size of dim 0 (6) in the input tensor")),
]


_FIXED = {"module_level_view_functions", "msg_expand_rank", "msg_select", "msg_reshape_empty_infer", "msg_unflatten",
          "cumsum_inplace_bool"}


@pytest.mark.parametrize("check", [pytest.param(f, id=n) for n, f in KNOWN if n in _FIXED])
def test_fixed_differences(check):
    check()


@pytest.mark.parametrize("check", [pytest.param(f, id=n, marks=pytest.mark.xfail(reason="ctorch differs from PyTorch "
                                                                                  "(reported)", strict=True))
                                   for n, f in KNOWN if n not in _FIXED])
def test_known_bugs(check):
    check()
