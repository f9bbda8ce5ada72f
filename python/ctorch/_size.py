"""ctorch.Size and ctorch.device (reprs exactly as PyTorch prints them)."""
import builtins
import threading
import operator

_DEVICE_TYPES = ("cpu", "cuda", "meta")


def _as_int(i, s):
    if isinstance(s, builtins.int) and not isinstance(s, builtins.bool):
        return s
    if hasattr(s, "__index__") and not isinstance(s, (builtins.float, builtins.bool)):
        try:
            return operator.index(s)
        except TypeError:
            pass
    raise TypeError("torch.Size() takes an iterable of 'int' (item %d is '%s')" % (i, type(s).__name__))


class Size(tuple):
    """A tuple of ints describing a tensor shape (subclass of tuple, like torch.Size)."""

    def __new__(cls, seq=()):
        return super().__new__(cls, [_as_int(i, s) for i, s in enumerate(seq)])

    def __repr__(self):
        return "torch.Size([" + ", ".join(str(s) for s in self) + "])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = super().__getitem__(i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        if not isinstance(n, builtins.int):
            return NotImplemented
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


class device:
    """ctorch.device('cpu'), device('cuda', 0), device('cuda:1')."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, builtins.int) and not isinstance(type, builtins.bool):
            from . import _C
            if not _C._cuda_compiled():
                raise RuntimeError("Cannot access accelerator device when none is available.")
            self.type, self.index = "cuda", type
            return
        if not isinstance(type, str):
            raise TypeError("device() received an invalid combination of arguments - got (%s)" % builtins.type(type).__name__)
        if ":" in type:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed explicitly: " + type)
            type, idx = type.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError("Invalid device string: '%s:%s'" % (type, idx))
            index = builtins.int(idx)
        if type not in _DEVICE_TYPES:
            raise RuntimeError("Expected one of cpu, cuda, meta device type at start of device string: " + type)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = type, index

    def __repr__(self):
        if self.index is None:
            return "device(type='%s')" % self.type
        return "device(type='%s', index=%d)" % (self.type, self.index)

    def __str__(self):
        return self.type if self.index is None else "%s:%d" % (self.type, self.index)

    def __eq__(self, other):
        # Like torch: a device never equals a string.
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        """`with ctorch.device('cuda'):` factories without device= allocate here (this thread)."""
        from . import _C
        _device_ctx_stack().append(_C._get_default_device())
        _C._set_default_device(str(self))
        return self

    def __exit__(self, *exc):
        from . import _C
        _C._set_default_device(_device_ctx_stack().pop())
        return False


_tls = threading.local()


def _device_ctx_stack():
    if not hasattr(_tls, "stack"):
        _tls.stack = []
    return _tls.stack
