"""The CUDA runtime seen from Python: device queries, copies between devices for every dtype pair,
factories with device=, random number generation, the caching allocator, streams and events,
autograd on CUDA, conversions to host values, and PyTorch's errors for mixed devices.

The op-by-op comparison with the CPU lives in test_cuda_ops.py. No torch needed; skipped without a
GPU (see test_cuda_nogpu.py for the CPU-only behaviour).
"""
import copy
import gc
import pickle
import warnings

import numpy as np
import pytest

import ctorch
from _cuda_common import ALL_DTYPES, assert_same, dt, from_np, np_of, requires_cuda

pytestmark = requires_cuda

cuda = ctorch.cuda


def _values(dtype, shape, rng):
    """Values every dtype converts the same way on any device: non-negative, with fractions."""
    v = rng.integers(0, 100, shape) + rng.choice([0.0, 0.25, 0.5, 0.75], shape)
    if dtype == "bool":
        return v > 40
    return v


# ---------------------------------------------------------------- device queries
def test_device_queries():
    assert cuda.is_available()
    n = cuda.device_count()
    assert isinstance(n, int) and n >= 1
    name = cuda.get_device_name()
    assert isinstance(name, str) and name
    assert cuda.get_device_name(0) == name and cuda.get_device_name("cuda:0") == name
    assert cuda.current_device() == 0
    cuda.set_device(0)
    assert cuda.current_device() == 0
    cap = cuda.get_device_capability()
    assert isinstance(cap, tuple) and len(cap) == 2 and cap[0] >= 3
    props = cuda.get_device_properties(0)
    assert props.total_memory > 0 and props.multi_processor_count > 0 and props.name == name
    cuda.init()
    assert cuda.is_initialized()
    with pytest.raises(Exception):
        cuda.get_device_properties(n)  # invalid ordinal


def test_device_context_managers():
    with cuda.device(0):
        assert cuda.current_device() == 0
    with cuda.device("cuda:0"):
        x = ctorch.ones(2, device="cuda")
    assert x.device == ctorch.device("cuda", 0)
    with cuda.device_of(x):
        assert cuda.current_device() == 0
    with cuda.device_of(ctorch.ones(2)):  # a CPU tensor: no-op
        assert cuda.current_device() == 0
    with cuda.device(None):
        assert cuda.current_device() == 0


def test_tensor_device_attributes():
    x = ctorch.zeros(2, 3, device="cuda")
    assert x.is_cuda and x.device.type == "cuda" and x.device.index == 0
    assert str(x.device) == "cuda:0" and x.get_device() == 0
    assert x.device == ctorch.device("cuda:0")
    assert x.type() == "torch.cuda.FloatTensor"
    assert not ctorch.zeros(1).is_cuda and ctorch.zeros(1).get_device() == -1
    assert ctorch.zeros(1, device="cuda:0").device == x.device
    assert ctorch.zeros(1, device=ctorch.device("cuda")).device == x.device
    assert ctorch.zeros(1, device=0).device == x.device if _accepts_int_device() else True


def _accepts_int_device():
    try:
        ctorch.zeros(1, device=0)
        return True
    except Exception:  # noqa: BLE001
        return False


def test_invalid_device_ordinal():
    n = cuda.device_count()
    with pytest.raises(RuntimeError):
        ctorch.zeros(1, device="cuda:%d" % n)
    with pytest.raises(RuntimeError):
        ctorch.ones(1).to("cuda:%d" % n)


# ---------------------------------------------------------------- copies between devices
@pytest.mark.parametrize("src", ALL_DTYPES)
def test_copy_every_dtype_pair(src):
    rng = np.random.default_rng(1)
    x = from_np(_values(src, (3, 5), rng), src)
    for dst in ALL_DTYPES:
        ref = x.to(dt(dst))  # CPU conversion: the reference
        what = "%s -> %s" % (src, dst)
        g = x.to("cuda", dt(dst))  # host -> device with conversion
        assert_same(g, ref, "cpu->cuda " + what, exact=True)
        g2 = x.cuda().to(dt(dst))  # conversion on the device
        assert_same(g2, ref, "cuda convert " + what, exact=True)
        back = x.cuda().to("cpu", dt(dst))  # device -> host with conversion
        assert back.device.type == "cpu"
        np.testing.assert_array_equal(np_of(back), np_of(ref), err_msg="cuda->cpu " + what)
        d = ctorch.empty(3, 5, dtype=dt(dst), device="cuda")
        d.copy_(x)  # copy_ across devices and dtypes
        assert_same(d, ref, "copy_ cpu->cuda " + what, exact=True)
        h = ctorch.empty(3, 5, dtype=dt(dst))
        h.copy_(x.cuda())
        np.testing.assert_array_equal(np_of(h), np_of(ref), err_msg="copy_ cuda->cpu " + what)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "bool", "bfloat16"])
def test_copy_non_contiguous_both_sides(dtype):
    rng = np.random.default_rng(2)
    base = _values(dtype, (6, 8), rng)
    src_c = from_np(base, dtype).t()[::2]  # (4, 6) strided view
    expect = np_of(src_c)
    # CPU strided -> CUDA strided
    dst_g = ctorch.zeros(6, 8, dtype=dt(dtype), device="cuda").t()[1::2]
    dst_g.copy_(src_c)
    np.testing.assert_array_equal(np_of(dst_g), expect)
    # CUDA strided -> CPU strided
    src_g = from_np(base, dtype, "cuda").t()[::2]
    dst_c = ctorch.zeros(6, 8, dtype=dt(dtype)).t()[1::2]
    dst_c.copy_(src_g)
    np.testing.assert_array_equal(np_of(dst_c), expect)
    # broadcast source across devices, 0-dim and empty
    row = from_np(base[0], dtype)
    b = ctorch.empty(5, 8, dtype=dt(dtype), device="cuda")
    b.copy_(row)
    np.testing.assert_array_equal(np_of(b), np.broadcast_to(np_of(row), (5, 8)))
    z = ctorch.empty((), dtype=dt(dtype), device="cuda")
    z.copy_(from_np(base[1, 1], dtype))
    assert z.cpu().item() == from_np(base[1, 1], dtype).item()
    e = ctorch.empty(0, 3, dtype=dt(dtype), device="cuda")
    e.copy_(ctorch.empty(0, 3, dtype=dt(dtype)))
    assert tuple(e.cpu().shape) == (0, 3)
    # a non-contiguous CUDA tensor to the CPU keeps its values (and .cpu() of a view)
    np.testing.assert_array_equal(np_of(src_g.cpu()), expect)
    np.testing.assert_array_equal(np_of(src_g.contiguous()), expect)
    with pytest.raises(RuntimeError):
        ctorch.empty(3, dtype=dt(dtype), device="cuda").copy_(ctorch.ones(4))  # shape mismatch


def test_to_and_cuda_cpu_methods():
    x = ctorch.arange(6.0).reshape(2, 3)
    g = x.cuda()
    assert g.is_cuda and g.cuda() is g and g.to("cuda") is g and g.to("cuda:0") is g
    assert x.cpu() is x and g.cpu().device.type == "cpu"
    assert g.to("cuda", copy=True) is not g
    h = x.to("cuda", ctorch.float16)
    assert h.is_cuda and h.dtype == ctorch.float16
    h = x.to(device="cuda", dtype=ctorch.float64)
    assert h.is_cuda and h.dtype == ctorch.float64
    h = x.to(ctorch.device("cuda", 0))
    assert h.is_cuda
    other = ctorch.zeros(1, dtype=ctorch.int32, device="cuda")
    h = x.to(other)
    assert h.is_cuda and h.dtype == ctorch.int32
    assert x.cuda(0).is_cuda and x.cuda("cuda:0").is_cuda
    assert g.double().is_cuda and g.half().dtype == ctorch.float16 and g.long().is_cuda
    assert g.type(ctorch.float64).is_cuda
    assert x.type("torch.cuda.FloatTensor").is_cuda
    assert g.type("torch.FloatTensor").device.type == "cpu"
    np.testing.assert_array_equal(np_of(g), np_of(x))


def test_non_blocking_pinned_copies():
    x = ctorch.randn(1 << 20)
    p = x.pin_memory()
    assert p.is_pinned() and not x.is_pinned()
    assert p.pin_memory() is p
    np.testing.assert_array_equal(np_of(p), np_of(x))
    g = p.to("cuda", non_blocking=True)
    g2 = p.cuda(non_blocking=True)
    cuda.synchronize()
    np.testing.assert_array_equal(np_of(g), np_of(x))
    np.testing.assert_array_equal(np_of(g2), np_of(x))
    y = g * 2
    back = ctorch.empty(1 << 20).pin_memory()
    back.copy_(y, non_blocking=True)
    cuda.current_stream().synchronize()
    np.testing.assert_array_equal(np_of(back), np_of(x) * 2)
    h = y.to("cpu", non_blocking=True)
    cuda.synchronize()
    np.testing.assert_array_equal(np_of(h), np_of(x) * 2)
    # Pageable memory with non_blocking=True still gives the right values.
    q = x.to("cuda", non_blocking=True)
    np.testing.assert_array_equal(np_of(q), np_of(x))
    with pytest.raises(RuntimeError):
        g.pin_memory()  # only CPU tensors can be pinned


# ---------------------------------------------------------------- factories and host values
def test_factories_on_cuda():
    specs = [
        ("zeros", lambda **k: ctorch.zeros(2, 3, **k)),
        ("ones", lambda **k: ctorch.ones(2, 3, dtype=ctorch.int32, **k)),
        ("full", lambda **k: ctorch.full((2, 2), 3.5, **k)),
        ("arange int", lambda **k: ctorch.arange(10, **k)),
        ("arange float", lambda **k: ctorch.arange(-1.0, 2.0, 0.25, **k)),
        ("arange empty", lambda **k: ctorch.arange(0, **k)),
        ("linspace", lambda **k: ctorch.linspace(-2, 3, 17, **k)),
        ("logspace", lambda **k: ctorch.logspace(-2, 3, 11, **k)),
        ("eye", lambda **k: ctorch.eye(3, 4, **k)),
        ("tensor", lambda **k: ctorch.tensor([[1, 2], [3, 4]], **k)),
        ("tensor float16", lambda **k: ctorch.tensor([1.5, 2.25], dtype=ctorch.float16, **k)),
        ("tensor bool", lambda **k: ctorch.tensor([True, False], **k)),
        ("tensor 0-dim", lambda **k: ctorch.tensor(2.5, **k)),
        ("empty_strided", lambda **k: ctorch.empty_strided((2, 3), (1, 2), **k).fill_(1)),
    ]
    for name, f in specs:
        c, g = f(), f(device="cuda")
        assert_same(g, c, name, exact=name not in ("linspace", "logspace", "arange float"))
    assert ctorch.arange(5, device="cuda").dtype == ctorch.int64


def test_like_factories_follow_device():
    g = ctorch.ones(2, 3, dtype=ctorch.float16, device="cuda").t()
    for f in (ctorch.zeros_like, ctorch.ones_like, ctorch.empty_like, ctorch.rand_like, ctorch.randn_like):
        r = f(g)
        assert r.is_cuda and r.dtype == ctorch.float16 and tuple(r.shape) == (3, 2), f
        assert f(g, device="cpu").device.type == "cpu"
    assert ctorch.full_like(g, 7).is_cuda
    assert ctorch.randint_like(g, 5).is_cuda
    assert ctorch.zeros_like(ctorch.ones(2), device="cuda").is_cuda
    assert g.new_zeros(4).is_cuda if hasattr(g, "new_zeros") else True
    assert g.clone().is_cuda and g.contiguous().is_cuda and g.detach().is_cuda


def test_tensor_from_tensor_keeps_device():
    g = ctorch.arange(4.0, device="cuda")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ctorch.tensor(g).is_cuda
        assert ctorch.tensor(g, device="cpu").device.type == "cpu"
        assert ctorch.tensor([g[0], g[1]]).device.type == "cpu"  # a list of tensors: built on the host
    assert ctorch.tensor(np.arange(3), device="cuda").is_cuda
    assert ctorch.as_tensor([1, 2], device="cuda").is_cuda if hasattr(ctorch, "as_tensor") else True


def test_host_values():
    g = ctorch.tensor([[1.5, -2.0], [3.0, 4.25]], device="cuda")
    assert g.tolist() == [[1.5, -2.0], [3.0, 4.25]]
    assert g[1, 1].item() == 4.25 and float(g[0, 0]) == 1.5 and int(g[1, 0]) == 3
    assert bool(g[0, 0] > 0) and not bool(g[0, 1] > 0)
    assert ctorch.tensor(7, device="cuda").item() == 7
    assert ctorch.tensor(True, device="cuda").item() is True
    assert ctorch.tensor(1.5, dtype=ctorch.bfloat16, device="cuda").item() == 1.5
    assert "%.2f" % g[0, 0] == "1.50"
    assert len(g) == 2 and [r.tolist() for r in g] == [[1.5, -2.0], [3.0, 4.25]]
    with pytest.raises((RuntimeError, ValueError)):
        g.item()
    assert np.asarray(g.cpu()).shape == (2, 2)


def test_numpy_of_cuda_raises_type_error():
    g = ctorch.ones(2, device="cuda")
    msg = ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory "
           "first.")
    with pytest.raises(TypeError) as ei:
        g.numpy()
    assert str(ei.value) == msg
    with pytest.raises(TypeError):
        np.asarray(g)
    assert g.numpy(force=True).tolist() == [1.0, 1.0]
    assert g.cpu().numpy().tolist() == [1.0, 1.0]


def test_repr_of_cuda_tensors():
    assert repr(ctorch.tensor([1.0, 2.0, 3.0], device="cuda")) == "tensor([1., 2., 3.], device='cuda:0')"
    assert repr(ctorch.tensor([1, 2], dtype=ctorch.int32, device="cuda")) == \
        "tensor([1, 2], device='cuda:0', dtype=ctorch.int32)"
    assert repr(ctorch.zeros(0, 3, device="cuda")) == "tensor([], device='cuda:0', size=(0, 3))"
    assert repr(ctorch.ones(2, device="cuda", requires_grad=True)) == \
        "tensor([1., 1.], device='cuda:0', requires_grad=True)"
    assert repr(ctorch.tensor(2.5, dtype=ctorch.bfloat16, device="cuda")) == \
        "tensor(2.5000, device='cuda:0', dtype=ctorch.bfloat16)"
    big = ctorch.arange(2000.0, device="cuda")
    assert repr(big) == repr(big.cpu())[:-1] + ", device='cuda:0')"
    assert str(ctorch.ones(1, device="cuda")) == "tensor([1.], device='cuda:0')"


def test_pickle_deepcopy_dlpack():
    g = ctorch.arange(6.0, device="cuda").reshape(2, 3)
    for h in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        assert h.is_cuda
        assert_same(h, g.cpu().cuda(), "pickle/deepcopy", exact=True)
    assert g.__dlpack_device__() == (2, 0)
    cap = ctorch.utils.dlpack.to_dlpack(g)
    shared = ctorch._C._from_dlpack_capsule(cap)  # zero copy: same device memory
    assert shared.is_cuda and shared.data_ptr() == g.data_ptr()
    shared[0, 0] = 42.0
    assert g[0, 0].item() == 42.0
    assert ctorch.from_dlpack(g) is g


# ---------------------------------------------------------------- errors for mixed devices
def test_mixed_device_errors():
    g = ctorch.ones(3, device="cuda")
    c = ctorch.ones(3)
    full = "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
    for f in (lambda: g + c, lambda: c * g, lambda: ctorch.where(c > 0, g, g), lambda: g.add_(c),
              lambda: ctorch.maximum(g, c)):
        with pytest.raises(RuntimeError) as ei:
            f()
        assert full in str(ei.value)
    for f in (lambda: ctorch.mm(g.reshape(3, 1), c.reshape(1, 3)), lambda: ctorch.cat([g, c]),
              lambda: ctorch.stack([c, g]), lambda: ctorch.dot(g, c), lambda: ctorch.index_select(g, 0, c.long()),
              lambda: ctorch.gather(g, 0, c.long()), lambda: g.scatter_(0, ctorch.zeros(1, dtype=ctorch.int64),
                                                                        ctorch.ones(1)),
              lambda: ctorch.masked_select(g, c > 0), lambda: ctorch.sum(g, 0, out=ctorch.empty(())),
              lambda: ctorch.add(g, g, out=ctorch.empty(3))):
        with pytest.raises(RuntimeError):
            f()
    # CPU 0-dim tensors (and Python numbers) are fine.
    assert (g + ctorch.tensor(2.0)).is_cuda and (ctorch.tensor(2) * g).is_cuda and (g * 3).is_cuda
    assert ctorch.where(g > 0, g, ctorch.tensor(0.0)).is_cuda
    # x.cuda()[cpu index] is fine; a CUDA index into a CPU tensor is not.
    assert g[ctorch.tensor([0, 2])].is_cuda
    with pytest.raises(IndexError):
        c[ctorch.tensor([0, 2], device="cuda")]


# ---------------------------------------------------------------- random numbers
def _same(a, b):
    return np.array_equal(np_of(a), np_of(b), equal_nan=True)


def test_manual_seed_determinism():
    draws = [
        lambda: ctorch.rand(1000, device="cuda"),
        lambda: ctorch.randn(1001, device="cuda"),
        lambda: ctorch.randn(7, dtype=ctorch.float64, device="cuda"),
        lambda: ctorch.randint(-5, 17, (999,), device="cuda"),
        lambda: ctorch.randperm(300, device="cuda"),
        lambda: ctorch.bernoulli(ctorch.full((500,), 0.3, device="cuda")),
        lambda: ctorch.empty(64, 33, device="cuda").t().uniform_(-1, 2),
        lambda: ctorch.empty(100, device="cuda", dtype=ctorch.float16).normal_(1, 2),
        lambda: ctorch.empty(100, device="cuda").exponential_(3),
        lambda: ctorch.empty(100, dtype=ctorch.int16, device="cuda").random_(0, 1000),
        lambda: ctorch.normal(ctorch.zeros(50, device="cuda"), ctorch.ones(50, device="cuda")),
        lambda: ctorch.rand_like(ctorch.empty(3, 4, device="cuda", dtype=ctorch.bfloat16)),
    ]
    for k, f in enumerate(draws):
        ctorch.manual_seed(1234)
        a = f()
        ctorch.manual_seed(1234)
        b = f()
        assert a.is_cuda and _same(a, b), "draw %d not reproducible" % k
        ctorch.cuda.manual_seed(99)
        c = f()
        ctorch.cuda.manual_seed_all(99)
        d = f()
        assert _same(c, d), "draw %d not reproducible with cuda.manual_seed" % k
    ctorch.manual_seed(1)
    a = ctorch.rand(100, device="cuda")
    b = ctorch.rand(100, device="cuda")
    assert not _same(a, b), "consecutive draws must differ"
    ctorch.manual_seed(2)
    assert not _same(a, ctorch.rand(100, device="cuda")), "different seeds must differ"


def test_rng_state_and_generators_are_separate():
    ctorch.manual_seed(7)
    state = cuda.get_rng_state()
    a = ctorch.randn(256, device="cuda")
    cuda.set_rng_state(state)
    b = ctorch.randn(256, device="cuda")
    assert _same(a, b)
    # CUDA draws do not advance the CPU generator (and the other way round).
    ctorch.manual_seed(0)
    c1 = ctorch.rand(5)
    ctorch.manual_seed(0)
    ctorch.rand(1000, device="cuda")
    c2 = ctorch.rand(5)
    assert _same(c1, c2)
    ctorch.manual_seed(0)
    g1 = ctorch.rand(5, device="cuda")
    ctorch.manual_seed(0)
    ctorch.rand(1000)
    g2 = ctorch.rand(5, device="cuda")
    assert _same(g1, g2)
    ctorch.cuda.manual_seed(5)
    assert cuda.initial_seed() == 5


def test_default_generators_and_fork_rng():
    gens = ctorch.cuda.default_generators
    assert len(gens) == ctorch.cuda.device_count() and gens[0].device == ctorch.device("cuda", 0)
    gens[0].manual_seed(3)
    a = ctorch.rand(100, device="cuda:0")
    ctorch.cuda.manual_seed(3)
    assert ctorch.cuda.initial_seed() == gens[0].initial_seed() == 3
    assert _same(a, ctorch.rand(100, device="cuda:0"))
    assert gens[0].get_state().tolist() == ctorch.cuda.get_rng_state(0).tolist()
    with ctorch.random.fork_rng():
        inside = ctorch.rand(50, device="cuda"), ctorch.rand(5)
    after = ctorch.rand(50, device="cuda"), ctorch.rand(5)
    assert _same(inside[0], after[0]) and _same(inside[1], after[1])


def test_cuda_generator_objects():
    g = ctorch.Generator(device="cuda")
    assert g.device == ctorch.device("cuda", ctorch.cuda.current_device())
    assert g.initial_seed() == 67280421310721
    g.manual_seed(5)
    a = ctorch.rand(300, device="cuda", generator=g)
    ctorch.cuda.manual_seed(5)
    assert _same(a, ctorch.rand(300, device="cuda")), "a generator seeded 5 replays cuda.manual_seed(5)"
    state = g.get_state()
    assert state.dtype == ctorch.uint8 and state.numel() == 16
    b = ctorch.randn(301, device="cuda", generator=g)
    h = ctorch.Generator(device="cuda")
    h.set_state(state)
    assert _same(b, ctorch.randn(301, device="cuda", generator=h))
    x = ctorch.empty(64, device="cuda")
    for fill in (lambda t, gen: t.uniform_(generator=gen), lambda t, gen: t.normal_(generator=gen),
                 lambda t, gen: t.bernoulli_(0.5, generator=gen), lambda t, gen: t.random_(0, 10, generator=gen),
                 lambda t, gen: t.exponential_(generator=gen)):
        g.manual_seed(11)
        r1 = fill(x, g).clone()
        g.manual_seed(11)
        assert _same(r1, fill(x, g))
    p = ctorch.randperm(40, device="cuda", generator=g)
    assert sorted(p.tolist()) == list(range(40))
    with pytest.raises(RuntimeError, match="Expected a 'cuda' device type for generator but found 'cpu'"):
        ctorch.rand(3, device="cuda", generator=ctorch.Generator())
    with pytest.raises(RuntimeError, match="Expected a 'cpu' device type for generator but found 'cuda'"):
        ctorch.rand(3, generator=g)
    with pytest.raises(RuntimeError, match="RNG state is wrong size"):
        g.set_state(ctorch.zeros(5, dtype=ctorch.uint8))


def test_deterministic_index_writes_equal_cpu():
    ctorch.manual_seed(0)
    src, idx = ctorch.randn(20000, 16), ctorch.randint(0, 50, (20000,))
    idx2 = ctorch.randint(0, 50, (20000, 16))
    cpu = [ctorch.zeros(50, 16).index_add_(0, idx, src), ctorch.zeros(50, 16).scatter_add_(0, idx2, src),
           ctorch.zeros(50, 16).index_put_((idx,), src, accumulate=True), ctorch.zeros(50, 16).scatter_(0, idx2, src)]
    s, i, i2 = src.cuda(), idx.cuda(), idx2.cuda()
    try:
        ctorch.use_deterministic_algorithms(True)
        runs = [[ctorch.zeros(50, 16, device="cuda").index_add_(0, i, s),
                 ctorch.zeros(50, 16, device="cuda").scatter_add_(0, i2, s),
                 ctorch.zeros(50, 16, device="cuda").index_put_((i,), s, accumulate=True),
                 ctorch.zeros(50, 16, device="cuda").scatter_(0, i2, s)] for _ in range(2)]
    finally:
        ctorch.use_deterministic_algorithms(False)
    for run in runs:
        for c, g in zip(cpu, run):
            assert g.cpu().tolist() == c.tolist()  # bit for bit: the CPU's order


def test_per_process_memory_fraction():
    total = ctorch.cuda.mem_get_info()[1]
    assert ctorch.cuda.get_per_process_memory_fraction() == 1.0
    ctorch.cuda.empty_cache()
    try:
        ctorch.cuda.set_per_process_memory_fraction(0.25)
        assert ctorch.cuda.get_per_process_memory_fraction() == 0.25
        x = ctorch.empty(int(total * 0.1) // 4, device="cuda")  # fits
        with pytest.raises(ctorch.cuda.OutOfMemoryError, match="set_per_process_memory_fraction"):
            ctorch.empty(int(total * 0.2) // 4, device="cuda")  # 0.1 + 0.2 > 0.25
        del x
        y = ctorch.empty(int(total * 0.2) // 4, device="cuda")  # the freed block is released, then it fits
        del y
    finally:
        ctorch.cuda.set_per_process_memory_fraction(1.0)
    with pytest.raises(ValueError, match="Allowed range"):
        ctorch.cuda.set_per_process_memory_fraction(1.5)
    with pytest.raises(TypeError, match="must be `float`"):
        ctorch.cuda.set_per_process_memory_fraction(1)


def test_tf32_flag_steers_cublas():
    if ctorch._C._cuda_gemm_backend() != "cublas":
        pytest.skip("cuBLAS not loaded: our kernels always compute float32 in float32")
    ctorch.manual_seed(0)
    a = ctorch.randn(512, 512, device="cuda")
    ref = (a.double() @ a.double()).cpu()
    scale = ref.abs().max().item()
    m = ctorch.backends.cuda.matmul
    try:
        m.allow_tf32 = False
        err_full = ((a @ a).cpu().double() - ref).abs().max().item() / scale
        m.allow_tf32 = True
        err_tf32 = ((a @ a).cpu().double() - ref).abs().max().item() / scale
    finally:
        m.allow_tf32 = False
    assert err_full < 1e-5
    assert err_full < err_tf32 < 1e-2  # TF32 keeps 10 mantissa bits


N = 1 << 20


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_uniform_normal_statistics(dtype):
    ctorch.manual_seed(2024)
    u = ctorch.rand(N, dtype=dt(dtype), device="cuda")
    a = np_of(u).astype(np.float64)
    assert a.min() >= 0.0 and a.max() < 1.0
    assert abs(a.mean() - 0.5) < 5e-3 and abs(a.std() - 12 ** -0.5) < 5e-3
    hist = np.histogram(a, bins=10, range=(0, 1))[0] / N
    assert np.all(np.abs(hist - 0.1) < 0.01), hist
    v = np_of(ctorch.empty(N, dtype=dt(dtype), device="cuda").uniform_(-2, 3)).astype(np.float64)
    assert v.min() >= -2 and v.max() < 3 and abs(v.mean() - 0.5) < 0.02
    n = np_of(ctorch.randn(N, dtype=dt(dtype), device="cuda")).astype(np.float64)
    assert abs(n.mean()) < 5e-3 and abs(n.std() - 1) < 5e-3
    assert abs((np.abs(n) < 1).mean() - 0.6827) < 5e-3
    m = np_of(ctorch.normal(2.0, 3.0, (N,), dtype=dt(dtype), device="cuda")).astype(np.float64)
    assert abs(m.mean() - 2) < 0.02 and abs(m.std() - 3) < 0.02
    m2 = np_of(ctorch.empty(N, dtype=dt(dtype), device="cuda").normal_(-1, 0.5)).astype(np.float64)
    assert abs(m2.mean() + 1) < 5e-3 and abs(m2.std() - 0.5) < 5e-3
    # non-contiguous targets get the same distribution
    t = ctorch.empty(1024, 1024, dtype=dt(dtype), device="cuda").t()
    t.uniform_()
    tt = np_of(t).astype(np.float64)
    assert tt.min() >= 0 and tt.max() < 1 and abs(tt.mean() - 0.5) < 5e-3


def test_discrete_statistics():
    ctorch.manual_seed(3)
    r = np_of(ctorch.randint(0, 10, (N,), device="cuda"))
    assert r.min() == 0 and r.max() == 9 and abs(r.mean() - 4.5) < 0.03
    assert np.all(np.abs(np.bincount(r, minlength=10) / N - 0.1) < 0.01)
    big = np_of(ctorch.randint(-(1 << 40), 1 << 40, (N,), device="cuda"))
    assert big.min() >= -(1 << 40) and big.max() < (1 << 40) and abs(big.mean()) < 0.01 * (1 << 40)
    for p in (0.0, 0.3, 1.0):
        b = np_of(ctorch.bernoulli(ctorch.full((N,), p, device="cuda")))
        assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - p) < 5e-3
    b = np_of(ctorch.empty(N, dtype=ctorch.bool, device="cuda").bernoulli_(0.25)).astype(np.float64)
    assert abs(b.mean() - 0.25) < 5e-3
    probs = ctorch.linspace(0, 1, 11, device="cuda").repeat(N // 8) if hasattr(ctorch.Tensor, "repeat") else None
    if probs is not None:
        bb = np_of(ctorch.bernoulli(probs)).reshape(-1, 11).mean(0)
        assert np.all(np.abs(bb - np.linspace(0, 1, 11)) < 0.02)
    e = np_of(ctorch.empty(N, device="cuda").exponential_(2.0)).astype(np.float64)
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 5e-3
    p = np_of(ctorch.randperm(5000, device="cuda"))
    assert sorted(p.tolist()) == list(range(5000)) and not np.array_equal(p, np.arange(5000))
    ri = np_of(ctorch.empty(N, dtype=ctorch.uint8, device="cuda").random_())
    assert ri.min() == 0 and ri.max() == 255 and abs(ri.mean() - 127.5) < 1


# ---------------------------------------------------------------- caching allocator
def _settle():
    gc.collect()
    cuda.synchronize()


def test_memory_allocated_grows_and_shrinks():
    _settle()
    before = cuda.memory_allocated()
    x = ctorch.empty(1 << 20, device="cuda")  # 4 MiB
    assert cuda.memory_allocated() - before >= 4 << 20
    assert cuda.memory_allocated() - before < (4 << 20) + (2 << 20)
    assert cuda.memory_reserved() >= cuda.memory_allocated()
    del x
    _settle()
    assert cuda.memory_allocated() == before
    y = ctorch.ones(1000, device="cuda") * 2  # temporaries come and go
    assert cuda.memory_allocated() > before
    del y
    _settle()
    assert cuda.memory_allocated() == before
    stats = cuda.memory_stats()
    assert stats["allocated_bytes.all.current"] == before


def test_empty_cache_lowers_reserved():
    _settle()
    x = ctorch.empty(64 << 20, dtype=ctorch.uint8, device="cuda")
    held = cuda.memory_reserved()
    assert held >= 64 << 20
    del x
    _settle()
    assert cuda.memory_reserved() == held  # cached, not returned
    cuda.empty_cache()
    assert cuda.memory_reserved() <= held - (64 << 20)
    free, total = cuda.mem_get_info()
    assert 0 < free <= total


def test_peak_memory_stats():
    _settle()
    cuda.reset_peak_memory_stats()
    base = cuda.memory_allocated()
    assert cuda.max_memory_allocated() == base
    x = ctorch.empty(16 << 20, dtype=ctorch.uint8, device="cuda")
    del x
    _settle()
    assert cuda.max_memory_allocated() >= base + (16 << 20)
    assert cuda.max_memory_reserved() >= cuda.memory_reserved()
    cuda.reset_peak_memory_stats()
    assert cuda.max_memory_allocated() == cuda.memory_allocated()


def test_cached_blocks_are_reused():
    """Freed blocks go back to the cache and serve the next requests: no new device allocation."""
    _settle()
    x = ctorch.empty(1 << 18, device="cuda")
    y = x + 1  # warms up the pools used below
    del x, y
    mallocs = cuda.memory_stats()["num_device_alloc"]
    for _ in range(50):
        z = ctorch.empty(1 << 18, device="cuda")
        w = z + 1
        del z, w
    assert cuda.memory_stats()["num_device_alloc"] == mallocs


def test_out_of_memory_raises():
    total = cuda.get_device_properties(0).total_memory
    with pytest.raises(RuntimeError):
        ctorch.empty(2 * total, dtype=ctorch.uint8, device="cuda")
    assert (ctorch.ones(4, device="cuda") + 1).sum().item() == 8.0  # still usable


# ---------------------------------------------------------------- streams and events
def test_streams():
    default = cuda.current_stream()
    assert default == cuda.default_stream()
    s = cuda.Stream()
    assert s != default and s.device == ctorch.device("cuda", 0)
    x = ctorch.randn(1 << 20, device="cuda")
    s.wait_stream(cuda.current_stream())
    with cuda.stream(s):
        assert cuda.current_stream() == s
        y = (x * 2 + 1).sum()
        z = ctorch.empty(1 << 20, device="cuda").copy_(x)
    assert cuda.current_stream() == default
    cuda.current_stream().wait_stream(s)
    np.testing.assert_allclose(y.item(), (np_of(x).astype(np.float64) * 2 + 1).sum(), rtol=1e-4)
    np.testing.assert_array_equal(np_of(z), np_of(x))
    s.synchronize()
    assert s.query()
    hi = cuda.Stream(priority=-1)
    with cuda.stream(hi):
        w = x + 1
    hi.synchronize()
    np.testing.assert_array_equal(np_of(w), np_of(x) + 1)
    with cuda.stream(None):
        assert cuda.current_stream() == default


def test_record_stream_delays_reuse():
    # A block freed while a side stream still uses it must not come back before that work ends.
    s = cuda.Stream()
    x = ctorch.ones(1 << 22, device="cuda")
    s.wait_stream(cuda.current_stream())
    with cuda.stream(s):
        for _ in range(20):
            y = x * 2  # queued on s, reading x
    x.record_stream(s)
    ptr = x.data_ptr()
    del x
    z = ctorch.empty(1 << 22, device="cuda")  # the current stream: x's block only once s is done
    if z.data_ptr() == ptr:
        assert s.query()
    z.fill_(0)
    s.synchronize()
    assert y.sum().item() == 2.0 * (1 << 22)
    cuda.synchronize()
    with pytest.raises(RuntimeError):
        ctorch.ones(2).record_stream(s)


def test_events():
    start, end = cuda.Event(enable_timing=True), cuda.Event(enable_timing=True)
    a = ctorch.randn(1024, 1024, device="cuda")
    start.record()
    for _ in range(5):
        a = ctorch.mm(a, a) / 1024
    end.record()
    end.synchronize()
    assert end.query()
    ms = start.elapsed_time(end)
    assert isinstance(ms, float) and ms > 0
    e = cuda.Event()
    e.record()
    e.wait()  # the current stream waits (no-op here)
    e.synchronize()
    assert e.query()
    with pytest.raises(RuntimeError):
        e.elapsed_time(end)  # created without timing
    s = cuda.Stream()
    ev = s.record_event()
    cuda.current_stream().wait_event(ev)
    cuda.synchronize()
    cuda.synchronize(0)


# ---------------------------------------------------------------- autograd on CUDA
def _mlp_params(device, dtype):
    rng = np.random.default_rng(5)
    shapes = [(16, 8), (16,), (4, 16), (4,)]
    return [from_np(rng.uniform(-0.5, 0.5, s), dtype, device).requires_grad_(True) for s in shapes]


def _mlp_loss(params, x, target):
    w1, b1, w2, b2 = params
    h = ctorch.relu(ctorch.addmm(b1, x, w1.t()))
    logits = ctorch.matmul(h, w2.t()) + b2
    logp = logits - ctorch.logsumexp(logits, 1, keepdim=True)
    return -(logp.gather(1, target[:, None])).mean() + 1e-3 * sum((p * p).sum() for p in params)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mlp_gradients_match_cpu(dtype):
    rng = np.random.default_rng(6)
    xs = rng.uniform(-1, 1, (32, 8))
    ts = rng.integers(0, 4, 32)
    results = {}
    for device in ("cpu", "cuda"):
        params = _mlp_params(device, dtype)
        x, t = from_np(xs, dtype, device), from_np(ts, "int64", device)
        losses = []
        for _ in range(3):  # a few SGD steps: gradients, then in-place updates under no_grad
            loss = _mlp_loss(params, x, t)
            for p in params:
                p.grad = None
            loss.backward()
            losses.append(loss.item())
            with ctorch.no_grad():
                for p in params:
                    p -= 0.1 * p.grad
        results[device] = (losses, [p.grad for p in params], [p.detach() for p in params])
    tol = 1e-10 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(results["cuda"][0], results["cpu"][0], rtol=tol, atol=tol)
    for gg, cg in zip(results["cuda"][1], results["cpu"][1]):
        assert gg.is_cuda and gg.dtype == dt(dtype)
        np.testing.assert_allclose(np_of(gg), np_of(cg), rtol=tol, atol=tol)
    for gp, cp in zip(results["cuda"][2], results["cpu"][2]):
        assert gp.is_cuda
        np.testing.assert_allclose(np_of(gp), np_of(cp), rtol=tol, atol=tol)


def test_grads_cross_device_copies():
    """Gradients flow back through .cuda() / .cpu() to the leaf's device."""
    x = ctorch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x.cuda() * ctorch.tensor([2.0, 3.0, 4.0], device="cuda")).sum()
    y.backward()
    assert x.grad.device.type == "cpu" and x.grad.tolist() == [2.0, 3.0, 4.0]
    g = ctorch.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (g.cpu() ** 2).sum().backward()
    assert g.grad.is_cuda and g.grad.tolist() == [2.0, 4.0]
    h = ctorch.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (h.to("cpu", ctorch.float64) * 3).sum().backward()
    assert h.grad.is_cuda and h.grad.dtype == ctorch.float32 and h.grad.tolist() == [3.0, 3.0]
    s = ctorch.tensor(2.0, requires_grad=True)  # a CPU 0-dim leaf in a CUDA op
    (s * ctorch.ones(3, device="cuda")).sum().backward()
    assert s.grad.device.type == "cpu" and s.grad.item() == 3.0


def test_autograd_ops_on_cuda():
    rng = np.random.default_rng(8)
    specs = [
        ("index", lambda x: x[ctorch.tensor([0, 2, 2], device=x.device)].sum()),
        ("mask", lambda x: x[x > 0].sum()),
        ("cumprod", lambda x: ctorch.cumprod(x, 1).sum()),
        ("prod", lambda x: x.prod()),
        ("max dim", lambda x: ctorch.max(x, 1)[0].sum()),
        ("norm", lambda x: x.norm()),
        ("softmax-ish", lambda x: (x.exp() / x.exp().sum(1, keepdim=True)).pow(2).sum()),
        ("as_strided", lambda x: x.as_strided((2, 2), (1, 2)).sum()),
        ("where", lambda x: ctorch.where(x > 0, x, x * x).sum()),
        ("clamp", lambda x: x.clamp(-0.5, 0.5).sum()),
        ("cat/stack", lambda x: ctorch.stack([x, x * 2]).sum() + ctorch.cat([x, x]).mean()),
        ("inplace view", lambda x: _inplace_view(x)),
    ]
    for name, f in specs:
        v = rng.uniform(-1, 1, (3, 4))
        grads = []
        for device in ("cpu", "cuda"):
            x = from_np(v, "float64", device).requires_grad_(True)
            f(x).backward()
            grads.append(x.grad)
        assert grads[1].is_cuda, name
        np.testing.assert_allclose(np_of(grads[1]), np_of(grads[0]), rtol=1e-10, atol=1e-12, err_msg=name)


def _inplace_view(x):
    y = x * 1
    y[:, 1] *= 3
    y[0] += 1
    return (y * y).sum()
