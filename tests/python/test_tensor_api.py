"""ctorch's Python Tensor API against PyTorch: construction and dtype inference, factories,
conversions, NumPy/DLPack memory sharing, pickling, properties, reprs and error classes."""
import copy
import os
import pickle
import sys
import warnings

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _torch_ref import require_torch  # noqa: E402

import ctorch  # noqa: E402

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


@pytest.fixture
def torch():
    return require_torch()


@pytest.fixture(autouse=True)
def _restore_defaults():
    yield
    ctorch.set_default_dtype(ctorch.float32)
    ctorch.set_printoptions(profile="default")


def dt_name(d):
    return repr(d).split(".")[-1]


def values(t):
    """Nested Python values of a ctorch or torch tensor (bfloat16 through float32)."""
    if dt_name(t.dtype) == "bfloat16":
        t = t.float()
    return t.tolist()


def assert_same(c, t):
    assert dt_name(c.dtype) == dt_name(t.dtype), (c.dtype, t.dtype)
    assert tuple(c.shape) == tuple(t.shape)
    assert c.stride() == t.stride()
    np.testing.assert_array_equal(np.asarray(values(c)), np.asarray(values(t)))


def both(torch, fn):
    """Run fn(module) on torch and ctorch; return results or (exception class, message)."""
    out = []
    for m in (torch, ctorch):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(fn(m))
        except Exception as e:  # noqa: BLE001 - the class is what we compare
            out.append((type(e), str(e)))
    return out


# ----------------------------------------------------------------------------- ctorch.tensor

TENSOR_DATA = [
    "1", "2.5", "True", "-2**63", "[]", "[[]]", "[[], []]", "[[], [1]]", "()", "[1, 2, 3]", "[True, 1]",
    "[1, 2.0]", "[[1, 2], [3, 4]]", "[[1.5, 2], (3, 4)]", "[True, False]", "range(4)", "[range(2), range(2)]",
    "bytearray(b'ab')", "[float('nan'), float('inf'), -0.0]", "[[[1], [2]], [[3], [4]]]",
    "np.float32(1.5)", "np.int32(3)", "np.float16(1.5)", "np.uint8(5)", "np.bool_(True)", "[np.bool_(True)]",
    "[np.float32(1), 2.0]", "[np.int32(1), 2]", "[np.float64(1), 2]", "[np.float16(1.5), 1]",
    "[np.float16(1.5), 1.0]", "[np.uint8(5), np.int8(1)]", "[np.int16(1), True]",
    "np.arange(6).reshape(2, 3)", "np.arange(6).reshape(2, 3).T", "np.zeros((2, 0, 3))", "np.array(3.0)",
    "np.array([1, 2], dtype=np.int8)", "np.array([True, False])", "np.arange(4, dtype=np.float16)",
    "[np.array([1, 2]), np.array([3, 4])]", "[[1, 2], np.array([3, 4])]", "[np.array([1.5], np.float16), [1.0]]",
    "[np.array([1], dtype=np.int32), [1]]", "[[1.5], np.array([1], dtype=np.int32)]",
    "[M.tensor(1.), M.tensor(2.)]", "[M.tensor(1, dtype=M.int32), 2]", "[M.tensor([1.])]",
    "M.tensor([1., 2])", "M.arange(6).reshape(2, 3).t()",
]


@pytest.mark.parametrize("expr", TENSOR_DATA)
def test_tensor_inference(torch, expr):
    a, b = both(torch, lambda M: M.tensor(eval(expr)))
    assert_same(b, a)


@pytest.mark.parametrize("expr", ["[1, 2.5, -3]", "[[True, 0], [2, 1]]", "3.75", "[-1]", "[1e300]", "[255, -255]",
                                  "[1.7, -1.7]", "[2**62]", "np.array([300, -1])", "[np.int64(7)]",
                                  "[1 + 2**-11 + 2**-40]", "[65519.0, 65520, 1/3]"])
@pytest.mark.parametrize("dt", DTYPES)
def test_tensor_explicit_dtype(torch, expr, dt):
    a, b = both(torch, lambda M: M.tensor(eval(expr), dtype=getattr(M, dt)))
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and b[0] is a[0], (a, b)
        assert b[1] == a[1]
    else:
        assert_same(b, a)


ERRORS = [
    "M.tensor([[1, 2, 3], [1, 2]])", "M.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]])", "M.tensor([1, [2]])",
    "M.tensor([[1], 2])", "M.tensor([[1, 2], 3])", "M.tensor('abc')", "M.tensor([1, 'a'])", "M.tensor([b'a'])",
    "M.tensor([1, None])", "M.tensor(None)", "M.tensor(2**63)", "M.tensor([2**64])", "M.tensor({1, 2})",
    "M.tensor(x for x in range(3))", "M.tensor({1: 2})", "M.tensor([1.0, [2]])", "M.tensor([True, [2]])",
    "M.tensor([1, 'a'], dtype=M.float32)", "M.tensor(None, dtype=M.float32)", "M.tensor([[1], 2], dtype=M.float32)",
    "M.tensor([300], dtype=M.uint8)", "M.tensor([-256], dtype=M.uint8)", "M.tensor(float('nan'), dtype=M.int64)",
    "M.tensor([1e10], dtype=M.int32)", "M.tensor(128, dtype=M.int8)", "M.tensor([M.tensor([1., 2])])",
    "M.tensor([np.array(1.5), 1])", "M.tensor(np.array(['a']))", "M.tensor(np.array([1, 2])[::-1])",
    "M.tensor(np.array([1, 2], dtype='>i4'))", "M.tensor([1, 2], dtype='float')", "M.tensor()", "M.tensor(1, 2)",
    "M.tensor(1, requires_grad=True)", "M.tensor(1, foo=2)",
]  # device='cuda' errors depend on the build and the machine: test_cuda_nogpu.py


@pytest.mark.parametrize("expr", ERRORS)
def test_tensor_errors(torch, expr):
    a, b = both(torch, lambda M: eval(expr))
    assert isinstance(a, tuple) and isinstance(b, tuple), (a, b)
    assert b[0] is a[0], (a, b)
    if "expected sequence" in a[1] or "Overflow" in a[1] or "without overflow" in a[1]:
        assert b[1] == a[1]


def test_tensor_copies_and_warns(torch):
    src = ctorch.arange(3.)
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        t = ctorch.tensor(src)
    t[0] = 5
    assert src[0].item() == 0
    n = np.arange(3.)
    t = ctorch.tensor(n)
    n[0] = 9
    assert t[0].item() == 0


def test_tensor_requires_grad_float():
    # autograd may not exist yet: either it works or raises NotImplementedError.
    try:
        t = ctorch.tensor([1.0], requires_grad=True)
    except NotImplementedError:
        return
    assert t.requires_grad


# ----------------------------------------------------------------------------- factories

FACTORIES = [
    "M.zeros(2, 3)", "M.zeros((2, 3))", "M.zeros([2, 3])", "M.zeros(M.Size([2]))", "M.zeros(())", "M.zeros(size=(2, 3))",
    "M.zeros(np.int64(3))", "M.zeros(M.tensor(3))", "M.zeros(0, 4)", "M.ones(3, dtype=M.int32)", "M.ones(2, 2, dtype=M.bool)",
    "M.full((2,), 1)", "M.full((2,), 1.5)", "M.full((2,), True)", "M.full((2, 1), 7, dtype=M.float16)",
    "M.full((2,), 300, dtype=M.int16)", "M.full((2,), -1, dtype=M.uint8)", "M.full((2,), float('inf'), dtype=M.float16)",
    "M.empty(2, 3).shape", "M.empty(0).shape", "M.empty_strided((2, 3), (1, 2)).stride()",
    "M.zeros_like(M.zeros(2, 3).t())", "M.ones_like(M.zeros(4, 3)[::2])", "M.full_like(M.zeros(2), 3)",
    "M.full_like(M.zeros(2, dtype=M.int64), 3.7)", "M.zeros_like(M.zeros(2, 3).t(), memory_format=M.contiguous_format)",
    "M.ones_like(M.zeros(2, dtype=M.int8), dtype=M.float64)", "M.empty_like(M.zeros(3, 2).t()).stride()",
    "M.arange(5)", "M.arange(2.5)", "M.arange(1, 4)", "M.arange(0, 1, 0.1)", "M.arange(10, 0, -0.3)", "M.arange(-1, 1, 0.1)",
    "M.arange(0, 10, 0.3, dtype=M.float64)", "M.arange(-5, 5, 0.01)", "M.arange(0, 1000, 0.1)", "M.arange(5, dtype=M.float16)",
    "M.arange(10, 0, -0.3, dtype=M.bfloat16)", "M.arange(0.5, 5, dtype=M.int64)", "M.arange(M.tensor(5))",
    "M.arange(start=1, end=6, step=2)", "M.arange(4, dtype=M.uint8)", "M.arange(5, out=M.zeros(2))",
    "M.linspace(0, 1, 5)", "M.linspace(-3.3, 7.1, 11)", "M.linspace(0, 1, 1)", "M.linspace(0, 1, 0)",
    "M.linspace(-1, 1, 1000)", "M.linspace(0, 100, 1001, dtype=M.float64)", "M.linspace(0, 10, 5, dtype=M.int64)",
    "M.linspace(-3.3, 7.1, 11, dtype=M.int32)", "M.linspace(0.1, 0.7, 33, dtype=M.float16)",
    "M.linspace(0.1, 0.7, 33, dtype=M.bfloat16)", "M.linspace(-7.7, 3.1, 70000)",
    "M.logspace(0, 2, 5)", "M.logspace(-3.3, 7.1, 11, base=2.0)", "M.logspace(0.001, 5, 100, dtype=M.float64)",
    "M.logspace(0.001, 5, 100, base=0.5, dtype=M.float16)", "M.logspace(0, 3, 4, dtype=M.int64)",
    "M.logspace(0, 2, 7, base=3, dtype=M.bfloat16)",
    "M.eye(3)", "M.eye(2, 4)", "M.eye(3, dtype=M.int64)", "M.eye(0)",
    "M.zeros(2, out=M.zeros(3))", "M.zeros(2, out=M.zeros(3, dtype=M.int64))",
    "M.ones(2, dtype=int)", "M.zeros(2, dtype=float)", "M.tensor([1, 0], dtype=bool)", "M.zeros(2).to(int)",
]


@pytest.mark.parametrize("expr", FACTORIES)
def test_factories(torch, expr):
    a, b = both(torch, lambda M: eval(expr))
    if isinstance(a, tuple) and not isinstance(a[0], type):
        assert tuple(a) == tuple(b)
    elif hasattr(a, "dtype"):
        assert_same(b, a)
    else:
        assert a == b


@pytest.mark.parametrize("n", [2, 3, 6, 31, 32, 33, 47, 100, 1000])
@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16", "int64", "int16"])
def test_range_factories_bitwise(torch, n, dt):
    for fn in (lambda M: M.arange(-1.3, -1.3 + 0.37 * n, 0.37, dtype=getattr(M, dt)),
               lambda M: M.linspace(-2.1, 3.3 * n, n, dtype=getattr(M, dt)),
               lambda M: M.logspace(-1.1, 1.7, n, dtype=getattr(M, dt))):
        a, b = both(torch, fn)
        if isinstance(a, tuple):
            continue
        assert_same(b, a)


FACTORY_ERRORS = [
    "M.empty(-1)", "M.zeros(2.5)", "M.zeros((2, 'a'))", "M.zeros(True)", "M.zeros(2, foo=1)",
    "M.zeros(2, dtype=M.float64, out=M.zeros(3))", "M.full(2, 1)", "M.full((2,), 300, dtype=M.uint8)",
    "M.full((2,), 1e5, dtype=M.float16)", "M.full((2,), 2.5e19, dtype=M.int64)", "M.full((2,), float('nan'), dtype=M.int32)",
    "M.arange(0, 5, 0)", "M.arange(5, 0)", "M.arange(float('inf'))", "M.arange(5, dtype=M.bool)",
    "M.linspace(0, 1, -1)", "M.eye(-1)", "M.eye(2, -1)", "M.ones(2, dtype='float')",
]


@pytest.mark.parametrize("expr", FACTORY_ERRORS)
def test_factory_errors(torch, expr):
    a, b = both(torch, lambda M: eval(expr))
    assert isinstance(a, tuple) and isinstance(b, tuple), (a, b)
    assert b[0] is a[0], (a, b)
    if a[0] is RuntimeError:
        assert b[1] == a[1]


# ----------------------------------------------------------------------------- conversions

@pytest.mark.parametrize("method", ["float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool"])
def test_conversion_methods(torch, method):
    a, b = both(torch, lambda M: getattr(M.tensor([[-1.5, 0.0, 2.7], [3.0, 250.0, -7.2]]).t(), method)())
    assert_same(b, a)


TO_CASES = [
    "x.to(M.float64)", "x.to('cpu')", "x.to('cpu:0')", "x.to(M.device('cpu'))", "x.to('cpu', M.int64)",
    "x.to(dtype=M.int64)", "x.to(M.tensor([1]))", "x.to(M.float16, copy=True)", "x.to()", "x.to(device='cpu', dtype=M.int8)",
    "x.type()", "x.type(M.float64)", "x.type('torch.IntTensor')", "x.type(M.IntTensor)", "x.int().type()",
    "x.type_as(M.tensor([1], dtype=M.int16))", "x.cpu()", "x.bfloat16().type()", "x.bool().type()",
    "x.to(M.float64, M.float16)",
]  # x.cuda() / x.to('cuda') depend on the build and the machine: test_cuda_nogpu.py, test_cuda.py


@pytest.mark.parametrize("expr", TO_CASES)
def test_to_and_type(torch, expr):
    def run(M):
        x = M.tensor([1.5, -2.0, 3.25])
        return eval(expr)
    a, b = both(torch, run)
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and b[0] is a[0], (a, b)
    elif isinstance(a, str):
        assert a == b
    else:
        assert_same(b, a)


def test_to_returns_self_when_unchanged():
    x = ctorch.zeros(2)
    assert x.to(ctorch.float32) is x
    assert x.to("cpu") is x
    assert x.to(ctorch.float32, copy=True) is not x
    assert x.float() is x
    assert x.cpu() is x


@pytest.mark.parametrize("expr", [
    "int(M.tensor([1, 2]))", "float(M.tensor([]))", "bool(M.tensor([]))", "bool(M.tensor([1, 2]))",
    "M.tensor(1.5).__index__()", "[1, 2, 3][M.tensor(1)]", "int(M.tensor(2.7))", "float(M.tensor(3))",
    "bool(M.tensor([0.0]))", "'{:.2f}'.format(M.tensor(1.2345))", "'{}'.format(M.tensor([1.5]))",
    "'{:.2f}'.format(M.tensor([1.5]))", "M.tensor([True]).__index__()", "M.tensor([[1]]).__index__()",
    "len(M.tensor(1))", "len(M.zeros(4, 2))", "iter(M.tensor(1))", "[t.tolist() for t in M.tensor([[1, 2], [3, 4]])]",
    "M.tensor([[1.5, 2], [3, 4]]).tolist()", "M.tensor(2.5).tolist()", "M.tensor([1, 2], dtype=M.bfloat16).tolist()",
    "M.tensor([0.1], dtype=M.float16).tolist()", "M.tensor(True).item()", "M.tensor([[]]).tolist()",
    "2 in M.tensor([1, 2])", "'a' in M.tensor([1, 2])",
])
def test_python_protocols(torch, expr):
    a, b = both(torch, lambda M: eval(expr))
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], type):
        assert isinstance(b, tuple) and b[0] is a[0], (a, b)
    elif isinstance(a, str):
        assert a == b.replace("ctorch.", "torch.")
    else:
        assert a == b and type(a) is type(b)


def test_hash_is_identity():
    x = ctorch.zeros(2)
    assert hash(x) == id(x)
    assert len({x, x, ctorch.zeros(2)}) == 2


# ----------------------------------------------------------------------------- NumPy / DLPack

@pytest.mark.parametrize("dt", [d for d in DTYPES if d != "bfloat16"])
def test_numpy_shares_memory(dt):
    t = ctorch.zeros(2, 3, dtype=getattr(ctorch, dt))
    a = t.numpy()
    assert a.dtype == np.dtype("bool" if dt == "bool" else dt)
    a[1, 2] = 1
    assert t[1, 2].item() == 1
    n = np.zeros((3, 2), dtype=a.dtype)
    u = ctorch.from_numpy(n)
    u[2, 1] = 1
    assert n[2, 1] == 1


def test_numpy_views_and_errors(torch):
    t = ctorch.arange(12.).reshape(3, 4).t()[1:]
    a = t.numpy()
    assert a.strides == tuple(s * 4 for s in t.stride())
    np.testing.assert_array_equal(a, torch.arange(12.).reshape(3, 4).t()[1:].numpy())
    with pytest.raises(TypeError):
        ctorch.zeros(2, dtype=ctorch.bfloat16).numpy()
    np.testing.assert_array_equal(np.array(ctorch.tensor([1.5, 2])), np.array([1.5, 2], dtype=np.float32))
    assert np.asarray(ctorch.tensor([1, 2]), dtype=np.float64).dtype == np.float64
    assert ctorch.tensor([1.0]).__array_priority__ == 1000
    r = np.sin(ctorch.tensor([1.0, 2.0]))
    assert isinstance(r, ctorch.Tensor) and repr(r) == repr(torch.sin(torch.tensor([1.0, 2.0])))
    g = np.greater(ctorch.tensor([1.0, 2.0]), 1)
    assert g.dtype is ctorch.uint8


@pytest.mark.parametrize("dt", DTYPES)
def test_dlpack_roundtrip(torch, dt):
    t = ctorch.arange(6, dtype=ctorch.int64).reshape(2, 3).to(getattr(ctorch, dt)).t()
    u = ctorch.from_dlpack(t.__dlpack__())
    assert_same(u, t)
    assert u.data_ptr() == t.data_ptr()
    tt = torch.from_dlpack(t)
    assert dt_name(tt.dtype) == dt and tt.data_ptr() == t.data_ptr()
    back = ctorch.from_dlpack(torch.arange(6).reshape(2, 3).to(getattr(torch, dt)).t())
    assert_same(back, torch.arange(6).reshape(2, 3).to(getattr(torch, dt)).t())


def test_dlpack_numpy_memory_sharing():
    t = ctorch.arange(4.0)
    n = np.from_dlpack(t)
    n[1] = 7
    assert t[1].item() == 7
    a = np.arange(4.0)
    u = ctorch.from_dlpack(a)
    u[0] = 9
    assert a[0] == 9
    cap = ctorch.utils.dlpack.to_dlpack(ctorch.arange(3))
    v = ctorch.utils.dlpack.from_dlpack(cap)
    assert v.tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError):
        ctorch.utils.dlpack.from_dlpack(cap)  # consumed
    assert tuple(int(x) for x in t.__dlpack_device__()) == (1, 0)


# ----------------------------------------------------------------------------- pickling and copies

@pytest.mark.parametrize("dt", DTYPES)
def test_pickle_roundtrip(torch, dt):
    t = (ctorch.arange(24).reshape(2, 3, 4) - 5).to(getattr(ctorch, dt)).permute(2, 0, 1)[1:]
    for proto in (2, pickle.HIGHEST_PROTOCOL):
        u = pickle.loads(pickle.dumps(t, protocol=proto))
        assert_same(u, t)
        assert u.storage_offset() == t.storage_offset()
        assert u.data_ptr() != t.data_ptr()


def test_pickle_and_deepcopy_keep_views_shared():
    a = ctorch.arange(10.0)
    b, c = pickle.loads(pickle.dumps([a, a[2:5]]))
    b[3] = 100
    assert c.tolist() == [2.0, 100.0, 4.0]
    d, e = copy.deepcopy([a, a[2:5]])
    d[3] = -1
    assert e.tolist() == [2.0, -1.0, 4.0] and a[3].item() == 3
    f = copy.deepcopy(a.t() if a.dim() == 2 else a.reshape(2, 5).t())
    assert f.stride() == (1, 5)
    g = copy.copy(a)
    g[0] = 55
    assert a[0].item() == 55  # like torch, copy.copy shares the storage


# ----------------------------------------------------------------------------- properties

def test_properties(torch):
    x = ctorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.T.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    with pytest.warns(UserWarning):
        ctorch._tensor._warned.discard("T")
        assert ctorch.ones(2, 3, 4).T.shape == ctorch.Size([4, 3, 2])
    assert x.mT.tolist() == x.T.tolist() and x.H.tolist() == x.T.tolist() and x.mH.tolist() == x.T.tolist()
    with pytest.raises(RuntimeError):
        ctorch.zeros(2, 3, 4).H
    assert x.shape == ctorch.Size([2, 2]) and x.ndim == 2
    assert x.is_leaf and x.grad is None and x.requires_grad is False and x.grad_fn is None
    d = x.data
    d[0, 0] = 9
    assert x[0, 0].item() == 9 and d is not x
    y = ctorch.zeros(2)
    y.data = ctorch.ones(3, dtype=ctorch.float64)
    assert y.tolist() == [1.0, 1.0, 1.0] and y.dtype is ctorch.float64
    with pytest.raises(RuntimeError):
        ctorch.zeros(2, dtype=ctorch.int64).requires_grad = True
    assert x.element_size() == 4 and x.nbytes == 16 and x.itemsize == 4
    assert x.get_device() == -1 and x.layout is ctorch.strided and x.is_cuda is False
    assert ctorch.is_tensor(x) and not ctorch.is_tensor(1)
    assert ctorch.is_floating_point(x) and not ctorch.is_floating_point(ctorch.tensor(1))
    assert ctorch.numel(ctorch.zeros(2, 3)) == 6
    s = x.untyped_storage()
    assert s.size() == 16 and s.nbytes() == 16 and s.data_ptr() == x.data_ptr()
    assert ctorch.is_storage(s) and x[1:].untyped_storage().size() == 16
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert x.storage().size() == 4
    assert repr(ctorch.tensor([1.0, 2.0]).untyped_storage()) == repr(torch.tensor([1.0, 2.0]).untyped_storage())


NEW_CASES = [
    "x.new_tensor([1, 2])", "x.new_zeros(2, 3)", "x.new_zeros((2, 3))", "x.new_full((2,), 3)", "x.new_ones(2, dtype=M.float64)",
    "x.new_empty(0).shape", "M.tensor([1, 2]).new_full((2,), 3.5)", "M.tensor([1, 2]).new_ones(3)",
]


@pytest.mark.parametrize("expr", NEW_CASES)
def test_new_factories(torch, expr):
    def run(M):
        x = M.tensor([1.0, 2.0])
        return eval(expr)
    a, b = both(torch, run)
    if hasattr(a, "dtype"):
        assert_same(b, a)
    else:
        assert tuple(a) == tuple(b)


# ----------------------------------------------------------------------------- reprs

REPRS = [
    "M.tensor([[1, 2], [3, 4]])", "M.zeros(2, 3)", "M.arange(5)", "M.ones(2, dtype=M.float64)", "M.tensor(3.5)",
    "M.tensor([1.5], dtype=M.bfloat16)", "M.tensor([1.5, 2], dtype=M.float16)", "M.tensor([True, False])",
    "M.tensor([], dtype=M.int32)", "M.zeros(2, 0)", "M.arange(2000.)", "M.linspace(0, 1, 7).reshape(7, 1)",
    "M.tensor([1e-8, 1e8])", "M.tensor([float('nan'), float('inf'), -1.0])", "M.arange(12, dtype=M.uint8).reshape(3, 4).t()",
]


@pytest.mark.parametrize("expr", REPRS)
def test_repr_matches_torch(torch, expr):
    a, b = both(torch, lambda M: eval(expr))
    assert repr(b) == repr(a).replace("torch.", "ctorch.")
    assert str(b) == str(a).replace("torch.", "ctorch.")


@pytest.mark.filterwarnings("ignore:torch.set_default_tensor_type")
def test_printoptions_and_default_dtype(torch):
    ctorch.set_printoptions(precision=2)
    torch.set_printoptions(precision=2)
    try:
        assert repr(ctorch.tensor([1.23456])) == repr(torch.tensor([1.23456]))
        assert ctorch.get_printoptions() == torch._tensor_str.get_printoptions()
    finally:
        torch.set_printoptions(profile="default")
        ctorch.set_printoptions(profile="default")
    ctorch.set_default_dtype(ctorch.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert ctorch.tensor([1.5]).dtype is ctorch.float64
        assert repr(ctorch.tensor([1.5], dtype=ctorch.float32)) == repr(torch.tensor([1.5], dtype=torch.float32)).replace(
            "torch.", "ctorch.")
    finally:
        torch.set_default_dtype(torch.float32)
    with pytest.raises(TypeError):
        ctorch.set_default_dtype(ctorch.int64)
    with pytest.warns(UserWarning, match="deprecated"):
        ctorch.set_default_tensor_type("torch.DoubleTensor")
    assert ctorch.get_default_dtype() is ctorch.float64
    with pytest.raises(TypeError):
        ctorch.set_default_tensor_type(ctorch.IntTensor)
    cuda_err = (RuntimeError, NotImplementedError) if ctorch._C._cuda_compiled() else TypeError
    with pytest.raises(cuda_err):
        ctorch.set_default_tensor_type("torch.cuda.FloatTensor")
    ctorch.set_default_dtype(ctorch.bfloat16)
    assert ctorch.tensor([1.5]).dtype is ctorch.bfloat16
    ctorch.set_default_tensor_type(ctorch.FloatTensor)
    assert ctorch.get_default_dtype() is ctorch.float32


def test_size_device_dtype_reprs(torch):
    for M in (torch, ctorch):
        assert repr(M.Size([2, 3])) == "torch.Size([2, 3])" and str(M.Size([])) == "torch.Size([])"
        assert repr(M.Size([2]) + (3,)) == "torch.Size([2, 3])" and repr((3,) + M.Size([2])) == "torch.Size([3, 2])"
        assert repr(M.Size([2]) * 2) == "torch.Size([2, 2])" and M.Size((2, 3)).numel() == 6
        assert repr(M.Size([2, 3, 4])[1:]) == "torch.Size([3, 4])" and M.Size([M.tensor(2)]) == (2,)
        assert repr(M.device("cpu")) == "device(type='cpu')" and str(M.device("cuda:1")) == "cuda:1"
        assert repr(M.device("cuda", 0)) == "device(type='cuda', index=0)" and (M.device("cpu") == "cpu") is False
        assert M.float32.itemsize == 4 and M.float32.is_floating_point and not M.uint8.is_signed
        assert not M.bool.is_signed and M.int8.is_signed
    with pytest.raises(TypeError):
        ctorch.Size([2.5])
    with pytest.raises(RuntimeError):
        ctorch.device("foo")
    assert repr(ctorch.float32) == "ctorch.float32" and repr(ctorch.bfloat16) == "ctorch.bfloat16"
    assert pickle.loads(pickle.dumps(ctorch.float16)) is ctorch.float16
    assert pickle.loads(pickle.dumps(ctorch.Size([1, 2]))) == ctorch.Size([1, 2])
    for name in ("float16", "bfloat16", "float32", "float64"):
        a, b = torch.finfo(getattr(torch, name)), ctorch.finfo(getattr(ctorch, name))
        assert repr(a) == repr(b)
        assert (a.bits, a.eps, a.max, a.min, a.tiny, a.smallest_normal, a.resolution, a.dtype) == (
            b.bits, b.eps, b.max, b.min, b.tiny, b.smallest_normal, b.resolution, b.dtype)
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        a, b = torch.iinfo(getattr(torch, name)), ctorch.iinfo(getattr(ctorch, name))
        assert repr(a) == repr(b) and (a.bits, a.min, a.max, a.dtype) == (b.bits, b.min, b.max, b.dtype)
    assert repr(ctorch.finfo()) == repr(torch.finfo())
    for bad in ("M.iinfo(M.bool)", "M.finfo(M.int32)", "M.iinfo(M.float32)"):
        a, b = both(torch, lambda M: eval(bad))
        assert b[0] is a[0] and b[1] == a[1]


def test_promotion_helpers(torch):
    for a_, b_ in [("int32", "float16"), ("uint8", "int8"), ("bool", "int64"), ("bfloat16", "float16")]:
        assert dt_name(ctorch.promote_types(getattr(ctorch, a_), getattr(ctorch, b_))) == dt_name(
            torch.promote_types(getattr(torch, a_), getattr(torch, b_)))
    assert ctorch.can_cast(ctorch.float32, ctorch.int32) is False and ctorch.can_cast(ctorch.int32, ctorch.float32)
    assert ctorch.result_type(ctorch.tensor([1]), 1.0) is ctorch.float32
    assert ctorch.result_type(ctorch.tensor([1], dtype=ctorch.int8), 300) is ctorch.int8


def test_legacy_types(torch):
    assert ctorch.FloatTensor(2, 3).shape == ctorch.Size([2, 3])
    assert_same(ctorch.FloatTensor([1, 2]), torch.FloatTensor([1, 2]))
    assert_same(ctorch.LongTensor([1.5]), torch.LongTensor([1.5]))
    assert_same(ctorch.BoolTensor([1, 0]), torch.BoolTensor([1, 0]))
    assert ctorch.FloatTensor().shape == (0,) and ctorch.DoubleTensor.dtype is ctorch.float64
    assert isinstance(ctorch.zeros(2), ctorch.FloatTensor) and not isinstance(ctorch.zeros(2), ctorch.LongTensor)
    assert ctorch.Tensor(2, 3).dtype is ctorch.float32 and ctorch.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert ctorch.Tensor().shape == (0,) and ctorch.Tensor(ctorch.Size([2])).shape == (2,)
    assert ctorch.HalfTensor([1]).dtype is ctorch.float16 and ctorch.ByteTensor([1]).dtype is ctorch.uint8
    assert ctorch.IntTensor([1]).dtype is ctorch.int32


def test_module_misc(torch):
    assert ctorch.cuda.is_available() == (ctorch.cuda.device_count() > 0)
    ctorch.cuda.manual_seed(1)
    assert isinstance(ctorch.__version__, str)
    assert ctorch.get_num_threads() >= 1
    assert os.path.isabs(ctorch.utils.cmake_prefix_path)
    assert ctorch.utils.cmake_prefix_path.endswith(os.path.join("ctorch", "share", "cmake"))
    a = np.arange(3.0)
    t = ctorch.as_tensor(a)
    t[0] = 5
    assert a[0] == 5
    assert ctorch.as_tensor([1, 2]).dtype is ctorch.int64
    assert ctorch.as_tensor(a, dtype=ctorch.float32).dtype is ctorch.float32
