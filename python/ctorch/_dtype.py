"""ctorch.dtype objects (ctorch.float32, ...). The C++ core maps them by identity."""
from . import _C


class dtype:
    __slots__ = ("_index", "_name", "itemsize", "is_floating_point", "_legacy")

    def __init__(self, index):
        name, itemsize, is_float, legacy = _C._dtype_info(index)
        self._index = index
        self._name = name
        self.itemsize = itemsize
        self.is_floating_point = is_float
        self._legacy = legacy

    @property
    def is_signed(self):
        return self._name not in ("bool", "uint8")

    @property
    def is_complex(self):
        return False

    def __repr__(self):
        return "ctorch." + self._name

    def __reduce__(self):
        return (_lookup, (self._name,))

    def to_real(self):
        return self

    def to_complex(self):
        raise RuntimeError("complex dtypes are not supported by ctorch")


_ALL = [dtype(i) for i in range(10)]
(bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64) = _ALL
_C._register_dtypes(list(_ALL))
_BY_NAME = {d._name: d for d in _ALL}


def _lookup(name):
    return _BY_NAME[name]
