"""Legacy tensor type classes (ctorch.FloatTensor, ...): constructors and isinstance checks."""
from . import _C
from ._dtype import _ALL


class _LegacyTensorMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _C.Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args, device=None):
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


def _make(d):
    name = d._legacy + "Tensor"
    cls = _LegacyTensorMeta(name, (), {"dtype": d, "is_cuda": False, "__module__": "ctorch"})
    return name, cls


LEGACY_TYPES = dict(_make(d) for d in _ALL)
