"""cat / stack / hstack / vstack / dstack / column_stack / split / chunk / unbind against torch."""

import pytest

import ctorch
from _index_helpers import DTYPES, check_same as _check_same, ct_from, np_of
from _torch_ref import require_torch


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def check_same(torch, c, t):
    _check_same(c, t)


def rand(torch, shape, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(-5, 6, shape, generator=g)
    if dtype == "bool":
        return t > 0
    if dtype == "uint8":
        t = t.abs()
    return t.to(getattr(torch, dtype))


def pair(torch, shape, dtype, seed=0, view=None):
    t = rand(torch, shape, dtype, seed)
    c = ct_from(torch, t)
    if view is not None:
        t, c = view(t), view(c)
    return c, t


def raises_like(torch, fn_c, fn_t):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(Exception) as ec:
        fn_c()
    assert type(ec.value) is type(et.value), (ec.value, et.value)
    return str(ec.value), str(et.value)


# ------------------------------------------------------------------ cat
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_dtypes_dims(torch, dtype, dim):
    a, ta = pair(torch, (2, 3), dtype, 1)
    b, tb = pair(torch, (2, 3), dtype, 2)
    check_same(torch, ctorch.cat([a, b, a], dim), torch.cat([ta, tb, ta], dim))
    r = ctorch.cat((a, b), dim=dim)
    assert r.is_contiguous() and r._version == 0


@pytest.mark.parametrize("view", [lambda x: x.t(), lambda x: x[:, ::2], lambda x: x[1:, 1:]])
@pytest.mark.parametrize("dim", [0, 1])
def test_cat_noncontiguous(torch, view, dim):
    a, ta = pair(torch, (4, 4), "float32", 1, view)
    b, tb = pair(torch, (4, 4), "float32", 2, view)
    r, tr = ctorch.cat([a, b], dim), torch.cat([ta, tb], dim)
    check_same(torch, r, tr)
    assert r.stride() == tr.stride()


def test_cat_large_parallel(torch):
    a, ta = pair(torch, (300, 257), "float32", 1)
    b, tb = pair(torch, (300, 100), "float32", 2)
    check_same(torch, ctorch.cat([a, b], 1), torch.cat([ta, tb], 1))
    check_same(torch, ctorch.cat([a.t(), b.t()], 0), torch.cat([ta.t(), tb.t()], 0))


def test_cat_3d_middle_dim(torch):
    a, ta = pair(torch, (2, 3, 4), "int64", 1)
    b, tb = pair(torch, (2, 1, 4), "int64", 2)
    check_same(torch, ctorch.cat([a, b, a], 1), torch.cat([ta, tb, ta], 1))


@pytest.mark.parametrize("d1,d2", [("int32", "uint8"), ("int64", "float32"), ("bool", "int8"), ("float16", "bfloat16"),
                                   ("bool", "bool"), ("uint8", "int8"), ("float64", "int16")])
def test_cat_promotion(torch, d1, d2):
    a, ta = pair(torch, (2, 3), d1, 1)
    b, tb = pair(torch, (1, 3), d2, 2)
    check_same(torch, ctorch.cat([a, b]), torch.cat([ta, tb]))


def test_cat_legacy_empty(torch):
    a, ta = pair(torch, (2, 3), "float32")
    e, te = ctorch.ones(0), torch.ones(0)
    check_same(torch, ctorch.cat([e, a, e]), torch.cat([te, ta, te]))
    check_same(torch, ctorch.cat([a, e], 1), torch.cat([ta, te], 1))
    check_same(torch, ctorch.cat([e, e]), torch.cat([te, te]))
    check_same(torch, ctorch.cat([e, e], 1), torch.cat([te, te], 1))
    # promotion includes the skipped tensors
    ei, tei = ctorch.ones(0, dtype=ctorch.int64), torch.ones(0, dtype=torch.int64)
    ai, tai = pair(torch, (2,), "int32")
    check_same(torch, ctorch.cat([ei, ai]), torch.cat([tei, tai]))
    check_same(torch, ctorch.cat([ctorch.ones(2, 0), ctorch.ones(2, 0)]), torch.cat([torch.ones(2, 0)] * 2))
    check_same(torch, ctorch.cat([ctorch.ones(0, 3), a]), torch.cat([torch.ones(0, 3), ta]))


def test_cat_out(torch):
    a, ta = pair(torch, (2, 3), "float32")
    out, tout = ctorch.empty(0), torch.empty(0)
    v = out._version
    r = ctorch.cat([a, a], out=out)
    torch.cat([ta, ta], out=tout)
    assert r is out
    check_same(torch, out, tout)
    assert out._version > v
    # castable out dtype: converted
    o2, to2 = ctorch.empty(0, dtype=ctorch.int32), torch.empty(0, dtype=torch.int32)
    ai, tai = pair(torch, (2, 3), "bool")
    ctorch.cat([ai, ai], out=o2)
    torch.cat([tai, tai], out=to2)
    check_same(torch, o2, to2)
    # non-contiguous out of the right shape
    big = ctorch.zeros(3, 8)
    tbig = torch.zeros(3, 8)
    ctorch.cat([a.t(), a.t()], 1, out=big[:, ::2])
    torch.cat([ta.t(), ta.t()], 1, out=tbig[:, ::2])
    check_same(torch, big, tbig)


def test_cat_out_errors(torch):
    a, ta = pair(torch, (2, 3), "float32")
    s, _ = raises_like(torch, lambda: ctorch.cat([a], out=ctorch.empty(0, dtype=ctorch.int64)),
                       lambda: torch.cat([ta], out=torch.empty(0, dtype=torch.int64)))
    assert "torch.cat(): input types can't be cast to the desired output type Long" in s
    raises_like(torch, lambda: ctorch.cat([a, a], out=a), lambda: torch.cat([ta, ta], out=ta))


def test_cat_errors(torch):
    a, ta = pair(torch, (2, 3), "float32")
    b, tb = pair(torch, (2, 4), "float32")
    s, st = raises_like(torch, lambda: ctorch.cat([a, b]), lambda: torch.cat([ta, tb]))
    assert s == st == ("Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for "
                       "tensor number 1 in the list.")
    s, st = raises_like(torch, lambda: ctorch.cat([]), lambda: torch.cat([]))
    assert s == "torch.cat(): expected a non-empty list of Tensors"
    s, st = raises_like(torch, lambda: ctorch.cat([a, a], 2), lambda: torch.cat([ta, ta], 2))
    assert s == st
    s, st = raises_like(torch, lambda: ctorch.cat([a, ctorch.ones(3)]), lambda: torch.cat([ta, torch.ones(3)]))
    assert s == st
    s, st = raises_like(torch, lambda: ctorch.cat([ctorch.ones(3), ctorch.tensor(1.)]),
                        lambda: torch.cat([torch.ones(3), torch.tensor(1.)]))
    assert s == st == "zero-dimensional tensor (at position 1) cannot be concatenated"
    raises_like(torch, lambda: ctorch.cat([a, 1]), lambda: torch.cat([ta, 1]))
    raises_like(torch, lambda: ctorch.cat(a), lambda: torch.cat(ta))
    s, st = raises_like(torch, lambda: ctorch.cat([ctorch.ones(0), a], 5), lambda: torch.cat([torch.ones(0), ta], 5))
    assert s == st


def test_cat_aliases(torch):
    a, ta = pair(torch, (2, 3), "int64")
    check_same(torch, ctorch.concat([a, a], 1), torch.concat([ta, ta], 1))
    check_same(torch, ctorch.concatenate([a, a]), torch.concatenate([ta, ta]))
    check_same(torch, ctorch.concatenate([a, a], axis=1), torch.concatenate([ta, ta], axis=1))
    check_same(torch, ctorch.cat([a, a], axis=1), torch.cat([ta, ta], axis=1))
    check_same(torch, ctorch.stack([a, a], axis=2), torch.stack([ta, ta], axis=2))


# ------------------------------------------------------------------ stack family
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
def test_stack(torch, dtype, dim):
    a, ta = pair(torch, (2, 3), dtype, 1)
    b, tb = pair(torch, (3, 2), dtype, 2, lambda x: x.t())
    r = ctorch.stack([a, b], dim)
    check_same(torch, r, torch.stack([ta, tb], dim))
    assert r._version == 0


def test_stack_misc(torch):
    check_same(torch, ctorch.stack([ctorch.tensor(1.), ctorch.tensor(2.)]), torch.stack([torch.tensor(1.), torch.tensor(2.)]))
    check_same(torch, ctorch.stack([ctorch.ones(0), ctorch.ones(0)]), torch.stack([torch.ones(0), torch.ones(0)]))
    a, ta = pair(torch, (2, 3), "float32")
    ai, tai = pair(torch, (2, 3), "int64")
    check_same(torch, ctorch.stack([a, ai]), torch.stack([ta, tai]))
    out, tout = ctorch.empty(0), torch.empty(0)
    ctorch.stack([a, a], 1, out=out)
    torch.stack([ta, ta], 1, out=tout)
    check_same(torch, out, tout)


def test_stack_errors(torch):
    a, ta = pair(torch, (2, 3), "float32")
    b, tb = pair(torch, (2, 4), "float32")
    s, st = raises_like(torch, lambda: ctorch.stack([a, b]), lambda: torch.stack([ta, tb]))
    assert s == st == "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1"
    raises_like(torch, lambda: ctorch.stack([]), lambda: torch.stack([]))
    s, st = raises_like(torch, lambda: ctorch.stack([a, a], 3), lambda: torch.stack([ta, ta], 3))
    assert s == st


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack", "row_stack"])
@pytest.mark.parametrize("shapes", [[(), ()], [(3,), (3,)], [(2, 3), (2, 3)], [(2, 3, 2), (2, 3, 2)], [(3,), (3, 1)]])
def test_stack_like(torch, name, shapes):
    cs, ts = [], []
    for i, s in enumerate(shapes):
        c, t = pair(torch, s, "float32", i)
        cs.append(c)
        ts.append(t)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tr = getattr(torch, name)(ts)
        except Exception as e:
            with pytest.raises(type(e)):
                getattr(ctorch, name)(cs)
            return
    check_same(torch, getattr(ctorch, name)(cs), tr)


# ------------------------------------------------------------------ split / chunk / unbind
def check_views(torch, cs, ts, base):
    assert len(cs) == len(ts)
    for c, t in zip(cs, ts):
        check_same(torch, c, t)
        assert c.stride() == t.stride() and c.storage_offset() == t.storage_offset()
        assert c._storage_ptr() == base._storage_ptr()


@pytest.mark.parametrize("size,dim", [(1, 0), (2, 0), (3, 1), (2, 1), (5, 1), (4, -1)])
def test_split_int(torch, size, dim):
    x, tx = pair(torch, (5, 4), "float32")
    check_views(torch, ctorch.split(x, size, dim), torch.split(tx, size, dim), x)
    check_views(torch, x.split(size, dim), tx.split(size, dim), x)
    check_views(torch, x.t().split(size, dim=dim), tx.t().split(size, dim=dim), x)
    assert isinstance(ctorch.split(x, size, dim), tuple)


@pytest.mark.parametrize("sizes,dim", [([1, 4], 0), ((2, 2, 1), 0), ([4], 1), ([0, 4, 0], 1), ([1, 1, 2], -1)])
def test_split_sizes(torch, sizes, dim):
    x, tx = pair(torch, (5, 4), "int64")
    check_views(torch, ctorch.split(x, sizes, dim), torch.split(tx, sizes, dim), x)
    check_views(torch, x.split(sizes, dim), tx.split(sizes, dim), x)
    check_views(torch, x.split_with_sizes(list(sizes), dim), tx.split_with_sizes(list(sizes), dim), x)


def test_split_empty_and_errors(torch):
    check_same(torch, ctorch.split(ctorch.arange(0), 2)[0], torch.split(torch.arange(0), 2)[0])
    assert len(ctorch.split(ctorch.arange(0), 0)) == len(torch.split(torch.arange(0), 0))
    x, tx = pair(torch, (5, 4), "float32")
    for args in [(0,), (-1,), ([1, 1],), ([6, -1],), (2, 2)]:
        s, st = raises_like(torch, lambda: ctorch.split(x, *args), lambda: torch.split(tx, *args))
        assert s == st
    raises_like(torch, lambda: ctorch.split(ctorch.tensor(1.), 1), lambda: torch.split(torch.tensor(1.), 1))


@pytest.mark.parametrize("n,chunks,dim", [(5, 3, 0), (6, 4, 0), (6, 6, 0), (6, 10, 0), (0, 4, 0), (7, 2, 1)])
def test_chunk(torch, n, chunks, dim):
    shape = (n, 3) if dim == 0 else (3, n)
    x, tx = pair(torch, shape, "float64")
    check_views(torch, ctorch.chunk(x, chunks, dim), torch.chunk(tx, chunks, dim), x)
    check_views(torch, x.chunk(chunks, dim=dim), tx.chunk(chunks, dim=dim), x)


def test_chunk_errors(torch):
    x, tx = pair(torch, (5, 4), "float32")
    for c in (0, -1):
        s, st = raises_like(torch, lambda: ctorch.chunk(x, c), lambda: torch.chunk(tx, c))
        assert s == st
    raises_like(torch, lambda: ctorch.chunk(ctorch.tensor(1.), 1), lambda: torch.chunk(torch.tensor(1.), 1))


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_unbind(torch, dim):
    x, tx = pair(torch, (2, 3, 4), "int32", view=lambda t: t.permute(2, 0, 1))
    base = x
    check_views(torch, ctorch.unbind(x, dim), torch.unbind(tx, dim), base)
    check_views(torch, x.unbind(dim), tx.unbind(dim), base)


def test_unbind_errors(torch):
    raises_like(torch, lambda: ctorch.unbind(ctorch.tensor(1.)), lambda: torch.unbind(torch.tensor(1.)))
    x, tx = pair(torch, (2, 3), "float32")
    raises_like(torch, lambda: ctorch.unbind(x, 2), lambda: torch.unbind(tx, 2))
    assert ctorch.unbind(ctorch.ones(0, 3)) == ()


def test_split_views_share_version(torch):
    x = ctorch.zeros(4, 2)
    a, b = x.split(2)
    v = x._version
    a.add_(1)
    assert x._version == v + 1 and b._version == v + 1
    assert x.sum().item() == 4
