"""ctorch.Size and ctorch.device."""
import builtins


class Size(tuple):
    def __new__(cls, seq=()):
        return super().__new__(cls, (builtins.int(s) for s in seq))

    def __repr__(self):
        return "ctorch.Size([" + ", ".join(str(s) for s in self) + "])"

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
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


class device:
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, builtins.int):
            self.type, self.index = "cuda", type
            return
        if ":" in type:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed explicitly: " + type)
            type, idx = type.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError("Invalid device string: '%s:%s'" % (type, idx))
            index = builtins.int(idx)
        if type not in ("cpu", "cuda", "meta"):
            raise RuntimeError("Expected one of cpu, cuda device type at start of device string: " + type)
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
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))
