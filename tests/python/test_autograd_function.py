"""ctorch.autograd.Function vs torch.autograd.Function: ctx features, apply semantics, errors."""
import gc
import warnings
import weakref

import pytest

import ctorch
from _autograd_ref import both, function_classes, leaf, per_library, rand, same_error
from _torch_ref import require_torch

V3 = rand((3,), 1)
A23 = rand((2, 3), 2)

@per_library
def fns(L):
    """The same family of Function subclasses defined against library L (built once per library)."""
    F = L.autograd.Function

    class Scale(F):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            ctx.save_for_backward(x)
            ctx.fwd_grad_mode = L.is_grad_enabled()
            ctx.fwd_needs = ctx.needs_input_grad
            return x * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * ctx.k, None

    class Exp(F):  # saves its output
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    class MulAdd(F):  # two outputs, two tensor inputs, a non-tensor in the middle
        @staticmethod
        def forward(ctx, a, alpha, b):
            ctx.alpha = alpha
            ctx.save_for_backward(a, b)
            return a * b, a + b * alpha

        @staticmethod
        def backward(ctx, g1, g2):
            a, b = ctx.saved_tensors
            return g1 * b + g2, None, g1 * a + g2 * ctx.alpha

    class Cube(F):  # differentiable backward (double backward through the formula)
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    class SetupCube(F):  # setup_context style
        @staticmethod
        def forward(x, k=1.0):
            return x * x * x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, k = inputs
            ctx.save_for_backward(x)
            ctx.k = k
            ctx.setup_grad_mode = L.is_grad_enabled()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x * ctx.k, None

    class SplitND(F):  # second output non-differentiable
        @staticmethod
        def forward(ctx, x):
            idx = (x > 0).to(x.dtype)
            ctx.mark_non_differentiable(idx)
            return x * 2, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            ctx.seen = (g_idx is None, None if g_idx is None else g_idx.tolist())
            return g * 2

    class NoMaterialize(F):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = (g1 is None, g2 is None)
            out = None
            if g1 is not None:
                out = g1 * 2
            if g2 is not None:
                out = g2 * 3 if out is None else out + g2 * 3
            return out

    class Materialize(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = g2.tolist()
            return g1 * 2 + g2 * 3

    class Dirty(F):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Ident(F):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    class Mixed(F):  # non-tensor and integer outputs
        @staticmethod
        def forward(ctx, x):
            return x * 2, L.tensor([1, 2]), 5

        @staticmethod
        def backward(ctx, g, gi, gn):
            ctx.seen = (gi.tolist() if gi is not None else None, gn)
            return g * 2

    class Once(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @L.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            ctx.bw_grad_mode = L.is_grad_enabled()
            return 2 * x * g

    class TooFew(F):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    class GradForNonTensor(F):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g, g

    class WrongShape(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g[:2]

    class ExtraNones(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, None, None

    class ReturnsFloat(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return 1.0

    class NoBackward(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    class NoForward(F):
        pass

    class SaveBad(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 2

    class SaveNone(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, None)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            x, n = ctx.saved_tensors
            ctx.seen = n is None
            return g * 2

    class DirtyNotReturned(F):
        @staticmethod
        def forward(ctx, x, y):
            x.add_(1)
            ctx.mark_dirty(x)
            return y * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class Vjp(F):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def vjp(ctx, g):
            return g * 2

    class Clamp(F):  # gradient through a non-trivial ctx attribute
        @staticmethod
        def forward(ctx, x, lo, hi):
            ctx.mask = (x >= lo) & (x <= hi)
            return x.clamp(lo, hi)

        @staticmethod
        def backward(ctx, g):
            return g * ctx.mask.to(g.dtype), None, None

    return function_classes(L, locals())


def test_basic_apply_and_ctx():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Scale.apply(x, 2.5)
        y.backward(L.ones(3, dtype=L.float64))
        fn = y.grad_fn
        return (y, x.grad, fn.name(), type(fn).__name__, fn.k, fn.fwd_grad_mode, fn.fwd_needs,
                repr(y).replace("ctorch.", "torch."), y.requires_grad, y.is_leaf)
    both(f)


def test_grad_fn_is_ctx_and_node():
    for L in (ctorch, require_torch()):
        x = leaf(L, V3)
        y = fns(L).Scale.apply(x, 2.0)
        assert isinstance(y.grad_fn, L.autograd.function.FunctionCtx)
        assert isinstance(y.grad_fn, L.autograd.graph.Node)
        assert type(y.grad_fn) is fns(L).Scale._backward_cls
        nf = y.grad_fn.next_functions
        assert len(nf) == 1 and nf[0][0].variable is x  # edges for tensor arguments only


def test_next_functions_through_chain():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Exp.apply(x * 2)
        z = y * 3
        n1 = z.grad_fn.next_functions[0][0]
        return n1.name(), type(n1).__name__, n1.next_functions[0][0].name()
    both(f)


def test_saved_output_and_second_backward_error():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Exp.apply(x)
        y.backward(L.ones(3, dtype=L.float64))
        return x.grad
    both(f, rtol=1e-12)

    def twice(L):
        y = fns(L).Exp.apply(leaf(L, V3))
        y.backward(L.ones(3, dtype=L.float64))
        y.backward(L.ones(3, dtype=L.float64))
    same_error(twice)

    def access_after(L):
        y = fns(L).Exp.apply(leaf(L, V3))
        y.backward(L.ones(3, dtype=L.float64))
        return y.grad_fn.saved_tensors
    same_error(access_after)


def test_retain_graph_keeps_saved_tensors():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Exp.apply(x)
        y.backward(L.ones(3, dtype=L.float64), retain_graph=True)
        n = len(y.grad_fn.saved_tensors)
        y.backward(L.ones(3, dtype=L.float64))
        return x.grad, n
    both(f, rtol=1e-12)


def test_saved_tensor_modified_inplace():
    def f(L):
        y = fns(L).Exp.apply(leaf(L, V3, "float32"))
        y.mul_(2)
        y.backward(L.ones(3))
    same_error(f)

    def g(L):
        x = leaf(L, V3, "float32")
        h = x * 1
        y = fns(L).Scale.apply(h, 2.0)
        h.add_(1)
        y.backward(L.ones(3))
    same_error(g)


def test_multiple_outputs_and_non_tensor_args():
    def f(L):
        a, b = leaf(L, A23), leaf(L, A23 + 1)
        u, v = fns(L).MulAdd.apply(a, 0.5, b)
        (u * v).backward(L.ones(2, 3, dtype=L.float64))
        return u, v, a.grad, b.grad, u.output_nr, v.output_nr, u.grad_fn is v.grad_fn
    both(f)


def test_only_some_inputs_require_grad():
    def f(L):
        a, b = leaf(L, A23), leaf(L, A23 + 1, requires_grad=False)
        u, v = fns(L).MulAdd.apply(a, 2.0, b)
        ctx = u.grad_fn
        (u + v).backward(L.ones(2, 3, dtype=L.float64))
        return a.grad, b.grad, ctx.needs_input_grad
    both(f)


def test_no_input_requires_grad():
    def f(L):
        x = leaf(L, V3, requires_grad=False)
        y = fns(L).Scale.apply(x, 2.0)
        return y, y.requires_grad, y.grad_fn is None
    both(f)


def test_under_no_grad():
    def f(L):
        x = leaf(L, V3)
        with L.no_grad():
            y = fns(L).Scale.apply(x, 2.0)
        return y, y.requires_grad, y.grad_fn is None
    both(f)


def test_forward_runs_under_no_grad():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).SetupCube.apply(x, 2.0)
        return y.grad_fn.setup_grad_mode, fns(L).Scale.apply(x, 1.0).grad_fn.fwd_grad_mode
    both(f)


def test_setup_context_style():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).SetupCube.apply(x, 2.0)
        z = fns(L).SetupCube.apply(x)  # default k bound
        w = fns(L).SetupCube.apply(x, k=0.5)
        (y + z + w).backward(L.ones(3, dtype=L.float64))
        return y, z, w, x.grad, y.grad_fn.name()
    both(f, rtol=1e-12)


def test_double_backward_through_function():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Cube.apply(x)
        (g,) = L.autograd.grad(y, x, L.ones(3, dtype=L.float64), create_graph=True)
        (gg,) = L.autograd.grad(g, x, L.ones(3, dtype=L.float64))
        return g, gg
    both(f, rtol=1e-12)


def test_double_backward_through_saved_output():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Exp.apply(x)
        (g,) = L.autograd.grad(y, x, L.ones(3, dtype=L.float64), create_graph=True)
        (gg,) = L.autograd.grad(g, x, L.ones(3, dtype=L.float64))
        return g, gg, g.grad_fn.name()
    both(f, rtol=1e-12)


def test_mark_non_differentiable():
    def f(L):
        x = leaf(L, V3)
        y, idx = fns(L).SplitND.apply(x)
        ctx = y.grad_fn
        y.backward(L.ones(3, dtype=L.float64))
        return y, idx, idx.requires_grad, idx.grad_fn is None, x.grad, ctx.seen
    both(f)


@pytest.mark.parametrize("cls", ["NoMaterialize", "Materialize"])  # set_materialize_grads(False) / default
def test_materialize_grads(cls):
    def f(L):
        x = leaf(L, V3)
        a, b = getattr(fns(L), cls).apply(x)
        ctx = a.grad_fn
        a.backward(L.ones(3, dtype=L.float64))
        return x.grad, ctx.seen
    both(f)


def test_mark_dirty():
    def f(L):
        x = leaf(L, V3)
        w = x.clone()
        r = fns(L).Dirty.apply(w)
        r2 = r * 1
        r2.backward(L.ones(3, dtype=L.float64))
        return r is w, r._version, w.grad_fn.name(), x.grad, r
    both(f)


def test_mark_dirty_on_leaf_error():
    same_error(lambda L: fns(L).Dirty.apply(leaf(L, V3)))


def test_mark_dirty_without_grad():
    def f(L):
        a = L.ones(3)
        r = fns(L).Dirty.apply(a)
        return r is a, a._version, r
    both(f)


def test_mark_dirty_not_returned_error():
    same_error(lambda L: fns(L).DirtyNotReturned.apply(leaf(L, V3).clone(), leaf(L, V3)))


def test_input_returned_as_is():
    def f(L):
        x = leaf(L, V3)
        q = fns(L).Ident.apply(x)
        q.backward(L.ones(3, dtype=L.float64))
        a = L.ones(2)
        return q is x, q._base is x, q.grad_fn.name(), x.grad, fns(L).Ident.apply(a) is a
    both(f)


def test_non_tensor_and_integer_outputs():
    def f(L):
        x = leaf(L, V3)
        a, b, c = fns(L).Mixed.apply(x)
        ctx = a.grad_fn
        a.backward(L.ones(3, dtype=L.float64))
        return b, b.requires_grad, c, x.grad, ctx.seen
    both(f)


def test_once_differentiable():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Once.apply(x)
        ctx = y.grad_fn
        (g,) = L.autograd.grad(y, x, L.ones(3, dtype=L.float64), create_graph=True)
        return g, g.requires_grad, ctx.bw_grad_mode
    both(f)


def test_once_differentiable_raises_on_double_backward():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Once.apply(x)
        go = leaf(L, [1.0, 1.0, 1.0])
        (g,) = L.autograd.grad(y, x, go, create_graph=True)
        g.sum().backward()
    same_error(f)


def test_backward_errors():
    same_error(lambda L: fns(L).TooFew.apply(leaf(L, V3), 2.0).sum().backward())
    same_error(lambda L: fns(L).GradForNonTensor.apply(leaf(L, V3), 2.0).sum().backward())
    same_error(lambda L: fns(L).WrongShape.apply(leaf(L, V3)).sum().backward())
    same_error(lambda L: fns(L).ReturnsFloat.apply(leaf(L, V3)).sum().backward())
    same_error(lambda L: fns(L).NoBackward.apply(leaf(L, V3)).sum().backward())
    same_error(lambda L: fns(L).NoForward.apply(leaf(L, V3)))
    same_error(lambda L: fns(L).SaveBad.apply(leaf(L, V3)))


def test_extra_trailing_nones_allowed():
    def f(L):
        x = leaf(L, V3)
        fns(L).ExtraNones.apply(x).backward(L.ones(3, dtype=L.float64))
        return x.grad
    both(f)


def test_save_none():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).SaveNone.apply(x)
        ctx = y.grad_fn
        y.backward(L.ones(3, dtype=L.float64))
        return x.grad, ctx.seen
    both(f)


def test_vjp_alias():
    def f(L):
        x = leaf(L, V3)
        fns(L).Vjp.apply(x).backward(L.ones(3, dtype=L.float64))
        return x.grad
    both(f)


def test_ctx_attribute_tensor():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Clamp.apply(x, -0.5, 0.5)
        y.backward(L.ones(3, dtype=L.float64))
        return y, x.grad
    both(f)


def test_instantiation_warns_and_call_raises():
    for L in (ctorch, require_torch()):
        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            inst = fns(L).Scale()
        with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward method"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                inst(leaf(L, V3), 2.0)


def test_function_ctx_class():
    for L in (ctorch, require_torch()):
        FC = L.autograd.function.FunctionCtx
        ctx = FC()
        ctx.save_for_backward(L.ones(2))
        ctx.mark_non_differentiable(L.ones(2))
        ctx.set_materialize_grads(False)
        assert ctx.materialize_grads is False and len(ctx.to_save) == 1
        assert issubclass(fns(L).Scale._backward_cls, FC)


def test_hooks_on_function_outputs():
    def f(L):
        x = leaf(L, V3)
        y = fns(L).Scale.apply(x, 2.0)
        y.register_hook(lambda g: g * 10)
        y.retain_grad()
        (y * 1).backward(L.ones(3, dtype=L.float64))
        return x.grad, y.grad
    both(f)


def test_function_in_larger_graph():
    def f(L):
        x, w = leaf(L, A23), leaf(L, A23 + 2)
        h = x * w
        u, v = fns(L).MulAdd.apply(h, 3.0, x)
        out = fns(L).Exp.apply(u * 0.1) + v
        out.backward(L.ones(2, 3, dtype=L.float64))
        return x.grad, w.grad
    both(f, rtol=1e-12)


def test_anomaly_names_function():
    class NanFn(ctorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = ctorch.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with ctorch.autograd.detect_anomaly():
            y = NanFn.apply(x)
            with pytest.raises(RuntimeError, match="Function 'NanFnBackward' returned nan values in its 0th output."):
                y.backward(ctorch.ones(2))
    assert any("Error detected in NanFnBackward" in str(m.message) and "NanFn.apply(x)" in str(m.message) for m in w)


def test_exception_in_backward_propagates():
    class Boom(ctorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        Boom.apply(ctorch.ones(2, requires_grad=True)).backward(ctorch.ones(2))


def test_graph_is_freed():
    # ctx -> saved output must not form an uncollectable cycle with the C++ node.
    x = ctorch.ones(3, requires_grad=True)
    y = fns(ctorch).Exp.apply(x)
    ref = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert ref() is None
