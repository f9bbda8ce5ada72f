"""Grad-mode context managers: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each is a context manager and a decorator (for plain functions and generators). The state lives in
C++ and is thread-local, so a thread started inside ``no_grad`` still sees grad enabled.
"""
import functools
import inspect

from .. import _C

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "set_multithreading_enabled"]


def _wrap_generator(ctx_factory, gen_fn):
    # The mode must hold while the generator body runs, but not between yields (the caller's code).
    @functools.wraps(gen_fn)
    def wrapper(*args, **kwargs):
        gen = gen_fn(*args, **kwargs)
        try:
            with ctx_factory():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with ctx_factory():
                        gen.close()
                    raise
                except BaseException as e:  # noqa: B902  (forwarded into the generator)
                    with ctx_factory():
                        response = gen.throw(e)
                else:
                    with ctx_factory():
                        response = gen.send(request)
        except StopIteration as e:
            return e.value

    return wrapper


class _DecoratorContextManager:
    """Base for context managers that also decorate functions (a fresh clone() per call)."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError("Please use the decorator on a function, not a class")
        if inspect.isgeneratorfunction(func):
            return _wrap_generator(self.clone, func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def __enter__(self):
        raise NotImplementedError

    def __exit__(self, exc_type, exc_value, traceback):
        raise NotImplementedError

    def clone(self):
        return self.__class__()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """Also usable bare: ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecoratorContextManager):
    """Disables gradient recording; results of ops have requires_grad=False."""

    def __init__(self):
        self.prev = False

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, exc_type, exc_value, traceback):
        _C._set_grad_enabled(self.prev)


class enable_grad(_NoParamDecoratorContextManager):
    """Enables gradient recording inside no_grad / set_grad_enabled(False)."""

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(True)

    def __exit__(self, exc_type, exc_value, traceback):
        _C._set_grad_enabled(self.prev)


class set_grad_enabled(_DecoratorContextManager):
    """Sets grad mode on construction (so a plain call works), restores it on exit."""

    def __init__(self, mode):
        self.prev = _C.is_grad_enabled()
        self.mode = bool(mode)
        _C._set_grad_enabled(self.mode)

    def __call__(self, orig_func):
        # As a decorator the constructor's side effect must not leak out.
        _C._set_grad_enabled(self.prev)
        return super().__call__(orig_func)

    def __enter__(self):
        _C._set_grad_enabled(self.mode)

    def __exit__(self, exc_type, exc_value, traceback):
        _C._set_grad_enabled(self.prev)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """inference_mode(True) disables grad recording (and version tracking in PyTorch);
    inference_mode(False) clears the flag and enables grad recording."""

    def __init__(self, mode=True):
        self.mode = mode

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # bare @inference_mode

    def __enter__(self):
        self._prev = (_C.is_inference_mode_enabled(), _C.is_grad_enabled())
        # Like c10::InferenceMode: grad mode is set to the opposite of the inference flag.
        _C._set_inference_mode(bool(self.mode))
        _C._set_grad_enabled(not self.mode)

    def __exit__(self, exc_type, exc_value, traceback):
        _C._set_inference_mode(self._prev[0])
        _C._set_grad_enabled(self._prev[1])

    def clone(self):
        return self.__class__(self.mode)


def _enter_inference_mode(mode):
    ctx = inference_mode(mode)
    ctx.__enter__()
    return ctx


def _exit_inference_mode(ctx):
    ctx.__exit__(None, None, None)


class set_multithreading_enabled(_DecoratorContextManager):
    """Accepted for compatibility: the ctorch engine always runs backward on the calling thread."""

    def __init__(self, mode):
        self.prev = _multithreading[0]
        self.mode = bool(mode)
        _multithreading[0] = self.mode

    def __call__(self, orig_func):
        _multithreading[0] = self.prev
        return super().__call__(orig_func)

    def __enter__(self):
        _multithreading[0] = self.mode

    def __exit__(self, exc_type, exc_value, traceback):
        _multithreading[0] = self.prev

    def clone(self):
        return self.__class__(self.mode)


_multithreading = [True]


def is_multithreading_enabled():
    return _multithreading[0]
