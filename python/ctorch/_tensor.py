"""Python-level methods of ctorch.Tensor: conversions, NumPy/DLPack interop, pickling,
printing and the autograd-facing properties (placeholders until the autograd engine binds them).

Methods are attached to the C++ class only when C++ has not bound the name already, so an
area that later binds e.g. ``__len__`` or ``requires_grad`` in C++ takes precedence.
"""
import builtins
import numbers
import warnings

import numpy as np

from . import _C, _tensor_str
from ._dtype import dtype as _dtype_cls, _ALL, _BY_LEGACY, bfloat16, float32
from ._size import device as _device
from ._storage import TypedStorage, UntypedStorage, _storage_of

Tensor = _C.Tensor
_CPU = _device("cpu")
_warned = set()


def _warn_once(key, msg):
    if key not in _warned:
        _warned.add(key)
        warnings.warn(msg, UserWarning, stacklevel=3)


def _define(name, value, force=False):
    # None counts as unbound: pybind11 sets __hash__ = None on classes that bind __eq__.
    if force or Tensor.__dict__.get(name) is None:
        setattr(Tensor, name, value)


def _method(fn):
    _define(fn.__name__, fn)
    return fn


def _cuda_check():
    if not _C._cuda_compiled():
        raise AssertionError("Torch not compiled with CUDA enabled")


def _as_device(d):
    if isinstance(d, _device):
        dev = d
    else:
        dev = _device(d)
    if dev.type == "cuda":
        _cuda_check()
    return dev


# ----------------------------------------------------------------------------- printing

def _numpy_values(t):
    if t.dtype is bfloat16:  # torch formats bfloat16 through float32
        t = t._to_dtype(float32, False)
    return t._numpy()


@_method
def __repr__(self, *, tensor_contents=None):
    t = self
    device_str = None
    if self.device.type != "cpu":
        device_str = str(self.device)
        t = self._to_device(_CPU, False, False)
    grad_fn = getattr(self, "grad_fn", None)
    grad_fn_name = None
    if grad_fn is not None:
        grad_fn_name = grad_fn.name() if hasattr(grad_fn, "name") else type(grad_fn).__name__
        grad_fn_name = grad_fn_name.rsplit("::", 1)[-1]  # torch prints <CopySlices>, not its C++ name
    return _tensor_str.format_tensor(
        _numpy_values(t), dtype_name=repr(self.dtype), default_dtype_name=repr(_C.get_default_dtype()),
        device_str=device_str, requires_grad=bool(getattr(self, "requires_grad", False)), grad_fn_name=grad_fn_name)


_define("__str__", __repr__)


@_method
def __format__(self, spec):
    if self.dim() == 0:
        return self.item().__format__(spec)
    if spec:
        raise TypeError("unsupported format string passed to Tensor.__format__")
    return repr(self)


# ----------------------------------------------------------------------------- NumPy / Python values

@_method
def numpy(self, *, force=False):
    if force:
        t = self._alias()
        if t.device.type != "cpu":
            t = t._to_device(_CPU, False, False)
        return t._numpy()
    if getattr(self, "requires_grad", False):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
    return self._numpy()


@_method
def tolist(self):
    t = self if self.device.type == "cpu" else self._to_device(_CPU, False, False)
    return _numpy_values(t).tolist()


@_method
def __array__(self, dtype=None, copy=None):
    a = self.numpy()
    if dtype is not None:
        a = a.astype(dtype, copy=False)
    if copy:
        a = a.copy()
    return a


@_method
def __array_wrap__(self, array, context=None, return_scalar=False):
    # numpy ufuncs on tensors return tensors (bool results as uint8, like torch).
    array = np.asarray(array)
    if array.dtype == bool:
        array = array.astype("uint8")
    return _C.from_numpy(np.ascontiguousarray(array) if not array.flags.writeable else array)


_define("__array_priority__", 1000)


# ----------------------------------------------------------------------------- DLPack

@_method
def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
    if getattr(self, "requires_grad", False):
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    t = self.clone() if copy else self
    versioned = max_version is not None and max_version[0] >= 1
    return _C._to_dlpack(t, versioned)


@_method
def __dlpack_device__(self):
    from .utils.dlpack import DLDeviceType
    if self.device.type == "cuda":
        return (DLDeviceType.kDLCUDA, self.device.index or 0)
    return (DLDeviceType.kDLCPU, 0)


# ----------------------------------------------------------------------------- pickling and copies

def _rebuild_tensor(storage, dtype, size, stride, offset, requires_grad=False, device=None, state=None):
    t = _C._tensor_from_bytes(storage._arr, dtype, list(size), list(stride), offset)
    if device is not None and device != "cpu":
        t = t._to_device(_device(device), False, False)
    if requires_grad:
        t.requires_grad_(True)
    if state:
        t.__dict__.update(state)
    return t


def _reduce_args(t, storage):
    state = dict(t.__dict__) if getattr(t, "__dict__", None) else None
    dev = None if t.device.type == "cpu" else str(t.device)
    return (storage, t.dtype, tuple(t.shape), t.stride(), t.storage_offset(),
            bool(getattr(t, "requires_grad", False)), dev, state)


@_method
def __reduce_ex__(self, proto):
    t = self if self.device.type == "cpu" else self._to_device(_CPU, False, False)
    return (_rebuild_tensor, _reduce_args_for(self, t, _storage_of(t)))


def _reduce_args_for(orig, t, storage):
    args = list(_reduce_args(t, storage))
    args[6] = None if orig.device.type == "cpu" else str(orig.device)
    return tuple(args)


@_method
def __deepcopy__(self, memo):
    if id(self) in memo:
        return memo[id(self)]
    t = self if self.device.type == "cpu" else self._to_device(_CPU, False, False)
    key = ("ctorch.storage", t._storage_ptr(), t._storage_nbytes())
    storage = memo.get(key)
    if storage is None:
        storage = UntypedStorage._from_array(_C._storage_bytes(t).copy())
        memo[key] = storage
    import copy as _copy
    args = _reduce_args_for(self, t, storage)
    new = _rebuild_tensor(*args[:7])
    if args[7]:
        new.__dict__.update(_copy.deepcopy(args[7], memo))
    grad = getattr(self, "grad", None)
    if grad is not None and getattr(new, "grad", None) is None:
        new.grad = _copy.deepcopy(grad, memo)
    memo[id(self)] = new
    return new


@_method
def storage(self):
    _warn_once("typed_storage",
               "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
               "storage class. This should only matter to you if you are using storages directly.  To access "
               "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()")
    return TypedStorage(_storage_of(self), self.dtype)


@_method
def untyped_storage(self):
    return _storage_of(self)


_define("share_memory_", lambda self: self)
_define("is_shared", lambda self: False)
@_method
def pin_memory(self, device=None):
    """A copy in page-locked host memory (needed for asynchronous host-to-device copies)."""
    if self.device.type != "cpu":
        raise RuntimeError("cannot pin '%s' only dense CPU tensors can be pinned" % self.type())
    from . import cuda as _cuda
    _cuda._lazy_init()
    return self if self._is_pinned() else self._pin_memory()


@_method
def record_stream(self, stream):
    """Marks this CUDA tensor as used on `stream`: its memory is not reused before that stream's
    queued work (at the time the tensor dies) has finished."""
    self._record_stream(stream.cuda_stream)


@_method
def is_pinned(self, device=None):
    return builtins.bool(self._is_pinned())


# ----------------------------------------------------------------------------- dtype / device conversion

def _convert(t, dtype=None, device=None, copy=False, non_blocking=False):
    """t in dtype/device: t itself when nothing changes, else a copy laid out like t."""
    same_dtype = dtype is None or dtype is t.dtype
    same_dev = device is None or (device.type == t.device.type and (device.index is None or device.index == t.device.index
                                                                    or device.type == "cpu"))
    if same_dtype and same_dev and not copy:
        return t
    return t._to_copy(dtype, None if same_dev else device, builtins.bool(non_blocking))


def _conv(dt):
    def f(self, memory_format=None):
        return _convert(self, dt)
    return f


for _name, _dt in [("float", "float32"), ("double", "float64"), ("half", "float16"), ("bfloat16", "bfloat16"),
                   ("long", "int64"), ("int", "int32"), ("short", "int16"), ("char", "int8"), ("byte", "uint8"),
                   ("bool", "bool")]:
    _define(_name, _conv(next(d for d in _ALL if d._name == _dt)))


_PY_DTYPES = {builtins.int: "int64", builtins.float: "float64", builtins.bool: "bool"}


def _dt(x):
    """torch accepts the Python types int/float/bool wherever a dtype goes."""
    if builtins.type(x) is builtins.type and x in _PY_DTYPES:
        return next(d for d in _ALL if d._name == _PY_DTYPES[x])
    return x


@_method
def to(self, *args, **kwargs):
    args = tuple(_dt(a) for a in args)
    dtype = _dt(kwargs.pop("dtype", None))
    dev = kwargs.pop("device", None)
    copy = builtins.bool(kwargs.pop("copy", False))
    non_blocking = builtins.bool(kwargs.pop("non_blocking", False))
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError("to() got an unexpected keyword argument '%s'" % next(iter(kwargs)))
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
        dtype, dev = other.dtype, other.device
    elif rest and not isinstance(rest[0], (_dtype_cls, builtins.bool)):
        if isinstance(rest[0], (str, _device, builtins.int)):
            dev = rest.pop(0)
    if rest and isinstance(rest[0], _dtype_cls):
        if dtype is not None and not isinstance(args[0], Tensor) and args[0] is not rest[0]:
            raise TypeError("to() received an invalid combination of arguments - got (%s)"
                            % ", ".join(type(a).__name__ for a in args))
        dtype = rest.pop(0)
    if rest and isinstance(rest[0], builtins.bool):  # non_blocking
        non_blocking = rest.pop(0)
    if rest and isinstance(rest[0], builtins.bool):
        copy = rest.pop(0)
    if rest:
        raise TypeError("to() received an invalid combination of arguments - got (%s)"
                        % ", ".join(type(a).__name__ for a in args))
    return _convert(self, dtype, None if dev is None else _as_device(dev), copy, non_blocking)


def _parse_type_name(name):
    for prefix in ("torch.cuda.", "ctorch.cuda.", "torch.", "ctorch."):
        if name.startswith(prefix):
            key = name[len(prefix):]
            if key in _BY_LEGACY:
                return _BY_LEGACY[key], "cuda" in prefix
    raise ValueError("invalid type: '%s'" % name)


def _type(self, dtype=None, non_blocking=False, **kwargs):
    if dtype is None:
        return ("torch.cuda." if self.device.type == "cuda" else "torch.") + self.dtype._legacy + "Tensor"
    cuda = self.device.type == "cuda"
    if isinstance(dtype, str):
        dt, cuda = _parse_type_name(dtype)
    elif isinstance(dtype, _dtype_cls):
        dt = dtype
    elif hasattr(dtype, "dtype") and isinstance(getattr(dtype, "dtype"), _dtype_cls):
        dt = dtype.dtype  # legacy class such as ctorch.FloatTensor
        cuda = getattr(dtype, "is_cuda", False)
    else:
        raise TypeError("type() received an invalid combination of arguments")
    dev = None if cuda == (self.device.type == "cuda") else _as_device("cuda" if cuda else "cpu")
    return _convert(self, dt, dev)


_define("type", _type)  # not a module-level def: it would shadow builtins.type here


@_method
def type_as(self, other):
    return self.type(other.type())


@_method
def cpu(self, memory_format=None):
    return _convert(self, None, _CPU)


@_method
def cuda(self, device=None, non_blocking=False, memory_format=None):
    _cuda_check()
    if isinstance(device, builtins.int):
        device = "cuda:%d" % device
    return _convert(self, None, _as_device("cuda" if device is None else device), non_blocking=non_blocking)


@_method
def get_device(self):
    return -1 if self.device.type == "cpu" else (self.device.index or 0)


# ----------------------------------------------------------------------------- Python number protocol

@_method
def __bool__(self):
    n = self.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return builtins.bool(self.item())


def _one_value(self):
    if self.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return self.item()


_define("__int__", lambda self: builtins.int(_one_value(self)))
_define("__float__", lambda self: builtins.float(_one_value(self)))


@_method
def __index__(self):
    if self.is_floating_point() or self.numel() != 1:
        raise TypeError("only integer tensors of a single element can be converted to an index")
    return builtins.int(self.item())


_define("__hash__", lambda self: id(self))


@_method
def __len__(self):
    if self.dim() == 0:
        raise TypeError("len() of a 0-d tensor")
    return self.shape[0]


@_method
def __iter__(self):
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter([self.select(0, i) for i in range(self.shape[0])])


@_method
def __contains__(self, element):
    if isinstance(element, (Tensor, numbers.Number)):
        return builtins.bool((element == self).any().item())
    raise RuntimeError("Tensor.__contains__ only supports Tensor or scalar, but you passed in a %s." % builtins.type(element))


# ----------------------------------------------------------------------------- properties

def _T(self):
    if self.dim() == 0:
        _warn_once("T0", "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.")
    elif self.dim() != 2:
        _warn_once("T", "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                        "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                        "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                        "tensor.")
    return self.permute(*reversed(range(self.dim())))


def _H(self):
    if self.dim() > 2:
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got %d-D tensor." % self.dim())
    return self.permute(*reversed(range(self.dim())))


def _mH(self):
    if self.dim() < 2:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. Got %d-D tensor."
                           % self.dim())
    return self.transpose(-2, -1)


_define("T", property(_T))
_define("H", property(_H))
_define("mH", property(_mH))
_define("nbytes", property(lambda self: self.numel() * self.element_size()))
_define("itemsize", property(lambda self: self.element_size()))
_define("layout", property(lambda self: _layout.strided))
for _name in ("is_sparse", "is_quantized", "is_meta", "is_mkldnn", "is_nested", "is_sparse_csr", "is_mps", "is_xpu"):
    _define(_name, property(lambda self: False))
for _name in ("is_complex", "is_conj", "is_neg", "is_inference"):
    _define(_name, lambda self: False)
_define("resolve_conj", lambda self: self)
_define("resolve_neg", lambda self: self)
_define("conj", lambda self: self)


def _set_data(self, value):
    if not isinstance(value, Tensor):
        raise TypeError("Variable data has to be a tensor, but got %s" % builtins.type(value).__name__)
    self._set_data(value)


# Autograd placeholders: the autograd engine binds the real ones in C++ (those win, see _define).
_define("data", property(lambda self: self._alias(), _set_data))
_define("is_leaf", property(lambda self: True))
_define("grad_fn", property(lambda self: None))
_define("grad", property(lambda self: self.__dict__.get("_grad"),
                         lambda self, v: self.__dict__.__setitem__("_grad", v)))


def _set_requires_grad(self, value):
    if value and not self.is_floating_point():
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    self._set_requires_grad(builtins.bool(value))


def _requires_grad_(self, requires_grad=True):
    _set_requires_grad(self, requires_grad)
    return self


_define("requires_grad", property(lambda self: self._get_requires_grad(), _set_requires_grad))
_define("requires_grad_", _requires_grad_)
_define("detach", lambda self: self._alias())
_define("detach_", lambda self: self)


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the gradient of this tensor w.r.t. graph leaves (see ctorch.autograd.backward)."""
    from . import autograd
    autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)


_backward.__name__ = "backward"
_define("backward", _backward)


# ----------------------------------------------------------------------------- new_* factories

def _like_kwargs(self, kwargs):
    if kwargs.get("dtype") is None:
        kwargs["dtype"] = self.dtype
    if kwargs.get("device") is None:
        kwargs["device"] = self.device
    return kwargs


@_method
def new_tensor(self, data, dtype=None, device=None, requires_grad=False, **kwargs):
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _C.tensor(data, **_like_kwargs(self, dict(dtype=dtype, device=device, requires_grad=requires_grad)))
    return _C.tensor(data, **_like_kwargs(self, dict(dtype=dtype, device=device, requires_grad=requires_grad)))


_define("new_empty", lambda self, *size, **kw: _C.empty(*size, **_like_kwargs(self, kw)))
_define("new_zeros", lambda self, *size, **kw: _C.zeros(*size, **_like_kwargs(self, kw)))
_define("new_ones", lambda self, *size, **kw: _C.ones(*size, **_like_kwargs(self, kw)))
_define("new_full", lambda self, size, fill_value, **kw: _C.full(size, fill_value, **_like_kwargs(self, kw)))
_define("new_empty_strided",
        lambda self, size, stride, **kw: _C.empty_strided(size, stride, **_like_kwargs(self, kw)))


class _Layout:
    """ctorch.strided (the only layout) and the memory-format singletons."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    def __reduce__(self):
        return self._name


class _layout:
    strided = _Layout("strided")
    contiguous_format = _Layout("contiguous_format")
    preserve_format = _Layout("preserve_format")
    channels_last = _Layout("channels_last")
