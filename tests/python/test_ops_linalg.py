"""Matrix products vs PyTorch: mm/bmm/matmul/dot/mv/addmm/outer, every dtype torch supports on CPU,
sizes around the GEMM blocking (1, 7, 33, 128, 1023), transposed and sliced operands, zero-size
dims, K=0, beta/alpha, out= (incl. aliasing), batch broadcasting and torch's error messages."""

import os
import subprocess
import sys

import numpy as np
import pytest

import ctorch
from _compare import DTYPES, FLOATS, both, check, gen, pair
from _torch_ref import require_torch


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def tol_for(dt, k):
    # Accumulation order differs from MKL/oneDNN: scale the tolerance with sqrt(K).
    s = max(1.0, np.sqrt(k))
    return {"float32": dict(rtol=1e-5 * s, atol=1e-5 * s), "float64": dict(rtol=1e-12 * s, atol=1e-12 * s),
            "float16": dict(rtol=1e-2, atol=2e-3 * s), "bfloat16": dict(rtol=2e-2, atol=2e-2 * s)}.get(dt, {})


def mat(rng, shape, dt):
    return gen(rng, shape, dt, -1.0, 1.0) if dt in FLOATS else gen(rng, shape, dt, -3, 3)


VIEWS = {
    "contig": (lambda m, k: (m, k), None),
    "transposed": (lambda m, k: (k, m), lambda t: t.t()),
    "sliced": (lambda m, k: (m, 2 * k + 1), lambda t: t[:, 1::2]),
    "rowstep": (lambda m, k: (2 * m, k), lambda t: t[::2]),
}


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8"])
@pytest.mark.parametrize("size", [1, 7, 33, 128])
def test_mm_sizes_layouts(torch, dt, size):
    rng = np.random.default_rng(size)
    for (m, k, n) in ((size, size, size), (size, size + 3, max(1, size - 2)), (max(1, size // 2), 2 * size + 1, size)):
        for va, (sa, fa) in VIEWS.items():
            for vb, (sb, fb) in VIEWS.items():
                ca, ta = pair(torch, mat(rng, sa(m, k), dt), dt, fa)
                cb, tb = pair(torch, mat(rng, sb(k, n), dt), dt, fb)
                assert tuple(ca.shape) == (m, k) and tuple(cb.shape) == (k, n)
                both(torch, lambda lib, a, b: lib.mm(a, b), [ca, cb], [ta, tb], **tol_for(dt, k))


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_mm_1023(torch, dt):
    rng = np.random.default_rng(11)
    for m, k, n, fa, fb in ((1023, 1023, 1023, None, None), (1023, 517, 300, lambda t: t.t(), None),
                            (300, 1023, 513, None, lambda t: t.t())):
        sa = (k, m) if fa else (m, k)
        sb = (n, k) if fb else (k, n)
        ca, ta = pair(torch, mat(rng, sa, dt), dt, fa)
        cb, tb = pair(torch, mat(rng, sb, dt), dt, fb)
        both(torch, lambda lib, a, b: lib.mm(a, b), [ca, cb], [ta, tb], **tol_for(dt, k))


@pytest.mark.parametrize("isa", ["base", "avx2", "avx512"])
def test_micro_kernel_paths(isa):
    """Every micro-kernel variant, run in a subprocess with CTORCH_GEMM_ISA capping the choice."""
    pytest.importorskip("torch")
    code = r"""
import numpy as np, torch, ctorch
rng = np.random.default_rng(0)
for dt in ("float32", "float64", "float16"):
    for (m, k, n) in ((1, 1, 2), (7, 5, 9), (13, 300, 35), (50, 600, 70), (2, 1, 3), (97, 33, 130)):
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32); b = rng.uniform(-1, 1, (n, k)).astype(np.float32)
        ca = ctorch.from_numpy(a).to(getattr(ctorch, dt)); cb = ctorch.from_numpy(b).to(getattr(ctorch, dt)).t()
        ta = torch.from_numpy(a).to(getattr(torch, dt)); tb = torch.from_numpy(b).to(getattr(torch, dt)).t()
        got = torch.from_numpy(ctorch.mm(ca, cb).float().numpy()); ref = torch.mm(ta.double(), tb.double()).float()
        tol = 1e-2 if dt == "float16" else 1e-4
        torch.testing.assert_close(got, ref, rtol=tol, atol=tol)
print("ok")
"""
    env = dict(os.environ, CTORCH_GEMM_ISA=isa)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-2000:]


def test_zero_sizes_and_k0(torch):
    for shapes in (((0, 3), (3, 4)), ((2, 0), (0, 3)), ((2, 3), (3, 0)), ((0, 0), (0, 0))):
        ca, ta = pair(torch, np.ones(shapes[0], np.float32), "float32")
        cb, tb = pair(torch, np.ones(shapes[1], np.float32), "float32")
        both(torch, lambda lib, a, b: lib.mm(a, b), [ca, cb], [ta, tb])
        both(torch, lambda lib, a, b: lib.matmul(a, b), [ca, cb], [ta, tb])
    cs, ts = pair(torch, np.full((2, 3), 2.0, np.float32), "float32")
    ca, ta = pair(torch, np.ones((2, 0), np.float32), "float32")
    cb, tb = pair(torch, np.ones((0, 3), np.float32), "float32")
    for beta, alpha in ((1, 1), (0.5, 2), (0, 1)):
        both(torch, lambda lib, s, a, b: lib.addmm(s, a, b, beta=beta, alpha=alpha), [cs, ca, cb], [ts, ta, tb])
    both(torch, lambda lib, a, b: lib.bmm(a, b), *[list(x) for x in zip(pair(torch, np.ones((0, 2, 3)), "float32"),
                                                                       pair(torch, np.ones((0, 3, 4)), "float32"))])
    both(torch, lambda lib, a, b: lib.dot(a, b), *[list(x) for x in zip(pair(torch, np.ones(0), "float32"),
                                                                       pair(torch, np.ones(0), "float32"))])


@pytest.mark.parametrize("dt", DTYPES)
def test_products_all_dtypes(torch, dt):
    rng = np.random.default_rng(3)
    a, b = mat(rng, (5, 6), dt), mat(rng, (6, 4), dt)
    v, w = mat(rng, (6,), dt), mat(rng, (6,), dt)
    ca, ta = pair(torch, a, dt)
    cb, tb = pair(torch, b, dt)
    cv, tv = pair(torch, v, dt)
    cw, tw = pair(torch, w, dt)
    tl = tol_for(dt, 6)
    both(torch, lambda lib, x, y: lib.mm(x, y), [ca, cb], [ta, tb], **tl)
    both(torch, lambda lib, x, y: x.mm(y), [ca, cb], [ta, tb], **tl)
    both(torch, lambda lib, x, y: lib.matmul(x, y), [ca, cb], [ta, tb], **tl)
    both(torch, lambda lib, x, y: x @ y, [ca, cb], [ta, tb], **tl)
    both(torch, lambda lib, x, y: lib.mv(x, y), [ca, cv], [ta, tv], **tl)
    both(torch, lambda lib, x, y: lib.dot(x, y), [cv, cw], [tv, tw], **tl)
    both(torch, lambda lib, x, y: lib.outer(x, y), [cv, cw], [tv, tw], **tl)
    both(torch, lambda lib, x, y: lib.ger(x, y), [cv, cw], [tv, tw], **tl)
    both(torch, lambda lib, x, y: lib.bmm(x.unsqueeze(0), y.unsqueeze(0)), [ca, cb], [ta, tb], **tl)
    cs, ts = pair(torch, mat(rng, (5, 4), dt), dt)
    both(torch, lambda lib, s, x, y: lib.addmm(s, x, y), [cs, ca, cb], [ts, ta, tb], **tl)
    both(torch, lambda lib, s, x, y: lib.addmm(s, x, y, beta=2, alpha=3), [cs, ca, cb], [ts, ta, tb], **tl)
    both(torch, lambda lib, s, x, y: s.addmm(x, y, alpha=0.5, beta=0.5), [cs, ca, cb], [ts, ta, tb], **tl)


def test_matmul_cases(torch):
    rng = np.random.default_rng(4)
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
              ((5, 2, 3), (3,)), ((3,), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)),
              ((5, 1, 2, 3), (4, 3, 6)), ((1, 2, 3), (5, 3, 4)), ((2, 1, 3, 2, 3), (4, 1, 3, 2)),
              ((0, 2, 3), (3, 4)), ((2, 0, 3), (2, 3, 4)), ((4, 1, 2), (1, 2, 3))]
    for sa, sb in shapes:
        for dt in ("float32", "float64", "int64"):
            ca, ta = pair(torch, mat(rng, sa, dt), dt)
            cb, tb = pair(torch, mat(rng, sb, dt), dt)
            both(torch, lambda lib, x, y: lib.matmul(x, y), [ca, cb], [ta, tb], **tol_for(dt, 3))
            both(torch, lambda lib, x, y: x.matmul(y), [ca, cb], [ta, tb], **tol_for(dt, 3))
    # broadcast batches with non-contiguous operands
    ca, ta = pair(torch, mat(rng, (3, 4, 5, 6), "float32"), "float32", lambda t: t.transpose(0, 1)[:, ::2])
    cb, tb = pair(torch, mat(rng, (2, 7, 5), "float32"), "float32", lambda t: t.transpose(1, 2)[:1])
    both(torch, lambda lib, x, y: lib.matmul(x, y), [ca, cb], [ta, tb], **tol_for("float32", 5))
    cb2, tb2 = pair(torch, mat(rng, (6, 4), "float32"), "float32", lambda t: t.expand(3, 6, 4))
    both(torch, lambda lib, x, y: lib.matmul(x, y), [ca, cb2], [ta, tb2], **tol_for("float32", 5))


def test_out_variants(torch):
    rng = np.random.default_rng(5)
    ca, ta = pair(torch, mat(rng, (3, 4), "float32"), "float32")
    cb, tb = pair(torch, mat(rng, (4, 5), "float32"), "float32")
    cv, tv = pair(torch, mat(rng, (4,), "float32"), "float32")
    calls = [
        (lambda lib, o: lib.mm(ca if lib is ctorch else ta, cb if lib is ctorch else tb, out=o)),
        (lambda lib, o: lib.matmul(ca if lib is ctorch else ta, cb if lib is ctorch else tb, out=o)),
        (lambda lib, o: lib.mv(ca if lib is ctorch else ta, cv if lib is ctorch else tv, out=o)),
        (lambda lib, o: lib.dot(cv if lib is ctorch else tv, cv if lib is ctorch else tv, out=o)),
        (lambda lib, o: lib.outer(cv if lib is ctorch else tv, cv if lib is ctorch else tv, out=o)),
        (lambda lib, o: lib.bmm((ca if lib is ctorch else ta)[None], (cb if lib is ctorch else tb)[None], out=o)),
        (lambda lib, o: lib.addmm(lib.ones(5), ca if lib is ctorch else ta, cb if lib is ctorch else tb, beta=2,
                                  out=o)),
    ]
    for fn in calls:
        for odt in ("float32", "float64", "int64"):
            co, to = ctorch.empty(0, dtype=getattr(ctorch, odt)), torch.empty(0, dtype=getattr(torch, odt))
            r = both(torch, lambda lib, o: fn(lib, o), [co], [to], **tol_for("float32", 4))
            if r is not None:
                assert r[0] is co
    # non-contiguous out keeps its strides; out aliasing an input
    co = ctorch.empty(5, 3).t()
    ctorch.mm(ca, cb, out=co)
    assert co.stride() == (1, 3)
    check(torch, co, torch.mm(ta, tb), **tol_for("float32", 4))
    x = ctorch.from_numpy(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    ctorch.mm(x, ctorch.from_numpy(np.eye(3, dtype=np.float32)), out=x)
    assert x.numpy().tolist() == [[0, 1, 2], [3, 4, 5]]
    s = ctorch.ones(3, 5)
    s.addmm_(ca, cb, beta=0.5)
    check(torch, s, torch.ones(3, 5).addmm_(ta, tb, beta=0.5), **tol_for("float32", 4))


def test_beta_zero_ignores_nan_and_int_scalars(torch):
    nan = np.full((2, 2), np.nan, np.float32)
    cs, ts = pair(torch, nan, "float32")
    ca, ta = pair(torch, np.ones((2, 3), np.float32), "float32")
    cb, tb = pair(torch, np.ones((3, 2), np.float32), "float32")
    both(torch, lambda lib, s, a, b: lib.addmm(s, a, b, beta=0), [cs, ca, cb], [ts, ta, tb])
    both(torch, lambda lib, s, a, b: lib.addmm(s, a, b, beta=0.0, alpha=2), [cs, ca, cb], [ts, ta, tb])
    ci = [ctorch.full((2, 2), 3), ctorch.ones(2, 3, dtype=ctorch.int64), ctorch.ones(3, 2, dtype=ctorch.int64)]
    ti = [torch.full((2, 2), 3), torch.ones(2, 3, dtype=torch.int64), torch.ones(3, 2, dtype=torch.int64)]
    both(torch, lambda lib, s, a, b: lib.addmm(s, a, b, beta=0.5, alpha=1.5), ci, ti)
    # integer overflow wraps like PyTorch
    big = np.full((2, 40), 100, np.int64)
    for dt in ("int8", "uint8", "int16", "int32"):
        ca, ta = pair(torch, big, dt)
        cb, tb = pair(torch, big.T.copy(), dt)
        both(torch, lambda lib, a, b: lib.mm(a, b), [ca, cb], [ta, tb])


def test_operators(torch):
    c = ctorch.ones(2, 3)
    d = ctorch.ones(3, 4)
    assert tuple((c @ d).shape) == (2, 4)
    assert tuple(d.__rmatmul__(c).shape) == (2, 4)
    with pytest.raises(TypeError):
        c @ 2
    with pytest.raises(TypeError):
        2 @ c
    with pytest.raises(TypeError):
        ctorch.mm(c, 2)
    e = c
    e @= ctorch.ones(3, 3)
    assert e is not c and tuple(e.shape) == (2, 3)
    assert not hasattr(torch.Tensor, "__imatmul__") and not hasattr(ctorch.Tensor, "__imatmul__")


def test_errors(torch):
    f32, f64, b = "float32", "float64", "bool"
    cases = [
        ("dot", (2, 3), f32, (2, 3), f32), ("dot", (3,), f32, (4,), f32), ("dot", (3,), f32, (3,), f64),
        ("dot", (3,), b, (3,), b), ("dot", (), f32, (1,), f32),
        ("mv", (2, 3), f32, (4,), f32), ("mv", (2, 3), f32, (3, 1), f32), ("mv", (3,), f32, (3,), f32),
        ("mv", (2, 3), f32, (3,), f64), ("mv", (2, 3), f64, (3,), f32), ("mv", (2, 3), b, (3,), b),
        ("mm", (2, 3), f32, (4, 5), f32), ("mm", (2, 3), f32, (3, 5), f64), ("mm", (3,), f32, (3, 5), f32),
        ("mm", (2, 3), f32, (3,), f32), ("mm", (2, 3), b, (3, 4), b), ("mm", (2, 3), "int64", (3, 4), f64),
        ("bmm", (2, 2, 3), f32, (2, 4, 5), f32), ("bmm", (2, 2, 3), f32, (3, 3, 5), f32),
        ("bmm", (2, 3), f32, (2, 3, 5), f32), ("bmm", (2, 2, 3), f32, (3, 5), f32),
        ("bmm", (2, 2, 3), f32, (2, 3, 5), f64), ("bmm", (2, 2, 3), b, (2, 3, 4), b),
        ("matmul", (3,), f32, (4,), f32), ("matmul", (2, 3), f32, (4,), f32), ("matmul", (3,), f32, (4, 5), f32),
        ("matmul", (2, 2, 3), f32, (4, 5), f32), ("matmul", (2, 2, 3), f32, (2, 4, 5), f32),
        ("matmul", (3, 2, 2, 3), f32, (2, 4, 5), f32), ("matmul", (2, 2, 3), f32, (4,), f32),
        ("matmul", (4,), f32, (2, 3, 5), f32), ("matmul", (), f32, (3,), f32), ("matmul", (3,), f32, (), f32),
        ("matmul", (2, 3), f32, (3,), f64), ("matmul", (2, 2, 3), f64, (3, 4), f32),
        ("matmul", (2, 2, 3), f32, (3, 3, 4), f32), ("matmul", (2, 2, 3), f32, (2, 3, 4), f64),
        ("matmul", (2, 3), f32, (2, 4, 5), f32), ("matmul", (2, 3), b, (3, 4), b),
        ("outer", (2, 1), f32, (3,), f32), ("outer", (3,), f32, (2, 2), f32),
    ]
    for op, sa, da, sb, db in cases:
        ca, ta = pair(torch, np.ones(sa), da)
        cb, tb = pair(torch, np.ones(sb), db)
        with pytest.raises(Exception) as te:
            getattr(torch, op)(ta, tb)
        with pytest.raises(type(te.value)) as ce:
            getattr(ctorch, op)(ca, cb)
        assert str(ce.value).split("\n")[0] == str(te.value).split("\n")[0], (op, sa, sb)
    # addmm
    for ss, sd, s1, d1, s2, d2 in (((2, 5), f32, (3,), f32, (3, 5), f32), ((2, 5), f32, (2, 3), f32, (5,), f32),
                                   ((2, 5), f32, (2, 3), f32, (4, 5), f32), ((2, 5), f32, (2, 3), f32, (3, 5), f64),
                                   ((2, 5), f32, (2, 3), f64, (3, 5), f32), ((2, 5), f64, (2, 3), f32, (3, 5), f32),
                                   ((3, 5), f32, (2, 3), f32, (3, 5), f32), ((2, 5), b, (2, 3), b, (3, 5), b)):
        args = [pair(torch, np.ones(s), d) for s, d in ((ss, sd), (s1, d1), (s2, d2))]
        with pytest.raises(Exception) as te:
            torch.addmm(*[a[1] for a in args])
        with pytest.raises(type(te.value)) as ce:
            ctorch.addmm(*[a[0] for a in args])
        assert str(ce.value).split("\n")[0] == str(te.value).split("\n")[0]
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype float, but got double instead"):
        ctorch.mm(ctorch.ones(2, 3), ctorch.ones(3, 4), out=ctorch.empty(0, dtype=ctorch.float64))


GRAD_CASES = {
    "matmul": lambda l, x, y: x @ y, "mm": lambda l, x, y: l.mm(x[0], y), "bmm": lambda l, x, y: l.bmm(x, y.expand(3, 5, 2)),
    "mv": lambda l, x, y: l.mv(x[0], y[:, 0]), "dot": lambda l, x, y: l.dot(x[0, 0], y[:, 1]),
    "addmm": lambda l, x, y: l.addmm(x[0, :, :2], x[1], y, beta=0.5, alpha=2), "outer": lambda l, x, y: l.outer(x[0, 0], y[:, 0]),
    "matmul_vec": lambda l, x, y: l.matmul(x[0, 0], y), "matmul_bcast": lambda l, x, y: l.matmul(y.t(), x.transpose(1, 2)),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_autograd_matches_torch(torch, name):
    f = GRAD_CASES[name]
    rng = np.random.default_rng(10)
    a, b = rng.uniform(-1, 1, (3, 4, 5)), rng.uniform(-1, 1, (5, 2))
    res = {}
    for lib in (torch, ctorch):
        x, y = lib.from_numpy(a.copy()).requires_grad_(), lib.from_numpy(b.copy()).requires_grad_()
        out = f(lib, x, y)
        (out * lib.from_numpy(np.full(tuple(out.shape), 0.5))).sum().backward()
        res[lib.__name__] = [np.array(x.grad.numpy()), np.array(y.grad.numpy())]
    for c, t in zip(res["ctorch"], res["torch"]):
        np.testing.assert_allclose(c, t, rtol=1e-10, atol=1e-12)
