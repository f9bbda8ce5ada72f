"""Python operators on Tensor (the fast METH_FASTCALL paths, see Note [Per-op overhead]) and the
dense TensorIter fast path, against PyTorch: values, dtypes, shapes, identity of in-place
results, reflected operands, NotImplemented / exception classes, autograd recording."""
import operator

import numpy as np
import pytest

import ctorch
from _torch_ref import require_torch

BINARY = ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "eq", "ne", "lt", "le", "gt", "ge"]
BITWISE = ["and_", "or_", "xor", "lshift", "rshift"]
INPLACE = ["iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow"]


@pytest.fixture
def torch():
    return require_torch()


def pair(torch, data, dtype=None, shape=None):
    a = np.asarray(data) if dtype is None else np.asarray(data, dtype=dtype)
    if shape is not None:
        a = a.reshape(shape)
    return ctorch.from_numpy(a.copy()), torch.from_numpy(a.copy())


def same(r, t):
    assert type(r).__name__ == "Tensor"
    assert str(r.dtype) == str(t.dtype).replace("torch", "ctorch"), (r.dtype, t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    assert tuple(r.stride()) == tuple(t.stride())
    np.testing.assert_allclose(r.numpy().astype(np.float64), t.numpy().astype(np.float64), rtol=1e-6, atol=1e-6,
                               equal_nan=True)


def outcome(f):
    try:
        return f(), None
    except Exception as e:
        return None, type(e)


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("case", ["same", "broadcast", "0dim", "empty", "tiny", "transposed", "stepped"])
def test_binary_tensor_tensor(torch, op, case):
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 3, (4, 6)).astype(np.float32)
    y = rng.uniform(0.5, 3, (4, 6)).astype(np.float32)
    a, ta = pair(torch, x)
    b, tb = pair(torch, y)
    if case == "broadcast":
        b, tb = pair(torch, y[:1, :])
    elif case == "0dim":
        b, tb = pair(torch, np.float32(1.5))
    elif case == "empty":
        a, ta = pair(torch, x[:0])
        b, tb = pair(torch, y[:0])
    elif case == "tiny":
        a, ta = pair(torch, x[:1, :1])
        b, tb = pair(torch, y[:1, :1])
    elif case == "transposed":
        a, ta = a.t(), ta.t()
        b, tb = b.t(), tb.t()
    elif case == "stepped":
        a, ta = a[:, ::2], ta[:, ::2]
        b, tb = b[:, 1::2], tb[:, 1::2]
    f = getattr(operator, op)
    same(f(a, b), f(ta, tb))
    same(f(b, a), f(tb, ta))


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "float16", "bool"])
@pytest.mark.parametrize("num", [2, 2.5, True, np.float32(0.5), np.int64(3)])
def test_binary_python_numbers(torch, op, dtype, num):
    vals = [1, 2, 3, 0] if dtype != "bool" else [True, False, True, True]
    a, ta = pair(torch, vals, dtype=dtype)
    f = getattr(operator, op)
    for fwd in (lambda x: f(x, num), lambda x: f(num, x)):
        r, re = outcome(lambda: fwd(a))
        t, te = outcome(lambda: fwd(ta))
        assert re == te, (r, t)
        if t is not None:
            same(r, t)


@pytest.mark.parametrize("op", BITWISE)
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool"])
def test_bitwise_operators(torch, op, dtype):
    vals = [1, 2, 3, 0] if dtype != "bool" else [True, False, True, False]
    a, ta = pair(torch, vals, dtype=dtype)
    b, tb = pair(torch, vals[::-1], dtype=dtype)
    f = getattr(operator, op)
    for x, y, tx, ty in [(a, b, ta, tb), (a, 1, ta, 1), (1, a, 1, ta)]:
        r, re = outcome(lambda: f(x, y))
        t, te = outcome(lambda: f(tx, ty))
        assert re == te
        if t is not None:
            same(r, t)


@pytest.mark.parametrize("op", INPLACE)
@pytest.mark.parametrize("other", ["tensor", "int", "float", "broadcast"])
def test_inplace_operators_keep_identity(torch, op, other):
    x = np.array([[1.5, 2.0, 3.0], [4.0, 5.0, 6.5]], dtype=np.float32)
    a, ta = pair(torch, x)
    b, tb = {"tensor": pair(torch, x + 1), "int": (3, 3), "float": (0.5, 0.5),
             "broadcast": pair(torch, x[:1] + 2)}[other]
    f = getattr(operator, op)
    ida, va = id(a), a._version
    r = f(a, b)
    t = f(ta, tb)
    assert r is a and id(r) == ida
    assert a._version == va + 1
    same(r, t)


def test_inplace_errors_match_torch(torch):
    cases = [
        lambda L: operator.iadd(L.tensor([1, 2]), 1.5),                  # float result into int tensor
        lambda L: operator.iadd(L.tensor([1.0, 2.0]), L.ones(3)),        # shape mismatch
        lambda L: operator.iadd(L.ones(1), L.ones(2, 3)),                # output would broadcast
        lambda L: operator.isub(L.tensor([True]), L.tensor([True])),     # bool subtraction
        lambda L: operator.iadd(L.ones(2, 1).expand(2, 3), 1),          # overlapping output
    ]
    for c in cases:
        _, re = outcome(lambda: c(ctorch))
        _, te = outcome(lambda: c(torch))
        assert re is te is not None, (re, te)


def test_unsupported_operands(torch):
    a, ta = pair(torch, [1.0, 2.0])
    for other in [None, "x", [1], (1,), object(), {}]:
        for op in ["add", "mul", "sub", "truediv", "pow", "and_", "lshift"]:
            f = getattr(operator, op)
            _, re = outcome(lambda: f(a, other))
            _, te = outcome(lambda: f(ta, other))
            assert re is te, (op, other, re, te)
            _, re = outcome(lambda: f(other, a))
            _, te = outcome(lambda: f(other, ta))
            assert re is te, (op, other, re, te)
    assert (a == None) is False and (a != None) is True  # noqa: E711
    assert (a == "s") is False
    _, re = outcome(lambda: a + 2 ** 70)
    _, te = outcome(lambda: ta + 2 ** 70)
    assert re is te


def test_broadcast_error_matches_torch(torch):
    a, ta = pair(torch, np.ones((2, 3), np.float32))
    b, tb = pair(torch, np.ones((4,), np.float32))
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"):
        a + b
    with pytest.raises(RuntimeError):
        ta + tb


def test_unary_operators(torch):
    for vals, dtype in [([1.5, -2.0, 0.0], "float32"), ([1, -2, 3], "int64"), ([True, False], "bool")]:
        a, ta = pair(torch, vals, dtype=dtype)
        for f in (operator.neg, operator.pos, operator.abs, operator.invert):
            r, re = outcome(lambda: f(a))
            t, te = outcome(lambda: f(ta))
            assert re is te, (f, dtype)
            if t is not None:
                same(r, t)
    b = ctorch.ones(2)
    assert (+b) is b


def test_mixed_dtypes_and_promotion(torch):
    rng = np.random.default_rng(3)
    for da, db in [("float32", "float64"), ("int32", "float32"), ("int64", "int8"), ("uint8", "int8"),
                   ("float16", "float32"), ("bool", "int32")]:
        x = (rng.uniform(1, 5, (3, 4))).astype(da)
        y = (rng.uniform(1, 5, (3, 4))).astype(db)
        a, ta = pair(torch, x)
        b, tb = pair(torch, y)
        for f in (operator.add, operator.mul, operator.truediv, operator.lt):
            same(f(a, b), f(ta, tb))
        # 0-dim tensors and Python numbers promote like scalars
        same(a + ctorch.tensor(2.5, dtype=ctorch.float64), ta + torch.tensor(2.5, dtype=torch.float64))
        same(a * 3, ta * 3)
        same(a + 1.5, ta + 1.5)


def test_autograd_through_operators(torch):
    x = np.array([1.0, 2.0, 3.0], np.float32)
    a = ctorch.from_numpy(x.copy()).requires_grad_()
    ta = torch.from_numpy(x.copy()).requires_grad_()
    r = (a * a + 2 * a - a / 3) ** 2
    t = (ta * ta + 2 * ta - ta / 3) ** 2
    assert r.grad_fn.name() == t.grad_fn.name()
    r.sum().backward()
    t.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-5)
    with pytest.raises(RuntimeError):
        a += 1  # a leaf that requires grad
    with pytest.raises(RuntimeError):
        ta += 1
    with ctorch.no_grad():
        assert (a + 1).grad_fn is None


def test_subclass_and_methods_still_work(torch):
    class Sub(ctorch.Tensor):
        pass

    s = Sub()  # an empty tensor of a Python subclass
    assert (s + 1).shape == (0,) and (1 + s).shape == (0,)
    s += 1
    assert type(s) is Sub
    # Python-level operator lookups see the fast methods like any method
    a = ctorch.ones(3)
    assert ctorch.Tensor.__add__(a, 1).tolist() == [2.0, 2.0, 2.0]
    assert a.__radd__(1).tolist() == [2.0, 2.0, 2.0]
    assert a.__rsub__(1).tolist() == [0.0, 0.0, 0.0]
    assert a.__eq__(None) is NotImplemented
    assert hash(a) == hash(a) and len({a, a}) == 1


def test_dense_path_layouts_match_general(torch):
    # Shapes with size-1 dims and odd strides still count as contiguous: outputs must be dense
    # and identical to torch's.
    for shape in [(1,), (), (1, 1, 5), (3, 1, 2), (0, 3), (2, 0)]:
        x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
        a, ta = pair(torch, x)
        b, tb = pair(torch, x + 1)
        for f in (operator.add, operator.lt, lambda u, v: u / 2):
            same(f(a, b), f(ta, tb))
    a = ctorch.ones(4, 1).t()  # contiguous, stride of the size-1 dim arbitrary
    ta = torch.ones(4, 1).t()
    same(a + a, ta + ta)
    # out= of the right shape/dtype is written in place
    out = ctorch.empty(3)
    r = ctorch.add(ctorch.ones(3), ctorch.ones(3), out=out)
    assert r is out and out.tolist() == [2.0, 2.0, 2.0]
    out_i = ctorch.empty(3, dtype=ctorch.int64)
    with pytest.raises(RuntimeError):
        ctorch.add(ctorch.ones(3), ctorch.ones(3), out=out_i)  # Float can't be cast to Long
