"""Helpers shared by the indexing / joining tests: torch <-> ctorch copies and comparisons."""

import warnings

import numpy as np
import pytest

import ctorch

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


def ct_from(torch, t):
    """ctorch copy of a torch tensor (same dtype, contiguous)."""
    src = t.float() if t.dtype == torch.bfloat16 else t
    out = ctorch.empty(tuple(t.shape), dtype=getattr(ctorch, str(t.dtype).split(".")[-1]))
    out.copy_(ctorch.from_numpy(src.numpy().copy()))
    return out


def dname(x):
    return str(x.dtype).split(".")[-1]


def np_of(x):
    return (x.float() if dname(x) == "bfloat16" else x).numpy()


def check_same(c, t):
    assert tuple(c.shape) == tuple(t.shape), (tuple(c.shape), tuple(t.shape))
    assert dname(c) == dname(t)
    np.testing.assert_array_equal(np_of(c), np_of(t))


def rand(torch, shape, dtype, seed=0, lo=-5, hi=6):
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(lo, hi, shape, generator=g)
    if dtype == "bool":
        return t > 0
    if dtype == "uint8":
        t = t.abs()
    return t.to(getattr(torch, dtype))


def pair(torch, shape, dtype="float32", seed=0, view=None, lo=-5, hi=6):
    t = rand(torch, shape, dtype, seed, lo, hi)
    c = ct_from(torch, t)
    if view is not None:
        t, c = view(t), view(c)
    return c, t


def to_ct(torch, obj):
    """Maps torch tensors inside an index expression to ctorch tensors."""
    if isinstance(obj, torch.Tensor):
        return ct_from(torch, obj)
    if isinstance(obj, tuple):
        return tuple(to_ct(torch, o) for o in obj)
    if isinstance(obj, list):
        return [to_ct(torch, o) for o in obj]
    return obj


def same_outcome(fn_c, fn_t):
    """Runs both; returns (c, t) results or checks both raise the same exception class."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            rt = fn_t()
        except Exception as e:  # noqa: BLE001
            with pytest.raises(type(e)):
                fn_c()
            return None, None
    return fn_c(), rt


def raises_like(torch, fn_c, fn_t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as et:
            fn_t()
    with pytest.raises(Exception) as ec:
        fn_c()
    assert type(ec.value) is type(et.value), (ec.value, et.value)
    return str(ec.value), str(et.value)
