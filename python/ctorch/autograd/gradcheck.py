"""gradcheck / gradgradcheck: compare autograd's Jacobians with central finite differences.

Jacobians are laid out like PyTorch's messages: one (input numel, output numel) matrix per
(differentiable output, input requiring grad) pair. The numerical one has the output's dtype, the
analytical one the input's. ctorch has no forward-mode AD or vmap: check_forward_ad and the
batched-grad checks are carried out with the reverse-mode Jacobians, which they must equal.
"""
import warnings

import numpy as np

from .. import _C
from .grad_mode import no_grad

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "get_numerical_jacobian", "get_analytical_jacobian"]

Tensor = _C.Tensor


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


_NONDET_NOTE = (
    "\n\nNOTE: If your op relies on non-deterministic operations i.e., it is listed here:\n"
    "https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html\n"
    "this failure might be expected.\n\n"
    "If you are adding a new operator, please file an issue and then use one of the\n"
    "workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.\n"
    "If the test\n"
    "- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck\n"
    "  with `nondet_tol=<tol>` as a keyword argument.\n"
    "- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test\n"
    "  to have `gradcheck_nondet_tol=<tol>`.\n"
    "- is a Module test (e.g., in common_nn.py), then modify the corresponding\n"
    "  module_test entry to have `gradcheck_nondet_tol=<tol>`\n")


def _ct():
    import ctorch  # late: ctorch imports this package
    return ctorch


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _diff_inputs(inputs):
    return [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]


def _outputs(func, inputs):
    return _as_tuple(func(*inputs))


def _np(t):
    """A float64/float32 NumPy copy (reduced-precision dtypes widen to float32)."""
    t = t.detach()
    if t.dtype.is_floating_point and t.element_size() < 4:
        t = t.float()
    return np.array(t.numpy(), copy=True)


def _to_tensor(a, dtype):
    ct = _ct()
    return ct.tensor(a, dtype=dtype) if a.size else ct.zeros(a.shape, dtype=dtype)


def _check_inputs(inputs):
    if not any(isinstance(t, Tensor) and t.requires_grad for t in inputs):
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    ct = _ct()
    for idx, t in enumerate(inputs):
        if not (isinstance(t, Tensor) and t.requires_grad):
            continue
        if t.dtype != ct.float64:
            warnings.warn("Input #%d requires gradient and is not a double precision floating point or complex. This "
                          "check will likely fail if all the inputs are not of double precision floating point or "
                          "complex. " % idx, UserWarning, stacklevel=4)
        if any(st == 0 and sz > 1 for st, sz in zip(t.stride(), t.shape)):
            raise RuntimeError("The %dth input has a dimension with stride 0. gradcheck only supports inputs that are "
                               "non-overlapping to be able to compute the numerical gradients correctly. You should "
                               "call .contiguous on the input before passing it to gradcheck." % idx)


# ----------------------------------------------------------------------------- numerical

def _elements(t):
    """Yields 0-dim views of every element of t in row-major order (they write through to t)."""
    for idx in np.ndindex(*t.shape):
        yield t[idx] if idx else t


def _numerical_jacobians(func, inputs, eps, targets=None):
    """Returns J[i][j] (NumPy, shape (numel of input j, numel of output i)) over every output i and
    every input j in `targets` (default: the inputs requiring grad)."""
    # func runs with grad mode as the caller has it: gradgradcheck's func needs autograd inside.
    targets = _diff_inputs(inputs) if targets is None else targets
    outs = list(_outputs(func, inputs))
    jac = [[None] * len(targets) for _ in outs]
    for j, inp in enumerate(targets):
        cols = [[] for _ in outs]
        data = inp.data  # writes through .data leave the version counter (saved-tensor checks) alone
        for entry in _elements(data):
            orig = entry.clone()
            entry.copy_(orig - eps)
            out_a = _outputs(func, inputs)
            entry.copy_(orig + eps)
            out_b = _outputs(func, inputs)
            entry.copy_(orig)
            with no_grad():
                for i, (a, b) in enumerate(zip(out_a, out_b)):
                    if isinstance(a, Tensor) and a.dtype.is_floating_point:
                        cols[i].append(_np(((b - a) / (2 * eps)).reshape(-1)))
                    else:
                        cols[i].append(None)
        for i, o in enumerate(outs):
            if not (isinstance(o, Tensor) and o.dtype.is_floating_point):
                continue
            n_out = o.numel()
            m = np.zeros((inp.numel(), n_out), dtype=_np_dtype(o))
            for k, c in enumerate(cols[i]):
                m[k] = c
            jac[i][j] = m
    return outs, jac


def _np_dtype(t):
    return np.float64 if t.dtype == _ct().float64 else np.float32


# ----------------------------------------------------------------------------- analytical

def _one_hot(out, k):
    a = np.zeros(out.numel(), dtype=_np_dtype(out))
    a[k] = 1
    return _to_tensor(a.reshape(tuple(out.shape)), out.dtype)


def _vjp(out, diff_inputs, grad_out):
    return _C._autograd_grad([out], list(diff_inputs), [grad_out], True, False, True)


def _analytical_jacobians(outs, diff_inputs, nondet_tol, check_grad_dtypes):
    """J[i][j] for every differentiable output i, plus whether backward was reentrant."""
    jac = []
    reentrant = True
    for out in outs:
        row = [np.zeros((t.numel(), out.numel()), dtype=_np_dtype(t)) for t in diff_inputs]
        for k in range(out.numel()):
            go = _one_hot(out, k)
            g1 = _vjp(out, diff_inputs, go)
            g2 = _vjp(out, diff_inputs, go)
            for j, (a, b, t) in enumerate(zip(g1, g2, diff_inputs)):
                if a is None:
                    continue
                if check_grad_dtypes and a.dtype != t.dtype:
                    raise GradcheckError("Gradient has dtype mismatch")
                if tuple(a.shape) != tuple(t.shape):
                    raise GradcheckError("Gradient has shape mismatch")
                av, bv = _np(a).reshape(-1), _np(b).reshape(-1)
                if av.size and np.max(np.abs(av - bv)) > nondet_tol:
                    reentrant = False
                row[j][:, k] = av
        jac.append(row)
    return jac, reentrant


# ----------------------------------------------------------------------------- checks

def _allclose(a, n, rtol, atol):
    a64, n64 = a.astype(np.float64), n.astype(np.float64)
    return bool(np.all(np.abs(a64 - n64) <= atol + rtol * np.abs(n64)))


def _mismatch_msg(i, j, num, ana, dtypes):
    return ("Jacobian mismatch for output %d with respect to input %d,\nnumerical:%s\nanalytical:%s\n"
            % (i, j, _to_tensor(num, dtypes[0]), _to_tensor(ana, dtypes[1])))


def _slow_check(func, inputs, outs, diff_outs, diff_inputs, eps, rtol, atol, nondet_tol, check_grad_dtypes):
    _, num = _numerical_jacobians(func, inputs, eps)
    # Outputs that don't require grad must not depend on the inputs.
    for i, o in enumerate(outs):
        if isinstance(o, Tensor) and o.dtype.is_floating_point and not o.requires_grad:
            for m in num[i]:
                if m is not None and not _allclose(m, np.zeros_like(m), rtol, atol):
                    raise GradcheckError("Numerical gradient for function expected to be zero")
    num_diff = [num[i] for i, o in enumerate(outs) if o is not None and any(o is d for d in diff_outs)]
    ana, reentrant = _analytical_jacobians(diff_outs, diff_inputs, nondet_tol, check_grad_dtypes)
    for i, o in enumerate(diff_outs):
        for j, t in enumerate(diff_inputs):
            if not _allclose(ana[i][j], num_diff[i][j], rtol, atol):
                raise GradcheckError(_mismatch_msg(i, j, num_diff[i][j], ana[i][j], (o.dtype, t.dtype)))
    if not reentrant:
        raise GradcheckError("Backward is not reentrant, i.e., running backward with same input and grad_output "
                             "multiple times gives different values, although analytical gradient matches numerical "
                             "gradient.The tolerance for nondeterminism was %s." % (nondet_tol,) + _NONDET_NOTE)
    return num_diff, ana


def _fast_check(func, inputs, outs, diff_outs, diff_inputs, eps, rtol, atol, nondet_tol, check_grad_dtypes):
    # Random projections: compare v^T J u numerically (directional difference) and analytically (vjp . u).
    rng = np.random.default_rng(0)
    us = []
    for t in diff_inputs:
        u = rng.standard_normal(t.numel())
        us.append(u / max(np.linalg.norm(u), 1e-30))
    vs = [rng.standard_normal(o.numel()) for o in diff_outs]
    for j, (t, u) in enumerate(zip(diff_inputs, us)):
        data = t.data
        orig = data.clone()
        ut = _to_tensor(u.reshape(tuple(t.shape)), t.dtype)
        data.copy_(orig - ut * eps)
        out_a = _outputs(func, inputs)
        data.copy_(orig + ut * eps)
        out_b = _outputs(func, inputs)
        data.copy_(orig)
        idx = [k for k, o in enumerate(outs) if any(o is d for d in diff_outs)]
        for i, (o, v) in enumerate(zip(diff_outs, vs)):
            a, b = out_a[idx[i]], out_b[idx[i]]
            num = float(np.dot(_np(((b - a) / (2 * eps)).reshape(-1)).astype(np.float64), v))
            g = _vjp(o, diff_inputs, _to_tensor(v.reshape(tuple(o.shape)).astype(_np_dtype(o)), o.dtype))[j]
            ana = 0.0 if g is None else float(np.dot(_np(g).reshape(-1).astype(np.float64), u))
            if not abs(ana - num) <= atol + rtol * abs(num):
                _, numj = _numerical_jacobians(func, inputs, eps, [t])
                anaj, _ = _analytical_jacobians([o], [t], nondet_tol, False)
                nmat, amat = numj[idx[i]][0], anaj[0][0]
                diff = float(np.max(np.abs(nmat.astype(np.float64) - amat.astype(np.float64)))) if nmat.size else 0.0
                raise GradcheckError(
                    "Jacobian mismatch for output %d with respect to input %d,\nnumerical:%r\nanalytical:%r\n\n"
                    "The above quantities relating the numerical and analytical jacobians are computed \nin fast "
                    "mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \nabout fast "
                    "mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\nNumerical:\n %s\n"
                    "Analytical:\n%s\n\nThe max per-element difference (slow mode) is: %r.\n"
                    % (i, j, num, ana, _to_tensor(nmat, o.dtype), _to_tensor(amat, t.dtype), diff))


def _check_mul_by_grad_output(func, inputs, diff_inputs, check_grad_dtypes):
    outs = [o for o in _outputs(func, inputs) if isinstance(o, Tensor) and o.requires_grad]
    if not outs:
        return
    ct = _ct()
    grads = _C._autograd_grad(outs, list(diff_inputs), [ct.zeros_like(o) for o in outs], False, False, True)
    for g, t in zip(grads, diff_inputs):
        if g is None:
            continue
        if check_grad_dtypes and g.dtype != t.dtype:
            raise GradcheckError("grad is incorrect type")
        if tuple(g.shape) != tuple(t.shape):
            raise GradcheckError("grad is incorrect size")
        if np.any(_np(g) != 0):
            raise GradcheckError("backward not multiplied by grad_output")


class _UndefinedGrad:
    # Lazily built autograd.Function whose backward hands back an undefined (None) gradient.
    fn = None

    @classmethod
    def apply(cls, t):
        if cls.fn is None:
            from .function import Function

            class UndefinedGrad(Function):
                @staticmethod
                def forward(ctx, x):
                    return x.detach()

                @staticmethod
                def backward(ctx, g):
                    return None

            cls.fn = UndefinedGrad
        return cls.fn.apply(t)


def _check_undefined_grad(func, inputs, diff_inputs):
    # Every backward must accept undefined output grads (all of them, or one at a time).
    ct = _ct()

    def diff_outs():
        return [o for o in _outputs(func, inputs) if isinstance(o, Tensor) and o.requires_grad]

    n = len(diff_outs())
    cases = [set(range(n))] + ([{k} for k in range(n)] if n > 1 else [])
    for undef in cases:
        outs = [_UndefinedGrad.apply(o) if k in undef else o for k, o in enumerate(diff_outs())]
        try:
            grads = _C._autograd_grad(outs, list(diff_inputs), [ct.zeros_like(o) for o in outs], False, False, True)
        except RuntimeError as e:
            raise GradcheckError("Expected backward function to handle undefined output grads. Please look at "
                                 "\"Notes about undefined output gradients\" in \"tools/autograd/derivatives.yaml\""
                                 ) from e
        for g in grads:
            if g is not None and np.any(_np(g) != 0):
                raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                                     "undefined or zero. Please look at \"Notes about undefined output gradients\" in "
                                     "\"tools/autograd/derivatives.yaml\"")


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None):
    """Checks the gradients of `func` at `inputs` against finite differences (double inputs advised).

    Returns True, or raises GradcheckError (returns False when raise_exception=False)."""
    inputs = _as_tuple(inputs)
    try:
        _check_inputs(inputs)
        if not (check_backward_ad or check_forward_ad):
            return True
        diff_inputs = _diff_inputs(inputs)
        outs = _outputs(func, inputs)
        diff_outs = [o for o in outs if isinstance(o, Tensor) and o.requires_grad]
        check = _fast_check if fast_mode else _slow_check
        check(func, inputs, outs, diff_outs, diff_inputs, eps, rtol, atol, nondet_tol, check_grad_dtypes)
        _check_mul_by_grad_output(func, inputs, diff_inputs, check_grad_dtypes)
        if check_undefined_grad:
            _check_undefined_grad(func, inputs, diff_inputs)
        return True
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _random_like(t):
    ct = _ct()
    return (ct.rand(tuple(t.shape), dtype=t.dtype) * 2 - 1).requires_grad_(True)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True,
                  fast_mode=False, masked=False):
    """gradcheck of the first derivative: checks the second-order gradients of `func`."""
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outs = [o for o in _outputs(func, inputs) if isinstance(o, Tensor) and o.requires_grad]
        grad_outputs = tuple(_random_like(o) for o in outs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_go = len(grad_outputs)

    def first_derivative(*args):
        in_args = args[:len(args) - n_go]
        gos = args[len(args) - n_go:]
        outs = [o for o in _outputs(func, in_args) if isinstance(o, Tensor) and o.requires_grad]
        diff = _diff_inputs(in_args)
        grads = _C._autograd_grad(outs, diff, list(gos), True, True, True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol, check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev, fast_mode=fast_mode,
                     masked=masked)


def get_numerical_jacobian(fn, inputs, target=None, eps=1e-3, grad_out=1.0):
    """Deprecated torch API: tuple of numerical Jacobians (one per input requiring grad) of fn's first output."""
    warnings.warn("`get_numerical_jacobian` was part of PyTorch's private API and not meant to be exposed. We are "
                  "deprecating it and it will be removed in a future version of PyTorch. If you have a specific use "
                  "for this or feature request for this to be a stable API, please file us an issue at "
                  "https://github.com/pytorch/pytorch/issues/new", FutureWarning, stacklevel=2)
    inputs = _as_tuple(inputs)
    targets = _diff_inputs(inputs) if target is None else list(_as_tuple(target))
    outs, jac = _numerical_jacobians(fn, inputs, eps, targets)
    return tuple(_to_tensor(m * grad_out, outs[0].dtype) for m in jac[0])


def get_analytical_jacobian(inputs, output, nondet_tol=0.0, grad_out=1.0):
    """Deprecated torch API: (jacobians, reentrant, correct_grad_sizes, correct_grad_types)."""
    warnings.warn("`get_analytical_jacobian` was part of PyTorch's private API and not meant to be exposed. We are "
                  "deprecating it and it will be removed in a future version of PyTorch. If you have a specific use "
                  "for this or feature request for this to be a stable API, please file us an issue at "
                  "https://github.com/pytorch/pytorch/issues/new", FutureWarning, stacklevel=2)
    diff = _diff_inputs(_as_tuple(inputs))
    jac, reentrant = _analytical_jacobians([output], diff, nondet_tol, False)
    return tuple(_to_tensor(m * grad_out, t.dtype) for m, t in zip(jac[0], diff)), reentrant, True, True
