"""Reductions and scans vs PyTorch: values, dtypes, shapes, dims (int/tuple/negative/empty),
keepdim, dtype=, out=, non-contiguous / 0-dim / empty inputs, NaN rules and error classes."""

import math

import numpy as np
import pytest

import ctorch
from _compare import DTYPES, FLOATS, both, check, gen, make, pair, to_torch
from _torch_ref import require_torch


@pytest.fixture(scope="module")
def torch():
    return require_torch()


LAYOUTS = [
    ("contig", (3, 4, 5), None),
    ("permuted", (5, 4, 3), lambda t: t.permute(2, 0, 1)),
    ("stepped", (3, 8, 5), lambda t: t[:, ::2]),
    ("0-dim", (), None),
    ("empty-lead", (0, 4, 5), None),
    ("empty-last", (3, 4, 0), None),
]
DIMS = [None, 0, -1, (0, 2), (2, 0, 1), (1,), (), [-1, -3]]
DIMS_0D = [None, 0, -1, (), (0,)]


def cases():
    for name, shape, view in LAYOUTS:
        for d in (DIMS_0D if shape == () else DIMS):
            for keepdim in (False, True):
                yield name, shape, view, d, keepdim


def _kw(d, keepdim):
    return {} if d is None and not keepdim else ({"keepdim": keepdim} if d is None else {"dim": d, "keepdim": keepdim})


def run_cases(torch, fn, dtypes, lo=-5.0, hi=5.0, **tol):
    rng = np.random.default_rng(0)
    for dt in dtypes:
        for name, shape, view, d, keepdim in cases():
            arr = gen(rng, shape, dt, lo, hi)
            c, t = pair(torch, arr, dt, view)
            try:
                both(torch, lambda lib, x: fn(lib, x, d, keepdim), [c], [t], **tol)
            except AssertionError as e:
                raise AssertionError("%s %s dim=%s keepdim=%s: %s" % (dt, name, d, keepdim, e)) from e


def _dims_call(op):
    def fn(lib, x, d, keepdim):
        if d is None:
            return getattr(lib, op)(x)
        return getattr(lib, op)(x, d, keepdim=keepdim)
    return fn


@pytest.mark.parametrize("dt", DTYPES)
def test_sum(torch, dt):
    run_cases(torch, _dims_call("sum"), [dt])


@pytest.mark.parametrize("dt", DTYPES)
def test_mean(torch, dt):
    run_cases(torch, _dims_call("mean"), [dt])


@pytest.mark.parametrize("dt", DTYPES)
def test_amax_amin(torch, dt):
    run_cases(torch, _dims_call("amax"), [dt])
    run_cases(torch, _dims_call("amin"), [dt])


@pytest.mark.parametrize("dt", DTYPES)
def test_logsumexp(torch, dt):
    def fn(lib, x, d, keepdim):
        return lib.logsumexp(x, d if d is not None else (0,) if x.dim() else 0, keepdim=keepdim)
    run_cases(torch, fn, [dt])


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_logsumexp_nan_is_sticky(torch, dtype):
    # A NaN followed by larger values (which rescale the running sum) must still give NaN.
    row = [float("nan")] + [0.0] * 15 + [1.0]
    for lib in (torch, ctorch):
        dt = getattr(lib, dtype)
        assert math.isnan(lib.logsumexp(lib.tensor(row, dtype=dt), 0).item())
        cols = lib.tensor([row[:3], [0.0, 2.0, 5.0], [1.0, float("nan"), 0.0], [3.0, 3.0, 3.0], [4.0, 1.0, 9.0]], dtype=dt)
        got = lib.logsumexp(cols, 0)
        assert [math.isnan(v) for v in got.tolist()] == [True, True, False]


@pytest.mark.parametrize("dt", DTYPES)
def test_all_any(torch, dt):
    run_cases(torch, _dims_call("all"), [dt], lo=-1, hi=1)
    run_cases(torch, _dims_call("any"), [dt], lo=-1, hi=1)


@pytest.mark.parametrize("dt", DTYPES)
def test_var_std(torch, dt):
    for op in ("var", "std"):
        run_cases(torch, _dims_call(op), [dt])
        run_cases(torch, lambda lib, x, d, k: getattr(lib, op)(x, d, correction=0, keepdim=k), [dt])


@pytest.mark.parametrize("p", [2, 1, math.inf, -math.inf, 0, 0.5, 3, -1, "fro"])
def test_norm(torch, p):
    def fn(lib, x, d, keepdim):
        if p == "fro" and d is not None and len(d if isinstance(d, (tuple, list)) else [d]) > 2:
            d = d[:2] if isinstance(d, (tuple, list)) else d
        return lib.norm(x, p, d, keepdim)
    run_cases(torch, fn, DTYPES)


@pytest.mark.parametrize("dt", DTYPES)
def test_prod(torch, dt):
    rng = np.random.default_rng(1)
    for name, shape, view in LAYOUTS:
        arr = gen(rng, shape, dt, -2, 2) if dt not in FLOATS else rng.uniform(0.5, 1.5, shape).astype(np.float32)
        c, t = pair(torch, arr, dt, view)
        # PyTorch multiplies float16/bfloat16 in their own precision; ctorch accumulates in float.
        tol = {"rtol": 2e-2, "atol": 1e-3} if dt in ("float16", "bfloat16") else {}
        both(torch, lambda lib, x: lib.prod(x), [c], [t], **tol)
        for d in ([0, -1] if shape else [0]):
            for k in (False, True):
                both(torch, lambda lib, x: lib.prod(x, d, keepdim=k), [c], [t], **tol)
                both(torch, lambda lib, x: x.prod(dim=d, keepdim=k), [c], [t], **tol)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_dim(torch, dt, op):
    rng = np.random.default_rng(2)
    for name, shape, view in LAYOUTS:
        arr = gen(rng, shape, dt, -2, 2)  # small range: many ties
        c, t = pair(torch, arr, dt, view)
        both(torch, lambda lib, x: getattr(lib, op)(x), [c], [t])
        both(torch, lambda lib, x: getattr(x, op)(), [c], [t])
        for d in ([0, -1, 1] if shape else [0, -1]):
            for k in (False, True):
                r = both(torch, lambda lib, x: tuple(getattr(lib, op)(x, d, keepdim=k)), [c], [t])
                both(torch, lambda lib, x: tuple(getattr(x, op)(dim=d, keepdim=k)), [c], [t])
                if r is not None:
                    cr = getattr(c, op)(d, k)
                    assert cr.values is cr[0] and cr.indices is cr[1]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_argmax_argmin(torch, dt, op):
    rng = np.random.default_rng(3)
    for name, shape, view in LAYOUTS:
        c, t = pair(torch, gen(rng, shape, dt, -2, 2), dt, view)
        both(torch, lambda lib, x: getattr(lib, op)(x), [c], [t])
        both(torch, lambda lib, x: getattr(x, op)(keepdim=True), [c], [t])
        for d in ([0, -1, 1] if shape else [0, -1]):
            for k in (False, True):
                both(torch, lambda lib, x: getattr(lib, op)(x, d, keepdim=k), [c], [t])


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_cumsum_cumprod(torch, dt, op):
    rng = np.random.default_rng(4)
    for name, shape, view in LAYOUTS:
        arr = gen(rng, shape, dt, -2, 2) if dt not in FLOATS else rng.uniform(0.5, 1.5, shape).astype(np.float32)
        c, t = pair(torch, arr, dt, view)
        for d in ([0, 1, -1] if shape else [0, -1]):
            both(torch, lambda lib, x: getattr(lib, op)(x, d), [c], [t])
            both(torch, lambda lib, x: getattr(x, op)(dim=d), [c], [t])
            both(torch, lambda lib, x: getattr(lib, op)(x, d, dtype=lib.float64), [c], [t])
        both(torch, lambda lib, x: getattr(lib, op)(x, 5), [c], [t])  # bad dim


def test_nan_rules(torch):
    nan, inf = float("nan"), float("inf")
    rows = [[1.0, nan, 3.0, nan], [2.0, 2.0, 1.0, 1.0], [-inf, -inf, -inf, -inf], [inf, 1.0, inf, -inf],
            [nan, nan, 0.0, 5.0]]
    for dt in FLOATS:
        c, t = pair(torch, np.array(rows, dtype=np.float32), dt)
        for op in ("amax", "amin", "sum", "mean", "logsumexp", "norm"):
            both(torch, lambda lib, x: getattr(lib, op)(x, 1), [c], [t])
        for op in ("max", "min"):
            both(torch, lambda lib, x: tuple(getattr(lib, op)(x, 1)), [c], [t])
            both(torch, lambda lib, x: getattr(lib, op)(x), [c], [t])
        for op in ("argmax", "argmin"):
            both(torch, lambda lib, x: getattr(lib, op)(x, 1), [c], [t])
            both(torch, lambda lib, x: getattr(lib, op)(x), [c], [t])
        both(torch, lambda lib, x: lib.var(x, 1), [c], [t])
        both(torch, lambda lib, x: lib.cumsum(x, 1), [c], [t])


def test_large_paths(torch):
    """Column (vertical), row and split-row parallel paths, and a non-mergeable reduce dim set."""
    rng = np.random.default_rng(5)
    arr = rng.uniform(-1, 1, (96, 3000)).astype(np.float32)
    c, t = pair(torch, arr, "float32")
    for d in (0, 1, None, (0, 1)):
        for op in ("sum", "mean", "amax", "var", "norm", "logsumexp", "argmax", "all"):
            if d is None and op == "logsumexp":
                continue
            fn = (lambda lib, x: getattr(lib, op)(x)) if d is None else (lambda lib, x: getattr(lib, op)(x, d))
            if op == "argmax" and isinstance(d, tuple):
                continue
            both(torch, fn, [c], [t], rtol=1e-5, atol=1e-4)
    arr3 = rng.uniform(-1, 1, (40, 50, 60)).astype(np.float32)
    c, t = pair(torch, arr3, "float32")
    for d in ((0, 2), (1,), (0, 1), (2, 0)):
        both(torch, lambda lib, x: lib.sum(x, d), [c], [t], rtol=1e-5, atol=1e-4)
        both(torch, lambda lib, x: lib.amax(x, d), [c], [t])
        both(torch, lambda lib, x: lib.var(x, d), [c], [t], rtol=1e-5, atol=1e-5)
    c2, t2 = pair(torch, arr3, "float32", lambda x: x.permute(1, 2, 0)[:, ::3])
    for d in ((0, 2), 1, (2, 1), None):
        both(torch, lambda lib, x: lib.sum(x, d) if d is not None else lib.sum(x), [c2], [t2], rtol=1e-5, atol=1e-4)
    # Many threads / one thread give the same answers.
    n = ctorch.get_num_threads()
    try:
        ctorch.set_num_threads(1)
        both(torch, lambda lib, x: lib.sum(x, 0), [c], [t], rtol=1e-5, atol=1e-4)
    finally:
        ctorch.set_num_threads(n)


def test_float32_sum_accuracy():
    rng = np.random.default_rng(6)
    arr = rng.random(1 << 24, dtype=np.float32)
    ref = arr.astype(np.float64).sum()
    x = ctorch.from_numpy(arr)
    got = x.sum().item()
    assert abs(got - ref) <= 1.3e-6 * abs(ref), (got, ref)
    assert abs(x.mean().item() - ref / arr.size) <= 1.3e-6 * abs(ref / arr.size)
    # Column path: sum over a long leading dim.
    m = arr.reshape(1 << 20, 16)
    ref_c = m.astype(np.float64).sum(0)
    got_c = ctorch.from_numpy(m).sum(0).numpy()
    assert np.all(np.abs(got_c - ref_c) <= 1.3e-6 * np.abs(ref_c))
    # Welford variance of data with a large mean.
    v = (rng.random(1 << 20, dtype=np.float32) + 1000).astype(np.float32)
    assert abs(ctorch.from_numpy(v).var().item() - v.astype(np.float64).var(ddof=1)) < 1e-4


def test_result_dtypes(torch):
    for dt in DTYPES:
        c, t = pair(torch, np.ones((2, 3)), dt)
        for fn in (lambda lib, x: lib.sum(x, dtype=lib.float64), lambda lib, x: lib.sum(x, 1, dtype=lib.int32),
                   lambda lib, x: x.sum(dtype=lib.float16), lambda lib, x: lib.mean(x, dtype=lib.float64),
                   lambda lib, x: lib.mean(x, 0, dtype=lib.int64), lambda lib, x: lib.prod(x, 0, dtype=lib.float32),
                   lambda lib, x: lib.cumsum(x, 1, dtype=lib.int16), lambda lib, x: lib.cumsum(x, 1, dtype=lib.bool),
                   lambda lib, x: lib.norm(x, dtype=lib.float64), lambda lib, x: lib.norm(x, dtype=lib.float16),
                   lambda lib, x: lib.sum(x, dtype=lib.bool)):
            both(torch, fn, [c], [t])


def test_out_variants(torch):
    rng = np.random.default_rng(7)
    arr = gen(rng, (3, 4), "float32")
    c, t = pair(torch, arr, "float32")
    ci, ti = pair(torch, gen(rng, (3, 4), "int64"), "int64")
    calls = [
        lambda lib, x, o: lib.sum(x, 1, out=o), lambda lib, x, o: lib.sum(x, (0, 1), keepdim=True, out=o),
        lambda lib, x, o: lib.sum(x, 0, dtype=lib.float64, out=o), lambda lib, x, o: lib.mean(x, 1, out=o),
        lambda lib, x, o: lib.prod(x, 1, out=o), lambda lib, x, o: lib.amax(x, 0, out=o),
        lambda lib, x, o: lib.amin(x, (0, 1), out=o), lambda lib, x, o: lib.argmax(x, 1, out=o),
        lambda lib, x, o: lib.var(x, 1, out=o), lambda lib, x, o: lib.std(x, 0, out=o),
        lambda lib, x, o: lib.norm(x, 2, 1, out=o), lambda lib, x, o: lib.all(x, 1, out=o),
        lambda lib, x, o: lib.any(x, 0, out=o), lambda lib, x, o: lib.logsumexp(x, 1, out=o),
        lambda lib, x, o: lib.cumsum(x, 1, out=o), lambda lib, x, o: lib.cumprod(x, 0, out=o),
        lambda lib, x, o: lib.max(x, out=o),
    ]
    for odt in ("float32", "float64", "int64", "bool", "float16"):
        for fn in calls:
            for (cx, tx) in ((c, t), (ci, ti)):
                co, to = ctorch.empty(0, dtype=getattr(ctorch, odt)), torch.empty(0, dtype=getattr(torch, odt))
                r = both(torch, lambda lib, x, o: fn(lib, x, o), [cx, co], [tx, to])
                if r is not None:
                    assert r[0] is co
                    check(torch, co, to)
    # max/min with a dim and out=(values, indices)
    for op in ("max", "min"):
        cv, ci2 = ctorch.empty(0), ctorch.empty(0, dtype=ctorch.int64)
        tv, ti2 = torch.empty(0), torch.empty(0, dtype=torch.int64)
        res_c = getattr(ctorch, op)(c, 1, out=(cv, ci2))
        res_t = getattr(torch, op)(t, 1, out=(tv, ti2))
        check(torch, tuple(res_c), tuple(res_t))
        assert res_c.values is cv and res_c.indices is ci2
        with pytest.raises(RuntimeError):
            getattr(ctorch, op)(c, 1, out=(ctorch.empty(0), ctorch.empty(0)))
    # cumsum into itself
    x = ctorch.from_numpy(np.arange(6.0).reshape(2, 3))
    ctorch.cumsum(x, 1, out=x)
    assert x.numpy().tolist() == [[0, 1, 3], [3, 7, 12]]


def test_method_forms_and_overloads(torch):
    arr = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 10
    c, t = pair(torch, arr, "float32")
    calls = [
        lambda lib, x: x.sum(1), lambda lib, x: x.sum((0, 1)), lambda lib, x: x.sum([0, 2], True),
        lambda lib, x: x.sum(dim=-1, keepdim=True), lambda lib, x: x.mean((-1, -2)),
        lambda lib, x: x.std(1, True, True), lambda lib, x: x.std(correction=0), lambda lib, x: x.var(False),
        lambda lib, x: x.var(1, unbiased=False), lambda lib, x: x.var(None), lambda lib, x: x.var(dim=(0, 2)),
        lambda lib, x: lib.var_mean(x, 1), lambda lib, x: lib.std_mean(x, dim=(0, 1), correction=2, keepdim=True),
        lambda lib, x: lib.var_mean(x), lambda lib, x: lib.std_mean(x, 1, False),
        lambda lib, x: x.norm(), lambda lib, x: x.norm(1, 2), lambda lib, x: x.norm(p="fro", dim=(0, 1)),
        lambda lib, x: x.norm(dim=1, keepdim=True), lambda lib, x: lib.norm(x, float("inf"), (0, 2)),
        lambda lib, x: x.max(lib.zeros(4)), lambda lib, x: lib.min(x, lib.zeros(4)),
        lambda lib, x: lib.max(x, other=lib.zeros(4)),
        lambda lib, x: x.argmax(), lambda lib, x: x.argmax(dim=None, keepdim=True), lambda lib, x: x.argmin(2),
        lambda lib, x: x.amax(), lambda lib, x: x.amax((0, 1), True), lambda lib, x: x.amin(dim=[]),
        lambda lib, x: x.all(), lambda lib, x: x.all(1), lambda lib, x: x.any(dim=(0, 2)),
        lambda lib, x: x.all(dim=()), lambda lib, x: lib.any(x, dim=[], keepdim=True),
        lambda lib, x: lib.all(x, keepdim=True), lambda lib, x: lib.sum(x, None, True),
        lambda lib, x: x.logsumexp((0, 1)), lambda lib, x: x.logsumexp(dim=1, keepdim=True),
        lambda lib, x: x.cumsum(1, dtype=lib.float64), lambda lib, x: x.cumprod(dim=0),
        lambda lib, x: x.prod(), lambda lib, x: x.prod(1, True), lambda lib, x: x.prod(dtype=lib.float64),
        lambda lib, x: x.sum(dtype=lib.float64), lambda lib, x: lib.sum(x, 1, True, dtype=lib.float64),
        lambda lib, x: lib.mean(x, (0, 1), True, dtype=lib.float64),
    ]
    for fn in calls:
        both(torch, fn, [c], [t], rtol=1e-5, atol=1e-5)
    cu = ctorch.from_numpy(np.array([1, 0, 3], dtype=np.uint8))
    tu = torch.from_numpy(np.array([1, 0, 3], dtype=np.uint8))
    for fn in (lambda lib, x: x.all(), lambda lib, x: x.any(0), lambda lib, x: lib.all(x, dim=())):
        both(torch, fn, [cu], [tu])


def test_return_types_repr(torch):
    arr = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], dtype=np.float32)
    c, t = pair(torch, arr, "float32")
    rc, rt = c.max(1), t.max(1)
    assert repr(rc) == "c" + repr(rt)
    assert isinstance(rc, tuple) and rc._fields == ("values", "indices")
    v, i = c.min(dim=0, keepdim=True)
    check(torch, (v, i), tuple(t.min(dim=0, keepdim=True)))
    assert type(rc).__name__ == "max" and type(rc).__module__ == "ctorch.return_types"


def test_errors(torch):
    c, t = pair(torch, np.ones((2, 3), dtype=np.float32), "float32")
    ce, te = pair(torch, np.ones((0, 3), dtype=np.float32), "float32")
    ci, ti = pair(torch, np.ones((2, 3), dtype=np.int64), "int64")
    cb, tb = pair(torch, np.ones((2, 3), dtype=bool), "bool")
    bad = [
        (lambda lib, x: lib.sum(x, 2), "full"), (lambda lib, x: lib.sum(x, (0, 0)), "full"),
        (lambda lib, x: lib.sum(x, (0, -2)), "full"), (lambda lib, x: lib.amax(x, (1, 1)), "full"),
        (lambda lib, x: x.max(2), "full"), (lambda lib, x: x.cumsum(-3), "full"), (lambda lib, x: x.var(5), "full"),
        (lambda lib, x: lib.max(x), "empty"), (lambda lib, x: lib.min(x), "empty"), (lambda lib, x: x.amax(), "empty"),
        (lambda lib, x: x.amax(0), "empty"), (lambda lib, x: x.amin((1, 0)), "empty"),
        (lambda lib, x: x.max(0), "empty"), (lambda lib, x: x.argmax(), "empty"), (lambda lib, x: x.argmin(0), "empty"),
        (lambda lib, x: lib.norm(x, float("inf")), "empty"), (lambda lib, x: lib.norm(x, -math.inf, 0), "empty"),
        (lambda lib, x: x.mean(), "int"), (lambda lib, x: x.var(), "int"), (lambda lib, x: x.std(0), "int"),
        (lambda lib, x: x.norm(), "int"), (lambda lib, x: x.argmax(), "bool"), (lambda lib, x: x.argmin(0), "bool"),
        (lambda lib, x: x.mean(), "bool"), (lambda lib, x: lib.norm(x, "nuc"), "full1d"),
        (lambda lib, x: lib.norm(x, "abc"), "full"), (lambda lib, x: lib.norm(x, "fro", (0, 1, 0)), "full"),
        (lambda lib, x: lib.norm(x, dtype=lib.float16), "full"), (lambda lib, x: lib.mean(x, dtype=lib.int64), "full"),
        (lambda lib, x: x.std(0, unbiased=True, correction=1), "full"), (lambda lib, x: x.prod((0,)), "full"),
        (lambda lib, x: x.max(1.0), "full"), (lambda lib, x: lib.cumsum(x), "full"),
        (lambda lib, x: lib.amax(x, 0, out=lib.empty(0, dtype=lib.float64)), "full"),
        (lambda lib, x: lib.argmax(x, 0, out=lib.empty(0)), "full"),
        (lambda lib, x: lib.all(x, 0, out=lib.empty(0)), "full"),
        (lambda lib, x: lib.mean(x, 0, out=lib.empty(0, dtype=lib.int64)), "full"),
        (lambda lib, x: lib.logsumexp(x, 0, out=lib.empty(0, dtype=lib.int64)), "full"),
        (lambda lib, x: lib.sum(x, 0, dtype=lib.float64, out=lib.empty(0)), "full"),
        (lambda lib, x: lib.cumsum(x, 0, dtype=lib.float64, out=lib.empty(0)), "full"),
    ]
    inputs = {"full": (c, t), "empty": (ce, te), "int": (ci, ti), "bool": (cb, tb)}
    inputs["full1d"] = pair(torch, np.ones(3, dtype=np.float32), "float32")
    for fn, which in bad:
        cx, tx = inputs[which]
        with pytest.raises(Exception) as te_info:
            fn(torch, tx)
        with pytest.raises(type(te_info.value)):
            fn(ctorch, cx)
    with pytest.raises(RuntimeError, match=r"max\(\): Expected reduction dim to be specified for input.numel\(\) == 0"):
        ctorch.max(ce)
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype. Input dtype must be either a "
                       "floating point or complex dtype. Got: Long"):
        ci.mean()
    with pytest.raises(IndexError, match=r"amax\(\): Expected reduction dim 0 to have non-zero size."):
        ce.amax(0)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        c.sum((0, 0))


def test_to_torch_roundtrip_bf16(torch):
    c = ctorch.from_numpy(np.array([1.5, 2.25], dtype=np.float32)).to(ctorch.bfloat16)
    assert to_torch(torch, c.sum()).item() == 3.75


def test_high_rank_and_broadcast_inputs(torch):
    """More dims than a kernel description holds (copy fallback) and stride-0 (expanded) inputs."""
    rng = np.random.default_rng(8)
    arr = rng.uniform(-1, 1, (2, 3, 2, 3, 2, 3, 2, 3, 2, 3)).astype(np.float32)
    perm = (9, 0, 8, 1, 7, 2, 6, 3, 5, 4)
    c, t = pair(torch, arr, "float32", lambda x: x.permute(*perm))
    for d in (4, (1, 5), -1, None):
        both(torch, lambda lib, x: lib.sum(x, d) if d is not None else lib.sum(x), [c], [t], rtol=1e-5, atol=1e-5)
        both(torch, lambda lib, x: lib.amax(x, d) if d is not None else lib.amax(x), [c], [t])
    for d in (0, 4, 9):
        both(torch, lambda lib, x: lib.cumsum(x, d), [c], [t], rtol=1e-5, atol=1e-5)
        both(torch, lambda lib, x: tuple(lib.max(x, d)), [c], [t])
    c, t = pair(torch, rng.uniform(-1, 1, (1, 7)).astype(np.float32), "float32", lambda x: x.expand(5, 7))
    for d in (0, 1, (0, 1)):
        both(torch, lambda lib, x: lib.sum(x, d), [c], [t], rtol=1e-5, atol=1e-5)
        both(torch, lambda lib, x: lib.var(x, d), [c], [t], rtol=1e-5, atol=1e-5)
    both(torch, lambda lib, x: lib.cumsum(x, 0), [c], [t])


GRAD_CASES = {
    "sum": lambda l, x: x.sum(), "sum_dims": lambda l, x: x.sum((0, 2), keepdim=True), "mean": lambda l, x: x.mean(1),
    "prod": lambda l, x: x.prod(1), "amax": lambda l, x: x.amax((1, 2)), "max": lambda l, x: x.max(),
    "max_dim": lambda l, x: x.max(1)[0], "min_dim": lambda l, x: x.min(-1, keepdim=True).values,
    "var": lambda l, x: x.var(1), "std": lambda l, x: x.std((0, 2), correction=0), "norm": lambda l, x: x.norm(dim=2),
    "norm1": lambda l, x: l.norm(x, 1, 1), "norm_inf": lambda l, x: l.norm(x, float("inf")),
    "logsumexp": lambda l, x: x.logsumexp(1), "cumsum": lambda l, x: x.cumsum(1), "cumprod": lambda l, x: x.cumprod(2),
    "var_mean": lambda l, x: l.var_mean(x, 1)[0] + l.var_mean(x, 1)[1],
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_autograd_matches_torch(torch, name):
    f = GRAD_CASES[name]
    arr = np.random.default_rng(9).uniform(-1, 1, (3, 4, 5))
    res = {}
    for lib in (torch, ctorch):
        x = lib.from_numpy(arr.copy()).requires_grad_()
        out = f(lib, x)
        (out * lib.from_numpy(np.full(tuple(out.shape), 0.5))).sum().backward()
        res[lib.__name__] = (out.grad_fn.name(), np.array(x.grad.numpy()))
    np.testing.assert_allclose(res["ctorch"][1], res["torch"][1], rtol=1e-10, atol=1e-12)
    if name not in ("norm", "norm1", "norm_inf"):  # torch names these LinalgVectorNormBackward0
        assert res["ctorch"][0] == res["torch"][0]
