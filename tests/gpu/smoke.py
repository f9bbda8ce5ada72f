"""A small CPU-vs-CUDA pass over every kernel family, meant to run under compute-sanitizer
(`compute-sanitizer --tool memcheck python tests/gpu/smoke.py`): small sizes, odd shapes,
non-contiguous views. Prints one line per check and exits non-zero on a mismatch."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import ctorch as T  # noqa: E402

bad = 0


def check(name, f, tol=1e-5):
    global bad
    try:
        c = f("cpu")
        g = f("cuda")
        gc = g.cpu() if isinstance(g, T.Tensor) else g
        if isinstance(c, T.Tensor):
            cd, gd = c.double(), gc.double()
            close = ((cd - gd).abs() <= tol * (1 + gd.abs())) | (cd == gd) | (cd.isnan() & gd.isnan())
            ok = c.shape == gc.shape and c.dtype == gc.dtype and (c.numel() == 0 or bool(close.all()))
        else:
            ok = c == gc
        print("%-28s %s" % (name, "ok" if ok else "MISMATCH"))
        bad += not ok
    except Exception as e:  # noqa: BLE001
        print("%-28s ERROR %s: %s" % (name, type(e).__name__, e))
        bad += 1


T.manual_seed(0)
A = T.randn(37, 53)
B = T.randn(53, 29)
I = T.randint(0, 37, (41,))
M = A > 0.3


def on(d, t):
    return t.to(d)


check("add strided", lambda d: on(d, A).t() + on(d, A[:1]).t())
check("mul bf16", lambda d: on(d, A).bfloat16() * 3, 1e-2)
check("int floor div", lambda d: on(d, T.arange(-20, 20)) // 3)
check("where/clamp", lambda d: T.where(on(d, M), on(d, A).clamp(-0.5, 0.5), on(d, A) * 2))
check("sum dim", lambda d: on(d, A).sum(1))
check("mean all", lambda d: on(d, A).mean())
check("amax cols", lambda d: on(d, A).amax(0))
check("max dim idx", lambda d: on(d, A).max(1)[1])
check("var", lambda d: on(d, A).var(0))
check("logsumexp", lambda d: on(d, A).logsumexp(1))
check("cumsum", lambda d: on(d, A).cumsum(1), 1e-4)
check("mm", lambda d: on(d, A) @ on(d, B), 1e-4)
check("mm transposed", lambda d: on(d, B).t() @ on(d, A).t(), 1e-4)
check("bmm", lambda d: T.bmm(on(d, A[:36].reshape(4, 9, 53)), on(d, B).expand(4, 53, 29)), 1e-4)
check("mm int64", lambda d: on(d, I[:6].reshape(2, 3)) @ on(d, I[:6].reshape(3, 2)))
check("index_select", lambda d: on(d, A).index_select(0, on(d, I)))
check("getitem adv", lambda d: on(d, A)[on(d, I), 3:9])
check("masked_select", lambda d: on(d, A)[on(d, M)])
check("nonzero", lambda d: on(d, M).nonzero())
check("scatter_add", lambda d: T.zeros(37, device=d).scatter_add(0, on(d, I), on(d, T.ones(41))))
check("index_put acc", lambda d: T.zeros(37, device=d).index_put_((on(d, I),), on(d, T.ones(41)), accumulate=True))
check("cat", lambda d: T.cat([on(d, A), on(d, A[:3]), on(d, A[5:6])]))
check("copy f32->u8", lambda d: on(d, A * 100).to(T.uint8))
check("cpu scalar operand", lambda d: on(d, A) * T.tensor(2.0))


def _grad(d):
    a = on(d, A).requires_grad_()
    (a @ on(d, B)).tanh().sum().backward()
    return a.grad


check("backward", _grad, 1e-4)
g = T.randn(1000, device="cuda")
print("randn cuda mean/std %.3f %.3f" % (g.mean().item(), g.std().item()))
try:
    T.zeros(3, device="cuda")[T.tensor([5], device="cuda")]
    print("bounds error                 MISSING")
    bad += 1
except IndexError as e:
    print("bounds error                 ok (%s)" % e)
print("FAILED: %d" % bad if bad else "ALL OK")
sys.exit(1 if bad else 0)
