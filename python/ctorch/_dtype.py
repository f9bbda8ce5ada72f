"""ctorch.dtype objects (ctorch.float32, ...), finfo and iinfo. The C++ core maps dtypes by identity."""
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


# Legacy "FloatTensor" names <-> dtypes (Tensor.type(), set_default_tensor_type).
_BY_LEGACY = {d._legacy + "Tensor": d for d in _ALL}


def _g(v):
    return "%g" % v


class finfo:
    """Machine limits of a floating dtype (ctorch.finfo(ctorch.float32).eps, ...)."""

    _TABLE = {
        # bits, eps, max, tiny, resolution
        "float16": (16, 0.0009765625, 65504.0, 6.103515625e-05, 0.001),
        "bfloat16": (16, 0.0078125, 3.3895313892515355e+38, 1.1754943508222875e-38, 0.01),
        "float32": (32, 1.1920928955078125e-07, 3.4028234663852886e+38, 1.1754943508222875e-38, 1e-06),
        "float64": (64, 2.220446049250313e-16, 1.7976931348623157e+308, 2.2250738585072014e-308, 1e-15),
    }

    def __init__(self, type=None):
        if type is None:
            type = _C.get_default_dtype()
        if not isinstance(type, dtype):
            raise TypeError("finfo(): argument 'type' (position 1) must be torch.dtype, not %s" % builtins_type(type))
        if type._name not in self._TABLE:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
        self.bits, self.eps, self.max, self.tiny, self.resolution = self._TABLE[type._name]
        self.min = -self.max
        self.smallest_normal = self.tiny
        self.dtype = type._name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return ("finfo(resolution=%s, min=%s, max=%s, eps=%s, smallest_normal=%s, tiny=%s, dtype=%s)"
                % (_g(self.resolution), _g(self.min), _g(self.max), _g(self.eps), _g(self.smallest_normal),
                   _g(self.tiny), self.dtype))

    __str__ = __repr__


class iinfo:
    """Limits of an integer dtype (ctorch.iinfo(ctorch.int32).max, ...)."""

    _TABLE = {
        "uint8": (8, 0, 255),
        "int8": (8, -128, 127),
        "int16": (16, -32768, 32767),
        "int32": (32, -2147483648, 2147483647),
        "int64": (64, -9223372036854775808, 9223372036854775807),
    }

    def __init__(self, type):
        if not isinstance(type, dtype):
            raise TypeError("iinfo(): argument 'type' (position 1) must be torch.dtype, not %s" % builtins_type(type))
        if type._name == "bool":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type._name not in self._TABLE:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        self.bits, self.min, self.max = self._TABLE[type._name]
        self.dtype = type._name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return "iinfo(min=%s, max=%s, dtype=%s)" % (_g(self.min), _g(self.max), self.dtype)

    __str__ = __repr__


def builtins_type(obj):
    return type(obj).__name__
