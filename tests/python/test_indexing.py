"""Indexing against torch: __getitem__/__setitem__ (basic and advanced, random combinations),
__len__ and __iter__. The indexing ops (index_select, gather, scatter, ...) are in test_ops_index.py."""

import warnings

import numpy as np
import pytest

import ctorch
from _index_helpers import DTYPES, check_same, ct_from, pair, raises_like, rand, same_outcome, to_ct
from _torch_ref import require_torch


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def is_view_t(r, base):
    return base.untyped_storage().nbytes() > 0 and r.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()


def check_getitem(torch, c, t, idx):
    rc, rt = same_outcome(lambda: c[to_ct(torch, idx)], lambda: t[idx])
    if rt is None:
        return
    check_same(rc, rt)
    if is_view_t(rt, t):
        assert rc._storage_ptr() == c._storage_ptr(), idx
        assert rc.stride() == rt.stride() and rc.storage_offset() == rt.storage_offset(), idx
    else:
        assert rc._storage_ptr() != c._storage_ptr() or rc.numel() == 0, idx


# ------------------------------------------------------------------ basic indexing (views)
BASIC = [0, -1, 1, slice(None), slice(1, None), slice(None, None, 2), slice(-100, 100), slice(5, 1),
         None, Ellipsis, (), (0, 1), (0, -1, 2), (slice(None), 1), (Ellipsis, 1), (None, 0), (1, None, 2),
         (Ellipsis, None), (None, Ellipsis, None, 1), (slice(0, 1), slice(None, None, 3)), (1, 2, 3),
         (0, Ellipsis, 0, Ellipsis), (slice(2 ** 70, None),)]


@pytest.mark.parametrize("idx", BASIC, ids=[repr(i) for i in BASIC])
@pytest.mark.parametrize("view", [None, lambda x: x.permute(2, 0, 1), lambda x: x[:, ::2]],
                         ids=["contig", "permuted", "stepped"])
def test_getitem_basic_views(torch, idx, view):
    c, t = pair(torch, (2, 4, 4), view=view)
    check_getitem(torch, c, t, idx)


@pytest.mark.parametrize("dtype", DTYPES)
def test_getitem_dtypes(torch, dtype):
    c, t = pair(torch, (3, 4), dtype)
    for idx in [1, (slice(None), 2), ([0, 2],), (t > 0) if dtype != "bool" else t, (Ellipsis, [1, 3])]:
        check_getitem(torch, c, t, idx)


def test_getitem_zero_dim(torch):
    c, t = pair(torch, ())
    for idx in [Ellipsis, None, True, False, (), (None, None), torch.tensor(True), torch.tensor(False)]:
        check_getitem(torch, c, t, idx)
    for idx in [0, slice(None), (0,), torch.tensor(0), torch.tensor([0]), (slice(None),)]:
        s, st = raises_like(torch, lambda: c[to_ct(torch, idx)], lambda: t[idx])
        assert s == st


def test_getitem_errors(torch):
    c, t = pair(torch, (2, 3, 4))
    cases = [5, -3, (slice(None), 5), (1, 2, 3, 0), slice(None, None, -1), 1.5, "x", {0}, object(),
             torch.tensor([0.0]), torch.tensor([0], dtype=torch.int16), torch.tensor([5]), [[0, 1], [0, 1, 2]],
             [True, False, True], torch.ones(2, 4, dtype=torch.bool), (0, 5), (Ellipsis, 7), (None, 0, 5),
             2 ** 70, (torch.tensor([0, 1]), torch.tensor([0, 1, 2]))]
    for idx in cases:
        s, st = raises_like(torch, lambda: c[to_ct(torch, idx)], lambda: t[idx])
        if isinstance(idx, (int, tuple)) and not isinstance(idx, bool):
            assert s == st, idx
    assert raises_like(torch, lambda: c[::0], lambda: t[::0])[0] == "slice step cannot be zero"


# ------------------------------------------------------------------ advanced indexing
ADV = [[0, 1], [1], [], [-1, 0, 1], [[0, 1], [1, 0]], [True, False], [False, False], [True, 1], [0.5, 1.7],
       (slice(None), [0, 2]), ([0, 1], slice(None), [1, 2]), (0, slice(None), [1, 2]), ([0, 1], None, [0, 1]),
       (None, [0, 1], [0, 1]), ([0, 1], Ellipsis, [0, 1]), ([[0], [1]], 0), (slice(None), [[0], [2]], [0, 3]),
       (True,), (False,), (True, 1), (1, True, 1), (0, slice(None), True), (slice(1, None), Ellipsis, [3]),
       ([1], None), ([[0, 1]],), ([0, slice(None)],), ([0, 1], [0, 2], [1, 3]), ((0, 1), (1, 2)),
       (Ellipsis, [[0, 1]], slice(None, None, 2))]


@pytest.mark.parametrize("idx", ADV, ids=[repr(i) for i in ADV])
@pytest.mark.parametrize("view", [None, lambda x: x.permute(2, 0, 1)[:2, :3], lambda x: x[:, :, ::1][:, :3, :]],
                         ids=["contig", "permuted", "sliced"])
def test_getitem_advanced(torch, idx, view):
    c, t = pair(torch, (2, 4, 4), view=view)
    check_getitem(torch, c, t, idx)


def test_getitem_tensor_indices(torch):
    c, t = pair(torch, (2, 3, 4))
    m2 = torch.tensor([[True, False, True], [False, True, True]])
    cases = [torch.tensor([1, 0]), torch.tensor([[0, 1], [1, 0]]), torch.tensor([1, 0], dtype=torch.int32),
             torch.tensor(1), (torch.tensor(1), torch.tensor(1)), torch.tensor(True), torch.tensor(False),
             (0, torch.tensor(False)), torch.tensor([True, False]), m2, (m2, torch.tensor([0, 1, 2, 3])),
             (m2, 1), (m2, slice(1, None)), torch.ones(2, 3, 4, dtype=torch.bool), torch.ones(2, 3, dtype=torch.uint8),
             torch.tensor(1, dtype=torch.uint8), torch.tensor(1, dtype=torch.int32),
             (slice(None), torch.tensor(5)), (torch.tensor([1, 0]), slice(1, None), torch.tensor([[0], [2]])),
             (torch.tensor([1, 0]), torch.tensor([[0], [2]])), torch.tensor([], dtype=torch.long),
             (slice(0, 1), torch.tensor(1)), (slice(1, None), Ellipsis, torch.tensor(1)),
             (torch.tensor(1), slice(None), torch.tensor(1)), torch.tensor([[True], [False]]),
             np.array([0, 1]), np.int64(1), (np.array([1, 0]), np.array([2, 1])), np.array([True, False]),
             (torch.zeros(0, dtype=torch.long), [5])]
    for idx in cases:
        check_getitem(torch, c, t, idx)


def test_getitem_empty_tensors(torch):
    for shape, idx in [((0, 3), torch.tensor([0])), ((0, 3), (slice(None), [5])), ((2, 0), ([1], [5])),
                       ((2, 0), [1]), ((2, 3), ([5], torch.zeros(0, dtype=torch.long))),
                       ((0, 3), torch.zeros(0, 3, dtype=torch.bool))]:
        c, t = pair(torch, shape)
        check_getitem(torch, c, t, idx)


def test_getitem_large_parallel(torch):
    c, t = pair(torch, (200, 300))
    g = torch.Generator().manual_seed(3)
    rows = torch.randint(-200, 200, (500,), generator=g)
    cols = torch.randint(0, 300, (500, 1), generator=g)
    check_getitem(torch, c, t, rows)
    check_getitem(torch, c, t, (rows, cols))
    check_getitem(torch, c, t, (slice(None), cols[:, 0]))
    check_getitem(torch, c, t, t > 0)


def _rand_item(torch, rng, size, bshape):
    """One index item for a dim of `size`; tensor items use shapes broadcastable to bshape."""
    k = rng.integers(0, 9)
    if k == 0 and size > 0:
        return int(rng.integers(-size, size))
    if k == 1:
        lo = rng.choice([None, int(rng.integers(-size - 2, size + 2))])
        hi = rng.choice([None, int(rng.integers(-size - 2, size + 2))])
        return slice(lo, hi, rng.choice([None, 1, 2, 3]))
    if k == 2 and size > 0:
        return [int(v) for v in rng.integers(-size, size, size=int(bshape[-1]))]
    if k in (3, 4) and size > 0:
        shp = bshape[rng.integers(0, len(bshape)):]
        dt = torch.int64 if k == 3 else torch.int32
        return torch.from_numpy(rng.integers(-size, size, size=shp)).to(dt)
    if k == 5:
        return torch.from_numpy(rng.integers(0, 2, size=(size,)).astype(bool))
    if k == 6 and size > 0:
        return torch.tensor(int(rng.integers(-size, size)))
    return slice(None)


def rand_index(torch, rng, shape):
    bshape = [(3,), (2, 1), (1, 2), (2, 3)][rng.integers(0, 4)]
    items, d, n = [], 0, len(shape)
    use_ellipsis = rng.random() < 0.3
    a = int(rng.integers(0, n + 1))
    b = int(rng.integers(a, n + 1)) if use_ellipsis else n
    for dim in range(a):
        items.append(_rand_item(torch, rng, shape[dim], bshape))
    if use_ellipsis:
        items.append(Ellipsis)
        for dim in range(b, n):
            items.append(_rand_item(torch, rng, shape[dim], bshape))
    for _ in range(int(rng.integers(0, 3))):
        items.insert(int(rng.integers(0, len(items) + 1)), [None, True, False][rng.integers(0, 3)])
    return tuple(items)


@pytest.mark.parametrize("seed", range(40))
def test_getitem_random(torch, seed):
    rng = np.random.default_rng(seed)
    for shape in [(4,), (3, 4), (2, 3, 4), (2, 1, 3, 2)]:
        c, t = pair(torch, shape, seed=seed)
        if seed % 3 == 1:
            c, t = c.transpose(0, -1), t.transpose(0, -1)
        for _ in range(10):
            idx = rand_index(torch, rng, tuple(t.shape))
            check_getitem(torch, c, t, idx)


@pytest.mark.parametrize("seed", range(40))
def test_setitem_random(torch, seed):
    rng = np.random.default_rng(1000 + seed)
    for shape in [(4,), (3, 4), (2, 3, 4)]:
        for _ in range(8):
            c, t = pair(torch, shape, seed=seed)
            if seed % 2:
                c, t = c.transpose(0, -1), t.transpose(0, -1)
            idx = rand_index(torch, rng, tuple(t.shape))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    rshape = tuple(t[idx].shape)
                except Exception:  # noqa: BLE001
                    continue
            choice = rng.integers(0, 3)
            if choice == 0:
                val_t = float(rng.integers(-9, 9))
                val_c = val_t
            else:
                vshape = rshape if choice == 1 else rshape[len(rshape) - 1:] if rshape else ()
                val_t = rand(torch, vshape, "float32", seed + 7)
                val_c = ct_from(torch, val_t)
            vt, vc = t._version, c._version

            def set_t():
                t[idx] = val_t

            def set_c():
                c[to_ct(torch, idx)] = val_c
            rc, rt = same_outcome(lambda: set_c() or 1, lambda: set_t() or 1)
            if rt is None:
                continue
            check_same(c, t)
            assert (c._version > vc) == (t._version > vt), idx


# ------------------------------------------------------------------ __setitem__
def test_setitem_basic(torch):
    for idx, val in [(0, 7), (0, 2.5), (0, True), (slice(None), 3), ((slice(None), 1), -1), ((Ellipsis, 0), 5),
                     (None, 4), (True, 2), (False, 9), ((), 6), ([0], 7), ([0, 0], 1), (torch.tensor([1, 0]), 8),
                     (torch.tensor([True, False]), 3), (torch.zeros(2, 3, dtype=torch.bool), 1),
                     (torch.tensor(1), 4), ((1, slice(None), [0, 3]), 2)]:
        for dtype in ("float32", "int64", "uint8"):
            c, t = pair(torch, (2, 3, 4), dtype)
            v0c, v0t = c._version, t._version
            t[idx] = val
            c[to_ct(torch, idx)] = val
            check_same(c, t)
            assert c._version - v0c == t._version - v0t, (idx, val)


def test_setitem_tensor_values(torch):
    cases = [(0, (1, 3, 4)), (0, (1, 1, 3, 4)), (0, (4,)), (0, ()), ([0], (1, 1, 3, 4)), ([0, 0], (2, 3, 4)),
             (slice(None), (1, 3, 4)), ((torch.tensor([0, 1]), slice(None), torch.tensor([0, 1])), (3, 1)),
             ((torch.tensor([0, 1]), slice(None), torch.tensor([0, 1])), (2, 3)),
             ((torch.tensor([0, 1]), slice(None), torch.tensor([0, 1])), (3,)),
             ((slice(None), [0, 2]), (2, 2, 4)), (torch.zeros(2, 3, dtype=torch.bool), (4,)), (0, (2, 3, 4)),
             ([0], (2, 3, 4)), (0, (5,)), ([0], (5,))]
    for idx, vshape in cases:
        c, t = pair(torch, (2, 3, 4))
        vc, vt = pair(torch, vshape, seed=4)
        rc, rt = same_outcome(lambda: c.__setitem__(to_ct(torch, idx), vc), lambda: t.__setitem__(idx, vt))
        check_same(c, t)


def test_setitem_dtype_rules(torch):
    # basic indices convert the value (copy_); advanced ones need the same dtype (index_put_)
    c, t = pair(torch, (3,))
    vc, vt = ctorch.tensor(3.5, dtype=ctorch.float64), torch.tensor(3.5, dtype=torch.float64)
    c[0] = vc
    t[0] = vt
    check_same(c, t)
    s, st = raises_like(torch, lambda: c.__setitem__([0], vc), lambda: t.__setitem__([0], vt))
    assert s == st
    ci, ti = pair(torch, (3,), "int64")
    ci[1:] = 7.9
    ti[1:] = 7.9
    check_same(ci, ti)
    cu, tu = pair(torch, (3,), "uint8")
    s, st = raises_like(torch, lambda: cu.__setitem__(0, 300), lambda: tu.__setitem__(0, 300))
    assert s == st == "value cannot be converted to type uint8_t without overflow"
    raises_like(torch, lambda: c.__setitem__(0, "x"), lambda: t.__setitem__(0, "x"))
    s, st = raises_like(torch, lambda: c.__setitem__(0, [1, 2]), lambda: t.__setitem__(0, [1, 2]))
    assert s == st
    raises_like(torch, lambda: c.__setitem__(slice(None, None, -1), 1), lambda: t.__setitem__(slice(None, None, -1), 1))
    raises_like(torch, lambda: c.__setitem__(5, 1), lambda: t.__setitem__(5, 1))


def test_setitem_views_and_versions(torch):
    c = ctorch.zeros(4, 4)
    v = c[1:3]
    ver = c._version
    v[:, 0] = 5
    assert c._version == ver + 1 and c[1, 0].item() == 5 and c[3, 0].item() == 0
    c[c > 1] = 2
    assert c._version == ver + 2 and c.sum().item() == 4
    z = ctorch.tensor(5.)
    z[...] = 3
    z[None] = 4
    z[True] = 6
    assert z.item() == 6


# ------------------------------------------------------------------ __len__ / __iter__
def test_len_iter(torch):
    c, t = pair(torch, (3, 2))
    assert len(c) == len(t) == 3
    items = list(c)
    assert len(items) == 3 and all(tuple(i.shape) == (2,) for i in items)
    check_same(items[1], list(t)[1])
    assert items[1]._storage_ptr() == c._storage_ptr()
    z, tz = pair(torch, ())
    assert raises_like(torch, lambda: len(z), lambda: len(tz))[0] == "len() of a 0-d tensor"
    assert raises_like(torch, lambda: iter(z), lambda: iter(tz))[0] == "iteration over a 0-d tensor"
