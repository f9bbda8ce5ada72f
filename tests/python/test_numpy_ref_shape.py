"""ctorch views, creation, joining and indexing against NumPy, with no torch import (companion of
test_numpy_ref.py; tables and helpers in numpy_db.py).

Views are also checked for aliasing: writing to the base shows through the view, the version
counter is shared, and strides/offsets match NumPy's view of the same data.
"""

import zlib

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided, sliding_window_view

import numpy_db as db
from numpy_db import DTYPES, FLOATS, L, assert_close, dname, dt, make, ref_in, result_type, tensor, to_np

SOME = ("bool", "uint8", "int16", "int64", "float16", "bfloat16", "float32", "float64")


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _strided(a, shape, strides, offset):
    flat = np.ascontiguousarray(a).reshape(-1)[offset:]
    return as_strided(flat, shape, [s * flat.itemsize for s in strides])


# name, library view fn, NumPy fn, ALWAYS (always a view) / CONTIG (a view of a contiguous base;
# view() then fails on the permuted base, reshape() copies)
ALWAYS, CONTIG, VIEW_ONLY = "always", "contig", "view_only"
VIEW_OPS = [
    ("view", lambda t: t.view(6, 4), lambda a: a.reshape(6, 4), VIEW_ONLY),
    ("view_infer", lambda t: t.view(-1, 2, 2), lambda a: a.reshape(-1, 2, 2), VIEW_ONLY),
    ("view_as", lambda t: t.view_as(L.empty(4, 6)), lambda a: a.reshape(4, 6), VIEW_ONLY),
    ("reshape", lambda t: t.reshape(4, -1), lambda a: a.reshape(4, -1), CONTIG),
    ("flatten", lambda t: t.flatten(), lambda a: a.reshape(-1), CONTIG),
    ("flatten_range", lambda t: t.flatten(1, 2), lambda a: a.reshape(2, 12), CONTIG),
    ("unflatten", lambda t: t.unflatten(2, (2, -1)), lambda a: a.reshape(2, 3, 2, 2), ALWAYS),
    ("permute", lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), ALWAYS),
    ("permute_neg", lambda t: t.permute(-1, -3, -2), lambda a: a.transpose(2, 0, 1), ALWAYS),
    ("transpose", lambda t: t.transpose(0, -1), lambda a: np.swapaxes(a, 0, -1), ALWAYS),
    ("swapaxes", lambda t: t.swapaxes(1, 2), lambda a: np.swapaxes(a, 1, 2), ALWAYS),
    ("t", lambda t: t[0].t(), lambda a: a[0].T, ALWAYS),
    ("mT", lambda t: t.mT, lambda a: np.swapaxes(a, -1, -2), ALWAYS),
    ("expand", lambda t: t[:, :1].expand(3, -1, 5, 4), lambda a: np.broadcast_to(a[:, :1], (3, 2, 5, 4)), ALWAYS),
    ("expand_as", lambda t: t[:1].expand_as(t), lambda a: np.broadcast_to(a[:1], a.shape), ALWAYS),
    ("narrow", lambda t: t.narrow(1, 1, 2), lambda a: a[:, 1:3], ALWAYS),
    ("narrow_neg", lambda t: t.narrow(-1, -3, 2), lambda a: a[..., 1:3], ALWAYS),
    ("select", lambda t: t.select(1, -1), lambda a: a[:, -1], ALWAYS),
    ("slice_steps", lambda t: t[1:, ::2, 1::3], lambda a: a[1:, ::2, 1::3], ALWAYS),
    ("slice_clamped", lambda t: t[:, 1:100, -100:2], lambda a: a[:, 1:100, -100:2], ALWAYS),
    ("slice_empty", lambda t: t[:, 2:1], lambda a: a[:, 2:1], ALWAYS),
    ("squeeze", lambda t: t[:, :1].squeeze(), lambda a: np.squeeze(a[:, :1]), ALWAYS),
    ("squeeze_dim", lambda t: t[:, :1].squeeze(1), lambda a: a[:, 0], ALWAYS),
    ("squeeze_noop", lambda t: t.squeeze(0), lambda a: a, ALWAYS),
    ("squeeze_tuple", lambda t: t[:1, :1].squeeze((0, 1)), lambda a: a[0, 0], ALWAYS),
    ("unsqueeze", lambda t: t.unsqueeze(1), lambda a: a[:, None], ALWAYS),
    ("unsqueeze_neg", lambda t: t.unsqueeze(-1), lambda a: a[..., None], ALWAYS),
    ("as_strided", lambda t: t.as_strided((3, 3), (4, 1), 2), lambda a: _strided(a, (3, 3), (4, 1), 2), VIEW_ONLY),
    ("diagonal", lambda t: t[0].diagonal(), lambda a: np.diagonal(a[0]), ALWAYS),
    ("diagonal_off", lambda t: t.diagonal(1, 1, 2), lambda a: np.diagonal(a, 1, 1, 2), ALWAYS),
    ("diagonal_neg", lambda t: t.diagonal(-1, 0, 2), lambda a: np.diagonal(a, -1, 0, 2), ALWAYS),
    ("unfold", lambda t: t.unfold(2, 2, 1), lambda a: sliding_window_view(a, 2, axis=2), ALWAYS),
    ("unfold_step", lambda t: t.unfold(1, 2, 2), lambda a: sliding_window_view(a, 2, axis=1)[:, ::2], ALWAYS),
    ("movedim", lambda t: t.movedim(0, -1), lambda a: np.moveaxis(a, 0, -1), ALWAYS),
    ("movedim_tuple", lambda t: t.movedim((0, 1), (2, 0)), lambda a: np.moveaxis(a, (0, 1), (2, 0)), ALWAYS),
]


def _mutate(t):
    return t.logical_not_() if t.dtype == L.bool else t.add_(1)


@pytest.mark.parametrize("dtype", SOME)
@pytest.mark.parametrize("row", VIEW_OPS, ids=[r[0] for r in VIEW_OPS])
def test_view(row, dtype):
    name, lf, nf, kind = row
    rng = rng_for("view", name, dtype)
    base, a = make(rng, dtype, (2, 3, 4))
    v = lf(base)
    expected = nf(a)
    assert_close(v, expected, dtype, exact=True)
    # strides (in elements) and offset as NumPy's view of the same contiguous buffer; size-1 dims are free
    na = np.ascontiguousarray(to_np(base))
    nv = nf(na)
    if np.shares_memory(nv, na):
        for n, s, ns in zip(nv.shape, v.stride(), nv.strides):
            assert n <= 1 or s * na.itemsize == ns, (v.stride(), nv.strides)
        if nv.size:
            off = (nv.__array_interface__["data"][0] - na.__array_interface__["data"][0]) // na.itemsize
            assert v.storage_offset() == off
    # aliasing: in-place on the base shows through the view, the version counter is shared
    v0 = v._version
    _mutate(base)
    assert_close(v, nf(ref_in(base)), dtype, exact=True)
    assert v._version > v0
    # a permuted (non-contiguous) base with the same logical values
    pb = tensor(np.ascontiguousarray(np.transpose(na, (2, 1, 0))), dtype).permute(2, 1, 0)
    if kind == VIEW_ONLY and name != "as_strided":
        with pytest.raises(RuntimeError):
            lf(pb)
        return
    if name == "as_strided":
        return
    pv = lf(pb)
    assert_close(pv, nf(na), dtype, exact=True)
    _mutate(pb)
    aliased = np.array_equal(to_np(pv), nf(ref_in(pb)))
    assert aliased == (kind == ALWAYS) or pv.numel() == 0


def test_shape_bad_inputs():
    with pytest.raises(ValueError, match="step must be greater than zero"):
        L.ones(4)[::-1]
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8_t without overflow"):
        L.full((2,), 300, dtype=L.uint8)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match, got Double "
                                           "for the destination and Long for the source."):
        L.zeros(3, dtype=L.float64)[L.tensor([0, 1])] = L.tensor([1, 2])


# ---------------------------------------------------------------- creation
CREATION = [
    ("zeros", lambda: L.zeros(2, 3), np.zeros((2, 3)), "float32"),
    ("zeros_tuple", lambda: L.zeros((2, 3), dtype=L.int16), np.zeros((2, 3)), "int16"),
    ("zeros_empty", lambda: L.zeros(0, 4), np.zeros((0, 4)), "float32"),
    ("zeros_0d", lambda: L.zeros(()), np.zeros(()), "float32"),
    ("ones", lambda: L.ones(3, dtype=L.bool), np.ones(3, bool), "bool"),
    ("ones_bf16", lambda: L.ones([2, 2], dtype=L.bfloat16), np.ones((2, 2)), "bfloat16"),
    ("full_int", lambda: L.full((2, 3), 7), np.full((2, 3), 7), "int64"),
    ("full_float", lambda: L.full((2,), 2.5), np.full(2, 2.5), "float32"),
    ("full_bool", lambda: L.full((2,), True), np.full(2, True), "bool"),
    ("full_dtype", lambda: L.full((2, 2), 3, dtype=L.float64), np.full((2, 2), 3.0), "float64"),
    ("arange", lambda: L.arange(5), np.arange(5), "int64"),
    ("arange_step", lambda: L.arange(1, 10, 3), np.arange(1, 10, 3), "int64"),
    ("arange_neg", lambda: L.arange(10, 0, -3), np.arange(10, 0, -3), "int64"),
    ("arange_float", lambda: L.arange(0, 1, 0.1), np.arange(0, 1, 0.1), "float32"),
    ("arange_float_start", lambda: L.arange(0.5, 3), np.arange(0.5, 3), "float32"),
    ("arange_dtype", lambda: L.arange(5, dtype=L.float64), np.arange(5.0), "float64"),
    ("arange_empty", lambda: L.arange(3, 3), np.arange(3, 3), "int64"),
    ("linspace", lambda: L.linspace(0, 1, 5), np.linspace(0, 1, 5), "float32"),
    ("linspace_f64", lambda: L.linspace(-1, 1, 7, dtype=L.float64), np.linspace(-1, 1, 7), "float64"),
    ("linspace_one", lambda: L.linspace(2, 5, 1), np.array([2.0]), "float32"),
    ("linspace_zero", lambda: L.linspace(0, 1, 0), np.zeros(0), "float32"),
    ("linspace_int", lambda: L.linspace(-10, 10, 5, dtype=L.int64), np.array([-10, -5, 0, 5, 10]), "int64"),
    ("linspace_int_trunc", lambda: L.linspace(0, 10, 5, dtype=L.int64), np.array([0, 2, 5, 7, 10]), "int64"),
    ("logspace", lambda: L.logspace(0, 2, 3), np.logspace(0, 2, 3), "float32"),
    ("logspace_base", lambda: L.logspace(0, 4, 5, base=2), np.logspace(0, 4, 5, base=2), "float32"),
    ("eye", lambda: L.eye(3), np.eye(3), "float32"),
    ("eye_rect", lambda: L.eye(2, 4), np.eye(2, 4), "float32"),
    ("eye_int", lambda: L.eye(3, dtype=L.int64), np.eye(3), "int64"),
    ("eye_zero", lambda: L.eye(0), np.eye(0), "float32"),
]


@pytest.mark.parametrize("row", CREATION, ids=[r[0] for r in CREATION])
def test_creation(row):
    name, fn, ref, dtype = row
    t = fn()
    assert_close(t, ref, dtype)
    assert t.is_contiguous() and not t.requires_grad


@pytest.mark.parametrize("dtype", DTYPES)
def test_like(dtype):
    x, _ = make(rng_for("like", dtype), dtype, "T")
    for fn, ref in ((L.zeros_like, np.zeros((3, 4))), (L.ones_like, np.ones((3, 4)))):
        assert_close(fn(x), ref, dtype)
        assert_close(fn(x, dtype=L.float64), ref, "float64")
    fill = True if dtype == "bool" else 2.75
    assert_close(L.full_like(x, fill), np.full((3, 4), db.round_to(fill, dtype)), dtype)
    e = L.empty_like(x)
    assert dname(e.dtype) == dtype and tuple(e.shape) == (3, 4)
    r = L.rand_like(x.float()) if dtype not in FLOATS else L.rand_like(x)
    assert tuple(r.shape) == (3, 4) and bool(((r >= 0) & (r < 1)).all())
    assert L.zeros(2, 3).new_zeros(4).dtype == L.float32 and tuple(x.new_ones((2,)).shape) == (2,)


# ---------------------------------------------------------------- joining and splitting
@pytest.mark.parametrize("dtype", DTYPES)
def test_cat_stack(dtype):
    rng = rng_for("cat", dtype)
    x, a = make(rng, dtype, (2, 3))
    y, b = make(rng, dtype, (4, 3))
    z, c = make(rng, dtype, "T")  # (3, 4) transposed view
    assert_close(L.cat([x, y]), np.concatenate([a, b]), dtype, exact=True)
    assert_close(L.cat((x, z.t(), y), dim=0), np.concatenate([a, c.T, b]), dtype, exact=True)
    assert_close(L.cat([x.t(), z], -1), np.concatenate([a.T, c], -1), dtype, exact=True)
    assert_close(L.cat([x, L.empty(0, 3, dtype=dt(dtype))]), a, dtype, exact=True)
    assert_close(L.cat([x[:, ::2], x[:, 1:]], 1), np.concatenate([a[:, ::2], a[:, 1:]], 1), dtype, exact=True)
    for other in ("int32", "float64", "bool"):  # cat promotes like the other operators
        w, d = make(rng, other, (1, 3))
        R = result_type(("t", dtype), ("t", other))
        assert_close(L.cat([x, w]), np.concatenate([a.astype(np.float64), d.astype(np.float64)]), R)
    out = L.empty(0, dtype=dt(dtype))
    assert L.cat([x, y], out=out) is out
    assert_close(out, np.concatenate([a, b]), dtype, exact=True)
    for dim in (0, 1, 2, -1):
        assert_close(L.stack([x, y[:2], z.t()[:2]], dim), np.stack([a, b[:2], c.T[:2]], dim), dtype, exact=True)
    assert_close(L.stack([L.tensor(1), L.tensor(2)]), np.array([1, 2]), "int64")


def _chunk_ref(a, chunks, axis):
    size = -(-a.shape[axis] // chunks)
    return np.split(a, range(size, a.shape[axis], size), axis)


@pytest.mark.parametrize("dtype", DTYPES)
def test_split_chunk_unbind(dtype):
    rng = rng_for("split", dtype)
    x, a = make(rng, dtype, (6, 5))
    xt, at = x.t(), a.T

    def same(got, ref):
        assert isinstance(got, tuple) and len(got) == len(ref)
        for g, r in zip(got, ref):
            assert_close(g, r, dtype, exact=True)
    same(x.split(2), np.split(a, [2, 4]))
    same(L.split(x, 4), np.split(a, [4]))
    same(x.split([1, 3, 1], dim=1), np.split(a, [1, 4], 1))
    same(xt.split(2, -1), np.split(at, [2, 4], -1))
    same(x.chunk(3), _chunk_ref(a, 3, 0))
    same(x.chunk(4), _chunk_ref(a, 4, 0))  # 6 rows in 4 chunks -> 3 chunks of 2 (not 4 like NumPy)
    same(L.chunk(x, 2, 1), _chunk_ref(a, 2, 1))
    same(x.unbind(), tuple(a))
    same(L.unbind(xt, 1), tuple(np.moveaxis(at, 1, 0)))
    parts = x.split(2)
    _mutate(x)
    assert_close(parts[1], ref_in(x)[2:4], dtype, exact=True)  # split returns views


# ---------------------------------------------------------------- gather / scatter / masks
@pytest.mark.parametrize("dtype", DTYPES)
def test_index_ops(dtype):
    rng = rng_for("index", dtype)
    x, a = make(rng, dtype, (4, 5))
    xt, at = make(rng, dtype, "T")
    for idx_dt in (L.int64, L.int32):
        idx = L.tensor([3, 0, 3], dtype=idx_dt)
        assert_close(L.index_select(x, 0, idx), a[[3, 0, 3]], dtype, exact=True)
        assert_close(xt.index_select(1, idx[:2]), at[:, [3, 0]], dtype, exact=True)
    gi = rng.integers(0, 5, size=(4, 3))
    assert_close(L.gather(x, 1, L.from_numpy(gi)), np.take_along_axis(a, gi, 1), dtype, exact=True)
    gi0 = rng.integers(0, 4, size=(2, 5))
    assert_close(x.gather(0, L.from_numpy(gi0)), np.take_along_axis(a, gi0, 0), dtype, exact=True)
    # scatter with distinct targets per row (duplicates have no defined winner)
    perm = np.stack([rng.permutation(5)[:3] for _ in range(4)])
    src, sa = make(rng, dtype, (4, 3))
    ref = a.copy()
    np.put_along_axis(ref, perm, sa, 1)
    assert_close(L.scatter(x, 1, L.from_numpy(perm), src), ref, dtype, exact=True)
    val = True if dtype == "bool" else 7
    ref = a.copy()
    np.put_along_axis(ref, perm, db.round_to(val, dtype), 1)
    assert_close(x.scatter(1, L.from_numpy(perm), val), ref, dtype, exact=True)
    if dtype != "bool":  # scatter_add accumulates duplicates
        di = rng.integers(0, 5, size=(4, 6))
        s2, s2a = make(rng, dtype, (4, 6))
        ref = a.astype(np.float64 if dtype in FLOATS else np.int64)
        for r in range(4):
            np.add.at(ref[r], di[r], s2a[r])
        tol = {"float16": (2e-3, 1e-2), "bfloat16": (1.6e-2, 5e-2)}.get(dtype)
        assert_close(L.scatter_add(x, 1, L.from_numpy(di), s2), ref, dtype, tol=tol)
        y = x.clone()
        v0 = y._version
        assert y.scatter_add_(1, L.from_numpy(di), s2) is y and y._version > v0
        assert_close(y, ref, dtype, tol=tol)
    # masks broadcast against the input
    m, ma = make(rng, "bool", (4, 1))
    fill = False if dtype == "bool" else -3
    assert_close(x.masked_fill(m, fill), np.where(ma, db.round_to(fill, dtype), a), dtype, exact=True)
    assert_close(L.masked_fill(x, m, L.tensor(fill)), np.where(ma, db.round_to(fill, dtype), a), dtype, exact=True)
    m2, m2a = make(rng, "bool", (5,))
    assert_close(L.masked_select(x, m2), a[np.broadcast_to(m2a, a.shape)], dtype, exact=True)
    assert_close(xt.masked_select(xt != xt), np.zeros(0), dtype)
    y = x.clone()
    assert y.masked_fill_(m, fill) is y
    assert_close(y, np.where(ma, db.round_to(fill, dtype), a), dtype, exact=True)
    nz = a != 0
    assert_close(L.nonzero(x), np.argwhere(nz), "int64")
    assert_close(xt.nonzero(), np.argwhere(at != 0), "int64")
    for g, r in zip(x.nonzero(as_tuple=True), np.nonzero(nz)):
        assert_close(g, r, "int64")
    assert_close(L.nonzero(L.zeros(0, 3)), np.zeros((0, 2)), "int64")
    assert_close(L.tensor(5).nonzero(), np.zeros((1, 0)), "int64")


# ---------------------------------------------------------------- __getitem__ / __setitem__
def _key(spec, lib):
    """Index spec -> key: ("i", list) becomes an int64 index tensor (library) or array (NumPy)."""
    def conv(k):
        if isinstance(k, tuple) and k and k[0] in ("i", "m", "i32"):
            arr = np.array(k[1], dtype=bool if k[0] == "m" else np.int64)
            if lib is np:
                return arr
            t = L.from_numpy(arr)
            return t.int() if k[0] == "i32" else t
        return k
    return tuple(conv(k) for k in spec) if isinstance(spec, list) else conv(spec)


MASK45 = (np.arange(20).reshape(4, 5) % 3 == 0).tolist()
GETITEM = [
    1, -1, slice(1, 3), slice(None, None, 2), [1, 2], [Ellipsis, 1], None, [slice(None), None, 1],
    [slice(1, None), Ellipsis, slice(None, None, 3)], ("i", [2, 0, 2]), [("i", [0, 2]), ("i", [1, 3])],
    ("m", [True, False, True, True]), ("m", MASK45), ("i", [[0, 1], [2, 3]]), [slice(None), ("i", [0, 2])],
    [("i", [0, 1]), slice(None), ("i", [2, 3])], [Ellipsis, ("i32", [5, 0])], [None, ("m", [False] * 4)],
    [1, slice(None, None, 2), ("i", [1, 2])], [slice(None), 1, ("i", [0, 5])], [("i", [1]), None, 2],
    [np.int64(2)], [True], [0, 0, 0], [slice(2, 2)], [Ellipsis], [("i", 3)],
]


def _np_getitem(a, spec):
    # PyTorch applies integer indices first (as select), so an int next to an index array
    # separated by a slice does not move the advanced dims to the front like NumPy does.
    if spec == [1, slice(None, None, 2), ("i", [1, 2])]:
        return a[1][::2, [1, 2]]
    return a[_key(spec, np)]


@pytest.mark.parametrize("dtype", ("bool", "int8", "int64", "bfloat16", "float32"))
@pytest.mark.parametrize("spec", GETITEM, ids=[repr(s)[:40] for s in GETITEM])
def test_getitem(spec, dtype):
    rng = rng_for("getitem", dtype)
    x, a = make(rng, dtype, (4, 5, 6))
    assert_close(x[_key(spec, L)], _np_getitem(a, spec), dtype, exact=True)
    xt, at = make(rng, dtype, (6, 5, 4))  # same key on a permuted, non-contiguous tensor
    xt, at = xt.permute(2, 1, 0), np.transpose(at, (2, 1, 0))
    assert_close(xt[_key(spec, L)], _np_getitem(at, spec), dtype, exact=True)


SETITEM = [
    (1, lambda: 5), ([slice(None), slice(None, None, 2)], lambda: np.arange(6).reshape(1, 1, 6) % 2),
    (("m", MASK45), lambda: 0), (("i", [0, 2]), lambda: np.arange(30).reshape(5, 6) % 4),
    ([Ellipsis, 1], lambda: np.linspace(0.3, 9.7, 5)), ([("i", [3, 1]), slice(None), 0], lambda: np.array([[1], [2]])),
    ([None, slice(1, 3)], lambda: 3.5), (("m", [True, False, False, True]), lambda: np.arange(6) % 3),
    ([slice(None), -1, slice(1, None, 2)], lambda: np.array(True)),
]


@pytest.mark.parametrize("dtype", ("bool", "uint8", "int32", "float16", "bfloat16", "float64"))
@pytest.mark.parametrize("case", SETITEM, ids=[repr(c[0])[:40] for c in SETITEM])
def test_setitem(case, dtype):
    spec, value = case
    rng = rng_for("setitem", dtype)
    x, a = make(rng, dtype, (4, 5, 6))
    v = value()
    ref = db.round_to(a, dtype).copy()
    ref[_key(spec, np)] = db.round_to(np.asarray(v, dtype=np.float64), dtype)
    # tensor values are converted first: index_put (advanced keys) requires matching dtypes
    lv = L.from_numpy(np.array(v)).to(dt(dtype)) if isinstance(v, np.ndarray) else v
    v0 = x._version
    x[_key(spec, L)] = lv
    assert x._version > v0
    assert_close(x, ref, dtype, exact=True)
    # through a non-contiguous view: writes land in the base
    base, b = make(rng, dtype, (4, 5, 12))
    view = base[:, :, ::2]
    view[_key(spec, L)] = lv
    ref = db.round_to(b, dtype).copy()
    ref[:, :, ::2][_key(spec, np)] = db.round_to(np.asarray(v, dtype=np.float64), dtype)
    assert_close(base, ref, dtype, exact=True)


# ---------------------------------------------------------------- edge values
def T(v, d=None):
    return L.tensor(v, dtype=d)


NAN, INF = float("nan"), float("inf")
_U = np.random.default_rng(7).uniform(0, 1, 10 ** 6).astype(np.float32)
# id, fn(L) -> tensor, NumPy reference (or literal values), result dtype, check the sign of zeros
EDGE = [
    ("shl_past_width", lambda: L.bitwise_left_shift(T([1, -1, 3], L.int32), T([31, 32, 40], L.int32)),
     np.array([-2 ** 31, 0, 0]), "int32", False),
    ("shr_past_width", lambda: L.bitwise_right_shift(T([-5, 5, -1], L.int8), T([7, 8, 100], L.int8)),
     np.array([-1, 0, -1]), "int8", False),
    ("shl_u8", lambda: T([1, 255], L.uint8) << 9, np.array([0, 0]), "uint8", False),
    ("pow_int_negative_exp", lambda: L.pow(T([2, 1, -1]), T([-1, -2, -3])), np.array([0, 1, -1]), "int64", False),
    ("pow_zero", lambda: L.pow(T([0., 0]), T([0., -1])), np.array([1.0, np.inf]), "float32", False),
    ("amax_nan", lambda: L.amax(T([[1., NAN], [2., 3.]]), 1), np.array([np.nan, 3.0]), "float32", False),
    ("max_dim_nan_values", lambda: L.max(T([[1., NAN, 5.], [2., 3., 1]]), 1).values, np.array([np.nan, 3.]),
     "float32", False),
    ("max_dim_nan_indices", lambda: L.max(T([[1., NAN, 5.], [2., 3., 1]]), 1).indices, np.array([1, 1]), "int64",
     False),
    ("argmax_nan", lambda: L.argmax(T([1., NAN, 5.])), np.array(1), "int64", False),
    ("min_nan", lambda: L.min(T([1., NAN, -5.])), np.array(np.nan), "float32", False),
    ("maximum_nan", lambda: L.maximum(T([NAN, 1.]), T([1., NAN])), np.array([np.nan, np.nan]), "float32", False),
    ("clamp_nan", lambda: L.clamp(T([NAN, 1., 5.]), 0, 2), np.clip([np.nan, 1., 5.], 0, 2), "float32", False),
    ("clamp_min_gt_max", lambda: L.clamp(T([1., 5.]), 3, 2), np.array([2., 2.]), "float32", False),
    ("clamp_int_float_bounds", lambda: L.clamp(T([1, 5]), 0.5, 2.5), np.array([1., 2.5]), "float32", False),
    ("logsumexp_inf", lambda: L.logsumexp(T([[-INF, -INF], [INF, 1.], [NAN, 1.]]), 1),
     np.array([-np.inf, np.inf, np.nan]), "float32", False),
    ("round_decimals", lambda: L.round(T([1.2345, -2.5551, 125.]), decimals=2), np.round([1.2345, -2.5551, 125.], 2),
     "float32", False),
    ("round_neg_decimals", lambda: L.round(T([1234.5, 1250.]), decimals=-2), np.array([1200., 1200.]), "float32",
     False),
    ("norm_p0", lambda: L.norm(T([0., 2., -3.]), 0), np.array(2.), "float32", False),
    ("norm_p3", lambda: L.norm(T([1., 2., -3.]), 3), np.array(36.0 ** (1 / 3)), "float32", False),
    ("norm_ninf", lambda: L.norm(T([1., 2., -3.]), -INF), np.array(1.), "float32", False),
    ("cumsum_nan", lambda: L.cumsum(T([1., NAN, 2.]), 0), np.cumsum([1., np.nan, 2.]), "float32", False),
    ("cumprod_zero", lambda: L.cumprod(T([2., 0., 3.]), 0), np.cumprod([2., 0., 3.]), "float32", False),
    ("sum_1e6_f32", lambda: L.from_numpy(_U).sum(), _U.astype(np.float64).sum(), "float32", False),
    ("mean_1e6_f32", lambda: L.from_numpy(_U).mean(), _U.astype(np.float64).mean(), "float32", False),
    ("sum_1e6_f16", lambda: L.from_numpy(_U[:5000]).half().sum(), _U[:5000].astype(np.float16).astype(float).sum(),
     "float16", False),
    ("f16_exp_overflow", lambda: L.exp(T([12., -20.], L.float16)), np.array([np.inf, 0.]), "float16", False),
    ("f16_sum_overflow", lambda: L.full((100,), 1000., dtype=L.float16).sum(), np.array(np.inf), "float16", False),
    ("f16_mean_no_overflow", lambda: L.full((100,), 1000., dtype=L.float16).mean(), np.array(1000.), "float16",
     False),
    ("int64_wrap", lambda: T([2 ** 62]) + T([2 ** 62]), np.array([-2 ** 63]), "int64", False),
    ("int_floor_div_neg", lambda: L.div(T([-7, 7, -7]), T([2, -2, -2]), rounding_mode="floor"),
     np.floor_divide([-7, 7, -7], [2, -2, -2]), "int64", False),
    ("int_trunc_div_neg", lambda: L.div(T([-7, 7, -7]), T([2, -2, -2]), rounding_mode="trunc"), np.array([-3, -3, 3]),
     "int64", False),
    ("remainder_neg", lambda: L.remainder(T([-7.5, 7.5]), T([2., -2.])), np.remainder([-7.5, 7.5], [2., -2.]),
     "float32", False),
    ("div_zero", lambda: T([1., -1., 0.]) / 0, np.array([np.inf, -np.inf, np.nan]), "float32", False),
    ("floor_div_zero", lambda: L.div(T([1., -1., 0.]), 0., rounding_mode="floor"), np.array([np.inf, -np.inf, np.nan]),
     "float32", False),
    ("trunc_div_zero", lambda: L.div(T([1., -1., 0.]), 0., rounding_mode="trunc"), np.array([np.inf, -np.inf, np.nan]),
     "float32", False),
    ("remainder_zero", lambda: L.remainder(T([1., -1.]), 0.), np.array([np.nan, np.nan]), "float32", False),
    ("atan2_signed_zeros", lambda: L.atan2(T([0., -0., 0., -0.]), T([0., 0., -0., -0.])),
     np.arctan2([0., -0., 0., -0.], [0., 0., -0., -0.]), "float32", True),
    ("neg_zero", lambda: -T([0., -0.]), np.array([-0., 0.]), "float32", True),
    ("sigmoid_extremes", lambda: L.sigmoid(T([-100., 100., -1000.])), np.array([0., 1., 0.]), "float32", False),
    ("expm1_tiny", lambda: L.expm1(T([1e-10], L.float64)), np.expm1([1e-10]), "float64", False),
    ("log1p_tiny", lambda: L.log1p(T([1e-10], L.float64)), np.log1p([1e-10]), "float64", False),
    ("rsqrt_zeros", lambda: L.rsqrt(T([0., -0., -1.])), np.array([np.inf, -np.inf, np.nan]), "float32", False),
    ("reciprocal_int_zero", lambda: L.reciprocal(T([0, 2])), np.array([np.inf, 0.5]), "float32", False),
    ("abs_int8_min", lambda: L.abs(T([-128], L.int8)), np.array([-128]), "int8", False),
    ("neg_uint8", lambda: -T([1, 0], L.uint8), np.array([255, 0]), "uint8", False),
    ("sum_dtype_uint8_wraps", lambda: T([200, 100], L.uint8).sum(dtype=L.uint8), np.array(44), "uint8", False),
    ("prod_int64_wraps", lambda: T([2 ** 32, 2 ** 32]).prod(), np.array(0), "int64", False),
    ("mean_dtype_arg", lambda: T([1, 2]).mean(dtype=L.float64), np.array(1.5), "float64", False),
    ("std_single", lambda: T([1.]).std(), np.array(np.nan), "float32", False),
    ("any_nan", lambda: T([NAN, 0.]).any(), np.array(True), "bool", False),
    ("all_zero", lambda: T([0.5, 0.]).all(), np.array(False), "bool", False),
    ("matmul_int8_wraps", lambda: L.ones(10, 200, dtype=L.int8) @ L.ones(200, 3, dtype=L.int8),
     np.full((10, 3), -56), "int8", False),
    ("addmm_beta0_ignores_nan", lambda: L.addmm(T([[NAN]]), L.ones(1, 2), L.ones(2, 1), beta=0), np.array([[2.]]),
     "float32", False),
    ("arange_float_len", lambda: L.arange(0, 1.0000001, 0.1), np.arange(0, 1.0000001, 0.1), "float32", False),
    ("arange_float_step", lambda: L.arange(0, 5, 1.5), np.arange(0, 5, 1.5), "float32", False),
    ("logspace_int", lambda: L.logspace(0, 3, 4, dtype=L.int64), np.array([1, 10, 100, 1000]), "int64", False),
    ("full_int_float_fill", lambda: L.full((2,), 2.7, dtype=L.int32), np.array([2, 2]), "int32", False),
    ("eye_bool", lambda: L.eye(2, dtype=L.bool), np.eye(2, dtype=bool), "bool", False),
    ("stack_0d", lambda: L.stack([T(1.), T(2.)], 0), np.array([1., 2.]), "float32", False),
    ("where_scalars_float", lambda: L.where(T([True, False]), 1., 0), np.array([1., 0.]), "float32", False),
    ("where_scalars_int", lambda: L.where(T([True, False]), 1, 0), np.array([1, 0]), "int64", False),
    ("lerp_extrapolate", lambda: L.lerp(T([0.]), T([10.]), 2.), np.array([20.]), "float32", False),
    ("index_negative_tensor", lambda: L.arange(5)[T([-1, -5])], np.array([4, 0]), "int64", False),
    ("index_bool_list", lambda: L.arange(3)[[True, False, True]], np.array([0, 2]), "int64", False),
    ("index_0d_bool", lambda: L.arange(3)[T(True)], np.arange(3)[None], "int64", False),
    ("masked_select_0d", lambda: L.masked_select(T(3.), T(True)), np.array([3.]), "float32", False),
    ("nonzero_0d_false", lambda: L.nonzero(T(0.)), np.zeros((0, 0)), "int64", False),
    ("gather_neg_dim", lambda: L.gather(L.arange(6).reshape(2, 3), -1, T([[2, 0]])), np.array([[2, 0]]), "int64",
     False),
    ("scatter_reduce_add", lambda: L.zeros(3).scatter(0, T([0, 0, 2]), T([1., 2., 3.]), reduce="add"),
     np.array([3., 0., 3.]), "float32", False),
    ("unfold_0d", lambda: T(5.).unfold(0, 1, 1), np.array([5.]), "float32", False),
    ("squeeze_0d", lambda: T(5.).squeeze(0), np.array(5.), "float32", False),
    ("unsqueeze_0d", lambda: T(5.).unsqueeze(-1), np.array([5.]), "float32", False),
    ("flatten_0d", lambda: T(5.).flatten(), np.array([5.]), "float32", False),
    ("t_1d", lambda: L.arange(3).t(), np.arange(3), "int64", False),
    ("diagonal_empty", lambda: L.ones(0, 3).diagonal(), np.zeros(0), "float32", False),
    ("view_0d", lambda: T(5.).view(1, 1), np.array([[5.]]), "float32", False),
    ("expand_0d", lambda: T(5.).expand(2, 3), np.full((2, 3), 5.), "float32", False),
]


@pytest.mark.parametrize("row", EDGE, ids=[r[0] for r in EDGE])
def test_edge_values(row):
    name, fn, ref, dtype, zero_sign = row
    got = fn()
    assert_close(got, ref, dtype, exact=zero_sign, zero_sign=zero_sign)
    if name == "expand_0d":
        assert got.stride() == (0, 0)
