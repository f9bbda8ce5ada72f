"""ctorch.accelerator: the device-generic API (torch.accelerator) over the build's accelerator.

The accelerator is a compile-time fact: a build with CUDA has "cuda" (even on a machine without
a GPU, where is_available() is False); a CPU-only build has none. Everything delegates to
ctorch.cuda.
"""
import warnings

from ._size import device as _device

__all__ = ["current_accelerator", "current_device_idx", "current_device_index", "get_device_capability",
           "current_stream", "device_count", "device_index", "empty_cache", "empty_host_cache", "get_memory_info",
           "is_available", "max_memory_allocated", "max_memory_reserved", "memory_allocated", "memory_reserved",
           "memory_stats", "reset_accumulated_memory_stats", "reset_peak_memory_stats", "set_device_idx",
           "set_device_index", "set_stream", "synchronize"]


def _cuda():
    from . import cuda
    return cuda


def current_accelerator(check_available=False):
    """device(type='cuda') when the build has CUDA (and, with check_available, a GPU); else None."""
    if not _cuda()._compiled():
        return None
    if check_available and not _cuda().is_available():
        return None
    return _device("cuda")


def device_count():
    return _cuda().device_count() if current_accelerator() is not None else 0


def is_available():
    return current_accelerator() is not None and _cuda().is_available()


def _index(device, optional):
    if device is None and optional:
        return None
    if isinstance(device, (str, _device)):
        dev = _device(device) if isinstance(device, str) else device
        acc = current_accelerator()
        if acc is None or dev.type != acc.type:
            raise ValueError("%s doesn't match the current accelerator %s." % (dev.type, acc))
        return dev.index
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    raise ValueError("Expected a torch.device with a specified index or an integer, but got:%s" % (device,))


def _require():
    if current_accelerator() is None:
        raise RuntimeError("No accelerator is available in this build of ctorch (it was built without CUDA)")
    return _cuda()


def current_device_index():
    return _require().current_device()


def current_device_idx():
    warnings.warn("Use `current_device_index` instead.", FutureWarning, stacklevel=2)
    return current_device_index()


def set_device_index(device, /):
    idx = _index(device, optional=False)
    if idx is not None and idx >= 0:
        _require().set_device(idx)


def set_device_idx(device, /):
    warnings.warn("Use `set_device_index` instead.", FutureWarning, stacklevel=2)
    set_device_index(device)


def get_device_capability(device=None, /):
    """{"supported_dtypes": {...}}: the dtypes tensors may have on the accelerator."""
    from . import _dtype
    cuda = _require()
    idx = _index(device, optional=True)
    cuda._lazy_init()
    cuda.get_device_properties(idx)  # validates the index
    names = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
             "complex64", "complex128", "uint16", "uint32", "uint64"]
    return {"supported_dtypes": {getattr(_dtype, n) for n in names if hasattr(_dtype, n)}}


def current_stream(device=None, /):
    return _require().current_stream(_index(device, optional=True))


def set_stream(stream, /):
    _require().set_stream(stream)


def synchronize(device=None, /):
    """Waits for every stream of the device; a no-op before the accelerator is initialised."""
    cuda = _require()
    if cuda.is_initialized():
        cuda.synchronize(_index(device, optional=True))


class device_index:
    """`with ctorch.accelerator.device_index(1):` makes device 1 current inside the block."""

    def __init__(self, device, /):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None:
            self.prev_idx = current_device_index()
            if self.prev_idx != self.idx:
                set_device_index(self.idx)

    def __exit__(self, *exc):
        if self.idx is not None and self.prev_idx != self.idx:
            set_device_index(self.prev_idx)
        return False


def empty_cache():
    if current_accelerator() is not None:
        _cuda().empty_cache()


def empty_host_cache():
    """Returns the idle blocks of the pinned host memory cache to the driver."""
    if current_accelerator() is not None:
        _cuda().empty_host_cache()


def memory_stats(device_index=None, /):
    return _cuda().memory_stats(_index(device_index, optional=True)) if current_accelerator() is not None else {}


def memory_allocated(device_index=None, /):
    return memory_stats(device_index).get("allocated_bytes.all.current", 0)


def max_memory_allocated(device_index=None, /):
    return memory_stats(device_index).get("allocated_bytes.all.peak", 0)


def memory_reserved(device_index=None, /):
    return memory_stats(device_index).get("reserved_bytes.all.current", 0)


def max_memory_reserved(device_index=None, /):
    return memory_stats(device_index).get("reserved_bytes.all.peak", 0)


def reset_accumulated_memory_stats(device_index=None, /):
    _require().reset_accumulated_memory_stats(_index(device_index, optional=True))


def reset_peak_memory_stats(device_index=None, /):
    _require().reset_peak_memory_stats(_index(device_index, optional=True))


def get_memory_info(device_index=None, /):
    """(free, total) bytes of device memory."""
    return _require().mem_get_info(_index(device_index, optional=True))
