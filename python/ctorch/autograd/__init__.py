"""ctorch.autograd: reverse-mode automatic differentiation (PyTorch's torch.autograd API).

The graph and the engine are C++ (``_C._autograd_backward`` / ``_C._autograd_grad``); this module
normalises arguments the way torch does and raises torch's errors for bad ones.
"""
import warnings

from .. import _C
from . import anomaly_mode, function, grad_mode, graph  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .function import Function
from .grad_mode import (enable_grad, inference_mode, is_multithreading_enabled, no_grad, set_grad_enabled,
                        set_multithreading_enabled)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["Variable", "Function", "backward", "grad_mode", "detect_anomaly", "enable_grad",
           "grad", "gradcheck", "gradgradcheck", "inference_mode", "no_grad", "set_detect_anomaly",
           "set_grad_enabled", "set_multithreading_enabled", "GradcheckError"]

Tensor = _C.Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """Legacy wrapper: ``Variable(t, requires_grad=...)`` returns a tensor sharing t's data."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        if not isinstance(data, Tensor):
            raise TypeError("Variable data has to be a tensor, but got %s" % type(data).__name__)
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        return data.detach().requires_grad_(requires_grad)


def _tensor_or_tensors_to_tuple(tensors, length):
    if tensors is None:
        return (None,) * length
    if isinstance(tensors, Tensor):
        return (tensors,)
    return tuple(tensors)


def _make_grads(outputs, grads):
    # zip() truncates like torch; a length mismatch is reported afterwards by the caller.
    new_grads = []
    for out, g in zip(outputs, grads):
        if g is None or isinstance(g, Tensor):
            if g is not None and g.shape != out.shape:
                raise RuntimeError("Mismatch in shape: grad_output[%d] has a shape of %s and output[%d] has a shape "
                                   "of %s." % (len(new_grads), g.shape, len(new_grads), out.shape))
            new_grads.append(g)
        else:
            raise TypeError("gradients can be either Tensors or None, but got " + type(g).__name__)
    if len(new_grads) != len(outputs):
        raise RuntimeError("got %d tensors and %d gradients" % (len(outputs), len(new_grads)))
    return new_grads


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


_warned_create_graph = [False]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulates d(tensors)/d(leaves) into the leaves' ``.grad`` (or only into ``inputs``')."""
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.", FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                               "`backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    if inputs is not None and len(_as_tuple(inputs)) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    tensors = _as_tuple(tensors)
    inputs = _as_tuple(inputs) if inputs is not None else ()
    grads = _make_grads(tensors, _tensor_or_tensors_to_tuple(grad_tensors, len(tensors)))
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph and not _warned_create_graph[0]:
        _warned_create_graph[0] = True
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
                      "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
                      "of your parameters to None after use to break the cycle and avoid the leak.", UserWarning,
                      stacklevel=3)
    _C._autograd_backward(list(tensors), grads, retain_graph, create_graph, list(inputs))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Returns d(outputs)/d(inputs) (one entry per input) without touching ``.grad``."""
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    t_outputs = _as_tuple(outputs)
    t_inputs = _as_tuple(inputs)
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.", FutureWarning,
                      stacklevel=2)
    if len(t_inputs) == 0:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if is_grads_batched:
        return _batched_grad(t_outputs, t_inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                             materialize_grads)
    grads = _make_grads(t_outputs, _tensor_or_tensors_to_tuple(grad_outputs, len(t_outputs)))
    if retain_graph is None:
        retain_graph = create_graph
    result = _C._autograd_grad(list(t_outputs), list(t_inputs), grads, retain_graph, create_graph, allow_unused)
    if materialize_grads:
        result = tuple(_C.zeros_like(i, requires_grad=create_graph) if r is None else r
                       for r, i in zip(result, t_inputs))
    return result


def _batched_grad(t_outputs, t_inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads):
    # is_grads_batched: the first dim of every grad_output is a batch of vectors; one backward each.
    gos = _tensor_or_tensors_to_tuple(grad_outputs, len(t_outputs))
    sizes = {g.shape[0] for g in gos if g is not None}
    if len(sizes) != 1:
        raise RuntimeError("If `is_grads_batched=True`, we interpret the first dimension of each grad_output as "
                           "the batch dimension. The sizes of the batch dimensions must be equal.")
    n = sizes.pop()
    per = []
    for b in range(n):
        go = [None if g is None else g[b] for g in gos]
        per.append(grad(t_outputs, t_inputs, go, retain_graph=True if b < n - 1 else retain_graph,
                        create_graph=create_graph, allow_unused=allow_unused, materialize_grads=materialize_grads))
    out = []
    for j in range(len(t_inputs)):
        col = [p[j] for p in per]
        if all(c is None for c in col):
            out.append(None)
        else:
            col = [_C.zeros_like(t_inputs[j]) if c is None else c for c in col]
            out.append(_C.stack(col))
    return tuple(out)


def _is_checkpoint_valid():
    return True
