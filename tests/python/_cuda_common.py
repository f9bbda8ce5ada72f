"""Helpers of the CUDA tests (test_cuda.py, test_cuda_ops.py): build the same operands on the CPU and
on CUDA, run an op on both devices and compare. The CPU result is the reference: these tests need no
torch, only a GPU (they are skipped when ctorch.cuda.is_available() is False)."""

import os
import sys

import numpy as np
import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import ctorch  # noqa: E402

HAVE_CUDA = bool(ctorch.cuda.is_available())
if HAVE_CUDA:
    # Kernel errors (index bounds, integer division by zero) are raised at the op, as on the CPU,
    # so that the suites can compare them (CUDA_LAUNCH_BLOCKING=1 does the same); the default,
    # asynchronous reporting is tested in test_cuda_api.py.
    ctorch._C._cuda_set_sync_kernel_errors(True)
requires_cuda = pytest.mark.skipif(not HAVE_CUDA, reason="ctorch.cuda.is_available() is False (no GPU or CPU build)")

ALL_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")
FLOATS = ("float16", "bfloat16", "float32", "float64")

# CUDA vs CPU: both compute half/bfloat16 in float and round once, but libm / vector math and the
# order of summations differ, so results may differ in the last bit(s).
POINTWISE_TOL = {"float16": (2e-3, 1e-3), "bfloat16": (1.6e-2, 1e-2), "float32": (1.3e-5, 1e-5),
                 "float64": (1e-7, 1e-7)}
REDUCE_TOL = {"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2), "float32": (1e-5, 2e-4), "float64": (1e-7, 1e-7)}

SAME_DEVICE_MSG = "Expected all tensors to be on the same device"
CHECK_DEVICE = True  # a dry run of the test logic on the CPU turns the device assertions off


def dname(x):
    """dtype name of a tensor or dtype ('float32')."""
    d = getattr(x, "dtype", x)
    return str(d).split(".")[-1]


def dt(name):
    return getattr(ctorch, name)


def np_of(t):
    """NumPy copy of a ctorch tensor on any device (bfloat16 through float32)."""
    if t.device.type != "cpu":
        t = t.cpu()
    if dname(t) == "bfloat16":
        t = t.float()
    return np.array(t.detach().numpy(), copy=True)


def from_np(arr, dtype=None, device="cpu"):
    """A ctorch tensor with the NumPy values, converted to `dtype` on the CPU, then moved."""
    t = ctorch.from_numpy(np.array(arr, copy=True, order="C"))  # keeps 0-dim (ascontiguousarray does not)
    if dtype is not None:
        t = t.to(dt(dtype) if isinstance(dtype, str) else dtype)
    return t if device == "cpu" else t.to(device)


def pair(arr, dtype=None, view=None):
    """(cpu, cuda) tensors with the same values and the same view applied on each device."""
    c = from_np(arr, dtype)
    g = c.cuda()
    if view is not None:
        c, g = view(c), view(g)
    return c, g


def assert_on_cuda(x, what=""):
    if isinstance(x, (tuple, list)):
        for y in x:
            assert_on_cuda(y, what)
        return
    if isinstance(x, ctorch.Tensor) and CHECK_DEVICE:
        assert x.device.type == "cuda", "%s: result on %s, expected cuda" % (what, x.device)
        assert x.is_cuda


def assert_same(g, c, what="", tol=None, exact=False, tol_dtype=None):
    """CUDA result g equals CPU result c: same structure, dtype, shape; values exact for integer and
    bool dtypes, within `tol` (per dtype (rtol, atol)) for floating ones. NaNs must match."""
    if isinstance(c, (tuple, list)):
        assert isinstance(g, (tuple, list)) and len(g) == len(c), "%s: %r vs %r" % (what, g, c)
        for k, (a, b) in enumerate(zip(g, c)):
            assert_same(a, b, "%s[%d]" % (what, k), tol, exact, tol_dtype)
        return
    if not isinstance(c, ctorch.Tensor):
        assert g == c, "%s: %r != %r" % (what, g, c)
        return
    assert isinstance(g, ctorch.Tensor), "%s: got %r" % (what, g)
    assert g.device.type == "cuda" or not CHECK_DEVICE, "%s: result on %s, expected cuda" % (what, g.device)
    assert dname(g) == dname(c), "%s: dtype %s != cpu %s" % (what, dname(g), dname(c))
    assert tuple(g.shape) == tuple(c.shape), "%s: shape %s != cpu %s" % (what, tuple(g.shape), tuple(c.shape))
    a, b = np_of(g), np_of(c)
    if dname(c) not in FLOATS:
        np.testing.assert_array_equal(a, b, err_msg=what)
        return
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    assert (np.isnan(a64) == np.isnan(b64)).all(), "%s: NaN positions differ\ncuda=%s\ncpu=%s" % (what, a64, b64)
    if exact:
        np.testing.assert_array_equal(a64, b64, err_msg=what)
        return
    rtol, atol = (tol or POINTWISE_TOL)[tol_dtype if tol_dtype in FLOATS else dname(c)]
    np.testing.assert_allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def run_both(f_cpu, f_cuda, what=""):
    """(cuda result, cpu result), or (None, None) when the CPU raises and CUDA raises the same class
    (RuntimeError and NotImplementedError count as one, as in the torch comparisons)."""
    try:
        c = f_cpu()
    except Exception as e:  # noqa: BLE001 - the class is compared
        try:
            f_cuda()
        except Exception as e2:  # noqa: BLE001
            ok = type(e2) is type(e) or {type(e), type(e2)} <= {RuntimeError, NotImplementedError}
            assert ok, "%s: cpu raised %s(%s) but cuda raised %s(%s)" % (what, type(e).__name__, e,
                                                                           type(e2).__name__, e2)
            return None, None
        pytest.fail("%s: cpu raised %s(%s) but cuda did not" % (what, type(e).__name__, e))
    return f_cuda(), c


class CudaLib:
    """Stands for the ctorch module in op tables whose functions create tensors (zeros, tensor,
    arange, ...): those land on CUDA unless a device is given. Everything else is ctorch's."""

    _FACTORIES = ("zeros", "ones", "empty", "full", "tensor", "arange", "linspace", "logspace", "eye", "rand",
                  "randn", "randint", "zeros_like", "ones_like", "empty_like", "full_like")

    def __getattr__(self, name):
        f = getattr(ctorch, name)
        if name in self._FACTORIES:
            def g(*a, **k):
                if name.endswith("_like"):
                    return f(*a, **k)
                k.setdefault("device", "cuda")
                return f(*a, **k)
            return g
        return f


CUDA_LIB = CudaLib()
