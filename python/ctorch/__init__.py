"""ctorch: a PyTorch-compatible tensor library with a C++17 core.

Every public function of the extension ``ctorch._C`` is re-exported here automatically, so new
bindings appear as ``ctorch.<name>`` without edits to this file. Python-level Tensor methods
live in ``_tensor.py``. Note: after the dtype aliases below, ``int``/``float``/``bool`` in this
module are dtypes; code here uses ``builtins`` for the Python types.
"""
import builtins as _builtins
import sys as _sys

from . import _C
from ._dtype import (dtype, bool_ as bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32,
                     float64, finfo, iinfo)
from ._size import Size, device
from ._size import device as _size_device

__version__ = "0.1.0"

half = float16
float = float32
double = float64
short = int16
int = int32
long = int64

Tensor = _C.Tensor
Tensor.__module__ = "ctorch"
Generator = _C.Generator
default_generator = _C.default_generator

from . import _tensor  # noqa: E402  (attaches Python methods to Tensor)
from ._tensor import _layout  # noqa: E402
from ._storage import UntypedStorage, TypedStorage, is_storage  # noqa: E402
from ._legacy import LEGACY_TYPES as _LEGACY_TYPES  # noqa: E402
from ._tensor_str import set_printoptions, get_printoptions, printoptions  # noqa: E402

strided = _layout.strided
contiguous_format = _layout.contiguous_format
preserve_format = _layout.preserve_format
channels_last = _layout.channels_last
layout = type(strided)
memory_format = type(strided)
globals().update(_LEGACY_TYPES)


def _export_C():
    g = globals()
    for name in dir(_C):
        if name.startswith("_") or name in g:
            continue
        g[name] = getattr(_C, name)


_export_C()
for _exc in (_C.OutOfMemoryError, _C.AcceleratorError):  # torch.OutOfMemoryError, torch.AcceleratorError
    _exc.__module__ = "ctorch"

from ._streams import Stream, Event  # noqa: E402,F401
from . import accelerator, backends, cpu, cuda, random, utils, version  # noqa: E402,F401


def get_device_module(device=None):
    """The module of a device type: ctorch.cuda for 'cuda', ctorch.cpu for 'cpu'; with no
    argument, the accelerator's module (ctorch.cpu when the build has none)."""
    if isinstance(device, _size_device):
        name = device.type
    elif isinstance(device, str):
        name = _size_device(device).type
    elif device is None:
        acc = accelerator.current_accelerator()
        name = acc.type if acc is not None else "cpu"
    else:
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    mod = _sys.modules[__name__].__dict__.get(name)
    if mod is None:
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as 'torch.{name}'.")
    return mod
from . import autograd  # noqa: E402,F401
from .autograd.grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: E402,F401
from .autograd.anomaly_mode import is_anomaly_enabled, is_anomaly_check_nan_enabled  # noqa: E402,F401


def _float_dtype_or_raise(d):
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    return d


def set_default_dtype(d):
    """Sets the default floating dtype (float16, bfloat16, float32 or float64)."""
    if not isinstance(d, dtype):
        raise TypeError("set_default_dtype(): argument 'd' (position 1) must be torch.dtype, not %s" % type(d).__name__)
    _C.set_default_dtype(_float_dtype_or_raise(d))


def set_default_tensor_type(t):
    """Accepts ctorch.FloatTensor-style classes or 'torch.DoubleTensor' strings (deprecated in torch)."""
    import warnings as _warnings
    _warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                   "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                   stacklevel=2)
    if isinstance(t, str):
        d, is_cuda = _tensor._parse_type_name(t)
        name = t
    else:
        d, is_cuda = getattr(t, "dtype", None), getattr(t, "is_cuda", False)
        name = "torch.%s%s" % ("cuda." if is_cuda else "", getattr(t, "__name__", t))
    if is_cuda and not _C._cuda_compiled():
        raise TypeError("type %s not available. Torch not compiled with CUDA enabled." % name)
    if is_cuda:
        cuda._lazy_init()  # no GPU: torch's RuntimeError
    _C.set_default_dtype(_float_dtype_or_raise(d))
    _C._set_default_device("cuda" if is_cuda else "cpu")


def set_default_device(device):
    """Factories called without device= allocate on `device` (None: the CPU) in this thread;
    *_like ops keep following their input, as in PyTorch."""
    _C._set_default_device("cpu" if device is None else str(_size_device(device)))


def get_default_device():
    d = _size_device(_C._get_default_device())
    if d.type == "cuda" and d.index is None:
        return _size_device("cuda", cuda.current_device())  # as torch: the index in use
    return d


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other| elementwise (equal values, infinities included,
    are always close), with torch's dtype and argument checks."""
    if input.dtype is not other.dtype:
        raise RuntimeError("%s did not match %s" % (input.dtype._legacy, other.dtype._legacy))
    if rtol < 0:
        raise RuntimeError("rtol must be greater than or equal to zero, but got %s" % (rtol,))
    if atol < 0:
        raise RuntimeError("atol must be greater than or equal to zero, but got %s" % (atol,))
    close = input == other
    if input.dtype is bool or (rtol == 0 and atol == 0):
        return close
    if equal_nan and input.is_floating_point():
        close = close | (input.isnan() & other.isnan())
    a, b = input, other
    if not input.is_floating_point():  # integers: the error is computed in the default dtype
        a, b = input.to(get_default_dtype()), other.to(get_default_dtype())
    actual = (a - b).abs()
    return close | (actual.isfinite() & (actual <= atol + (rtol * b).abs()))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _builtins.bool(isclose(input, other, rtol, atol, equal_nan).all().item())


_tensor._define("isclose", isclose)
_tensor._define("allclose", allclose)


def is_nonzero(input):
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with %s values is ambiguous"
                           % ("no" if input.numel() == 0 else "more than one"))
    return _builtins.bool(input.item())


def numel(input):
    return input.numel()


def use_deterministic_algorithms(mode, *, warn_only=False):
    """While set, ops whose results could depend on thread timing take order-fixed paths: CUDA
    index writes with duplicate indices (scatter, index_put_, index_add_, their backward) run in
    the CPU's order. Every other ctorch kernel is deterministic already."""
    _C._set_deterministic_algorithms(mode, warn_only=warn_only)


def are_deterministic_algorithms_enabled():
    return _C._get_deterministic_algorithms()[0]


def is_deterministic_algorithms_warn_only_enabled():
    return _C._get_deterministic_algorithms()[1]


def set_deterministic_debug_mode(debug_mode):
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               + debug_mode)
        debug_mode = names[debug_mode]
    elif isinstance(debug_mode, _builtins.int):
        if debug_mode not in (0, 1, 2):
            raise RuntimeError("invalid value of debug_mode, expected 0, 1, or 2, but got %d" % debug_mode)
    else:
        raise TypeError("debug_mode must be str or int, but got %s" % type(debug_mode))
    _C._set_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    enabled, warn_only = _C._get_deterministic_algorithms()
    return 0 if not enabled else 1 if warn_only else 2


_fp32_matmul_precision = "highest"


def set_float32_matmul_precision(precision):
    """"highest" computes float32 matmuls in float32; "high" and "medium" allow TF32 on CUDA
    (same as torch.backends.cuda.matmul.allow_tf32 = True). CPU matmuls are unaffected."""
    global _fp32_matmul_precision
    if precision not in ("highest", "high", "medium"):
        import warnings
        warnings.warn("%s is not one of 'highest', 'high', or 'medium'; the current "
                      "setFloat32MatmulPrecision call has no effect." % (precision,))
        return
    _fp32_matmul_precision = precision
    backends.cuda.matmul.allow_tf32 = precision != "highest"


def get_float32_matmul_precision():
    if not backends.cuda.matmul.allow_tf32:
        return "highest"
    return _fp32_matmul_precision if _fp32_matmul_precision != "highest" else "high"


def manual_seed(seed):
    """Seeds the default CPU generator (and CUDA's when present); returns the default Generator."""
    seed = _builtins.int(seed)
    g = _C.manual_seed(seed)
    cuda.manual_seed_all(seed)
    return g


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with Tensors and NumPy arrays when no conversion is needed."""
    import numpy as _np
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    if isinstance(data, _np.ndarray) and data.dtype != _np.dtype("O"):
        try:
            t = _C.from_numpy(data)
        except (TypeError, ValueError):
            return _C.tensor(data, dtype=dtype, device=device)
        return t.to(device=device, dtype=dtype)
    return _C.tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    if copy:
        return _C.tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    t = as_tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_dlpack(ext_tensor):
    return utils.dlpack.from_dlpack(ext_tensor)


def typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "") or ""
    return (module + "." if module and module != "builtins" else "") + type(obj).__qualname__


# ctorch.<op> for submodule-style access used by some programs (torch.functional-like helpers).
_sys.modules.setdefault(__name__ + "._C", _C)


# ---- module-level forms of Tensor methods (torch.reshape(x, ...), torch.transpose(x, 0, 1), ...)
def _tensor_method_alias(name, method=None):
    method = method or name

    def fn(input, *args, **kwargs):
        return getattr(input, method)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = "Same as Tensor.%s (module-level form)." % method
    return fn


Tensor.moveaxis = lambda self, source, destination: self.movedim(source, destination)
Tensor.ravel = lambda self: self.reshape(-1)
Tensor.broadcast_to = lambda self, size: self.expand(size)
for _name in ("reshape", "transpose", "permute", "t", "narrow", "select", "squeeze", "unsqueeze", "flatten",
              "unflatten", "as_strided", "diagonal", "movedim", "moveaxis", "swapaxes", "swapdims", "clone",
              "detach", "ravel"):
    if not hasattr(_C, _name):
        globals()[_name] = _tensor_method_alias(_name)
del _name
