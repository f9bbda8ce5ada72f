"""Every op of the core on CUDA against the same op on the CPU (the reference), driven by the op tables
(op_db.OPS for forward / in-place / out=, grad_db.CASES for gradients), plus the matmul family at
awkward sizes, reductions, indexing and joining. No torch needed; skipped without a GPU.

Inputs are built once on the CPU from NumPy values (dtype conversion on the CPU) and copied to CUDA,
then the row's view (transpose, step slice) is applied on each device, so both devices see the same
values with the same (non-contiguous) layouts.
"""
import numpy as np
import pytest

import ctorch
import _cuda_common as _cc
from _cuda_common import (ALL_DTYPES, CUDA_LIB, FLOATS, POINTWISE_TOL, REDUCE_TOL, SAME_DEVICE_MSG, assert_same,
                          dname, from_np, np_of, pair, requires_cuda, run_both)
import grad_db
import op_db

pytestmark = requires_cuda

LINALG_TOL = {"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2), "float32": (1e-5, 1e-5), "float64": (1e-10, 1e-10)}


def _tol(info):
    return {"reduction": REDUCE_TOL, "linalg": LINALG_TOL}.get(info.kind, POINTWISE_TOL)


# Accumulating index ops add duplicates with atomics on CUDA: float sums round in another order.
_ACCUMULATING = ("scatter_add", "index_put_accumulate")


def _exact(info):
    return info.kind == "index" and info.name not in _ACCUMULATING  # data movement: bit-exact


def _same_value(a, b):
    return (a == b) or (a != a and b != b)


def _check_scatter(g, c, sample_args, kwargs, what):
    """scatter with duplicate indices: any of the colliding writes may win on CUDA (PyTorch's CUDA
    kernel is nondeterministic there too); every other element must equal the CPU's."""
    x, idx, src = sample_args
    dim = kwargs.get("dim", 0)
    gi, ci, ii, si = np_of(g), np_of(c), np_of(idx), np_of(src)
    assert g.device.type == "cuda" or not _cc.CHECK_DEVICE, what
    assert gi.shape == ci.shape and dname(g) == dname(c), what
    writes = {}
    for pos in np.ndindex(*ii.shape):
        tgt = list(pos)
        tgt[dim] = int(ii[pos])
        writes.setdefault(tuple(tgt), []).append(si[pos])
    for t in np.ndindex(*ci.shape):
        cands = writes.get(t, [])
        if len(cands) > 1:
            assert any(_same_value(gi[t], v) for v in cands), "%s at %s: %r not among %r" % (what, t, gi[t], cands)
        else:
            assert _same_value(gi[t], ci[t]), "%s at %s: cuda %r, cpu %r" % (what, t, gi[t], ci[t])


def _compare(info, g, c, sample, gargs, what):
    if info.name == "scatter":
        _check_scatter(g, c, gargs, sample.kwargs, what)
    else:
        assert_same(g, c, what, _tol(info), _exact(info))


def _make_pair(arg, dtype):
    """(cpu operand, cuda operand) of an op_db.Arg (Python numbers stay Python numbers)."""
    if arg.scalar:
        v = np.asarray(arg.data).item()
        return v, v
    return pair(np.asarray(arg.data), arg.dtype or dtype, arg.view)


def _args(sample, dtype):
    ps = [_make_pair(a, dtype) for a in sample.args]
    return [p[0] for p in ps], [p[1] for p in ps]


def _params(test, pred=lambda o: True):
    out = []
    for o in op_db.OPS:
        if not pred(o):
            continue
        for d in o.dtypes:
            out.append(pytest.param(o, d, id="%s-%s" % (o.name, d)))
    return out


# ---------------------------------------------------------------- op_db rows
@pytest.mark.parametrize("info,dtype", _params("forward"))
def test_forward(info, dtype):
    rng = np.random.default_rng(10)
    for s in info.samples(dtype, rng):
        cargs, gargs = _args(s, dtype)
        what = "%s %s [%s]" % (info.name, dtype, s.desc)
        g, c = run_both(lambda: info.op(ctorch, *cargs, **s.kwargs), lambda: info.op(CUDA_LIB, *gargs, **s.kwargs),
                        what)
        if c is not None:
            _compare(info, g, c, s, gargs, what)


@pytest.mark.parametrize("info,dtype", _params("inplace", lambda o: o.inplace is not None))
def test_inplace(info, dtype):
    rng = np.random.default_rng(11)
    for s in info.samples(dtype, rng):
        if s.args[0].scalar:
            continue
        cargs, gargs = _args(s, dtype)
        what = "%s_ %s [%s]" % (info.name, dtype, s.desc)
        v0 = gargs[0]._version
        g, c = run_both(lambda: info.inplace(ctorch, *cargs, **s.kwargs),
                        lambda: info.inplace(CUDA_LIB, *gargs, **s.kwargs), what)
        if c is None:
            continue
        assert g is gargs[0], "%s must return self" % what
        assert gargs[0]._version > v0, "%s must bump the version" % what
        _compare(info, g, c, s, gargs, what)


@pytest.mark.parametrize("info,dtype", _params("out", lambda o: o.out is not None))
def test_out(info, dtype):
    rng = np.random.default_rng(12)
    for s in info.samples(dtype, rng):
        cargs, gargs = _args(s, dtype)
        try:
            ref = info.op(ctorch, *cargs, **s.kwargs)
        except Exception:  # noqa: BLE001 - the forward test covers errors
            continue
        what = "%s out= %s [%s]" % (info.name, dtype, s.desc)
        out_c = ctorch.empty(0, dtype=ref.dtype)
        out_g = ctorch.empty(0, dtype=ref.dtype, device="cuda")
        g, c = run_both(lambda: info.out(ctorch, *cargs, out=out_c, **s.kwargs),
                        lambda: info.out(CUDA_LIB, *gargs, out=out_g, **s.kwargs), what)
        if c is None:
            continue
        assert g is out_g, "%s must return the out tensor" % what
        assert_same(out_g, out_c, what, _tol(info), _exact(info))


@pytest.mark.parametrize("info", [pytest.param(o, id=o.name) for o in op_db.OPS if o.out is not None])
def test_out_on_other_device_raises(info):
    """out= on the CPU for CUDA inputs is an error (PyTorch), never a silent copy."""
    dtype = "float32" if "float32" in info.dtypes else info.dtypes[-1]
    rng = np.random.default_rng(13)
    for s in info.samples(dtype, rng):
        cargs, gargs = _args(s, dtype)
        if not any(isinstance(a, ctorch.Tensor) for a in gargs):
            continue
        try:  # the sample must work with out= on the CPU
            ref = info.op(ctorch, *cargs, **s.kwargs)
            info.out(ctorch, *cargs, out=ctorch.empty(0, dtype=ref.dtype), **s.kwargs)
        except Exception:  # noqa: BLE001
            continue
        with pytest.raises(RuntimeError):
            info.out(CUDA_LIB, *gargs, out=ctorch.empty(0, dtype=ref.dtype), **s.kwargs)
        return
    pytest.skip("no sample with a tensor operand")


# ---------------------------------------------------------------- CPU scalars with CUDA tensors
BINARY_NAMES = ["add", "sub", "mul", "div", "pow", "maximum", "atan2", "remainder", "eq", "lt", "logical_and",
                "bitwise_and", "floor_divide"]


@pytest.mark.parametrize("name", BINARY_NAMES)
@pytest.mark.parametrize("dtype", ["int64", "float32", "float16", "bfloat16"])
def test_cpu_scalar_operand(name, dtype):
    """A CPU 0-dim tensor may be an operand of a CUDA op (either side): result on CUDA, equal to the
    CPU's; a CPU tensor with dims raises PyTorch's same-device error."""
    info = op_db.OPS_BY_NAME[name]
    if dtype not in info.dtypes:
        pytest.skip("dtype not in the row")
    rng = np.random.default_rng(14)
    a = op_db.values(rng, (3, 4), dtype, "pos", nonzero=True)
    for d2 in ("int64", "float64", "bool", dtype):
        b = op_db.values(rng, (), d2, "pos", nonzero=True)
        ac, ag = pair(a, dtype)
        bc = from_np(b, d2)
        for order in ((0, 1), (1, 0)):
            xc = [(ac, bc), (bc, ac)][order[0]]
            xg = [(ag, bc), (bc, ag)][order[0]]
            what = "%s(%s) %s/%s" % (name, "cuda, cpu0d" if order[0] == 0 else "cpu0d, cuda", dtype, d2)
            g, c = run_both(lambda: info.op(ctorch, *xc), lambda: info.op(ctorch, *xg), what)
            if c is not None:
                assert_same(g, c, what)
    # In-place with a CPU scalar operand.
    ac, ag = pair(a, dtype)
    bc = from_np(op_db.values(rng, (), dtype, "pos", nonzero=True), dtype)
    if info.inplace is not None:
        g, c = run_both(lambda: info.inplace(ctorch, ac, bc), lambda: info.inplace(ctorch, ag, bc), name + "_")
        if c is not None:
            assert_same(g, c, name + "_")
    # A CPU operand with dims: error, in both orders (for dtypes the op accepts).
    cpu_1d = from_np(op_db.values(rng, (4,), dtype, "pos", nonzero=True), dtype)
    try:
        info.op(ctorch, ac, cpu_1d)
    except Exception:  # noqa: BLE001 - e.g. bitwise ops on floats
        return
    for args in ((ag, cpu_1d), (cpu_1d, ag)):
        with pytest.raises(RuntimeError, match=SAME_DEVICE_MSG):
            info.op(ctorch, *args)


def test_cpu_scalar_ternary():
    rng = np.random.default_rng(15)
    x = rng.uniform(-3, 3, (3, 4))
    xc, xg = pair(x, "float32")
    lo, hi = from_np(np.array(-1.0), "float32"), from_np(np.array(1.5), "float32")
    assert_same(ctorch.clamp(xg, lo, hi), ctorch.clamp(xc, lo, hi), "clamp cpu bounds")
    cond_c, cond_g = pair(rng.integers(0, 2, (3, 4)).astype(bool))
    assert_same(ctorch.where(cond_g, xg, lo), ctorch.where(cond_c, xc, lo), "where cpu 0-dim other")
    assert_same(ctorch.where(from_np(np.array(True)), xg, lo), ctorch.where(from_np(np.array(True)), xc, lo),
                "where cpu 0-dim cond")
    assert_same(ctorch.lerp(xg, xg * 2, from_np(np.array(0.25), "float32")),
                ctorch.lerp(xc, xc * 2, from_np(np.array(0.25), "float32")), "lerp cpu weight")
    assert_same(ctorch.addcmul(xg, xg, lo, value=2), ctorch.addcmul(xc, xc, lo, value=2), "addcmul cpu tensor1")
    with pytest.raises(RuntimeError, match=SAME_DEVICE_MSG):
        ctorch.where(cond_c, xg, xg)


def test_mixed_device_message():
    a = ctorch.ones(3, device="cuda")
    b = ctorch.ones(3)
    msg = "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
    for f in (lambda: a + b, lambda: b + a, lambda: a.add_(b), lambda: b.add_(a), lambda: ctorch.mul(b, a),
              lambda: ctorch.ones((), device="cuda") + b):
        with pytest.raises(RuntimeError) as ei:
            f()
        assert msg in str(ei.value), str(ei.value)
    r = ctorch.ones((), device="cuda") + ctorch.ones(())
    assert r.is_cuda and r.item() == 2.0
    r = ctorch.ones(()) * a
    assert r.is_cuda and r.cpu().tolist() == [1.0, 1.0, 1.0]


# ---------------------------------------------------------------- reductions
RED_NAMES = ["sum", "mean", "prod", "amax", "amin", "var", "std", "norm", "logsumexp", "all", "any"]


@pytest.mark.parametrize("name", RED_NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "bool"])
def test_reduce_dims_3d(name, dtype):
    info = op_db.OPS_BY_NAME[name]
    if dtype not in info.dtypes:
        pytest.skip("dtype not in the row")
    rng = np.random.default_rng(16)
    base = op_db.values(rng, (6, 5, 8), dtype, "unit" if name == "prod" else "any")
    views = {"contig": None, "permuted": lambda t: t.permute(2, 0, 1), "sliced": lambda t: t[::2, 1:, ::3]}
    for vname, view in views.items():
        xc, xg = pair(base, dtype, view)
        for dims in ((0,), (1,), (2,), (0, 1), (1, 2), (0, 2), (0, 1, 2), (-1,)):
            for keep in (False, True):
                what = "%s %s %s dims=%s keepdim=%s" % (name, dtype, vname, dims, keep)
                g, c = run_both(lambda: getattr(ctorch, name)(xc, dim=dims, keepdim=keep),
                                lambda: getattr(ctorch, name)(xg, dim=dims, keepdim=keep), what)
                if c is not None:
                    assert_same(g, c, what, REDUCE_TOL)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_reduce_large_accuracy(dtype):
    """1M-element float reductions: CUDA within ~1e-5 relative of a float64 reference."""
    rng = np.random.default_rng(17)
    x = rng.uniform(0.0, 1.0, 1 << 20)
    g = from_np(x, dtype, "cuda")
    xr = np_of(g.cpu()).astype(np.float64)  # the values as rounded to dtype
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(g.sum().item(), xr.sum(), rtol=rtol)
    np.testing.assert_allclose(g.mean().item(), xr.mean(), rtol=rtol)
    np.testing.assert_allclose(g.var().item(), xr.var(ddof=1), rtol=10 * rtol)
    np.testing.assert_allclose(g.std().item(), xr.std(ddof=1), rtol=10 * rtol)
    np.testing.assert_allclose(g.norm().item(), np.sqrt((xr * xr).sum()), rtol=rtol)
    np.testing.assert_allclose(ctorch.logsumexp(g, 0).item(), np.log(np.exp(xr).sum()), rtol=rtol)
    m = g.reshape(1024, 1024)
    np.testing.assert_allclose(np_of(m.sum(0)), xr.reshape(1024, 1024).sum(0), rtol=rtol)
    np.testing.assert_allclose(np_of(m.sum(1)), xr.reshape(1024, 1024).sum(1), rtol=rtol)
    assert g.amax().item() == xr.max() and g.amin().item() == xr.min()
    assert g.argmax().item() == int(np.argmax(xr)) and g.argmin().item() == int(np.argmin(xr))


def test_reduce_ties_first_index():
    """max/min/argmax/argmin along a dim with ties pick the first index, like the CPU."""
    x = np.array([[1, 3, 3, 0], [2, 2, 2, 2], [0, -1, 5, 5]], dtype=np.int64)
    for dtype in ("int64", "float32", "float16"):
        xc, xg = pair(x, dtype)
        for dim in (0, 1):
            assert_same(tuple(ctorch.max(xg, dim)), tuple(ctorch.max(xc, dim)), "max ties %s" % dtype)
            assert_same(tuple(ctorch.min(xg, dim)), tuple(ctorch.min(xc, dim)), "min ties %s" % dtype)
            assert_same(ctorch.argmax(xg, dim), ctorch.argmax(xc, dim), "argmax ties %s" % dtype)
            assert_same(ctorch.argmin(xg, dim), ctorch.argmin(xc, dim), "argmin ties %s" % dtype)
        assert ctorch.argmax(xg).item() == ctorch.argmax(xc).item()


def test_reduce_nan_propagation():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])
    for dtype in ("float32", "float64", "float16"):
        xc, xg = pair(x, dtype)
        for f in (lambda t: t.sum(1), lambda t: t.amax(1), lambda t: t.amin(0), lambda t: tuple(ctorch.max(t, 1)),
                  lambda t: t.argmax(1), lambda t: t.mean(1), lambda t: t.var(1)):
            assert_same(f(xg), f(xc), "nan %s" % dtype, REDUCE_TOL)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_scan_long(dtype):
    rng = np.random.default_rng(18)
    x = op_db.values(rng, (3, 3000), dtype, "unit")
    xc, xg = pair(x, dtype)
    # Running sums of 3000 terms: a parallel scan and the CPU's sequential one differ by rounding.
    tol = {"float32": (1e-5, 1e-3), "float64": (1e-10, 1e-10)}
    for dim in (0, 1):
        assert_same(ctorch.cumsum(xg, dim), ctorch.cumsum(xc, dim), "cumsum", tol)
    assert_same(ctorch.cumprod(xg, 0), ctorch.cumprod(xc, 0), "cumprod", REDUCE_TOL)
    xc, xg = pair(np.ascontiguousarray(x.T), dtype, lambda t: t.t())
    assert_same(ctorch.cumsum(xg, 1), ctorch.cumsum(xc, 1), "cumsum transposed", tol)


# ---------------------------------------------------------------- matmul family
MM_SIZES = [1, 7, 33, 257]
MM_DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32"]


def _mm_tol(dtype, k):
    """CUDA vs CPU for sums of k products of values in [-1, 1]: both accumulate in float (double for
    float64) in different orders (k * eps of the accumulator, with a wide margin over the typical
    sqrt(k)), then round to the output type once (a last-bit difference there: 2 * eps_out)."""
    eps_out = {"float16": 9.8e-4, "bfloat16": 7.9e-3, "float32": 1.2e-7, "float64": 2.3e-16}.get(dtype)
    if eps_out is None:
        return None  # integers: exact
    eps_acc = 2.3e-16 if dtype == "float64" else 1.2e-7
    return {dtype: (max(2 * eps_out, 1e-6 if dtype == "float32" else 0), 4 * max(k, 1) * eps_acc + 2 * eps_out)}


def _mat(rng, shape, dtype):
    if dtype in FLOATS:
        return rng.uniform(-1, 1, shape)
    return rng.integers(-4, 5, shape).astype(np.int64)


@pytest.mark.parametrize("dtype", MM_DTYPES)
@pytest.mark.parametrize("n", MM_SIZES)
def test_mm_sizes_layouts(dtype, n):
    rng = np.random.default_rng(19 + n)
    m, k = n, n + 3 if n > 1 else 1
    for ta in (False, True):
        for tb in (False, True):
            a = _mat(rng, (k, m) if ta else (m, k), dtype)
            b = _mat(rng, (n, k) if tb else (k, n), dtype)
            ac, ag = pair(a, dtype, (lambda t: t.t()) if ta else None)
            bc, bg = pair(b, dtype, (lambda t: t.t()) if tb else None)
            what = "mm %s n=%d ta=%s tb=%s" % (dtype, n, ta, tb)
            assert_same(ctorch.mm(ag, bg), ctorch.mm(ac, bc), what, _mm_tol(dtype, k))
            assert_same(ctorch.matmul(ag, bg), ctorch.matmul(ac, bc), "matmul " + what, _mm_tol(dtype, k))
            assert_same(ag @ bg, ac @ bc, "@ " + what, _mm_tol(dtype, k))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64"])
@pytest.mark.parametrize("n", MM_SIZES)
def test_bmm_and_batched_matmul(dtype, n):
    rng = np.random.default_rng(23 + n)
    B = 3
    a = _mat(rng, (B, n, n + 1), dtype)
    b = _mat(rng, (B, n + 1, n), dtype)
    tol = _mm_tol(dtype, n + 1)
    ac, ag = pair(a, dtype)
    bc, bg = pair(b, dtype)
    assert_same(ctorch.bmm(ag, bg), ctorch.bmm(ac, bc), "bmm", tol)
    # transposed batches and a batch-strided (sliced) operand
    at_c, at_g = pair(np.swapaxes(a, 1, 2).copy(), dtype, lambda t: t.transpose(1, 2))
    assert_same(ctorch.bmm(at_g, bg), ctorch.bmm(at_c, bc), "bmm transposed a", tol)
    big_c, big_g = pair(_mat(rng, (2 * B, n + 1, n), dtype), dtype, lambda t: t[::2])
    assert_same(ctorch.bmm(ag, big_g), ctorch.bmm(ac, big_c), "bmm batch-strided b", tol)
    # matmul broadcasting: (B, n, k) @ (k, n), (k,) @ (B, k, n), (2, 1, n, k) @ (B, k, n)
    w = _mat(rng, (n + 1, n), dtype)
    wc, wg = pair(w, dtype)
    assert_same(ctorch.matmul(ag, wg), ctorch.matmul(ac, wc), "matmul 3d@2d", tol)
    v = _mat(rng, (n + 1,), dtype)
    vc, vg = pair(v, dtype)
    assert_same(ctorch.matmul(vg, bg), ctorch.matmul(vc, bc), "matmul 1d@3d", tol)
    assert_same(ctorch.matmul(ag, vg), ctorch.matmul(ac, vc), "matmul 3d@1d", tol)
    e = _mat(rng, (2, 1, n, n + 1), dtype)
    ec, eg = pair(e, dtype)
    assert_same(ctorch.matmul(eg, bg), ctorch.matmul(ec, bc), "matmul broadcast batch", tol)
    assert_same(ctorch.mv(wg.t(), vg), ctorch.mv(wc.t(), vc), "mv transposed", tol)
    assert_same(ctorch.dot(vg, vg), ctorch.dot(vc, vc), "dot", tol)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("n", MM_SIZES)
def test_addmm(dtype, n):
    rng = np.random.default_rng(29 + n)
    tol = _mm_tol(dtype, n + 2)
    a = rng.uniform(-1, 1, (n + 2, n))  # used transposed: (n, n + 2)
    b = rng.uniform(-1, 1, (n + 2, n))
    ac, ag = pair(a, dtype, lambda t: t.t())
    bc, bg = pair(b, dtype)
    for bias_shape in ((n, n), (n,), (1, n), ()):
        sc, sg = pair(rng.uniform(-1, 1, bias_shape), dtype)
        for beta, alpha in ((1, 1), (0.5, 2), (0, 1), (1, -1.5)):
            what = "addmm %s n=%d bias=%s beta=%s alpha=%s" % (dtype, n, bias_shape, beta, alpha)
            assert_same(ctorch.addmm(sg, ag, bg, beta=beta, alpha=alpha),
                        ctorch.addmm(sc, ac, bc, beta=beta, alpha=alpha), what, tol)
    # beta=0 ignores NaNs in self, as on the CPU
    nan_c, nan_g = pair(np.full((n, n), np.nan), dtype)
    assert_same(ctorch.addmm(nan_g, ag, bg, beta=0), ctorch.addmm(nan_c, ac, bc, beta=0), "addmm beta=0 nan", tol)
    out_c, out_g = ctorch.empty(0, dtype=dt_(dtype)), ctorch.empty(0, dtype=dt_(dtype), device="cuda")
    ctorch.mm(ac, bc, out=out_c)
    ctorch.mm(ag, bg, out=out_g)
    assert_same(out_g, out_c, "mm out=", tol)


def dt_(name):
    return getattr(ctorch, name)


def test_matmul_errors_match_cpu():
    a, b = ctorch.ones(2, 3, device="cuda"), ctorch.ones(4, 5, device="cuda")
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        ctorch.mm(a, b)
    with pytest.raises(RuntimeError, match=SAME_DEVICE_MSG):
        ctorch.mm(a, ctorch.ones(3, 2))
    with pytest.raises(RuntimeError, match=SAME_DEVICE_MSG):
        ctorch.matmul(ctorch.ones(2, 3), ctorch.ones(3, 2, device="cuda"))
    with pytest.raises(RuntimeError, match=SAME_DEVICE_MSG):
        ctorch.addmm(ctorch.ones(2, 2), a, ctorch.ones(3, 2, device="cuda"))
    with pytest.raises(RuntimeError):
        ctorch.mm(a, ctorch.ones(3, 2, device="cuda"), out=ctorch.empty(2, 2))
    with pytest.raises(RuntimeError):
        ctorch.mm(a, ctorch.ones(3, 2, device="cuda", dtype=ctorch.float64))


# ---------------------------------------------------------------- indexing
def _layout_pair(base, dtype, layout):
    """(cpu, cuda) tensors with base's logical values: contiguous, or a non-contiguous view (the last
    two dims stored transposed)."""
    if layout == "contig":
        return pair(base, dtype)
    return pair(np.ascontiguousarray(np.swapaxes(base, -1, -2)), dtype, lambda t: t.transpose(-1, -2))


GETITEM_CASES = [
    ("int", lambda t, I: t[1]),
    ("neg int", lambda t, I: t[-1, 2]),
    ("slice", lambda t, I: t[1:3, ::2]),
    ("ellipsis None", lambda t, I: t[..., None, 1]),
    ("list", lambda t, I: t[[0, 2, 2, -1]]),
    ("long tensor", lambda t, I: t[I([[0, 1], [3, 3]])]),
    ("two tensors", lambda t, I: t[I([0, 1, 2]), I([3, 0, 1])]),
    ("tensor + slice", lambda t, I: t[1:, I([4, 0])]),
    ("separated", lambda t, I: t[I([0, 1]), :, I([1, 2])]),
    ("broadcast", lambda t, I: t[I([[0], [2]]), I([0, 3, 4])]),
    ("bool mask", lambda t, I: t[I(np.array([True, False, True, True]))]),
    ("bool mask 2d", lambda t, I: t[I(np.arange(20).reshape(4, 5) % 3 == 0)]),
    ("python bool", lambda t, I: t[True]),
    ("0-dim index", lambda t, I: t[I(np.array(2))]),
    ("empty index", lambda t, I: t[I(np.zeros(0, dtype=np.int64))]),
    ("int32 index", lambda t, I: t[I(np.array([1, 3], dtype=np.int32))]),
]


@pytest.mark.parametrize("index_device", ["cuda", "cpu"])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "float16"])
def test_getitem(dtype, index_device):
    """Index tensors on CUDA, or on the CPU (PyTorch moves them to self's device)."""
    rng = np.random.default_rng(31)
    base = op_db.values(rng, (4, 5, 3), dtype)
    for vname in ("contig", "transposed"):
        xc, xg = _layout_pair(base, dtype, vname)
        for name, f in GETITEM_CASES:
            what = "getitem %s %s %s idx on %s" % (name, dtype, vname, index_device)

            def cpu_i(v):
                return from_np(np.array(v))

            def gpu_i(v):
                return from_np(np.array(v), device=index_device)

            g, c = run_both(lambda: f(xc, cpu_i), lambda: f(xg, gpu_i), what)
            if c is not None:
                assert_same(g, c, what, exact=True)


def test_getitem_cuda_index_on_cpu_tensor_raises():
    x = ctorch.arange(6)
    with pytest.raises(IndexError, match="indices should be either on cpu or on the same device"):
        x[ctorch.tensor([0, 1], device="cuda")]
    with pytest.raises(IndexError, match="indices should be either on cpu or on the same device"):
        x[ctorch.tensor([True, False] * 3, device="cuda")]


SETITEM_CASES = [
    ("int scalar", lambda t, I, V: t.__setitem__(1, 7)),
    ("slice tensor", lambda t, I, V: t.__setitem__((slice(0, 2), 1), V(np.array([[1.0, 2.0, 3.0]] * 2)))),
    ("list scalar", lambda t, I, V: t.__setitem__([0, 3], -2)),
    ("tensor idx tensor value", lambda t, I, V: t.__setitem__(I([2, 0]), V(np.ones((2, 5, 3)) * 4))),
    ("mask scalar", lambda t, I, V: t.__setitem__(I(np.array([True, False, True, False])), 9)),
    ("mask 3d scalar", lambda t, I, V: t.__setitem__(I(np.arange(60).reshape(4, 5, 3) % 4 == 1), 5)),
    ("two idx broadcast value",
     lambda t, I, V: t.__setitem__((I([0, 1, 3]), I([4, 4, 0])), V(np.array([1.0, 2.0, 3.0])))),
    ("separated idx", lambda t, I, V: t.__setitem__((I([0, 1]), slice(None), I([2, 0])), 3)),
    ("0-dim value", lambda t, I, V: t.__setitem__((I([1, 2]),), V(np.array(6.0)))),
    ("duplicates", lambda t, I, V: t.__setitem__(I([1, 1, 1]), V(np.ones((3, 5, 3)) * 2))),
]


@pytest.mark.parametrize("value_device", ["cuda", "cpu0d"])
@pytest.mark.parametrize("dtype", ["float32", "int32", "float16"])
def test_setitem(dtype, value_device):
    rng = np.random.default_rng(32)
    base = op_db.values(rng, (4, 5, 3), dtype)
    for name, f in SETITEM_CASES:
        for vname in ("contig", "transposed"):
            xc, xg = _layout_pair(base, dtype, vname)
            what = "setitem %s %s %s" % (name, dtype, vname)

            def V_cpu(v):
                return from_np(v, dtype)

            def V_gpu(v):
                # A CPU value is allowed only as a 0-dim tensor; others stay on CUDA.
                dev = "cpu" if value_device == "cpu0d" and np.ndim(v) == 0 else "cuda"
                return from_np(v, dtype, dev)

            # ("duplicates" writes one value through every copy of the index: no winner to pick.)
            run_both(lambda: f(xc, lambda v: from_np(np.array(v)), V_cpu),
                     lambda: f(xg, lambda v: from_np(np.array(v), device="cuda"), V_gpu), what)
            assert_same(xg, xc, what, exact=True)


def test_setitem_cpu_index_and_errors():
    xc = ctorch.zeros(5, 3)
    xg = xc.cuda()
    idx = ctorch.tensor([4, 0])
    xc[idx] = 1.5
    xg[idx] = 1.5  # a CPU index into a CUDA tensor
    assert_same(xg, xc)
    xg[ctorch.tensor([True, False, False, False, True])] = ctorch.tensor(2.5)  # CPU mask, CPU 0-dim value
    xc[ctorch.tensor([True, False, False, False, True])] = ctorch.tensor(2.5)
    assert_same(xg, xc)
    with pytest.raises(RuntimeError, match=SAME_DEVICE_MSG):
        xg[ctorch.tensor([0, 1], device="cuda")] = ctorch.ones(2, 3)  # a CPU value with dims
    with pytest.raises(IndexError):
        xg[5] = 1.0
    with pytest.raises(IndexError):
        xg[ctorch.tensor([0, 7], device="cuda")] = 1.0
    with pytest.raises(IndexError):
        xg[ctorch.tensor([-6], device="cuda")]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "float16", "bool"])
def test_index_select_gather_scatter(dtype):
    rng = np.random.default_rng(33)
    xc, xg = pair(op_db.values(rng, (5, 6), dtype), dtype, lambda t: t.t())  # (6, 5), non-contiguous
    idx = np.array([4, 0, 0, 2, 1, 4])
    ic, ig = pair(idx, "int64")
    ic32, ig32 = pair(idx, "int32")
    for dim in (0, 1):
        assert_same(ctorch.index_select(xg, dim, ig[:5]), ctorch.index_select(xc, dim, ic[:5]), "index_select",
                    exact=True)
        assert_same(xg.index_select(dim, ig32[:5]), xc.index_select(dim, ic32[:5]), "index_select int32", exact=True)
    gi = rng.integers(0, 5, (6, 7))
    gic, gig = pair(gi, "int64")
    assert_same(ctorch.gather(xg, 1, gig), ctorch.gather(xc, 1, gic), "gather dim 1", exact=True)
    gi0 = rng.integers(0, 6, (3, 5))
    g0c, g0g = pair(gi0, "int64")
    assert_same(ctorch.gather(xg, 0, g0g), ctorch.gather(xc, 0, g0c), "gather dim 0", exact=True)
    # scatter without duplicates (the winner of duplicate writes is unspecified on any device)
    perm = np.stack([rng.permutation(6)[:4] for _ in range(5)], axis=1)  # (4, 5), distinct per column
    pc, pg = pair(perm, "int64")
    src = op_db.values(rng, (4, 5), dtype)
    sc, sg = pair(src, dtype)
    assert_same(ctorch.scatter(xg, 0, pg, sg), ctorch.scatter(xc, 0, pc, sc), "scatter", exact=True)
    assert_same(xg.clone().scatter_(0, pg, 3), xc.clone().scatter_(0, pc, 3), "scatter value", exact=True)
    if dtype != "bool":
        # scatter_add / index_add with many duplicates
        dup = rng.integers(0, 3, (40, 5))
        dc, dg = pair(dup, "int64")
        s2c, s2g = pair(op_db.values(rng, (40, 5), dtype), dtype)
        tol = {"float16": (1e-2, 1e-2), "float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)}
        assert_same(ctorch.scatter_add(xg, 0, dg, s2g), ctorch.scatter_add(xc, 0, dc, s2c), "scatter_add dups", tol)
        assert_same(xg.clone().scatter_(0, dg, s2g, reduce="add"), xc.clone().scatter_(0, dc, s2c, reduce="add"),
                    "scatter reduce=add", tol)
        ii = rng.integers(0, 6, 30)
        iic, iig = pair(ii, "int64")
        src3c, src3g = pair(op_db.values(rng, (30, 5), dtype), dtype)
        assert_same(xg.clone().index_add_(0, iig, src3g, alpha=2), xc.clone().index_add_(0, iic, src3c, alpha=2),
                    "index_add_ dups", tol)
        put_i = rng.integers(-6, 6, 25)
        pic, pig = pair(put_i, "int64")
        vc, vg = pair(op_db.values(rng, (25, 5), dtype), dtype)
        assert_same(xg.clone().index_put_((pig,), vg, accumulate=True),
                    xc.clone().index_put_((pic,), vc, accumulate=True), "index_put_ accumulate dups", tol)
    assert_same(xg.clone().index_fill_(1, ig[:3], 2), xc.clone().index_fill_(1, ic[:3], 2), "index_fill_", exact=True)
    cpi = np.array([3, 1])
    cpc, cpg = pair(cpi, "int64")
    srcc, srcg = pair(op_db.values(rng, (2, 5), dtype), dtype)
    assert_same(xg.clone().index_copy_(0, cpg, srcg), xc.clone().index_copy_(0, cpc, srcc), "index_copy_", exact=True)
    ti = rng.integers(-30, 30, (3, 4))
    tic, tig = pair(ti, "int64")
    assert_same(ctorch.take(xg, tig), ctorch.take(xc, tic), "take", exact=True)


def test_index_out_of_bounds_raises_like_cpu():
    """Bounds errors are detected on the device and raised (synchronously) with the CPU's class."""
    xc = ctorch.arange(12.0).reshape(3, 4)
    xg = xc.cuda()
    cases = [
        ("index_select", lambda x, I: ctorch.index_select(x, 0, I([0, 3]))),
        ("index_select neg", lambda x, I: ctorch.index_select(x, 1, I([-1]))),
        ("gather", lambda x, I: ctorch.gather(x, 1, I([[0, 4]]))),
        ("scatter", lambda x, I: x.clone().scatter_(0, I([[5, 0, 0, 0]]), 1.0)),
        ("scatter_add", lambda x, I: x.clone().scatter_add_(0, I([[0, -1, 0, 0]]), x[:1])),
        ("getitem", lambda x, I: x[I([0, 3])]),
        ("getitem neg", lambda x, I: x[:, I([-5])]),
        ("index_put", lambda x, I: x.clone().index_put_((I([3]),), ctorch.tensor(1.0, device=x.device))),
        ("index_add", lambda x, I: x.clone().index_add_(0, I([9]), x[:1])),
        ("index_copy", lambda x, I: x.clone().index_copy_(0, I([3]), x[:1])),
        ("index_fill", lambda x, I: x.clone().index_fill_(0, I([3]), 1.0)),
        ("take", lambda x, I: ctorch.take(x, I([12]))),
    ]
    for name, f in cases:
        with pytest.raises(Exception) as ec:
            f(xc, lambda v: ctorch.tensor(v))
        with pytest.raises(Exception) as eg:
            f(xg, lambda v: ctorch.tensor(v, device="cuda"))
        assert type(eg.value) is type(ec.value), "%s: cpu %r, cuda %r" % (name, ec.value, eg.value)
    # the device is still usable after a reported bounds error
    assert (xg + 1).sum().item() == float((xc + 1).sum().item())


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "float16", "uint8"])
def test_masked_and_nonzero(dtype):
    rng = np.random.default_rng(34)
    for shape in ((7, 9), (3, 1, 5), (0, 4), (), (2000,)):
        xc, xg = pair(op_db.values(rng, shape, dtype, "unit"), dtype)
        mask = rng.integers(0, 2, shape).astype(bool)
        mc, mg = pair(mask, "bool")
        what = "%s %s" % (dtype, shape)
        assert_same(ctorch.masked_select(xg, mg), ctorch.masked_select(xc, mc), "masked_select " + what, exact=True)
        assert_same(xg.masked_fill(mg, 1), xc.masked_fill(mc, 1), "masked_fill " + what, exact=True)
        assert_same(ctorch.nonzero(xg), ctorch.nonzero(xc), "nonzero " + what, exact=True)
        assert_same(tuple(ctorch.nonzero(xg, as_tuple=True)), tuple(ctorch.nonzero(xc, as_tuple=True)),
                    "nonzero as_tuple " + what, exact=True)
        assert_same(xg[mg], xc[mc], "x[mask] " + what, exact=True)
        if len(shape) == 2 and shape[0]:
            row = rng.integers(0, 2, shape[1]).astype(bool)
            rc, rg = pair(row, "bool")
            assert_same(xg.masked_fill(rg, 0), xc.masked_fill(rc, 0), "masked_fill broadcast " + what, exact=True)
            assert_same(ctorch.masked_select(xg.t(), rg[:, None]), ctorch.masked_select(xc.t(), rc[:, None]),
                        "masked_select broadcast " + what, exact=True)
    big = rng.integers(0, 2, (3, 70000)).astype(bool)
    bc, bg = pair(big)
    assert_same(ctorch.nonzero(bg), ctorch.nonzero(bc), "nonzero large", exact=True)


# ---------------------------------------------------------------- cat / stack
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_cat_stack(dtype):
    rng = np.random.default_rng(35)
    parts = [op_db.values(rng, (3, k, 4), dtype) for k in (2, 0, 5, 1)]
    ps = [pair(p, dtype) for p in parts]
    cs, gs = [p[0] for p in ps], [p[1] for p in ps]
    assert_same(ctorch.cat(gs, 1), ctorch.cat(cs, 1), "cat dim 1", exact=True)
    ts = [pair(op_db.values(rng, (4, 3), dtype), dtype, lambda t: t.t()) for _ in range(5)]
    assert_same(ctorch.cat([t[1] for t in ts], 0), ctorch.cat([t[0] for t in ts], 0), "cat transposed", exact=True)
    for dim in (0, 1, 2, -1):
        assert_same(ctorch.stack([t[1] for t in ts], dim), ctorch.stack([t[0] for t in ts], dim), "stack", exact=True)
    mixed_c = [from_np(parts[0], dtype), from_np(parts[2], "float64")]
    mixed_g = [t.cuda() for t in mixed_c]
    assert_same(ctorch.cat(mixed_g, 1), ctorch.cat(mixed_c, 1), "cat promotion")
    many = [pair(op_db.values(rng, (2, 3), dtype), dtype) for _ in range(40)]
    assert_same(ctorch.cat([m[1] for m in many]), ctorch.cat([m[0] for m in many]), "cat many", exact=True)
    out_g = ctorch.empty(0, dtype=dt_(dtype), device="cuda")
    ctorch.cat(gs, 1, out=out_g)
    assert_same(out_g, ctorch.cat(cs, 1), "cat out=", exact=True)
    with pytest.raises(RuntimeError, match=SAME_DEVICE_MSG):
        ctorch.cat([gs[0], cs[0]], 1)
    with pytest.raises(RuntimeError):
        ctorch.cat(gs, 1, out=ctorch.empty(0, dtype=dt_(dtype)))
    for chunk_g, chunk_c in zip(ctorch.chunk(gs[2], 3, 1), ctorch.chunk(cs[2], 3, 1)):
        assert_same(chunk_g, chunk_c, "chunk", exact=True)
    for a, b in zip(ctorch.split(gs[2], [1, 4], 1), ctorch.split(cs[2], [1, 4], 1)):
        assert_same(a, b, "split", exact=True)
    for a, b in zip(ctorch.unbind(gs[0], 2), ctorch.unbind(cs[0], 2)):
        assert_same(a, b, "unbind", exact=True)


# ---------------------------------------------------------------- gradients (grad_db rows)
def _grad_input(case, i, spec, dtype, device):
    arr = grad_db.draw(case, i, spec)
    if spec.layout == "t":
        return from_np(np.swapaxes(arr, -1, -2), dtype, device).transpose(-1, -2)
    if spec.layout == "step":
        base = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],))
        base[..., ::2] = arr
        return from_np(base, dtype, device)[..., ::2]
    return from_np(arr, dtype, device)


def _grad_build(case, dtype, device):
    out = []
    for i, spec in enumerate(case.inputs):
        if isinstance(spec, grad_db.In):
            out.append(_grad_input(case, i, spec, dtype, device).detach().requires_grad_(True))
        else:
            out.append(from_np(np.array(spec.data), None, device))
    return out


def _grads(case, dtype, device):
    lib = ctorch if device == "cpu" else CUDA_LIB
    tensors = _grad_build(case, dtype, device)
    leaves = [t for t, s in zip(tensors, case.inputs) if isinstance(s, grad_db.In)]
    res = case.fn(lib, *tensors)
    outs = [r for r in (list(res) if isinstance(res, (tuple, list)) else [res]) if r.dtype.is_floating_point]
    diff = [o for o in outs if o.requires_grad]
    gos = [from_np(np.random.default_rng(100 + k).uniform(-1, 1, tuple(o.shape)), o.dtype, device)
           for k, o in enumerate(diff)]
    grads = list(ctorch._C._autograd_grad(diff, leaves, gos, True, False, True)) if diff else []
    return outs, grads


GRAD_TOL = {"float64": (1e-9, 1e-9), "float32": (2e-5, 2e-5)}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in grad_db.CASES])
def test_grad_matches_cpu(case, dtype):
    if dtype == "float32" and not case.f32:
        pytest.skip("float64 only")
    c_outs, c_grads = _grads(case, dtype, "cpu")
    g_outs, g_grads = _grads(case, dtype, "cuda")
    assert len(g_outs) == len(c_outs)
    rtol, atol = GRAD_TOL[dtype]
    for k, (g, c) in enumerate(zip(g_outs + g_grads, c_outs + c_grads)):
        if c is None:
            assert g is None, "%s: grad %d defined on cuda only" % (case.name, k)
            continue
        assert g.device.type == "cuda" or not _cc.CHECK_DEVICE, "%s: tensor %d on %s" % (case.name, k, g.device)
        a, b = np_of(g).astype(np.float64), np_of(c).astype(np.float64)
        assert a.shape == b.shape
        finite = np.abs(b[np.isfinite(b)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol * scale, equal_nan=True,
                                   err_msg="%s %s tensor %d" % (case.name, dtype, k))
