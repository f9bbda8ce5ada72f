"""set_default_device / get_default_device / `with ctorch.device(...)`: factories without device=
use the default; *_like ops, explicit devices, from_numpy, arithmetic and the legacy Tensor()
constructor do not (PyTorch's rules). Without a GPU a CUDA default makes factories raise this
build's "no CUDA" error, which shows they were routed there."""
import threading

import numpy as np
import pytest

import ctorch
from _torch_ref import require_torch

NO_CUDA = (AssertionError, RuntimeError)


@pytest.fixture(autouse=True)
def _reset():
    yield
    ctorch.set_default_device(None)


def _outcomes(T, gpu):
    x = T.ones(2)
    out = {}
    cases = {
        "zeros": lambda: T.zeros(1), "tensor": lambda: T.tensor([1.0]), "arange": lambda: T.arange(3),
        "rand": lambda: T.rand(2), "full": lambda: T.full((2,), 3.0), "as_tensor": lambda: T.as_tensor([1.0]),
        "zeros_like": lambda: T.zeros_like(x), "rand_like": lambda: T.rand_like(x),
        "explicit cpu": lambda: T.zeros(1, device="cpu"), "from_numpy": lambda: T.from_numpy(np.ones(2)),
        "x+1": lambda: x + 1, "Tensor()": lambda: T.Tensor(2), "out cpu": lambda: T.zeros(2, out=T.empty(2)),
    }
    T.set_default_device("cuda")
    try:
        for k, f in cases.items():
            try:
                out[k] = ("ok", f().device.type)
            except NO_CUDA as e:
                out[k] = ("no cuda", "") if not gpu else (type(e).__name__, str(e))
    finally:
        T.set_default_device(None)
    return out


def test_factories_follow_the_default():
    gpu = ctorch.cuda.is_available()
    got = _outcomes(ctorch, gpu)
    routed = ("ok", "cuda") if gpu else ("no cuda", "")
    for k in ("zeros", "tensor", "arange", "rand", "full", "as_tensor"):
        assert got[k] == routed, k
    for k in ("zeros_like", "rand_like", "explicit cpu", "from_numpy", "x+1", "Tensor()"):
        assert got[k] == ("ok", "cpu"), k
    assert got["out cpu"][0] != "ok"


def test_out_mismatch_message():
    ctorch.set_default_device("cuda")
    with pytest.raises(RuntimeError, match=r"device type cuda does not match device type of out parameter \(cpu\)"):
        ctorch.zeros(2, out=ctorch.empty(2, device="cpu"))


def test_get_set_and_context_manager():
    assert ctorch.get_default_device() == ctorch.device("cpu")
    ctorch.set_default_device("cpu")
    assert ctorch.zeros(1).device.type == "cpu"
    with ctorch.device("cuda"):
        with ctorch.device("cpu"):
            assert ctorch.zeros(1).device.type == "cpu"
        if not ctorch.cuda.is_available():
            with pytest.raises(NO_CUDA):
                ctorch.zeros(1)
        else:
            assert ctorch.zeros(1).is_cuda
        seen = []
        t = threading.Thread(target=lambda: seen.append(ctorch.zeros(1).device.type))
        t.start()
        t.join()
        assert seen == ["cpu"]  # per thread, as in PyTorch
    assert ctorch.zeros(1).device.type == "cpu"
    ctorch.set_default_device(None)
    assert repr(ctorch.get_default_device()) == "device(type='cpu')"


def test_matches_torch():
    torch = require_torch()
    if torch.cuda.is_available() != ctorch.cuda.is_available():
        pytest.skip("torch and ctorch see different GPUs")
    gpu = ctorch.cuda.is_available()
    assert _outcomes(ctorch, gpu) == _outcomes(torch, gpu)
