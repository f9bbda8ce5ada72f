"""Statistics and control of the CUDA caching allocator (torch.cuda.memory_* semantics)."""
from .. import _C


OutOfMemoryError = _C.OutOfMemoryError  # raised by the caching allocator; a RuntimeError


def _dev(device):
    from . import _get_device_index
    return _get_device_index(device)


def _ready():
    from . import is_available
    return is_available()


def memory_stats(device=None):
    if not _ready():
        return {}
    return dict(_C._cuda_memory_stats(_dev(device)))


def _stat(key, device):
    return int(memory_stats(device).get(key, 0))


def memory_allocated(device=None):
    return _stat("allocated_bytes.all.current", device)


def max_memory_allocated(device=None):
    return _stat("allocated_bytes.all.peak", device)


def memory_reserved(device=None):
    return _stat("reserved_bytes.all.current", device)


def max_memory_reserved(device=None):
    return _stat("reserved_bytes.all.peak", device)


memory_cached = memory_reserved
max_memory_cached = max_memory_reserved


def reset_peak_memory_stats(device=None):
    if _ready():
        _C._cuda_reset_peak_memory_stats(_dev(device))


reset_max_memory_allocated = reset_peak_memory_stats
reset_max_memory_cached = reset_peak_memory_stats


def empty_cache():
    """Releases every unused cached block back to the driver (visible in nvidia-smi)."""
    if _ready():
        _C._cuda_empty_cache()


def mem_get_info(device=None):
    from . import _lazy_init
    _lazy_init()
    return tuple(_C._cuda_mem_get_info(_dev(device)))


def set_per_process_memory_fraction(fraction, device=None):
    """Caps the memory the caching allocator may reserve on `device` at fraction * total; going
    beyond it raises OutOfMemoryError (after the cache is freed and the allocation retried)."""
    from . import _lazy_init
    _lazy_init()
    if not isinstance(fraction, float):
        raise TypeError("Invalid type for fraction argument, must be `float`")
    if fraction < 0 or fraction > 1:
        raise ValueError("Invalid fraction value: %s. Allowed range: 0~1" % (fraction,))
    _C._cuda_set_memory_fraction(fraction, _dev(device))


def get_per_process_memory_fraction(device=None):
    from . import _lazy_init
    _lazy_init()
    return float(_C._cuda_get_memory_fraction(_dev(device)))


def memory_summary(device=None, abbreviated=False):
    s = memory_stats(device)
    lines = ["|" + "=" * 60 + "|", "| ctorch CUDA memory summary, device %s" % (device,)]
    for k in sorted(s):
        lines.append("| %-45s %12d |" % (k, s[k]))
    lines.append("|" + "=" * 60 + "|")
    return "\n".join(lines)
