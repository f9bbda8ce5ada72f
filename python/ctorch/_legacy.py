"""Legacy tensor type classes (ctorch.FloatTensor, ctorch.cuda.FloatTensor, ...): constructors and
isinstance checks."""
from . import _C
from ._dtype import _ALL
from ._size import device as _device


class _LegacyTensorMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _C.Tensor) and obj.dtype is cls.dtype and obj.device.type == cls._device_type

    def __call__(cls, *args, device=None):
        if cls.is_cuda:
            if not _C._cuda_compiled():
                raise TypeError("type %s not available. Torch not compiled with CUDA enabled." % cls._torch_name)
            if device is None:
                device = "cuda"
            elif _device(device).type != "cuda":
                raise RuntimeError("legacy constructor expects device type: cuda but device type: %s was passed"
                                   % _device(device).type)
        kw = {"dtype": cls.dtype, "device": device}
        if not args:
            return _C.empty(0, **kw)
        a0 = args[0]
        if isinstance(a0, _C.Tensor) and len(args) == 1:
            if a0.dtype is not cls.dtype:
                raise TypeError("expected %s (got %s)" % (cls.dtype._legacy, a0.dtype._legacy))
            return a0._alias()
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args) or type(a0).__name__ == "Size":
            return _C.empty(*args, **kw)
        if len(args) != 1:
            raise TypeError("new(): invalid combination of arguments")
        return _C.tensor(a0, **kw)


def _make(d, cuda=False):
    name = d._legacy + "Tensor"
    module = "ctorch.cuda" if cuda else "ctorch"
    cls = _LegacyTensorMeta(name, (), {"dtype": d, "is_cuda": cuda, "_device_type": "cuda" if cuda else "cpu",
                                       "_torch_name": module.replace("ctorch", "torch") + "." + name,
                                       "__module__": module})
    return name, cls


LEGACY_TYPES = dict(_make(d) for d in _ALL)
CUDA_LEGACY_TYPES = dict(_make(d, cuda=True) for d in _ALL)
