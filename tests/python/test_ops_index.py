"""index_select, gather, take, scatter(_add), masked_fill, masked_select, nonzero and index_put(_)
against torch: every dtype, non-contiguous and empty inputs, out= and in-place variants, errors."""

import warnings

import numpy as np
import pytest

import ctorch
from _index_helpers import DTYPES, check_same, ct_from, np_of, pair, raises_like, same_outcome, to_ct
from _torch_ref import require_torch


@pytest.fixture(scope="module")
def torch():
    return require_torch()


# ------------------------------------------------------------------ index_select / gather / take
@pytest.mark.parametrize("dtype", DTYPES)
def test_index_select_dtypes(torch, dtype):
    c, t = pair(torch, (4, 5), dtype)
    for dim, idx in [(0, [3, 0, 0]), (1, [4, 1]), (-1, []), (0, [2])]:
        for idt in (torch.int64, torch.int32):
            it = torch.tensor(idx, dtype=idt)
            r = ctorch.index_select(c, dim, ct_from(torch, it))
            check_same(r, torch.index_select(t, dim, it))
            assert r.is_contiguous() and r._version == 0
            check_same(c.index_select(dim, ct_from(torch, it)), t.index_select(dim, it))


@pytest.mark.parametrize("view", [lambda x: x.transpose(0, 2), lambda x: x[::2], lambda x: x.permute(2, 0, 1)])
def test_index_select_noncontig(torch, view):
    c, t = pair(torch, (6, 5, 3), view=view)
    for dim in range(t.dim()):
        it = torch.tensor([1, 0, 2, 1])
        check_same(ctorch.index_select(c, dim, ct_from(torch, it)), torch.index_select(t, dim, it))
        it2 = torch.tensor([2, 0, 1, 1, 0, 2])[::2]  # non-contiguous index
        check_same(ctorch.index_select(c, dim, ct_from(torch, torch.tensor([2, 0, 1, 1, 0, 2]))[::2]),
                   torch.index_select(t, dim, it2))
    big_c, big_t = pair(torch, (1000, 70))
    it = torch.randint(0, 1000, (900,), generator=torch.Generator().manual_seed(0))
    check_same(big_c.index_select(0, ct_from(torch, it)), big_t.index_select(0, it))
    check_same(big_c.index_select(1, ct_from(torch, it % 70)), big_t.index_select(1, it % 70))


def test_index_select_misc(torch):
    z, tz = pair(torch, ())
    check_same(z.index_select(0, ctorch.tensor([0])), tz.index_select(0, torch.tensor([0])))
    check_same(z.index_select(0, ctorch.tensor(0)), tz.index_select(0, torch.tensor(0)))
    c, t = pair(torch, (3, 4))
    out, tout = ctorch.empty(0), torch.empty(0)
    v = out._version
    r = ctorch.index_select(c, 1, ctorch.tensor([0, 2]), out=out)
    torch.index_select(t, 1, torch.tensor([0, 2]), out=tout)
    assert r is out and out._version > v
    check_same(out, tout)
    for args in [(0, torch.tensor([[0]])), (0, torch.tensor([5])), (0, torch.tensor([-1])), (0, torch.tensor([0.])),
                 (0, torch.tensor([0], dtype=torch.int16)), (2, torch.tensor([0]))]:
        s, st = raises_like(torch, lambda: c.index_select(args[0], ct_from(torch, args[1])),
                            lambda: t.index_select(*args))
        assert s == st
    raises_like(torch, lambda: ctorch.index_select(c, 0, ctorch.tensor([0]), out=ctorch.empty(0, dtype=ctorch.int64)),
                lambda: torch.index_select(t, 0, torch.tensor([0]), out=torch.empty(0, dtype=torch.int64)))
    raises_like(torch, lambda: ctorch.zeros(0, 3).index_select(0, ctorch.tensor([0])),
                lambda: torch.zeros(0, 3).index_select(0, torch.tensor([0])))


@pytest.mark.parametrize("dtype", DTYPES)
def test_gather(torch, dtype):
    c, t = pair(torch, (3, 4, 2), dtype)
    g = torch.Generator().manual_seed(1)
    for dim in (0, 1, 2, -1):
        size = t.shape[dim]
        ishape = [2, 3, 2]
        ishape[dim] = 5
        it = torch.randint(0, size, ishape, generator=g)
        r = torch.gather(t, dim, it)
        rc = ctorch.gather(c, dim, ct_from(torch, it))
        check_same(rc, r)
        assert rc.is_contiguous()
        check_same(c.gather(dim, ct_from(torch, it.int())), t.gather(dim, it.int()))
        i2 = it[:2, :2, :2] % 2
        check_same(c.permute(2, 0, 1).gather(0, ct_from(torch, i2)), t.permute(2, 0, 1).gather(0, i2))


def test_gather_misc(torch):
    c, t = pair(torch, (2, 3))
    z, tz = pair(torch, ())
    check_same(z.gather(0, ctorch.tensor(0)), tz.gather(0, torch.tensor(0)))
    check_same(z.gather(0, ctorch.tensor([0])), tz.gather(0, torch.tensor([0])))
    check_same(c.gather(0, ctorch.zeros(0, dtype=ctorch.int64)), t.gather(0, torch.zeros(0, dtype=torch.int64)))
    check_same(c.gather(1, ctorch.tensor([[0], [2]]), sparse_grad=False), t.gather(1, torch.tensor([[0], [2]])))
    out, tout = ctorch.empty(0), torch.empty(0)
    ctorch.gather(c, 1, ctorch.tensor([[2, 1, 0, 0]]), out=out)
    torch.gather(t, 1, torch.tensor([[2, 1, 0, 0]]), out=tout)
    check_same(out, tout)
    check_same(c.gather(0, ctorch.tensor([[0]] * 3)), t.gather(0, torch.tensor([[0]] * 3)))
    for dim, idx in [(0, [[5]]), (0, [[-1]]), (0, [0]), (1, [[0.5]]), (2, [[0]]), (0, [[0, 0, 0, 0]])]:
        s, st = raises_like(torch, lambda: c.gather(dim, ct_from(torch, torch.tensor(idx))),
                            lambda: t.gather(dim, torch.tensor(idx)))
        assert s == st, (dim, idx)
    raises_like(torch, lambda: ctorch.gather(c, 1, ctorch.tensor([[0]]), out=ctorch.empty(0, dtype=ctorch.int64)),
                lambda: torch.gather(t, 1, torch.tensor([[0]]), out=torch.empty(0, dtype=torch.int64)))
    big_c, big_t = pair(torch, (300, 200))
    it = torch.randint(0, 200, (300, 150), generator=torch.Generator().manual_seed(0))
    check_same(big_c.gather(1, ct_from(torch, it)), big_t.gather(1, it))


def test_take(torch):
    c, t = pair(torch, (3, 4), view=lambda x: x.t())
    for idx in [[[0, 5], [-1, 2]], [11], [], 3]:
        it = torch.tensor(idx, dtype=torch.long)
        check_same(ctorch.take(c, ct_from(torch, it)), torch.take(t, it))
        check_same(c.take(ct_from(torch, it)), t.take(it))
    for idx in [torch.tensor([12]), torch.tensor([-13]), torch.tensor([1], dtype=torch.int32)]:
        s, st = raises_like(torch, lambda: c.take(ct_from(torch, idx)), lambda: t.take(idx))
        assert s == st


# ------------------------------------------------------------------ scatter family
@pytest.mark.parametrize("dtype", DTYPES)
def test_scatter(torch, dtype):
    g = torch.Generator().manual_seed(2)
    for dim in (0, 1, -1):
        c, t = pair(torch, (3, 4), dtype)
        size = t.shape[dim]
        it = torch.randint(0, size, (2, 3), generator=g)  # duplicates: last write wins on CPU
        sc, st = pair(torch, (3, 4), dtype, seed=5)
        check_same(ctorch.scatter(c, dim, ct_from(torch, it), sc), torch.scatter(t, dim, it, st))
        check_same(c.scatter(dim, ct_from(torch, it), 1), t.scatter(dim, it, 1))
        check_same(c.scatter(dim, ct_from(torch, it), value=0), t.scatter(dim, it, value=0))
        check_same(ctorch.scatter_add(c, dim, ct_from(torch, it), sc), torch.scatter_add(t, dim, it, st))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for red in ("add", "multiply"):
                check_same(c.scatter(dim, ct_from(torch, it), sc, reduce=red), t.scatter(dim, it, st, reduce=red))
                check_same(c.scatter(dim, ct_from(torch, it), 2, reduce=red), t.scatter(dim, it, 2, reduce=red))
        r = c.scatter(dim, ct_from(torch, it), sc)
        assert r._version == 0 and r._storage_ptr() != c._storage_ptr()


def test_scatter_inplace_and_versions(torch):
    c, t = pair(torch, (3, 4))
    it = torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0]])
    sc, st = pair(torch, (2, 4), seed=3)
    for fc, ft in [(lambda: c.scatter_(0, ct_from(torch, it), sc), lambda: t.scatter_(0, it, st)),
                   (lambda: c.scatter_(1, ct_from(torch, it), -1.5), lambda: t.scatter_(1, it, -1.5)),
                   (lambda: c.scatter_add_(0, ct_from(torch, it), sc), lambda: t.scatter_add_(0, it, st)),
                   (lambda: c.scatter_(0, ct_from(torch, it.int()), sc), lambda: t.scatter_(0, it.int(), st))]:
        v = c._version
        assert fc() is c
        ft()
        check_same(c, t)
        assert c._version == v + 1
    # non-contiguous self and src
    c2, t2 = pair(torch, (4, 3), view=lambda x: x.t())
    s2, ts2 = pair(torch, (4, 6), seed=1, view=lambda x: x[:, ::2].t())
    c2.scatter_add_(1, ct_from(torch, it), s2)
    t2.scatter_add_(1, it, ts2)
    check_same(c2, t2)
    # large accumulate with many duplicates
    big_c, big_t = ctorch.zeros(10, 50), torch.zeros(10, 50)
    it = torch.randint(0, 10, (5000, 50), generator=torch.Generator().manual_seed(0))
    src_c, src_t = pair(torch, (5000, 50), seed=9)
    big_c.scatter_add_(0, ct_from(torch, it), src_c)
    big_t.scatter_add_(0, it, src_t)
    np.testing.assert_allclose(np_of(big_c), np_of(big_t), rtol=1e-5, atol=1e-4)
    z, tz = pair(torch, ())
    check_same(z.scatter(0, ctorch.tensor(0), 3.0), tz.scatter(0, torch.tensor(0), 3.0))


def test_scatter_errors(torch):
    c, t = pair(torch, (2, 3))
    i0 = torch.tensor([[0, 0, 0]])
    check_same(c.scatter(0, ctorch.tensor([[0]] * 3), 1.0), t.scatter(0, torch.tensor([[0]] * 3), 1.0))
    cases = [(0, torch.tensor([[5]]), 1.0), (0, torch.tensor([[0.]]), 1.0),
             (0, torch.tensor([[0, 0, 0, 0]]), torch.ones(1, 3)), (0, i0, torch.ones(1, 3, dtype=torch.float64)),
             (1, torch.tensor([[0]]), torch.ones(1)), (1, torch.tensor([[0]]), torch.ones(1, 1, 1)),
             (0, torch.tensor(0), 1.0), (2, i0, 1.0), (0, torch.tensor([[-1, 0, 0]]), 1.0)]
    for dim, idx, src in cases:
        s, st = raises_like(torch, lambda: c.scatter(dim, ct_from(torch, idx), to_ct(torch, src)),
                            lambda: t.scatter(dim, idx, src))
        assert s == st, (dim, idx, src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s, st = raises_like(torch, lambda: c.scatter(0, ct_from(torch, i0), 1.0, reduce="mean"),
                            lambda: t.scatter(0, i0, 1.0, reduce="mean"))
    assert s == st
    s, st = raises_like(torch, lambda: c.scatter_add(0, ct_from(torch, torch.tensor([[5, 0, 0]])), ctorch.ones(1, 3)),
                        lambda: t.scatter_add(0, torch.tensor([[5, 0, 0]]), torch.ones(1, 3)))
    assert s == st
    cu, tu = pair(torch, (3,), "uint8")
    s, st = raises_like(torch, lambda: cu.scatter(0, ctorch.tensor([0]), 300), lambda: tu.scatter(0, torch.tensor([0]), 300))
    assert s == st


# ------------------------------------------------------------------ masked ops
@pytest.mark.parametrize("dtype", DTYPES)
def test_masked_fill(torch, dtype):
    c, t = pair(torch, (3, 4), dtype)
    mc, mt = pair(torch, (3, 4), "bool", seed=7)
    for val in (1, 0, True, 2.5, -1.5, torch.tensor(3), torch.tensor(-1.5, dtype=torch.float64)):
        vc = to_ct(torch, val)
        rc, rt = same_outcome(lambda: c.masked_fill(mc, vc), lambda: t.masked_fill(mt, val))
        if rt is not None:
            check_same(rc, rt)
            check_same(ctorch.masked_fill(c, mc[0], vc), torch.masked_fill(t, mt[0], val))
    r = c.t().masked_fill(mc.t(), 1)
    check_same(r, t.t().masked_fill(mt.t(), 1))
    assert r.is_contiguous() and r._version == 0
    check_same(c.masked_fill(mc.reshape(3, 1, 4), 1), t.masked_fill(mt.reshape(3, 1, 4), 1))


def test_masked_fill_inplace(torch):
    c, t = pair(torch, (3, 4), view=lambda x: x.t())
    mc, mt = pair(torch, (4, 3), "bool", seed=7)
    v = c._version
    assert c.masked_fill_(mc, float("nan")) is c
    t.masked_fill_(mt, float("nan"))
    check_same(c, t)
    assert c._version == v + 1
    c.masked_fill_(mc[0], ctorch.tensor(2.0))
    t.masked_fill_(mt[0], torch.tensor(2.0))
    check_same(c, t)
    big_c, big_t = pair(torch, (200, 300))
    big_c.masked_fill_(big_c > 0, -7)
    big_t.masked_fill_(big_t > 0, -7)
    check_same(big_c, big_t)
    e, te = pair(torch, (3, 4))
    ce, tcx = ctorch.ones(3).expand(2, 3), torch.ones(3).expand(2, 3)
    ce.masked_fill_(ctorch.tensor([True, False, True]), 5)
    tcx.masked_fill_(torch.tensor([True, False, True]), 5)
    check_same(ce, tcx)


def test_masked_fill_errors(torch):
    c, t = pair(torch, (2, 3))
    for mdt in ("float32", "uint8", "int64", "int8", "int16", "float16", "bfloat16", "float64", "int32"):
        mc, mt = pair(torch, (2, 3), mdt)
        s, st = raises_like(torch, lambda: c.clone().masked_fill_(mc, 1.0), lambda: t.clone().masked_fill_(mt, 1.0))
        assert s == st
    mb, tmb = ctorch.ones(2, 3, dtype=ctorch.bool), torch.ones(2, 3, dtype=torch.bool)
    cases = [(mb, ctorch.ones(1), tmb, torch.ones(1)), (ctorch.ones(4, dtype=ctorch.bool), 1, torch.ones(4, dtype=torch.bool), 1),
             (ctorch.ones(2, 1, 3, dtype=ctorch.bool), 1, torch.ones(2, 1, 3, dtype=torch.bool), 1)]
    for m, v, tm, tv in cases:
        s, st = raises_like(torch, lambda: c.clone().masked_fill_(m, v), lambda: t.clone().masked_fill_(tm, tv))
        assert s == st
    for dt, v in [("uint8", 300), ("uint8", -256), ("int8", -129), ("int16", 1e6), ("int32", 2 ** 40), ("float16", 1e6),
                  ("bfloat16", 1e39), ("float32", 1e39), ("int64", 1e30), ("uint8", 255.5), ("uint8", -1.5)]:
        cx, tx = pair(torch, (2,), dt)
        s, st = raises_like(torch, lambda: cx.masked_fill(ctorch.ones(2, dtype=ctorch.bool), v),
                            lambda: tx.masked_fill(torch.ones(2, dtype=torch.bool), v))
        assert s == st, (dt, v)
    for dt, v in [("uint8", -1), ("uint8", -255), ("float32", float("inf")), ("int64", 2 ** 63 - 1), ("bool", 5)]:
        cx, tx = pair(torch, (2,), dt)
        check_same(cx.masked_fill(ctorch.ones(2, dtype=ctorch.bool), v), tx.masked_fill(torch.ones(2, dtype=torch.bool), v))


@pytest.mark.parametrize("dtype", DTYPES)
def test_masked_select(torch, dtype):
    c, t = pair(torch, (3, 4), dtype)
    mc, mt = pair(torch, (3, 4), "bool", seed=7)
    check_same(ctorch.masked_select(c, mc), torch.masked_select(t, mt))
    check_same(c.t().masked_select(mc.t()), t.t().masked_select(mt.t()))
    check_same(c.masked_select(mc[1]), t.masked_select(mt[1]))
    check_same(c[0].masked_select(mc.reshape(3, 1, 4)), t[0].masked_select(mt.reshape(3, 1, 4)))
    check_same(c.masked_select(ctorch.tensor(True)), t.masked_select(torch.tensor(True)))


def test_masked_select_misc(torch):
    big_c, big_t = pair(torch, (300, 257))
    check_same(big_c.masked_select(big_c > 0), big_t.masked_select(big_t > 0))
    c, t = pair(torch, (2, 3))
    out, tout = ctorch.empty(0), torch.empty(0)
    ctorch.masked_select(c, c > 0, out=out)
    torch.masked_select(t, t > 0, out=tout)
    check_same(out, tout)
    for m, tm in [(ctorch.ones(2, 3), torch.ones(2, 3)), (ctorch.ones(4, dtype=ctorch.bool), torch.ones(4, dtype=torch.bool)),
                  (ctorch.ones(2, 3, dtype=ctorch.uint8), torch.ones(2, 3, dtype=torch.uint8))]:
        s, st = raises_like(torch, lambda: c.masked_select(m), lambda: t.masked_select(tm))
        assert s == st
    raises_like(torch, lambda: ctorch.masked_select(c, c > 0, out=ctorch.empty(0, dtype=ctorch.int64)),
                lambda: torch.masked_select(t, t > 0, out=torch.empty(0, dtype=torch.int64)))


# ------------------------------------------------------------------ nonzero
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4), (0, 3), (2, 1, 3, 1)])
def test_nonzero(torch, dtype, shape):
    c, t = pair(torch, shape, dtype, lo=-1, hi=2)
    r = ctorch.nonzero(c)
    check_same(r, torch.nonzero(t))
    if r.numel():
        assert r.stride() == torch.nonzero(t).stride()
    for a, b in zip(ctorch.nonzero(c, as_tuple=True), torch.nonzero(t, as_tuple=True)):
        check_same(a, b)
    assert len(c.nonzero(as_tuple=True)) == len(t.nonzero(as_tuple=True))
    if dtype == "bool":
        for a, b in zip(ctorch.where(c), torch.where(t)):
            check_same(a, b)
    check_same(ctorch.argwhere(c), torch.argwhere(t))


def test_nonzero_misc(torch):
    c, t = pair(torch, (200, 300), view=lambda x: x.t(), lo=-1, hi=2)
    check_same(c.nonzero(), t.nonzero())
    f = ctorch.tensor([0.0, float("nan"), -0.0, 1e-30])
    check_same(f.nonzero(), torch.tensor([0.0, float("nan"), -0.0, 1e-30]).nonzero())
    out, tout = ctorch.empty(0, dtype=ctorch.int64), torch.empty(0, dtype=torch.int64)
    ctorch.nonzero(c, out=out)
    torch.nonzero(t, out=tout)
    check_same(out, tout)
    s, st = raises_like(torch, lambda: ctorch.nonzero(c, out=ctorch.empty(0, dtype=ctorch.int32)),
                        lambda: torch.nonzero(t, out=torch.empty(0, dtype=torch.int32)))
    assert s == st


# ------------------------------------------------------------------ index_put_
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put(torch, dtype, accumulate):
    c, t = pair(torch, (4, 3), dtype)
    cases = [((torch.tensor([0, 2, 0]),), (3, 3)), ((torch.tensor([1, 3]), torch.tensor([2, 0])), (2,)),
             ((torch.tensor([[0], [3]]), torch.tensor([0, 1, 2])), (2, 3)), ((torch.tensor([-1]),), ()),
             ((t > 0,), ()), ((torch.tensor([True, False, True, False]),), (3,)),
             ((torch.tensor([0, 0]), torch.tensor([1, 1])), (2,))]
    for idx, vshape in cases:
        vc, vt = pair(torch, vshape, dtype, seed=11)
        if dtype == "bool" and accumulate:
            vc, vt = vc & False, vt & False  # torch's bool accumulation is or-like; keep it trivially equal
        rc = c.index_put(to_ct(torch, idx), vc, accumulate=accumulate)
        rt = t.index_put(idx, vt, accumulate=accumulate)
        check_same(rc, rt)
        assert rc._version == 0
        check_same(ctorch.index_put(c, to_ct(torch, idx), vc, accumulate), torch.index_put(t, idx, vt, accumulate))
    v = c._version
    assert c.index_put_(to_ct(torch, cases[0][0]), pair(torch, (3,), dtype)[0]) is c
    assert c._version == v + 1


def test_index_put_misc(torch):
    c, t = pair(torch, (6,))
    idx = (torch.tensor([0, 0, 5, 0]),)
    c.index_put_(to_ct(torch, idx), ctorch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
    t.index_put_(idx, torch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
    check_same(c, t)
    c.index_put_(to_ct(torch, idx), ctorch.tensor([1.0, 2.0, 3.0, 4.0]))
    t.index_put_(idx, torch.tensor([1.0, 2.0, 3.0, 4.0]))
    check_same(c, t)
    # values overlapping self are rejected, as in torch
    raises_like(torch, lambda: c.index_put_((ctorch.tensor([1, 2, 3]),), c[:3]),
                lambda: t.index_put_((torch.tensor([1, 2, 3]),), t[:3]))
    raises_like(torch, lambda: c.scatter_(0, ctorch.tensor([1, 2]), c[:2]),
                lambda: t.scatter_(0, torch.tensor([1, 2]), t[:2]))
    e, te = ctorch.ones(3).expand(2, 3), torch.ones(3).expand(2, 3)
    e.index_put_((ctorch.tensor([0]),), ctorch.tensor(5.0))
    te.index_put_((torch.tensor([0]),), torch.tensor(5.0))
    check_same(e, te)
    u, tu = ctorch.zeros(3, dtype=ctorch.uint8), torch.zeros(3, dtype=torch.uint8)
    v8, tv8 = ctorch.tensor([200, 200], dtype=ctorch.uint8), torch.tensor([200, 200], dtype=torch.uint8)
    u.index_put_((ctorch.tensor([0, 0]),), v8, accumulate=True)
    tu.index_put_((torch.tensor([0, 0]),), tv8, accumulate=True)
    check_same(u, tu)
    big_c, big_t = ctorch.zeros(100), torch.zeros(100)
    ii = torch.randint(0, 100, (100000,), generator=torch.Generator().manual_seed(0))
    big_c.index_put_((ct_from(torch, ii),), ctorch.ones(100000), accumulate=True)
    big_t.index_put_((ii,), torch.ones(100000), accumulate=True)
    check_same(big_c, big_t)


def test_index_put_errors(torch):
    c, t = pair(torch, (6,))
    cases = [((torch.tensor([0, 0]),), torch.tensor([1.0, 2.0], dtype=torch.float64)),
             ((torch.tensor([0, 0]),), torch.tensor([2.0, 1, 1])), ((torch.tensor([0.0]),), torch.tensor([2.0])),
             ((torch.tensor([9]),), torch.tensor([2.0])), ((torch.tensor([-7]),), torch.tensor([2.0])),
             ((torch.tensor([0]), torch.tensor([0])), torch.tensor([2.0])), ((None,), torch.tensor([2.0])),
             ((torch.tensor([0]),), torch.tensor(1, dtype=torch.long))]
    for idx, val in cases:
        for acc in (False, True):
            s, st = raises_like(torch, lambda: c.index_put_(to_ct(torch, idx), to_ct(torch, val), accumulate=acc),
                                lambda: t.index_put_(idx, val, accumulate=acc))
            if idx != (None,):
                assert s == st, (idx, val)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_scatter_reduced_precision_accumulates_in_float(torch, dtype):
    g = torch.Generator().manual_seed(0)
    it = torch.randint(0, 3, (3000, 2), generator=g)
    src_t = (torch.rand(3000, 2, generator=g) * 0.2).to(getattr(torch, dtype))
    src_c = ct_from(torch, src_t)
    x_c, x_t = pair(torch, (3, 2), dtype)
    check_same(x_c.scatter_add(0, ct_from(torch, it), src_c), x_t.scatter_add(0, it, src_t))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for red in ("add", "multiply"):
            s40 = torch.full((40, 2), 1.1, dtype=getattr(torch, dtype))
            i40 = torch.zeros(40, 2, dtype=torch.long)
            check_same(x_c.scatter(0, ct_from(torch, i40), ct_from(torch, s40), reduce=red),
                       x_t.scatter(0, i40, s40, reduce=red))
            check_same(x_c.scatter(0, ct_from(torch, i40), 1.1, reduce=red), x_t.scatter(0, i40, 1.1, reduce=red))
    # index_put_ accumulates in the tensor's own dtype
    big_c, big_t = ctorch.zeros(1, dtype=getattr(ctorch, dtype)), torch.zeros(1, dtype=getattr(torch, dtype))
    ii = torch.zeros(3000, dtype=torch.long)
    vv = torch.full((3000,), 0.1, dtype=getattr(torch, dtype))
    big_c.index_put_((ct_from(torch, ii),), ct_from(torch, vv), accumulate=True)
    big_t.index_put_((ii,), vv, accumulate=True)
    check_same(big_c, big_t)


# ------------------------------------------------------------------ index_add / index_fill / index_copy
@pytest.mark.parametrize("dtype", DTYPES[1:])
def test_index_add_fill_copy(torch, dtype):
    g = torch.Generator().manual_seed(4)
    for dim in (0, 1, -1):
        c, t = pair(torch, (3, 4), dtype)
        n = t.shape[dim]
        it = torch.randint(0, n, (5,), generator=g)
        sshape = [3, 4]
        sshape[dim] = 5
        sc, st = pair(torch, tuple(sshape), dtype, seed=2)
        check_same(c.index_add(dim, ct_from(torch, it), sc), t.index_add(dim, it, st))
        check_same(ctorch.index_add(c, dim, ct_from(torch, it.int()), sc, alpha=2),
                   torch.index_add(t, dim, it.int(), st, alpha=2))
        check_same(c.index_fill(dim, ct_from(torch, it), 1), t.index_fill(dim, it, 1))
        check_same(c.index_fill(dim, ct_from(torch, it - n), ctorch.tensor(2)), t.index_fill(dim, it - n, torch.tensor(2)))
        perm = torch.randperm(n, generator=g)[:2]
        s2c, s2t = pair(torch, tuple(sshape[:dim % 2] + [2] + sshape[dim % 2 + 1:]), dtype, seed=3)
        check_same(c.index_copy(dim, ct_from(torch, perm), s2c), t.index_copy(dim, perm, s2t))
        v = c._version
        assert c.index_add_(dim, ct_from(torch, it), sc) is c and c._version == v + 1
        t.index_add_(dim, it, st)
        c.index_fill_(dim, ct_from(torch, it[:2]), 0)
        t.index_fill_(dim, it[:2], 0)
        c.index_copy_(dim, ct_from(torch, perm), s2c.t().contiguous().t() if s2c.dim() == 2 else s2c)
        t.index_copy_(dim, perm, s2t)
        check_same(c, t)
        assert c._version == v + 3


def test_index_add_fill_copy_errors(torch):
    c, t = pair(torch, (3, 4))
    cases = [lambda L, x: x.index_add(0, L.tensor([0, 0]), L.ones(3, 4)),
             lambda L, x: x.index_add(0, L.tensor([5]), L.ones(1, 4)),
             lambda L, x: x.index_add(0, L.tensor([-1]), L.ones(1, 4)),
             lambda L, x: x.index_add(0, L.tensor([[0]]), L.ones(1, 4)),
             lambda L, x: x.index_add(0, L.tensor([0.0]), L.ones(1, 4)),
             lambda L, x: x.index_add(0, L.tensor([0]), L.ones(1, 4, dtype=L.float64)),
             lambda L, x: x.index_add(0, L.tensor([0]), L.ones(1, 5)),
             lambda L, x: x.index_add(0, L.tensor([0]), L.ones(4)),
             lambda L, x: x.index_fill(1, L.tensor([0, 4]), 2.5),
             lambda L, x: x.index_fill(1, L.tensor([[0]]), 2.5),
             lambda L, x: x.index_fill(1, L.tensor([0.0]), 2.5),
             lambda L, x: x.index_fill(1, L.tensor([0], dtype=L.int32), 2.5),
             lambda L, x: x.index_fill(1, L.tensor([0]), L.tensor([2.5])),
             lambda L, x: x.index_fill(2, L.tensor([0]), 2.5),
             lambda L, x: x.index_copy(0, L.tensor([2, 0]), L.ones(3, 4)),
             lambda L, x: x.index_copy(0, L.tensor([5, 0]), L.ones(2, 4)),
             lambda L, x: x.index_copy(0, L.tensor([-1, 0]), L.ones(2, 4)),
             lambda L, x: x.index_copy(0, L.tensor([2, 0]), L.ones(2, 4, dtype=L.float64)),
             lambda L, x: x.index_copy(0, L.tensor([2, 0], dtype=L.int32), L.ones(2, 4)),
             lambda L, x: x.index_copy(0, L.tensor([0]), L.ones(4)),
             lambda L, x: x.index_copy(0, L.tensor([[0]]), L.ones(1, 4)),
             lambda L, x: x.index_copy(0, L.tensor([0]), L.ones(1, 5))]
    for i, f in enumerate(cases):
        s, st = raises_like(torch, lambda: f(ctorch, c), lambda: f(torch, t))
        if i not in (21,):
            assert s == st, i
    cu, tu = pair(torch, (3,), "uint8")
    raises_like(torch, lambda: cu.index_fill(0, ctorch.tensor(0), 300), lambda: tu.index_fill(0, torch.tensor(0), 300))
    z, tz = pair(torch, ())
    check_same(z.index_fill(0, ctorch.tensor([0]), 2.5), tz.index_fill(0, torch.tensor([0]), 2.5))
    check_same(z.index_add(0, ctorch.tensor([0]), ctorch.tensor(2.0)), tz.index_add(0, torch.tensor([0]), torch.tensor(2.0)))
    check_same(z.index_copy(0, ctorch.tensor([0]), ctorch.tensor(2.0)), tz.index_copy(0, torch.tensor([0]), torch.tensor(2.0)))


# ------------------------------------------------------------------ op_db rows (kind="index")
def _opdb_make(lib, arg, dtype):
    if arg.scalar:
        return np.asarray(arg.data).item()
    dt = arg.dtype or dtype
    a = np.ascontiguousarray(np.asarray(arg.data))
    if lib is ctorch:
        t = ctorch.empty(a.shape, dtype=getattr(ctorch, dt))
        t.copy_(ctorch.from_numpy(a.copy()))
    else:
        t = lib.from_numpy(a.copy()).to(getattr(lib, dt))
    return arg.view(t) if arg.view else t


def _opdb_cases():
    import op_db
    for info in op_db.INDEX_OPS:
        for dt in info.dtypes:
            yield pytest.param(info, dt, id="%s-%s" % (info.name, dt))


@pytest.mark.parametrize("info,dtype", list(_opdb_cases()))
def test_op_db_rows(torch, info, dtype):
    for sample in info.samples(dtype, np.random.default_rng(0)):
        for variant, fn in (("op", info.op), ("inplace", info.inplace), ("out", info.out)):
            if fn is None or info.skipped(variant, dtype):
                continue
            ca = [_opdb_make(ctorch, a, dtype) for a in sample.args]
            ta = [_opdb_make(torch, a, dtype) for a in sample.args]
            kw = dict(sample.kwargs)
            if variant == "out":
                def run(lib, args, fn=fn):
                    ref = info.op(lib, *args, **kw)
                    out = lib.empty(0, dtype=ref.dtype)
                    r = fn(lib, *args, out=out, **kw)
                    assert r is out
                    return out
            else:
                def run(lib, args, fn=fn):
                    return fn(lib, *args, **kw)
            rc, rt = same_outcome(lambda: run(ctorch, ca), lambda: run(torch, ta))
            if rt is None:
                continue
            check_same(rc, rt)
            if variant == "inplace":
                assert rc is ca[0]
                check_same(ca[0], ta[0])
