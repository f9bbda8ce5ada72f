"""Custom differentiable operations: ``class MyFn(Function)`` with static ``forward``/``backward``.

``MyFn.apply(*args)`` creates a ctx (an instance of the generated class ``MyFnBackward``), runs
``forward`` under no_grad, and lets C++ (``_C._function_record``) attach a graph node whose backward
calls ``ctx._backward_impl``. The ctx is the outputs' ``grad_fn``, as in PyTorch.
"""
import functools
import inspect
import itertools
import warnings

from .. import _C
from .grad_mode import no_grad

__all__ = ["FunctionCtx", "BackwardCFunction", "FunctionMeta", "Function", "InplaceFunction", "once_differentiable"]

Tensor = _C.Tensor

_SECOND_TIME = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
    "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
    "saved tensors after calling backward.")


class FunctionCtx:
    """The ``ctx`` API available to ``forward``/``setup_context`` and ``backward``."""

    def save_for_backward(self, *tensors):
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument %d is of type %s"
                                % (i, type(t).__name__))
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise AssertionError("save_for_forward expects all arguments to be tensors; you should save "
                                     "non-tensors as attributes on ctx.")
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        self.dirty_tensors = args

    def mark_shared_storage(self, *pairs):
        warnings.warn("mark_shared_storage is deprecated. Tensors with shared storages are automatically tracked. "
                      "Note that calls to `set_()` are not tracked", DeprecationWarning, stacklevel=2)

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx):
    """Base of the generated ``<Name>Backward`` classes; an instance is both ctx and graph node."""

    _forward_cls = None
    _weak_node = None
    _saved = None
    _released = False
    materialize_grads = True

    @staticmethod
    def _backward_impl(ctx, *grads):
        # Called by the C++ node with ctx explicitly (see _function_record).
        fwd = ctx._forward_cls
        has_bw = fwd.backward is not Function.backward
        has_vjp = fwd.vjp is not Function.vjp
        if has_bw and has_vjp:
            raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You "
                               "should only implement one of them.")
        user_fn = fwd.vjp if has_vjp else fwd.backward
        result = user_fn(ctx, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        name = type(ctx).__name__
        is_tensor = ctx._arg_is_tensor
        n = len(result)
        while n > len(is_tensor) and result[n - 1] is None:
            n -= 1
        if n != len(is_tensor):
            raise RuntimeError("function %s returned an incorrect number of gradients (expected %d, got %d)"
                               % (name, len(is_tensor), len(result)))
        for i in range(n):
            if not is_tensor[i] and result[i] is not None:
                raise RuntimeError("function %s returned a gradient different than None at position %d, but the "
                                   "corresponding forward input was not a Variable" % (name, i + 1))
        return result[:n]

    def _release(self):
        self._saved = None
        self._released = True

    @property
    def saved_tensors(self):
        if self._released:
            raise RuntimeError(_SECOND_TIME)
        if self._saved is None:  # inside forward/setup_context, before packing
            return tuple(getattr(self, "to_save", None) or ())
        node = self._weak_node
        return tuple(None if s is None else s.unpack(node) for s in self._saved)

    saved_variables = saved_tensors

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        return self._weak_node.next_functions if self._weak_node is not None else ()

    @property
    def metadata(self):
        d = self.__dict__.get("_metadata")
        if d is None:
            d = self.__dict__["_metadata"] = {}
        return d

    def _sequence_nr(self):
        return self._weak_node._sequence_nr if self._weak_node is not None else -1

    def apply(self, *grads):
        return self._backward_impl(self, *grads)

    def __call__(self, *grads):
        return self._weak_node(*grads)


_function_ids = itertools.count()


class FunctionMeta(type):
    """Creates ``<Name>Backward`` (the ctx/node class) for every Function subclass."""

    def __init__(cls, name, bases, attrs):
        backward_cls = type(name + "Backward", (BackwardCFunction,),
                            {"_forward_cls": cls, "__module__": __name__})
        backward_cls._autograd_function_id = next(_function_ids)
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


def _bind_args(fn, skip_ctx, args, kwargs):
    sig = inspect.signature(fn)
    if skip_ctx:
        bound = sig.bind(None, *args, **kwargs)
        bound.apply_defaults()
        return bound.args[1:]
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Base class for custom autograd operations (all methods static; call ``MyFn.apply``)."""

    def __init__(self, *args, **kwargs):
        warnings.warn("%s should not be instantiated. Methods on autograd functions are all static, so you should "
                      "invoke them on the class itself. Instantiating an autograd function will raise an error in a "
                      "future version of PyTorch." % (type(self),), DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    generate_vmap_rule = False

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with "
                                  "forward mode AD.")

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap staticmethod "
                                  "or set generate_vmap_rule=True.")

    @classmethod
    def apply(cls, *args, **kwargs):
        setup_style = cls.setup_context is not Function.setup_context
        if setup_style:
            args = _bind_args(cls.forward, False, args, kwargs)
        elif kwargs:
            args = _bind_args(cls.forward, True, args, kwargs)
        ctx = cls._backward_cls()
        ctx._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            if setup_style:
                outputs = cls.forward(*args)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args)
        return _finish(ctx, args, outputs)


def _finish(ctx, args, outputs):
    """Validates ctx marks, records the graph node and packs the saved tensors."""
    flat = outputs if isinstance(outputs, tuple) else (outputs,)
    dirty = list(ctx.__dict__.pop("dirty_tensors", None) or ())
    for d in dirty:
        if not any(d is o for o in flat):
            raise RuntimeError("Some elements marked as dirty during the forward method were not returned as output. "
                               "The inputs that are modified inplace must all be outputs of the Function.")
    non_diff = list(ctx.__dict__.pop("non_differentiable", None) or ())
    outputs = _C._function_record(ctx, type(ctx).__name__, tuple(args), outputs, dirty, non_diff,
                                  ctx.materialize_grads)
    to_save = ctx.__dict__.pop("to_save", None)
    if to_save is not None:
        # Saved outputs are packed without their grad_fn (no ctx -> output -> node -> ctx cycle).
        flat = outputs if isinstance(outputs, tuple) else (outputs,)
        ctx._saved = tuple(None if t is None else _C._save_tensor(t, any(t is o for o in flat)) for t in to_save)
    else:
        ctx._saved = ()
    return outputs


class InplaceFunction(Function):
    """Legacy base class carrying an ``inplace`` flag."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class _DelayedError(Function):
    # Stands in for the graph of a once_differentiable backward: differentiating it raises.
    @staticmethod
    def forward(ctx, msg, n_grads, *tensors):
        ctx.msg = msg
        return tuple(t.detach() for t in tensors[n_grads:])

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(ctx.msg)


def once_differentiable(fn):
    """Runs a backward under no_grad; differentiating its result again raises an error."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not _C.is_grad_enabled():
            return outputs
        grads = [a for a in args if isinstance(a, Tensor)]
        if not any(g.requires_grad for g in grads):
            return outputs
        tup = outputs if isinstance(outputs, tuple) else (outputs,)
        idx = [i for i, o in enumerate(tup) if isinstance(o, Tensor)]
        wrapped = _DelayedError.apply("trying to differentiate twice a function that was marked with "
                                      "@once_differentiable", len(grads), *grads, *(tup[i] for i in idx))
        if not isinstance(wrapped, tuple):
            wrapped = (wrapped,)
        res = list(tup)
        for i, w in zip(idx, wrapped):
            res[i] = w
        return tuple(res) if isinstance(outputs, tuple) else res[0]

    return wrapper


def traceable(fn_cls):
    fn_cls.is_traceable = True
    return fn_cls
