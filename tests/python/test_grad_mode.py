"""Grad modes (no_grad / enable_grad / set_grad_enabled / inference_mode: context managers,
decorators, thread-locality), anomaly detection and very deep graphs, vs torch."""
import sys
import threading
import warnings

import ctorch
from _autograd_ref import both, leaf, rand, same_error
from _torch_ref import require_torch

V3 = rand((3,), 4)

# ----------------------------------------------------------------------------- grad modes

def _modes(L):
    return L.is_grad_enabled(), L.is_inference_mode_enabled()


def test_no_grad_context():
    def f(L):
        x = leaf(L, V3)
        with L.no_grad():
            y = x * 2
            inside = _modes(L)
        return inside, y.requires_grad, y.grad_fn is None, _modes(L)
    both(f)


def test_nesting():
    def f(L):
        x = leaf(L, V3)
        r = []
        with L.no_grad():
            r.append(L.is_grad_enabled())
            with L.enable_grad():
                r.append(L.is_grad_enabled())
                r.append((x * 2).requires_grad)
                with L.set_grad_enabled(False):
                    r.append(L.is_grad_enabled())
                r.append(L.is_grad_enabled())
            with L.set_grad_enabled(True):
                r.append(L.is_grad_enabled())
            r.append(L.is_grad_enabled())
        r.append(L.is_grad_enabled())
        return r
    both(f)


def test_set_grad_enabled_as_function():
    def f(L):
        L.set_grad_enabled(False)
        a = L.is_grad_enabled()
        L.set_grad_enabled(True)
        return a, L.is_grad_enabled()
    both(f)


def test_context_restores_on_exception():
    def f(L):
        try:
            with L.no_grad():
                raise ValueError("x")
        except ValueError:
            pass
        try:
            with L.inference_mode():
                raise ValueError("x")
        except ValueError:
            pass
        return _modes(L)
    both(f)


def test_decorators():
    def f(L):
        @L.no_grad()
        def a():
            return L.is_grad_enabled()

        @L.no_grad
        def b():
            return L.is_grad_enabled()

        @L.enable_grad()
        def c():
            return L.is_grad_enabled()

        @L.set_grad_enabled(False)
        def d():
            return L.is_grad_enabled()

        @L.inference_mode()
        def e():
            return _modes(L)

        @L.inference_mode
        def e2():
            return _modes(L)

        @L.inference_mode(False)
        def e3():
            return _modes(L)

        after_decoration = L.is_grad_enabled()
        with L.no_grad():
            cc = c()
        return a(), b(), cc, d(), e(), e2(), e3(), after_decoration, a.__name__, _modes(L)
    both(f)


def test_decorator_on_method_and_generator():
    def f(L):
        class C:
            @L.no_grad()
            def m(self, k):
                return L.is_grad_enabled(), k

        @L.no_grad()
        def gen():
            yield L.is_grad_enabled()
            yield L.is_grad_enabled()

        it = gen()
        first = next(it)
        between = L.is_grad_enabled()
        second = next(it)
        return C().m(3), first, between, second
    both(f)


def test_inference_mode():
    def f(L):
        x = leaf(L, V3)
        r = []
        with L.inference_mode():
            r.append(_modes(L))
            r.append((x * 2).requires_grad)
            with L.inference_mode(False):
                r.append(_modes(L))
            with L.enable_grad():
                r.append(L.is_grad_enabled())
        with L.inference_mode(False):
            r.append(_modes(L))
        r.append(_modes(L))
        return r
    both(f)


def test_grad_mode_is_thread_local():
    def f(L):
        res = []
        with L.no_grad():
            th = threading.Thread(target=lambda: res.append(L.is_grad_enabled()))
            th.start()
            th.join()
            res.append(L.is_grad_enabled())
        return res
    both(f)


def test_grad_mode_in_thread_does_not_leak():
    res = []

    def worker():
        ctorch.set_grad_enabled(False)
        res.append(ctorch.is_grad_enabled())

    th = threading.Thread(target=worker)
    th.start()
    th.join()
    assert res == [False] and ctorch.is_grad_enabled()


def test_grad_mode_exports():
    torch = require_torch()
    for name in ("no_grad", "enable_grad", "set_grad_enabled", "inference_mode"):
        assert getattr(ctorch, name) is getattr(ctorch.autograd, name)
        assert getattr(ctorch.autograd.grad_mode, name) is getattr(ctorch, name)
        assert hasattr(torch.autograd.grad_mode, name)
    assert ctorch.is_grad_enabled() and ctorch.autograd.grad_mode.no_grad.__module__ == "ctorch.autograd.grad_mode"


def test_set_grad_enabled_requires_mode():
    same_error(lambda L: L.set_grad_enabled(), exact=False)


# ----------------------------------------------------------------------------- anomaly detection

def test_anomaly_state():
    def f(L):
        r = [L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()]
        with L.autograd.set_detect_anomaly(True, check_nan=False):
            r.append((L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()))
        r.append((L.is_anomaly_enabled(), L.is_anomaly_check_nan_enabled()))
        L.autograd.set_detect_anomaly(True)
        r.append(L.is_anomaly_enabled())
        L.autograd.set_detect_anomaly(False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with L.autograd.detect_anomaly():
                r.append(L.is_anomaly_enabled())
        r.append(L.is_anomaly_enabled())
        return r
    both(f)


def _nan_backward(L):
    x = leaf(L, [0.0, 1.0], "float32")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with L.autograd.detect_anomaly():
            y = x / x
            try:
                y.backward(L.ones(2))
                err = None
            except RuntimeError as e:
                err = str(e)
    return err, [str(m.message) for m in w]


def test_anomaly_names_nan_op():
    err_c, warns_c = _nan_backward(ctorch)
    err_t, warns_t = _nan_backward(require_torch())
    assert err_c == err_t == "Function 'DivBackward0' returned nan values in its 1th output."
    assert warns_c[0] == warns_t[0]  # "Anomaly Detection has been enabled. ..."
    detected = [m for m in warns_c if m.startswith("Error detected in DivBackward0. Traceback of forward call")]
    assert detected and "y = x / x" in detected[0]


def test_anomaly_without_nan_check_passes():
    def f(L):
        x = leaf(L, [0.0, 1.0], "float32")
        with L.autograd.set_detect_anomaly(True, check_nan=False):
            (x / x).backward(L.ones(2))
        return x.grad
    both(f)


def test_anomaly_inplace_hint():
    def f(L):
        a = leaf(L, V3, "float32")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with L.autograd.detect_anomaly(check_nan=False):
                b = a * 2
                c = b * b
                b.add_(1)
                c.backward(L.ones(3))
    same_error(f)


def test_no_nan_check_outside_anomaly_mode():
    def f(L):
        x = leaf(L, [0.0, 1.0], "float32")
        (x / x).backward(L.ones(2))
        return x.grad
    both(f)


# ----------------------------------------------------------------------------- deep graphs

DEPTH = 100000


def _deep_chain(step):
    x = ctorch.ones(3, requires_grad=True)
    y = x
    for _ in range(DEPTH):
        y = step(y)
    return x, y


def test_deep_mul_chain_backward_and_free():
    x, y = _deep_chain(lambda t: t * 1.0)
    y.backward(ctorch.ones(3))
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    del y  # frees 100k nodes without recursion


def test_deep_view_chain_backward_and_free():
    x, y = _deep_chain(lambda t: t.view(-1))
    assert y.grad_fn.name() == "ViewBackward0"
    y.backward(ctorch.ones(3) * 2)
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    del y


def test_deep_chain_free_without_backward():
    x, y = _deep_chain(lambda t: t.view(-1))
    del y
    x2, y2 = _deep_chain(lambda t: t * 2.0)
    del y2


def test_deep_chain_autograd_grad_create_graph():
    x = ctorch.ones(3, requires_grad=True)
    y = x
    for _ in range(20000):
        y = y.view(-1)
    (g,) = ctorch.autograd.grad(y, x, ctorch.ones(3), create_graph=True)
    assert g.tolist() == [1.0, 1.0, 1.0]


def test_deep_function_chain():
    class Same(ctorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 1.0

        @staticmethod
        def backward(ctx, g):
            ctx.saved_tensors
            return g

    x = ctorch.ones(3, requires_grad=True)
    y = x
    for _ in range(50000):
        y = Same.apply(y)
    y.backward(ctorch.ones(3))
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    y = x
    for _ in range(50000):
        y = Same.apply(y)
    del y  # ctx -> saved input -> node -> ctx ... freed iteratively


def test_set_multithreading_enabled():
    def f(L):
        with L.autograd.set_multithreading_enabled(False):
            inside = L.autograd.is_multithreading_enabled()
        return inside, L.autograd.is_multithreading_enabled()
    both(f)


def test_get_gradient_edge():
    x = leaf(ctorch, V3)
    y = x * 2
    e = ctorch.autograd.graph.get_gradient_edge(y)
    assert e.node is y.grad_fn and e.output_nr == 0
    le = ctorch.autograd.graph.get_gradient_edge(x)
    assert le.node.name() == "torch::autograd::AccumulateGrad" and le.node.variable is x


def test_recursion_limit_untouched():
    assert sys.getrecursionlimit() <= 100000
