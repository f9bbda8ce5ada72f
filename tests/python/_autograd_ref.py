"""Helpers for the autograd tests: run one scenario written against a `lib` argument with ctorch and
with torch, then compare results (tensors by dtype/shape/values, everything else by ==), or compare
the exception class and message."""
import numpy as np
import pytest

import ctorch
from _torch_ref import require_torch


def to_np(t):
    t = t.detach()
    if dtype_name(t.dtype) == "bfloat16":
        t = t.float()
    return np.array(t.numpy(), copy=True)


def dtype_name(d):
    return str(d).split(".")[-1]


def _is_tensor(x):
    return isinstance(x, ctorch.Tensor) or type(x).__name__ == "Tensor"


def assert_same(c, t, rtol=1e-6, atol=1e-7, path="result"):
    """c: value computed with ctorch, t: the same computed with torch."""
    if isinstance(t, (tuple, list)):
        assert isinstance(c, (tuple, list)), "%s: expected a sequence, got %r" % (path, c)
        assert len(c) == len(t), "%s: length %d != %d" % (path, len(c), len(t))
        for i, (a, b) in enumerate(zip(c, t)):
            assert_same(a, b, rtol, atol, "%s[%d]" % (path, i))
    elif t is None:
        assert c is None, "%s: expected None, got %r" % (path, c)
    elif _is_tensor(t):
        assert isinstance(c, ctorch.Tensor), "%s: expected a Tensor, got %r" % (path, c)
        assert tuple(c.shape) == tuple(t.shape), "%s: shape %s != %s" % (path, tuple(c.shape), tuple(t.shape))
        assert dtype_name(c.dtype) == dtype_name(t.dtype), "%s: dtype %s != %s" % (path, c.dtype, t.dtype)
        np.testing.assert_allclose(to_np(c), to_np(t), rtol=rtol, atol=atol, err_msg=path)
    else:
        assert c == t, "%s: %r != %r" % (path, c, t)


def both(fn, rtol=1e-6, atol=1e-7):
    """Runs fn(ctorch) and fn(torch) and compares what they return."""
    torch = require_torch()
    expected = fn(torch)
    got = fn(ctorch)
    assert_same(got, expected, rtol, atol)
    return got, expected


def same_error(fn, exact=True):
    """fn(lib) must raise in both libraries: same exception class name and (if exact) message."""
    torch = require_torch()
    with pytest.raises(Exception) as et:
        fn(torch)
    with pytest.raises(Exception) as ec:
        fn(ctorch)
    assert type(ec.value).__name__ == type(et.value).__name__, (ec.value, et.value)
    if exact:
        assert str(ec.value) == str(et.value)
    return ec.value, et.value


def leaf(lib, arr, dtype="float64", requires_grad=True):
    return lib.tensor(np.asarray(arr).tolist(), dtype=getattr(lib, dtype), requires_grad=requires_grad)


def rand(shape, seed=0, lo=-2.0, hi=2.0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape)


def per_library(build):
    """Decorator: build(L) runs once per library (torch / ctorch) and its result is reused."""
    cache = {}

    def get(L):
        if L.__name__ not in cache:
            cache[L.__name__] = build(L)
        return cache[L.__name__]
    return get


def function_classes(L, scope):
    """The autograd.Function subclasses among a builder's locals, as a namespace."""
    F = L.autograd.Function
    return type("NS", (), {k: v for k, v in scope.items() if isinstance(v, type) and issubclass(v, F) and v is not F})
