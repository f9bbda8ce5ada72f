"""The vectorised CPU kernels against a float64 NumPy reference: every ISA path (AVX-512, AVX2,
SSE2 via CTORCH_CPU_ISA / CTORCH_GEMM_ISA in subprocesses), sizes around the vector widths and
blockings (1, 7, 15..17, 33, 1023, 4099, parallel sizes), contiguous / transposed / sliced /
broadcast-scalar / in-place layouts, the streaming-store path of huge outputs, special values of
the transcendental functions (ulp-checked), pairwise sums, blocked transposed copies and GEMM
edge tiles."""

import os
import subprocess
import sys

import numpy as np
import pytest

import ctorch

SIZES = (1, 7, 15, 16, 17, 33, 1023, 4099, 70001)


def ct(a):
    return ctorch.from_numpy(np.ascontiguousarray(a).copy())


def npy(t):
    return t.numpy().copy()


def ulps(got, ref64, dtype=np.float32):
    """Distance in units of the last place of `dtype` between got and the exact ref64."""
    got = np.asarray(got, np.float64)
    ref = np.asarray(ref64, np.float64)
    info = np.finfo(dtype)
    with np.errstate(all="ignore"):
        e = np.floor(np.log2(np.maximum(np.abs(ref), info.tiny)))
        ulp = np.exp2(np.maximum(e, np.log2(info.tiny)) - (info.nmant))
        d = np.abs(got - ref) / ulp
    with np.errstate(over="ignore"):
        ref_rounded = ref.astype(dtype).astype(np.float64)  # overflow to +-inf as the result must
    same = (got == ref) | (np.isnan(got) & np.isnan(ref)) | (np.isinf(ref_rounded) & (got == ref_rounded))
    return np.where(same, 0.0, np.where(np.isinf(ref_rounded) | np.isinf(got), np.inf, d))


UNARY = {
    "exp": (np.exp, (-20.0, 20.0)),
    "log": (np.log, (1e-3, 50.0)),
    "sin": (np.sin, (-40.0, 40.0)),
    "cos": (np.cos, (-40.0, 40.0)),
    "tanh": (np.tanh, (-8.0, 8.0)),
    "sigmoid": (lambda x: 1.0 / (1.0 + np.exp(-x)), (-30.0, 30.0)),
}
MAX_ULP = {"exp": 1.5, "log": 1.5, "sin": 2.0, "cos": 2.0, "tanh": 2.0, "sigmoid": 3.0}


def layouts(rng, n, lo, hi, dtype=np.float32):
    """(name, ctorch tensor, numpy values) for contiguous, transposed, sliced inputs of n elements."""
    x = rng.uniform(lo, hi, n).astype(dtype)
    yield "contig", ct(x), x
    if n % 7 == 0 or n == 1023:
        r = 7 if n % 7 == 0 else 3
        m = x.reshape(r, n // r)
        yield "transposed", ct(m.T.copy()).t(), m
    big = rng.uniform(lo, hi, 2 * n + 1).astype(dtype)
    yield "sliced", ct(big)[1::2], big[1::2]


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_transcendental_layouts(name):
    f, (lo, hi) = UNARY[name]
    rng = np.random.default_rng(1)
    for n in SIZES:
        for lay, t, x in layouts(rng, n, lo, hi):
            got = npy(getattr(ctorch, name)(t))
            ref = f(x.astype(np.float64))
            err = ulps(got, ref).max()
            assert got.shape == x.shape
            assert err <= MAX_ULP[name], (name, n, lay, err)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_special_values(name):
    f, _ = UNARY[name]
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1.17549435e-38, 88.72283, 88.7229,
                  -87.3365, -103.97, -104.0, -200.0, 200.0, 1e5, -1e5, 1048577.0, 3e7, -3e38, 3e38, 0.625,
                  -0.625, 9.0, 20.0, -20.0, 1.0, -1.0], np.float32)
    x = np.concatenate([x, np.linspace(-1e3, 1e3, 1001, dtype=np.float32)])
    got = npy(getattr(ctorch, name)(ct(x)))
    with np.errstate(all="ignore"):
        ref = f(x.astype(np.float64))
        if name == "sigmoid":  # 1/(1+exp(-x)) in float32 (torch's formula): exp(-x) overflows below -88.72
            e32 = np.exp(-x, dtype=np.float32).astype(np.float64)
            ref = np.where(x < -88.72, 1.0 / (1.0 + e32), ref)
    err = ulps(got, ref)
    bad = err > MAX_ULP[name]
    assert not bad.any(), (name, x[bad][:5], got[bad][:5], ref[bad][:5])
    zero = ref == 0
    assert (np.signbit(got[zero]) == np.signbit(ref[zero])).all(), name


def test_unary_float64_and_inplace():
    rng = np.random.default_rng(2)
    x = rng.uniform(-5, 5, 1001)
    for name, (f, _) in UNARY.items():
        xin = np.abs(x) + 0.1 if name == "log" else x
        np.testing.assert_allclose(npy(getattr(ctorch, name)(ct(xin))), f(xin), rtol=1e-13, atol=1e-15)
        t = ct(xin.astype(np.float32))
        getattr(t, name + "_")()
        assert ulps(npy(t), f(xin.astype(np.float32).astype(np.float64))).max() <= MAX_ULP[name]


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "maximum": np.maximum,
    "minimum": np.minimum, "eq": np.equal, "lt": np.less, "ge": np.greater_equal,
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_binary_layouts_exact(dtype):
    rng = np.random.default_rng(3)
    for n in SIZES:
        for lay, t, x in layouts(rng, n, -50, 50, dtype):
            y = rng.uniform(-50, 50, x.shape).astype(dtype)
            if dtype in (np.int32, np.int64):
                y[y == 0] = 1
            for name, f in BINARY.items():
                if name == "div" and dtype in (np.int32, np.int64):
                    continue
                got = npy(getattr(ctorch, name)(t, ct(y)))
                np.testing.assert_array_equal(got, f(x, y), err_msg="%s %s %s" % (name, n, lay))
            s = dtype(3)
            np.testing.assert_array_equal(npy(t * 3), x * s)  # broadcast scalar operand
            np.testing.assert_array_equal(npy(ctorch.relu(t)), np.maximum(x, dtype(0)))
            np.testing.assert_array_equal(npy(ctorch.where(t > 0, t, ct(y))), np.where(x > 0, x, y))


def test_nan_propagation_vectorised():
    x = np.array([np.nan, 1.0, -np.nan, 2.0] * 9, np.float32)
    y = np.array([1.0, np.nan, 0.0, -0.0] * 9, np.float32)
    np.testing.assert_array_equal(npy(ctorch.maximum(ct(x), ct(y))), np.maximum(x, y))
    np.testing.assert_array_equal(npy(ctorch.minimum(ct(x), ct(y))), np.minimum(x, y))
    r = npy(ctorch.relu(ct(np.array([np.nan, -0.0, -1.0] * 11, np.float32))))
    assert np.isnan(r[::3]).all() and (r[2::3] == 0).all()


def test_streaming_outputs():
    """Outputs >= 48 MB use non-temporal stores: values, unaligned starts and in-place."""
    n = (1 << 24) + 5
    rng = np.random.default_rng(4)
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    tx, ty = ct(x), ct(y)
    for threads in (1, 2):
        ctorch.set_num_threads(threads)
        np.testing.assert_array_equal(npy(tx + ty), x + y)
        np.testing.assert_array_equal(npy(tx[1:] * ty[:-1]), x[1:] * y[:-1])  # unaligned
        assert ulps(npy(ctorch.exp(tx[3:])), np.exp(x[3:].astype(np.float64))).max() <= 1.5
        out = ct(np.zeros(n - 1, np.float32))
        ctorch.add(tx[1:], ty[1:], out=out)
        np.testing.assert_array_equal(npy(out), x[1:] + y[1:])
        z = ct(x)
        z.relu_()
        np.testing.assert_array_equal(npy(z), np.maximum(x, 0))
    ctorch.set_num_threads(2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sum_pairwise(dtype):
    rng = np.random.default_rng(5)
    for n in SIZES + (1 << 22,):
        for lay, t, x in layouts(rng, n, -1, 1, dtype):
            ref = x.astype(np.float64).sum()
            bound = 2 * np.log2(n + 1) * np.finfo(dtype).eps * np.abs(x).astype(np.float64).sum() + 1e-30
            assert abs(float(t.sum()) - ref) <= bound, (n, lay)
            assert abs(float(t.mean()) - ref / n) <= bound / n + 1e-30
    x = np.full(1 << 22, 0.1, np.float32)  # a naive running float32 sum drifts by ~1%
    assert abs(float(ct(x).sum()) - 0.1 * (1 << 22) * (1 + 1.5e-9)) < 2.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extremes_and_logsumexp_rows(dtype):
    rng = np.random.default_rng(9)
    for n in SIZES:
        for lay, t, x in layouts(rng, n, -30, 30, dtype):
            assert float(t.amax()) == x.max() and float(t.amin()) == x.min(), (n, lay)
            x64 = x.astype(np.float64)
            mx = x64.max(-1, keepdims=True)
            ref = (mx + np.log(np.exp(x64 - mx).sum(-1, keepdims=True)))[..., 0]
            got = npy(ctorch.logsumexp(t, -1))
            assert (np.abs(got - ref) <= 8 * np.finfo(dtype).eps * np.maximum(1.0, np.abs(ref))).all(), (n, lay)
    inf, nan = np.inf, np.nan
    rows = [[1.0, inf, 2.0], [-inf, -inf, -inf], [1.0, nan, inf], [-inf, 0.5, -inf], [nan, -inf, 3.0]]
    x = np.array([r * 11 for r in rows], dtype)  # 33 columns: vector body plus tail
    got = npy(ctorch.logsumexp(ct(x), 1))
    with np.errstate(all="ignore"):
        ref = np.array([inf, -inf, nan, 0.5 + np.log(11.0), nan])
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    np.testing.assert_array_equal(npy(ct(x).amax(1)), x.max(1))
    np.testing.assert_array_equal(npy(ct(x).amin(1)), x.min(1))


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64])
def test_transposed_copy(dtype):
    rng = np.random.default_rng(6)
    for r, c in ((1, 1), (7, 33), (33, 1023), (1023, 65), (16, 16), (64, 64), (130, 17), (4096, 96)):
        x = (rng.uniform(0, 100, (r, c))).astype(dtype)
        t = ct(x)
        np.testing.assert_array_equal(npy(t.t().contiguous()), x.T)
        np.testing.assert_array_equal(npy(t[::2, 1:].t().contiguous()), x[::2, 1:].T)
    x = rng.uniform(0, 100, (3, 40, 50)).astype(dtype)
    np.testing.assert_array_equal(npy(ct(x).permute(0, 2, 1).contiguous()), x.transpose(0, 2, 1))
    np.testing.assert_array_equal(npy(ct(x).permute(2, 1, 0).contiguous()), x.transpose(2, 1, 0))


def test_transposed_copy_big_streaming():
    x = np.arange(4096 * 4096, dtype=np.float32).reshape(4096, 4096)
    for threads in (1, 2):
        ctorch.set_num_threads(threads)
        np.testing.assert_array_equal(npy(ct(x).t().contiguous()), x.T)
    ctorch.set_num_threads(2)


def _mm_ref_check(a, b, got, k):
    ref = a.astype(np.float64) @ b.astype(np.float64)
    scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64) + 1e-30
    eps = np.finfo(a.dtype).eps
    assert (np.abs(got - ref) <= 4 * np.sqrt(k + 1) * eps * scale).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gemm_edges_and_layouts(dtype):
    rng = np.random.default_rng(7)
    for m, k, n in ((1, 7, 33), (7, 1, 5), (13, 33, 17), (33, 1023, 7), (25, 64, 47), (97, 385, 161), (1023, 33, 65)):
        a = rng.uniform(-1, 1, (m, k)).astype(dtype)
        b = rng.uniform(-1, 1, (k, n)).astype(dtype)
        for ta in (False, True):
            for tb in (False, True):
                ca = ct(a.T.copy()).t() if ta else ct(a)
                cb = ct(b.T.copy()).t() if tb else ct(b)
                _mm_ref_check(a, b, npy(ctorch.mm(ca, cb)), k)
        big = rng.uniform(-1, 1, (m, 2 * k + 3)).astype(dtype)
        _mm_ref_check(big[:, 3::2], b, npy(ctorch.mm(ct(big)[:, 3::2], ct(b))), k)
        c = rng.uniform(-1, 1, (m, n)).astype(dtype)
        got = npy(ctorch.addmm(ct(c), ct(a), ct(b), beta=0.5, alpha=2.0))
        ref = 0.5 * c.astype(np.float64) + 2.0 * (a.astype(np.float64) @ b.astype(np.float64))
        np.testing.assert_allclose(got, ref, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-4 if dtype == np.float32 else 1e-12)
    for n in (1, 7, 33, 1023):
        a = rng.uniform(-1, 1, (n, 37)).astype(dtype)
        v = rng.uniform(-1, 1, 37).astype(dtype)
        _mm_ref_check(a, v[:, None], npy(ctorch.mv(ct(a), ct(v)))[:, None], 37)


def test_gemm_two_threads_big():
    rng = np.random.default_rng(8)
    a = rng.uniform(-1, 1, (300, 520)).astype(np.float32)
    b = rng.uniform(-1, 1, (520, 1100)).astype(np.float32)
    for threads in (1, 2):
        ctorch.set_num_threads(threads)
        _mm_ref_check(a, b, npy(ctorch.mm(ct(a), ct(b))), 520)
    ctorch.set_num_threads(2)


@pytest.mark.parametrize("isa", ["base", "avx2", "avx512"])
def test_isa_paths(isa):
    """The kernels above once more with the ISA capped (pointwise, reductions and GEMM)."""
    env = dict(os.environ, CTORCH_CPU_ISA=isa, CTORCH_GEMM_ISA=isa)
    here = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", os.path.abspath(__file__),
                        "-k", "not isa_paths and not big"],
                       env=env, cwd=here, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
