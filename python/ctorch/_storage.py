"""Minimal storages: Tensor.untyped_storage() / storage(), also what pickling serialises.

An UntypedStorage wraps a uint8 NumPy array that shares the tensor's memory. One wrapper is
cached per live storage, so views pickled together unpickle onto one shared buffer (pickle's
memo sees the same object), as they do in PyTorch.
"""
import weakref

import numpy as np

from . import _C

_CACHE = weakref.WeakValueDictionary()


class UntypedStorage:
    __slots__ = ("_arr", "__weakref__")

    def __init__(self, size=0, *, device=None):
        self._arr = np.zeros(int(size), dtype=np.uint8)

    @classmethod
    def _from_array(cls, arr):
        s = cls.__new__(cls)
        s._arr = arr
        return s

    @property
    def device(self):
        from ._size import device
        return device("cpu")

    def data_ptr(self):
        return self._arr.ctypes.data if self._arr.size else 0

    def size(self):
        return int(self._arr.size)

    nbytes = size

    def __len__(self):
        return int(self._arr.size)

    def element_size(self):
        return 1

    def tolist(self):
        return self._arr.tolist()

    def __getitem__(self, i):
        return self._arr[i].tolist()

    def __setitem__(self, i, v):
        self._arr[i] = v

    def __repr__(self):
        body = "\n".join(" " + str(v) for v in self._arr.tolist())
        head = body + "\n" if body else ""
        return head + "[torch.storage.UntypedStorage(device=cpu) of size %d]" % self.size()

    def __reduce__(self):
        return (_rebuild_storage, (self._arr.tobytes(),))


class TypedStorage:
    """Deprecated in torch; kept for tensor.storage().size() / data_ptr() style code."""

    __slots__ = ("_untyped", "dtype")

    def __init__(self, untyped, dtype):
        self._untyped = untyped
        self.dtype = dtype

    @property
    def device(self):
        return self._untyped.device

    def untyped(self):
        return self._untyped

    def _untyped_storage(self):
        return self._untyped

    def data_ptr(self):
        return self._untyped.data_ptr()

    def size(self):
        return self._untyped.size() // self.dtype.itemsize

    def __len__(self):
        return self.size()

    def nbytes(self):
        return self._untyped.size()

    def element_size(self):
        return self.dtype.itemsize

    def tolist(self):
        t = _C._tensor_from_bytes(self._untyped._arr, self.dtype, [self.size()], [1], 0)
        return t.tolist()

    def __repr__(self):
        body = "\n".join(" " + str(v) for v in self.tolist())
        head = body + "\n" if body else ""
        return head + "[torch.storage.TypedStorage(dtype=%r, device=cpu) of size %d]" % (self.dtype, self.size())


def _rebuild_storage(data):
    return UntypedStorage._from_array(np.frombuffer(bytearray(data), dtype=np.uint8))


def _storage_of(t):
    """The cached UntypedStorage of a CPU tensor."""
    if t.device.type != "cpu":
        raise RuntimeError("ctorch: storages of %s tensors are not supported" % t.device.type)
    key = (t._storage_ptr(), t._storage_nbytes())
    s = _CACHE.get(key)
    if s is None:
        s = UntypedStorage._from_array(_C._storage_bytes(t))
        _CACHE[key] = s
    return s


def is_storage(obj):
    return isinstance(obj, (UntypedStorage, TypedStorage))
