"""Writes whose inputs partially overlap the output raise PyTorch's RuntimeError (its "partial
overlap" rule); full aliasing (x.add_(x)), disjoint views and layouts PyTorch does not analyse
(non-dense views) go through. Expected outcomes are listed here (no torch needed); with torch
present the values and error classes are also compared with it."""
import pytest

import ctorch
from _torch_ref import require_torch

MSG = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
       "single memory location. Please clone() the tensor before performing the operation.")


def _cases(T):
    x = T.arange(6.)
    m = T.arange(9.).view(3, 3)
    c = lambda t: t.clone()  # noqa: E731
    return {  # name: (raises, fn)
        "copy_ shifted": (True, lambda: (lambda y: y[2:].copy_(y[:4]))(c(x))),
        "copy_ shifted back": (True, lambda: (lambda y: y[:4].copy_(y[2:]))(c(x))),
        "add_ shifted": (True, lambda: (lambda y: y[1:].add_(y[:-1]))(c(x))),
        "mul out shifted": (True, lambda: (lambda y: T.mul(y[:3], y[3:], out=y[1:4]))(c(x))),
        "neg out shifted": (True, lambda: (lambda y: T.neg(y[:4], out=y[1:5]))(c(x))),
        "exp out shifted": (True, lambda: (lambda y: T.exp(y[:4], out=y[2:]))(c(x))),
        "where out": (True, lambda: (lambda y: T.where(y[:3] > 1, y[:3], y[3:], out=y[2:5]))(c(x))),
        "clamp_ tensor": (True, lambda: (lambda y: y[:3].clamp_(min=y[1:4]))(c(x))),
        "lerp_": (True, lambda: (lambda y: y[1:4].lerp_(y[:3], 0.5))(c(x))),
        "addcmul_": (True, lambda: (lambda y: y[1:4].addcmul_(y[:3], y[3:]))(c(x))),
        "sub_ own element": (True, lambda: (lambda y: y.sub_(y[0]))(c(x))),
        "add_ transposed self": (True, lambda: (lambda y: y.add_(y.t()))(c(m))),
        "cat out": (True, lambda: (lambda y: T.cat([y[:2], y[2:4]], out=y[1:5]))(c(x))),
        "index_select out": (True, lambda: (lambda y: T.index_select(y, 0, T.tensor([0, 1]), out=y[1:3]))(c(x))),
        "cumsum out shifted": (True, lambda: (lambda y: T.cumsum(y[:4], 0, out=y[2:]))(c(x))),
        "cumprod out shifted": (True, lambda: (lambda y: T.cumprod(y[2:], 0, out=y[:4]))(c(x))),
        "cumsum out=self": (False, lambda: (lambda y: T.cumsum(y, 0, out=y))(c(x))),
        "add_ self": (False, lambda: (lambda y: y.add_(y))(c(x))),
        "add out=self": (False, lambda: (lambda y: T.add(y, y, out=y))(c(x))),
        "copy_ self": (False, lambda: (lambda y: y.copy_(y))(c(x))),
        "copy_ disjoint": (False, lambda: (lambda y: y[3:].copy_(y[:3]))(c(x))),
        "copy_ same memory other dtype": (False, lambda: (lambda y: y.view(T.int64).copy_(y))(c(x).double())),
        "mul_ row by column": (False, lambda: (lambda y: y[0].mul_(y[:, 0]))(c(m))),
        "mul_ rows by row 0": (False, lambda: (lambda y: y[1:].mul_(y[0]))(c(m))),
        "add_ non-dense": (False, lambda: (lambda y: y[::2].add_(y[1::2]))(c(x))),
        "add_ non-dense partial": (False, lambda: (lambda y: y[:4:2].add_(y[1:5:2]))(c(x))),
        "fill_": (False, lambda: (lambda y: y[1:3].fill_(2))(c(x))),
        "empty": (False, lambda: (lambda y: y[2:2].add_(y[1:1]))(c(x))),
    }


NAMES = list(_cases(ctorch))


def _outcome(T, name):
    raises, fn = _cases(T)[name]
    try:
        return raises, ("ok", fn().tolist())
    except RuntimeError as e:
        return raises, ("RuntimeError", str(e))


@pytest.mark.parametrize("name", NAMES)
def test_overlap_rule(name):
    raises, (kind, val) = _outcome(ctorch, name)
    assert kind == ("RuntimeError" if raises else "ok"), (name, val)
    if raises:
        assert val == MSG


@pytest.mark.parametrize("name", NAMES)
def test_overlap_matches_torch(name):
    torch = require_torch()
    assert _outcome(ctorch, name)[1] == _outcome(torch, name)[1]


def test_internal_overlap_still_raises():
    x = ctorch.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        x.add_(1)
