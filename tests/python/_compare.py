"""Helpers shared by test_ops_reduce.py and test_ops_linalg.py: build the same tensor in ctorch and
torch from NumPy values (then apply the same view), run an op in both and compare values, dtype,
shape, or the exception class when torch raises."""

import numpy as np
import pytest

import ctorch

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")
FLOATS = ("float16", "bfloat16", "float32", "float64")
TOL = {"float16": (1e-3, 1e-3), "bfloat16": (1.6e-2, 1e-2), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def gen(rng, shape, dtype, lo=-5.0, hi=5.0):
    """Random NumPy values for `dtype` (float32 for float dtypes so both libraries round once)."""
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype in FLOATS:
        return rng.uniform(lo, hi, size=shape).astype(np.float32)
    ilo, ihi = int(np.floor(lo)), int(np.ceil(hi))
    if dtype == "uint8":
        ilo = max(ilo, 0)
    return rng.integers(ilo, ihi + 1, size=shape).astype(np.int64)


def make(lib, arr, dtype, view=None):
    arr = np.asarray(arr)
    t = lib.from_numpy(arr.copy()).to(getattr(lib, dtype))
    return view(t) if view is not None else t


def pair(torch, arr, dtype, view=None):
    return make(ctorch, arr, dtype, view), make(torch, arr, dtype, view)


def to_torch(torch, x):
    if x.dtype == ctorch.bfloat16:
        return torch.from_numpy(x.float().numpy().copy()).bfloat16()
    return torch.from_numpy(np.array(x.numpy(), copy=True, order="C"))


def dtype_name(d):
    return str(d).split(".")[-1]


def check(torch, c, t, exact=False, rtol=None, atol=None):
    """c (ctorch) matches t (torch): tuples/lists elementwise, tensors by dtype, shape, values."""
    if isinstance(t, (tuple, list)):
        assert isinstance(c, (tuple, list)) and len(c) == len(t)
        for a, b in zip(c, t):
            check(torch, a, b, exact, rtol, atol)
        return
    if not isinstance(t, torch.Tensor):
        assert c == t
        return
    assert dtype_name(c.dtype) == dtype_name(t.dtype), (c.dtype, t.dtype)
    assert tuple(c.shape) == tuple(t.shape), (tuple(c.shape), tuple(t.shape))
    ct = to_torch(torch, c)
    if exact:
        rtol, atol = 0, 0
    elif rtol is None and t.dtype.is_floating_point:
        rtol, atol = TOL[dtype_name(t.dtype)]
    elif rtol is None:
        rtol, atol = 0, 0
    torch.testing.assert_close(ct, t, rtol=rtol, atol=atol, equal_nan=True)


def both(torch, fn, cargs, targs, **tol):
    """Runs fn(lib, *args) in both libraries; same result or same exception class."""
    try:
        t = fn(torch, *targs)
    except Exception as e:  # noqa: BLE001 - we compare the class
        try:
            fn(ctorch, *cargs)
        except type(e):
            return None
        except Exception as ce:  # noqa: BLE001
            raise AssertionError("torch raised %s(%s), ctorch raised %s(%s)" % (type(e).__name__, e, type(ce).__name__, ce))
        raise AssertionError("torch raised %s(%s), ctorch did not" % (type(e).__name__, str(e).split("\n")[0]))
    c = fn(ctorch, *cargs)
    check(torch, c, t, **tol)
    return c, t
