"""DLPack interop: to_dlpack(tensor) -> capsule, from_dlpack(obj or capsule) -> Tensor (zero copy)."""
import enum

from .. import _C


class DLDeviceType(enum.IntEnum):
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3


def to_dlpack(tensor):
    """A "dltensor" capsule sharing the tensor's memory."""
    return tensor.__dlpack__()


def from_dlpack(ext_tensor):
    """A tensor sharing memory with any object that implements __dlpack__ (or a legacy capsule)."""
    if isinstance(ext_tensor, _C.Tensor):
        return ext_tensor
    if hasattr(ext_tensor, "__dlpack__"):
        dev = ext_tensor.__dlpack_device__() if hasattr(ext_tensor, "__dlpack_device__") else (1, 0)
        kwargs = {"stream": None} if int(dev[0]) == DLDeviceType.kDLCUDA else {}
        try:
            capsule = ext_tensor.__dlpack__(max_version=(1, 0), **kwargs)
        except TypeError:  # producer predates DLPack 1.0
            capsule = ext_tensor.__dlpack__(**kwargs)
        return _C._from_dlpack_capsule(capsule)
    return _C._from_dlpack_capsule(ext_tensor)
