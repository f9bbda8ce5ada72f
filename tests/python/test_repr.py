"""repr/str of tensors must match PyTorch 2.13 exactly (with torch. -> ctorch.).

Part 1 checks ctorch._tensor_str.format_tensor against repr(torch_tensor) for hand
picked and randomly generated tensors and print options.
Part 2 (marked below) checks repr(ctorch.tensor(...)) directly; it is skipped only
while the ctorch package has no ``tensor`` function.

Reference tests need torch: they skip without it, and fail instead when
CTORCH_REQUIRE_TORCH=1 (see _torch_ref.py).
"""

import contextlib
import importlib
import importlib.util
import math
import os
import random
import sys

import numpy as np
import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
from _torch_ref import require_torch  # noqa: E402

_TS_PATH = os.path.join(_HERE, "..", "..", "python", "ctorch", "_tensor_str.py")


def _load_tensor_str():
    """ctorch._tensor_str, or the source file itself when the package isn't importable."""
    try:
        return importlib.import_module("ctorch._tensor_str")
    except Exception:  # package not importable (e.g. extension not built): use the file
        spec = importlib.util.spec_from_file_location("_ctorch_tensor_str_file", _TS_PATH)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod


ts = _load_tensor_str()
DEFAULT_OPTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)


@pytest.fixture
def torch():
    return require_torch()


@pytest.fixture(autouse=True)
def _restore_state():
    yield
    ts.set_printoptions(profile="default")
    try:
        import torch as _t
    except ImportError:
        return
    _t.set_printoptions(profile="default")
    _t.set_default_dtype(_t.float32)


@contextlib.contextmanager
def both_options(torch, **kw):
    with torch._tensor_str.printoptions(**kw), ts.printoptions(**kw):
        yield


def short_dtype(dtype):
    return str(dtype).rsplit(".", 1)[-1]


def to_numpy(t):
    import torch as _t
    t = t.detach().cpu()
    if t.dtype == _t.bfloat16:  # ctorch hands bf16 over as float32, like torch prints it
        t = t.float()
    return t.numpy()


def check(t, device_str=None):
    """Compare ctorch's formatting of t's values with torch's repr of t.

    Today this goes through format_tensor; the ctorch section below does the same for
    real ctorch tensors.
    """
    import torch as _t
    expected = repr(t).replace("torch.", "ctorch.")
    gf = t.grad_fn
    got = ts.format_tensor(
        to_numpy(t),
        dtype_name="ctorch." + short_dtype(t.dtype),
        default_dtype_name="ctorch." + short_dtype(_t.get_default_dtype()),
        device_str=device_str,
        requires_grad=t.requires_grad,
        grad_fn_name=None if gf is None else type(gf).__name__,
    )
    assert got == expected, "\n--- got ---\n%s\n--- expected ---\n%s" % (got, expected)
    assert str(t) == repr(t)
    return got


# --------------------------------------------------------------------------- part 1

NAN, INF = float("nan"), float("inf")

HAND_CASES = [
    ("scalar_f", lambda T: T.tensor(3.0)),
    ("scalar_i", lambda T: T.tensor(3)),
    ("scalar_frac", lambda T: T.tensor(1.5)),
    ("scalar_b", lambda T: T.tensor(True)),
    ("scalar_f64", lambda T: T.tensor(2.5, dtype=T.float64)),
    ("scalar_nan", lambda T: T.tensor(NAN)),
    ("scalar_neg0", lambda T: T.tensor(-0.0)),
    ("vec", lambda T: T.tensor([1.0, 2.0])),
    ("vec_frac", lambda T: T.tensor([1.5, 2.25])),
    ("vec_sci_small", lambda T: T.tensor([1e-5, 1.0])),
    ("vec_ratio", lambda T: T.tensor([1001.0, 1.0])),
    ("vec_1000", lambda T: T.tensor([1000.0, 2.0])),
    ("vec_1e8", lambda T: T.tensor([1e8])),
    ("vec_1.1e8", lambda T: T.tensor([1.1e8])),
    ("vec_mixed", lambda T: T.tensor([0.1235, 123.456])),
    ("specials", lambda T: T.tensor([NAN, INF, -INF, 1.0])),
    ("specials_frac", lambda T: T.tensor([NAN, INF, -INF, 1.5])),
    ("specials_sci", lambda T: T.tensor([INF, 1e-5, -INF, NAN])),
    ("only_specials", lambda T: T.tensor([NAN, INF, 0.0, -0.0])),
    ("zeros", lambda T: T.zeros(3)),
    ("zeros_long", lambda T: T.zeros(100)),
    ("neg0", lambda T: T.tensor([-0.0, 1.0])),
    ("neg0_frac", lambda T: T.tensor([-0.0, 0.5])),
    ("neg0_sci", lambda T: T.tensor([-0.0, 1e10])),
    ("huge64", lambda T: T.tensor([1e300, -1e-300, 5.0], dtype=T.float64)),
    ("tiny64", lambda T: T.tensor([5e-324, 1.0], dtype=T.float64)),
    ("f32_max", lambda T: T.tensor([3.4e38, -3.4e38, 1e-45])),
    ("ints", lambda T: T.tensor([1, 100000])),
    ("ints2d", lambda T: T.tensor([[1, -2], [300, 4]])),
    ("bool", lambda T: T.tensor([True, False])),
    ("bool_true", lambda T: T.tensor([True, True])),
    ("int32", lambda T: T.tensor([1, 2], dtype=T.int32)),
    ("uint8", lambda T: T.arange(250, 256, dtype=T.uint8)),
    ("int8", lambda T: T.tensor([-128, 127], dtype=T.int8)),
    ("int16", lambda T: T.tensor([[-32768], [32767]], dtype=T.int16)),
    ("int64_big", lambda T: T.tensor([-(2 ** 63), 2 ** 63 - 1])),
    ("f16", lambda T: T.tensor([1.0, 2.0], dtype=T.float16)),
    ("f16_frac", lambda T: T.tensor([0.1, 65504.0, -3.3], dtype=T.float16)),
    ("bf16", lambda T: T.tensor([1.0, 2.0], dtype=T.bfloat16)),
    ("bf16_frac", lambda T: T.tensor([0.1, 1e30, -3.3], dtype=T.bfloat16)),
    ("bf16_mat", lambda T: (T.arange(20.0).reshape(4, 5) / 3).bfloat16()),
    ("arange1000", lambda T: T.arange(1000)),
    ("arange1001", lambda T: T.arange(1001)),
    ("arange1001f", lambda T: T.arange(1001.0)),
    ("arange1001_frac", lambda T: T.arange(1001.0) / 7),
    ("mat_summ", lambda T: T.arange(2000.0).reshape(40, 50)),
    ("rows_summ", lambda T: T.arange(3000).reshape(1000, 3)),
    ("cols_summ", lambda T: T.arange(3000).reshape(3, 1000)),
    ("cube_summ", lambda T: T.arange(8000.0).reshape(20, 20, 20) - 4000),
    ("4d_summ", lambda T: T.arange(4096).reshape(8, 8, 8, 8)),
    ("4d_small", lambda T: T.arange(2 * 3 * 2 * 2.0).reshape(2, 3, 2, 2) / 4),
    ("3d", lambda T: T.arange(24).reshape(2, 3, 4)),
    ("long_row", lambda T: T.linspace(-1, 1, 50)),
    ("long_row_int", lambda T: T.arange(-40, 40)),
    ("wide_vals", lambda T: T.tensor([123456789.0] * 12)),
    ("empty", lambda T: T.empty(0)),
    ("empty_i", lambda T: T.empty(0, dtype=T.int64)),
    ("empty_b", lambda T: T.empty(0, dtype=T.bool)),
    ("empty_2d", lambda T: T.empty(2, 0)),
    ("empty_3d_i32", lambda T: T.empty(0, 3, 1, dtype=T.int32)),
    ("empty_f64", lambda T: T.empty(0, 4, dtype=T.float64)),
    ("empty_f16", lambda T: T.empty(0, dtype=T.float16)),
    ("single_nested", lambda T: T.ones(1, 1, 1, 1)),
    ("req_grad", lambda T: T.tensor(3.0, requires_grad=True)),
    ("req_grad64", lambda T: T.tensor([1.0], dtype=T.float64, requires_grad=True)),
    ("grad_fn_add", lambda T: T.tensor([1.0, 2.0], requires_grad=True) + 1),
    ("grad_fn_mean", lambda T: T.tensor([1.0, 2.0], requires_grad=True).mean()),
    ("grad_fn_long", lambda T: (T.randn(4, 7, requires_grad=True) * 3).sum(1)),
    ("grad_fn_mm", lambda T: T.randn(5, 9, dtype=T.float64, requires_grad=True)
     @ T.randn(9, 9, dtype=T.float64)),
    ("grad_fn_empty", lambda T: T.empty(0, 2, requires_grad=True) * 2),
    ("suffix_wrap", lambda T: T.arange(9.0, dtype=T.float64).reshape(1, 9) * 1.123),
    ("suffix_wrap2", lambda T: T.tensor([1.5] * 8, dtype=T.float64, requires_grad=True)),
]


@pytest.mark.parametrize("name,make", HAND_CASES, ids=[c[0] for c in HAND_CASES])
def test_hand_cases(torch, name, make):
    torch.manual_seed(0)
    check(make(torch))


OPTION_SETS = [
    dict(precision=2), dict(precision=0), dict(precision=8), dict(sci_mode=True),
    dict(sci_mode=False), dict(threshold=5), dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0), dict(edgeitems=0), dict(threshold=0),
    dict(linewidth=20), dict(linewidth=200), dict(linewidth=1), dict(profile="short"),
    dict(profile="full"), dict(profile="short", precision=6, sci_mode=True),
    dict(threshold=10, edgeitems=5, linewidth=40),
]


@pytest.mark.parametrize("opts", OPTION_SETS, ids=[repr(o) for o in OPTION_SETS])
@pytest.mark.parametrize("name,make", HAND_CASES, ids=[c[0] for c in HAND_CASES])
def test_hand_cases_with_options(torch, name, make, opts):
    torch.manual_seed(0)
    t = make(torch)
    with both_options(torch, **opts):
        check(t)


def test_big_full_profile(torch):
    t = torch.arange(3000).reshape(30, 100) * 7 - 9000
    with both_options(torch, profile="full"):
        check(t)


def test_default_dtype_float64(torch):
    torch.set_default_dtype(torch.float64)
    for t in [torch.tensor([1.5]), torch.tensor([1.5]).float(), torch.empty(0),
              torch.empty(0, dtype=torch.float32), torch.empty(2, 0, dtype=torch.float32),
              torch.tensor([1, 2]), torch.empty(0, dtype=torch.int64), torch.tensor(2.0),
              torch.tensor([True]), torch.tensor([1.0], dtype=torch.float16)]:
        check(t)


def test_device_suffix(torch, monkeypatch):
    # Pretend the default device is not CPU: torch then prints device='cpu'.
    monkeypatch.setattr(torch._C, "_get_default_device", lambda: "meta")
    torch.manual_seed(0)
    cases = [torch.tensor([1, 2], dtype=torch.int32), torch.empty(0, 3), torch.tensor(1.0),
             torch.randn(2, 9, dtype=torch.float64, requires_grad=True),
             torch.randn(3, 8, requires_grad=True) + 1, torch.arange(2000.0),
             torch.randn(1, 9) * 1.1]
    for t in cases:
        check(t, device_str="cpu")
        with both_options(torch, edgeitems=0, linewidth=30):
            check(t, device_str="cpu")


def test_cuda_device_strings():
    # No CUDA torch here: expectations written from torch's (CUDA) output format.
    f = ts.format_tensor
    assert f(np.array([1.0, 2.0], np.float32), dtype_name="ctorch.float32",
             device_str="cuda:0") == "tensor([1., 2.], device='cuda:0')"
    assert f(np.array([1, 2], np.int32), dtype_name="ctorch.int32", device_str="cuda:0",
             requires_grad=False) == "tensor([1, 2], device='cuda:0', dtype=ctorch.int32)"
    assert f(np.zeros((0, 3), np.float32), dtype_name="ctorch.float32",
             device_str="cuda:1", grad_fn_name="MulBackward0") == \
        "tensor([], device='cuda:1', size=(0, 3), grad_fn=<MulBackward0>)"


def test_legacy_is_default_flag():
    f = ts.format_tensor
    a = np.array([1.0], np.float64)
    assert f(a, dtype_name="ctorch.float64", is_default_dtype_for_print=True) == "tensor([1.])"
    assert f(a, dtype_name="ctorch.float64", is_default_dtype_for_print=False) == \
        "tensor([1.], dtype=ctorch.float64)"
    assert f(a, dtype_name="ctorch.float64", default_dtype_name="ctorch.float64") == \
        "tensor([1.])"


def test_printoption_state(torch):
    assert ts.get_printoptions() == DEFAULT_OPTS == torch._tensor_str.get_printoptions()
    calls = [dict(sci_mode=True), dict(precision=3), dict(profile="short"),
             dict(profile="full", linewidth=100), dict(profile="bogus", edgeitems=7),
             dict(profile="default", threshold=12, sci_mode=False), dict()]
    for kw in calls:
        ts.set_printoptions(**kw)
        torch.set_printoptions(**kw)
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions(), kw
        assert list(ts.get_printoptions()) == list(torch._tensor_str.get_printoptions())
    ts.set_printoptions(profile="default")
    with ts.printoptions(precision=1, sci_mode=True):
        assert ts.get_printoptions()["precision"] == 1
        assert ts.format_tensor(np.array([1.25], np.float32), dtype_name="ctorch.float32") \
            == "tensor([1.2e+00])"
    assert ts.get_printoptions() == DEFAULT_OPTS


def test_printoption_state_without_torch():
    ts.set_printoptions(precision=2, sci_mode=True)
    assert ts.get_printoptions() == dict(DEFAULT_OPTS, precision=2, sci_mode=True)
    ts.set_printoptions(edgeitems=1)  # sci_mode resets to None like torch
    assert ts.get_printoptions() == dict(DEFAULT_OPTS, precision=2, edgeitems=1)
    ts.set_printoptions(profile="full")
    assert ts.get_printoptions()["threshold"] == math.inf
    ts.set_printoptions(profile="default")
    assert ts.get_printoptions() == DEFAULT_OPTS


# ------------------------------------------------------------ randomised comparison

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
          "uint8", "bool"]
INT_RANGES = {"int64": 2 ** 62, "int32": 2 ** 31 - 1, "int16": 32767, "int8": 127,
              "uint8": 255}
SHAPE_CHOICES = [(), (1,), (4,), (6,), (7,), (13,), (999,), (1000,), (1001,), (1500,),
                 (2, 3), (1, 1), (3, 7), (6, 7), (7, 6), (10, 100), (10, 101), (1001, 1),
                 (33, 31), (2, 3, 4), (7, 7, 7), (11, 10, 10), (1, 1, 1001), (2, 2, 2, 2),
                 (3, 4, 5, 6), (7, 1, 7, 3), (6, 6, 6, 6), (0,), (0, 3), (3, 0, 2)]


def _random_values(rng, torch, dtype, shape):
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return torch.tensor(rng.random(n) < rng.random(), dtype=torch.bool).reshape(shape)
    if dtype in INT_RANGES:
        hi = INT_RANGES[dtype]
        hi = int(min(hi, 10 ** rng.integers(0, 19)))
        lo = 0 if dtype == "uint8" or rng.random() < 0.3 else -hi - (dtype != "int64")
        v = rng.integers(lo, hi, size=n, endpoint=True, dtype=np.int64)
        return torch.tensor(v).to(getattr(torch, dtype)).reshape(shape)
    kind = rng.integers(0, 6)
    scale = 10.0 ** rng.integers(-9, 13)
    if kind == 0:  # integral values
        v = np.round(rng.normal(size=n) * scale)
    elif kind == 1:  # positive spread
        v = rng.random(n) * scale
    elif kind == 2:  # log-uniform magnitudes
        v = np.sign(rng.normal(size=n)) * 10.0 ** rng.uniform(-8, 9, size=n)
    elif kind == 3:  # small integers
        v = rng.integers(-20, 20, size=n).astype(np.float64)
    else:
        v = rng.normal(size=n) * scale
    if n and rng.random() < 0.4:
        specials = np.array([NAN, INF, -INF, 0.0, -0.0])
        k = int(rng.integers(1, min(n, 4) + 1))
        v[rng.integers(0, n, size=k)] = rng.choice(specials, size=k)
    return torch.tensor(v, dtype=torch.float64).to(getattr(torch, dtype)).reshape(shape)


def _random_options(rng):
    opts = {}
    if rng.random() < 0.3:
        opts["profile"] = str(rng.choice(["default", "short", "full"]))
    if rng.random() < 0.4:
        opts["precision"] = int(rng.integers(0, 9))
    if rng.random() < 0.4:
        opts["threshold"] = [0, 1, 5, 10, 50, 1000, math.inf][int(rng.integers(0, 7))]
    if rng.random() < 0.4:
        opts["edgeitems"] = int(rng.integers(0, 6))
    if rng.random() < 0.4:
        opts["linewidth"] = int(rng.choice([1, 10, 30, 60, 80, 81, 100, 150]))
    if rng.random() < 0.4:
        opts["sci_mode"] = [True, False][int(rng.integers(0, 2))]
    return opts


def _random_autograd(rng, torch, t):
    if not t.dtype.is_floating_point or rng.random() < 0.6:
        return t
    leaf = t.clone().requires_grad_()
    which = int(rng.integers(0, 5))
    if which == 0:
        return leaf
    if which == 1:
        return leaf + 0
    if which == 2:
        return leaf * 1
    if which == 3:
        return leaf.clone()
    return leaf.view(t.shape)


@pytest.mark.parametrize("seed", range(40))
def test_random(torch, seed):
    rng = np.random.default_rng(1234 + seed)
    for _ in range(25):
        dtype = DTYPES[int(rng.integers(0, len(DTYPES)))]
        shape = SHAPE_CHOICES[int(rng.integers(0, len(SHAPE_CHOICES)))]
        t = _random_autograd(rng, torch, _random_values(rng, torch, dtype, shape))
        opts = _random_options(rng)
        with both_options(torch, **opts):
            try:
                check(t)
            except AssertionError as exc:
                raise AssertionError("dtype=%s shape=%s opts=%s\n%s"
                                     % (dtype, shape, opts, exc)) from None


# ============================================================================ part 2
# Direct tests of ctorch.Tensor.__repr__.  Skipped only while ctorch has no `tensor`.

def _ctorch_or_skip():
    try:
        ctorch = importlib.import_module("ctorch")
    except ImportError as exc:
        pytest.skip("ctorch not importable yet: %s" % exc)
    if not hasattr(ctorch, "tensor"):
        pytest.skip("ctorch.tensor does not exist yet")
    return ctorch


def check_ctorch(ctorch, t):
    """repr(ctorch.tensor(same values)) == torch's repr with torch. -> ctorch."""
    expected = repr(t).replace("torch.", "ctorch.")
    src = t.detach()
    dtype = getattr(ctorch, short_dtype(src.dtype))
    c = ctorch.tensor(src.tolist() if src.numel() else [], dtype=dtype)
    if tuple(c.shape) != tuple(src.shape):
        c = c.reshape(tuple(src.shape))
    if t.requires_grad and t.grad_fn is None:
        c.requires_grad_()
    got = repr(c)
    assert got == expected, "\n--- got ---\n%s\n--- expected ---\n%s" % (got, expected)
    assert str(c) == got


@pytest.mark.parametrize("name,make", [c for c in HAND_CASES if "grad_fn" not in c[0]],
                         ids=[c[0] for c in HAND_CASES if "grad_fn" not in c[0]])
def test_ctorch_repr_hand_cases(torch, name, make):
    ctorch = _ctorch_or_skip()
    torch.manual_seed(0)
    check_ctorch(ctorch, make(torch))


@pytest.mark.parametrize("opts", OPTION_SETS[:8], ids=[repr(o) for o in OPTION_SETS[:8]])
def test_ctorch_repr_with_options(torch, opts):
    ctorch = _ctorch_or_skip()
    setter = getattr(ctorch, "set_printoptions", ts.set_printoptions)
    torch.manual_seed(0)
    t = torch.randn(20, 60) * 100
    with torch._tensor_str.printoptions(**opts):
        setter(**opts)
        try:
            check_ctorch(ctorch, t)
        finally:
            setter(profile="default")


def test_ctorch_repr_grad_fn(torch):
    ctorch = _ctorch_or_skip()
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    cx = ctorch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(cx) == repr(x)
    assert repr(cx + 1) == repr(x + 1)
    assert repr((cx * 2).sum()) == repr((x * 2).sum())
    assert repr(cx.mean()) == repr(x.mean())


@pytest.mark.parametrize("linewidth", range(10, 60))
def test_suffix_wrap_boundaries(torch, linewidth):
    # Every linewidth: some suffix lands exactly on the wrap boundary, where the
    # decision must be made with torch's name length ("torch.", not "ctorch.").
    cases = [torch.tensor([1.5, 2.0], dtype=torch.float64, requires_grad=True),
             torch.tensor([7, 8, 9], dtype=torch.int16),
             torch.empty(0, 2, dtype=torch.float16),
             torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True) * 2]
    with both_options(torch, linewidth=linewidth):
        for t in cases:
            check(t)
