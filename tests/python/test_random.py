"""Random streams must equal PyTorch's CPU streams for the same seed (values and generator
position), plus RNG state round trips, Generator objects and torch's error classes."""
import copy
import os
import pickle
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _torch_ref import require_torch  # noqa: E402

import ctorch  # noqa: E402

SEEDS = [0, 1, 42, 2**40 + 3]
SIZES = [1, 5, 16, 17, 1000]
FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["int64", "int32", "int16", "int8", "uint8"]


@pytest.fixture
def torch():
    return require_torch()


def as_np(t):
    if repr(t.dtype).endswith("bfloat16"):
        t = t.float()
    return t.numpy()


def check_stream(torch, fn, seed, normal=False):
    """fn(module) under the same seed must give equal values; afterwards the streams must agree."""
    torch.manual_seed(seed)
    ctorch.manual_seed(seed)
    a = as_np(fn(torch))
    b = as_np(fn(ctorch))
    assert a.dtype == b.dtype and a.shape == b.shape
    if normal and a.dtype.kind == "f" and a.dtype.itemsize >= 4:
        # within 2 ulp for normals (libm differences); in practice they are bit-exact
        tol = 2 * np.spacing(np.maximum(np.abs(a), np.finfo(a.dtype).tiny))
        assert np.all(np.abs(a.astype(np.float64) - b.astype(np.float64)) <= tol)
    else:
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(torch.rand(4).numpy(), ctorch.rand(4).numpy())  # same position


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", FLOATS)
def test_rand_randn(torch, seed, n, dt):
    check_stream(torch, lambda M: M.rand(n, dtype=getattr(M, dt)), seed)
    check_stream(torch, lambda M: M.randn(n, dtype=getattr(M, dt)), seed, normal=True)
    check_stream(torch, lambda M: M.rand(2, n, dtype=getattr(M, dt)), seed)
    check_stream(torch, lambda M: M.randn(n, 3, dtype=getattr(M, dt)), seed, normal=True)


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", FLOATS)
def test_inplace_samplers(torch, seed, n, dt):
    d = lambda M: getattr(M, dt)  # noqa: E731
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).uniform_(-2, 3), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).normal_(1.5, 2), seed, normal=True)
    check_stream(torch, lambda M: M.empty(n, 3, dtype=d(M))[:, 1].normal_(), seed, normal=True)  # strided
    check_stream(torch, lambda M: M.empty(3, n, dtype=d(M)).t().normal_(), seed, normal=True)  # transposed
    check_stream(torch, lambda M: M.empty(n, 3, dtype=d(M))[:, 1].uniform_(), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).bernoulli_(0.3), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).bernoulli_(M.linspace(0, 1, n)), seed)
    check_stream(torch, lambda M: M.bernoulli(M.linspace(0, 1, n, dtype=d(M))), seed)
    check_stream(torch, lambda M: M.bernoulli(M.zeros(n, dtype=d(M)), 0.7), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).random_(), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).random_(5, 100), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).random_(50), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).exponential_(2.0), seed)
    check_stream(torch, lambda M: M.randint(-3, 30, (n,), dtype=d(M)), seed)


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", ["float32", "float64", "float16"])
def test_normal_overloads(torch, seed, n, dt):
    d = lambda M: getattr(M, dt)  # noqa: E731
    check_stream(torch, lambda M: M.normal(M.arange(n, dtype=d(M)), M.ones(n, dtype=d(M)) * 0.5), seed, normal=True)
    check_stream(torch, lambda M: M.normal(M.arange(n, dtype=d(M)), 0.5), seed, normal=True)
    check_stream(torch, lambda M: M.normal(0.25, M.arange(n, dtype=d(M))), seed, normal=True)
    check_stream(torch, lambda M: M.normal(2.0, 3.0, (n,), dtype=d(M)), seed, normal=True)
    check_stream(torch, lambda M: M.normal(M.zeros(2, n, dtype=d(M)), M.ones(n, dtype=d(M))), seed, normal=True)


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", INTS + ["bool"])
def test_integer_samplers(torch, seed, n, dt):
    d = lambda M: getattr(M, dt)  # noqa: E731
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).random_(), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).bernoulli_(0.6), seed)
    check_stream(torch, lambda M: M.empty(n, dtype=d(M)).bernoulli_(M.full((n,), 0.6, dtype=M.float64)), seed)
    if dt != "bool":
        check_stream(torch, lambda M: M.randint(0, 100, (n,), dtype=d(M)), seed)
        check_stream(torch, lambda M: M.randint(7, (n,), dtype=d(M)), seed)
        check_stream(torch, lambda M: M.empty(n, dtype=d(M)).random_(3, None), seed)
        check_stream(torch, lambda M: M.randperm(min(n, 100), dtype=d(M)), seed)
    else:
        check_stream(torch, lambda M: M.randint(0, 2, (n,), dtype=d(M)), seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_wide_ranges_and_perms(torch, seed):
    for n in SIZES:
        check_stream(torch, lambda M: M.randint(0, 2**40, (n,)), seed)
        check_stream(torch, lambda M: M.randint(-2**40, 2**40, (n,)), seed)
        check_stream(torch, lambda M: M.randint(0, 2**28, (n,)), seed)
        check_stream(torch, lambda M: M.randint(0, 2**28 - 1, (n,)), seed)
        check_stream(torch, lambda M: M.randperm(n), seed)
        check_stream(torch, lambda M: M.randperm(n, dtype=M.float32), seed)
        check_stream(torch, lambda M: M.empty(n, dtype=M.int64).random_(-2**63, None), seed)
    check_stream(torch, lambda M: M.randperm(100000), seed)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_like_and_generator_kwarg(torch, seed):
    check_stream(torch, lambda M: M.rand_like(M.zeros(3, 17).t()), seed)
    check_stream(torch, lambda M: M.randn_like(M.zeros(3, 17).t()), seed, normal=True)
    check_stream(torch, lambda M: M.randint_like(M.zeros(9), 7), seed)
    check_stream(torch, lambda M: M.randint_like(M.zeros(9, dtype=M.int32), 2, 9), seed)
    check_stream(torch, lambda M: M.rand(17, generator=M.Generator().manual_seed(7)), seed)
    check_stream(torch, lambda M: M.randn(17, generator=M.Generator().manual_seed(7)), seed)
    check_stream(torch, lambda M: M.randperm(17, generator=M.Generator().manual_seed(7)), seed)
    check_stream(torch, lambda M: M.randint(0, 9, (17,), generator=M.Generator().manual_seed(7)), seed)
    check_stream(torch, lambda M: M.empty(17).uniform_(generator=M.Generator().manual_seed(7)), seed)
    assert ctorch.rand_like(ctorch.zeros(3, 17).t()).stride() == (1, 17)


def test_out_and_kwargs(torch):
    for M in (torch, ctorch):
        M.manual_seed(3)
    a = torch.rand(5, out=torch.empty(2))
    b = ctorch.rand(5, out=ctorch.empty(2))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    a = torch.randint(high=5, size=(4,))
    b = ctorch.randint(high=5, size=(4,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    a = torch.randint(low=1, high=5, size=(4,))
    b = ctorch.randint(low=1, high=5, size=(4,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    a = torch.rand(size=(2, 3), dtype=torch.float64)
    b = ctorch.rand(size=(2, 3), dtype=ctorch.float64)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    try:
        assert ctorch.rand(2, requires_grad=True).requires_grad  # NotImplementedError until autograd lands
    except NotImplementedError:
        pass
    with pytest.raises(RuntimeError):
        ctorch.randint(0, 3, (2,), requires_grad=True)
    assert isinstance(ctorch.manual_seed(1), ctorch.Generator)


@pytest.mark.parametrize("seed", [0, 5, 2**40 + 3, -1, 2**63 + 5])
def test_rng_state_bytes(torch, seed):
    torch.manual_seed(seed)
    ctorch.manual_seed(seed)
    assert torch.initial_seed() == ctorch.initial_seed()
    a, b = torch.get_rng_state(), ctorch.get_rng_state()
    assert b.dtype is ctorch.uint8 and tuple(b.shape) == (5056,)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    torch.randn(3)  # fills the normal cache
    ctorch.randn(3)
    np.testing.assert_array_equal(torch.get_rng_state().numpy(), ctorch.get_rng_state().numpy())


def test_rng_state_roundtrip(torch):
    ctorch.manual_seed(11)
    ctorch.randn(5)
    s = ctorch.get_rng_state()
    x = ctorch.randn(20)
    ctorch.set_rng_state(s)
    np.testing.assert_array_equal(x.numpy(), ctorch.randn(20).numpy())
    torch.manual_seed(99)
    torch.randn(3)
    ctorch.set_rng_state(ctorch.from_numpy(torch.get_rng_state().numpy().copy()))
    np.testing.assert_array_equal(torch.rand(7).numpy(), ctorch.rand(7).numpy())
    np.testing.assert_array_equal(torch.randn(7).numpy(), ctorch.randn(7).numpy())
    for M in (torch, ctorch):
        M.manual_seed(0)
    assert ctorch.seed() != 0 and torch.seed() != 0
    assert ctorch.initial_seed() == ctorch.default_generator.initial_seed()


def test_generator_objects(torch):
    g = ctorch.Generator()
    assert g.initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    assert repr(g.device) == "device(type='cpu')"
    h = torch.Generator().manual_seed(3)
    np.testing.assert_array_equal(g.get_state().numpy(), h.get_state().numpy())
    np.testing.assert_array_equal(ctorch.rand(9, generator=g).numpy(), torch.rand(9, generator=h).numpy())
    s = g.get_state()
    x = ctorch.randn(5, generator=g)
    g.set_state(s)
    np.testing.assert_array_equal(x.numpy(), ctorch.randn(5, generator=g).numpy())
    for clone in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        np.testing.assert_array_equal(clone.get_state().numpy(), g.get_state().numpy())
    new = g.seed()
    assert g.initial_seed() == new
    # the default generator is shared with module-level seeding
    ctorch.manual_seed(5)
    assert ctorch.default_generator.initial_seed() == 5


ERRORS = [
    "M.rand(2, dtype=M.int64)", "M.randn(2, dtype=M.int64)", "M.zeros(2, dtype=M.int64).uniform_()",
    "M.zeros(2, dtype=M.int64).normal_()", "M.zeros(2).uniform_(2, 1)", "M.zeros(2).normal_(0, -1)",
    "M.zeros(2).bernoulli_(1.5)", "M.bernoulli(M.tensor([1.5]))", "M.bernoulli(M.tensor([1, 0]))",
    "M.randint(5, 2, (3,))", "M.randint(5, 3)", "M.randint(5)", "M.randint(-1, 5, (3,), dtype=M.uint8)",
    "M.randint(0, 300, (3,), dtype=M.uint8)", "M.randint(0, 5, (3,), dtype=M.bool)", "M.randint(3.5, (2,))",
    "M.randperm(-1)", "M.randperm(300, dtype=M.int8)", "M.randperm(5, dtype=M.bool)", "M.randperm(3000, dtype=M.float16)",
    "M.normal(0, -1, (3,))", "M.normal(M.zeros(3), -1.)", "M.normal(M.zeros(3), M.tensor([-1., 1, 1]))",
    "M.normal(M.zeros(2), M.ones(3))", "M.normal(0., 1.)", "M.normal(M.zeros(3, dtype=M.int64), 1.)",
    "M.zeros(3).random_(5, 2)", "M.zeros(3, dtype=M.uint8).random_(-1, 5)", "M.zeros(3, dtype=M.int8).random_(0, 200)",
    "M.zeros(3).random_(0)", "M.zeros(3).exponential_(-1)", "M.zeros(3, dtype=M.int64).exponential_()",
    "M.randn_like(M.zeros(2, dtype=M.int64))", "M.set_rng_state(M.zeros(10, dtype=M.uint8))",
    "M.set_rng_state(M.zeros(10))", "M.manual_seed(2**64)", "M.rand(2, generator=1)",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors(torch, expr):
    out = []
    for M in (torch, ctorch):
        try:
            eval(expr)
            out.append(None)
        except Exception as e:  # noqa: BLE001
            out.append((type(e), str(e)))
    a, b = out
    assert a is not None and b is not None, (expr, a, b)
    assert b[0] is a[0], (expr, a, b)
    if a[0] is RuntimeError and "Expected p_in" not in a[1]:
        assert b[1] == a[1]


def test_rng_does_not_leak_between_generators(torch):
    ctorch.manual_seed(0)
    g = ctorch.Generator().manual_seed(0)
    a = ctorch.rand(5)
    ctorch.rand(5, generator=g)
    ctorch.manual_seed(0)
    np.testing.assert_array_equal(a.numpy(), ctorch.rand(5).numpy())


def test_random_module(torch):
    ctorch.random.manual_seed(4)
    torch.random.manual_seed(4)
    with ctorch.random.fork_rng():
        ctorch.rand(10)
    np.testing.assert_array_equal(torch.rand(3).numpy(), ctorch.rand(3).numpy())
    assert ctorch.random.initial_seed() == 4
    np.testing.assert_array_equal(ctorch.random.get_rng_state().numpy(), torch.random.get_rng_state().numpy())
