"""ctorch.autograd.gradcheck / gradgradcheck vs torch's: passing and failing cases, messages."""
import importlib
import warnings

import numpy as np
import pytest

import ctorch
from _autograd_ref import function_classes, leaf, per_library, rand, same_error
from _torch_ref import require_torch

V3 = rand((3,), 1)
A23 = rand((2, 3), 2)

@per_library
def fns(L):
    F = L.autograd.Function

    class Cube(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    class MulAdd(F):
        @staticmethod
        def forward(ctx, a, alpha, b):
            ctx.alpha = alpha
            ctx.save_for_backward(a, b)
            return a * b, a + b * alpha

        @staticmethod
        def backward(ctx, g1, g2):
            a, b = ctx.saved_tensors
            return g1 * b + g2, None, g1 * a + g2 * ctx.alpha

    class Wrong(F):  # gradient off by a factor
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    class WrongSecond(F):  # first derivative right, second wrong (detached saved input)
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * 2 * a.detach()

    class WrongSecondOutput(F):
        @staticmethod
        def forward(ctx, a, b):
            return a * 2, b * 2

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2, g2 * 2.5

    class NotMulByGrad(F):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2 + 1

    class NoMaterialize(F):  # backward that crashes on undefined grads
        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(False)
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    class Nondet(F):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            Nondet.calls += 1
            return g * (2 + 1e-4 * Nondet.calls)

    Nondet.calls = 0
    return function_classes(L, locals())


def _both_pass(fn, **kw):
    for L in (require_torch(), ctorch):
        args = fn(L)
        assert L.autograd.gradcheck(args[0], args[1], **kw) is True


def test_passes_on_ops():
    _both_pass(lambda L: (lambda a: a * a + a.exp(), (leaf(L, V3),)))
    _both_pass(lambda L: (lambda a, b: a * b - b / (a * a + 1), (leaf(L, A23), leaf(L, A23 + 1))))


def test_passes_on_reductions_and_matmul():
    _both_pass(lambda L: (lambda a: (a * a).sum(1), (leaf(L, A23),)))
    _both_pass(lambda L: (lambda a, w: a @ w, (leaf(L, A23), leaf(L, rand((3, 2), 5)))))


def test_passes_on_functions():
    _both_pass(lambda L: (fns(L).Cube.apply, (leaf(L, V3),)))
    _both_pass(lambda L: (fns(L).MulAdd.apply, (leaf(L, A23), 0.5, leaf(L, A23 + 2))))


def test_accepts_single_tensor_and_non_tensor_inputs():
    _both_pass(lambda L: (lambda a: a * 2, leaf(L, V3)))
    _both_pass(lambda L: (lambda a, k: a * k, (leaf(L, V3), 3)))
    _both_pass(lambda L: (lambda a, b: a * b, (leaf(L, V3), leaf(L, V3 + 1, requires_grad=False))))


def test_passes_with_non_differentiable_outputs():
    _both_pass(lambda L: (lambda a: (a * 2, a.detach().int()), (leaf(L, V3),)))
    _both_pass(lambda L: (lambda a: (a * 2, L.ones(2, dtype=L.float64)), (leaf(L, V3),)))


def test_fast_mode():
    _both_pass(lambda L: (fns(L).Cube.apply, (leaf(L, V3),)), fast_mode=True)
    _both_pass(lambda L: (lambda a, b: a * b, (leaf(L, A23), leaf(L, A23 + 1))), fast_mode=True)


def test_gradgradcheck_passes():
    for L in (require_torch(), ctorch):
        assert L.autograd.gradgradcheck(lambda a: a ** 3, (leaf(L, V3),))
        assert L.autograd.gradgradcheck(fns(L).Cube.apply, (leaf(L, V3),))
        assert L.autograd.gradgradcheck(lambda a, b: a * b * a, (leaf(L, V3), leaf(L, V3 + 1)))
        assert L.autograd.gradgradcheck(lambda a: a * 2, (leaf(L, V3),))


def _exact_error(fn):
    c, t = same_error(fn, exact=False)
    assert type(c).__name__ == "GradcheckError" and isinstance(c, RuntimeError)
    assert str(c) == str(t).replace("torch.", "ctorch.")


def test_wrong_backward_message():
    _exact_error(lambda L: L.autograd.gradcheck(fns(L).Wrong.apply, (leaf(L, V3),)))


def test_wrong_second_output_message():
    _exact_error(lambda L: L.autograd.gradcheck(fns(L).WrongSecondOutput.apply, (leaf(L, V3), leaf(L, V3 + 1))))


def test_wrong_non_square_jacobian_message():
    def f(L):
        class W(L.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                ctx.save_for_backward(a, b)
                return a.sum(0) * b

            @staticmethod
            def backward(ctx, g):
                a, b = ctx.saved_tensors
                return (g * b).expand(2, 3) * 1.5, g * a.sum(0)
        L.autograd.gradcheck(W.apply, (leaf(L, A23), leaf(L, V3)))
    _exact_error(f)


def test_raise_exception_false():
    for L in (require_torch(), ctorch):
        assert L.autograd.gradcheck(fns(L).Wrong.apply, (leaf(L, V3),), raise_exception=False) is False


def _gradcheck_error(L):
    return importlib.import_module(L.__name__ + ".autograd.gradcheck").GradcheckError


def test_fast_mode_failure():
    for L in (require_torch(), ctorch):
        with pytest.raises(_gradcheck_error(L), match="in fast mode"):
            L.autograd.gradcheck(fns(L).Wrong.apply, (leaf(L, V3),), fast_mode=True)


def test_gradgradcheck_detects_wrong_second_derivative():
    for L in (require_torch(), ctorch):
        assert L.autograd.gradcheck(fns(L).WrongSecond.apply, (leaf(L, V3),))
        with pytest.raises(_gradcheck_error(L), match="Jacobian mismatch for output 0 with respect to input 0"):
            L.autograd.gradgradcheck(fns(L).WrongSecond.apply, (leaf(L, V3),))


def test_output_expected_to_be_zero():
    _exact_error(lambda L: L.autograd.gradcheck(lambda a: a.detach() * 2, (leaf(L, V3),)))


def test_not_multiplied_by_grad_output():
    _exact_error(lambda L: L.autograd.gradcheck(fns(L).NotMulByGrad.apply, (leaf(L, V3),), atol=10))


def test_undefined_grad_check_propagates_user_error():
    c, t = same_error(lambda L: L.autograd.gradcheck(fns(L).NoMaterialize.apply, (leaf(L, V3),)), exact=False)
    assert isinstance(c, TypeError)


def test_nondeterministic_backward():
    c, t = same_error(lambda L: L.autograd.gradcheck(fns(L).Nondet.apply, (leaf(L, V3),), atol=1e-2), exact=False)
    assert str(c) == str(t)
    for L in (require_torch(), ctorch):
        assert L.autograd.gradcheck(fns(L).Nondet.apply, (leaf(L, V3),), atol=1e-2, nondet_tol=1.0)


def test_no_input_requires_grad():
    same_error(lambda L: L.autograd.gradcheck(lambda a: a * 2, (leaf(L, V3, requires_grad=False),)))


def test_stride_zero_input():
    same_error(lambda L: L.autograd.gradcheck(lambda a: a * 2, (leaf(L, V3).expand(2, 3),)))


def test_float32_input_warns_and_fails_like_torch():
    for L in (require_torch(), ctorch):
        x = leaf(L, V3, "float32")
        with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
            ok = L.autograd.gradcheck(fns(L).Wrong.apply, (x,), raise_exception=False)
        assert ok is False


def test_float32_numerical_jacobian_matches_torch():
    def f(L):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            L.autograd.gradcheck(lambda a: a * 2, (leaf(L, [1.0, 2.0, 3.0], "float32"),))
    c, t = same_error(f, exact=False)
    assert str(c) == str(t)


def test_error_class_is_runtime_error():
    assert issubclass(_gradcheck_error(ctorch), RuntimeError)
    assert _gradcheck_error(ctorch) is ctorch.autograd.GradcheckError


def test_inputs_unchanged_after_check():
    x = leaf(ctorch, V3)
    before = x.detach().clone()
    ctorch.autograd.gradcheck(fns(ctorch).Cube.apply, (x,))
    np.testing.assert_array_equal(x.detach().numpy(), before.numpy())
    assert x.grad is None


def test_noncontiguous_input():
    _both_pass(lambda L: (lambda a: a * a, (leaf(L, A23).detach().t().requires_grad_(),)))
    _both_pass(lambda L: (lambda a: a.exp(), (leaf(L, rand((4, 3), 7)).detach()[::2].requires_grad_(),)))
