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
    """The caching allocator's statistics as a flat, key-sorted OrderedDict with PyTorch's keys
    ("allocated_bytes.all.current", "segment.large_pool.peak", "num_ooms", ...). Empty before
    CUDA is initialised or without a GPU."""
    import collections
    if not _ready():
        return collections.OrderedDict()
    return collections.OrderedDict(sorted(_C._cuda_memory_stats(_dev(device)).items()))


def memory_stats_as_nested_dict(device=None):
    """memory_stats() nested at the dots: {"allocated_bytes": {"all": {"current": ...}}}."""
    out = {}
    for key, value in memory_stats(device).items():
        *path, leaf = key.split(".")
        d = out
        for p in path:
            d = d.setdefault(p, {})
        d[leaf] = value
    return out


def reset_accumulated_memory_stats(device=None):
    """Zeroes the allocated/freed totals and the event counters (num_ooms, ...)."""
    if _ready():
        _C._cuda_reset_accumulated_memory_stats(_dev(device))


def empty_host_cache():
    """Returns the idle blocks of the pinned host memory cache (pin_memory()) to the driver."""
    if _ready():
        _C._cuda_empty_host_cache()


def host_memory_stats():
    """The pinned host cache: allocated_bytes (in use by pinned tensors) and reserved_bytes
    (obtained from cudaHostAlloc), each .current/.peak/.allocated/.freed. Empty without a GPU."""
    import collections
    if not _ready():
        return collections.OrderedDict()
    return collections.OrderedDict(sorted(_C._cuda_host_memory_stats().items()))


def caching_allocator_alloc(size, device=None, stream=None):
    """Allocates `size` bytes from the caching allocator for use on `stream` (default: the current
    stream of `device`); returns the address as an int. Free it with caching_allocator_delete."""
    from . import _lazy_init, current_device, current_stream
    from .streams import Stream
    _lazy_init()
    d = current_device() if device is None else _dev(device)
    if stream is None:
        stream = current_stream(d)
    if isinstance(stream, Stream):
        stream = stream.cuda_stream
    if not isinstance(stream, int):
        raise TypeError("Invalid type for stream argument, must be `torch.cuda.Stream` or `int` representing a "
                        "pointer to a existing stream")
    return int(_C._cuda_raw_alloc(int(size), d, stream))


def caching_allocator_delete(mem_ptr):
    """Frees a block from caching_allocator_alloc (it goes back to the cache)."""
    _C._cuda_raw_delete(int(mem_ptr))


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
    """A table of the allocator's statistics (current, peak, total allocated, total freed)."""
    from . import current_device
    stats = memory_stats(device)
    if not stats:
        return ""
    d = current_device() if device is None else _dev(device)

    def fmt(v, is_bytes):
        if not is_bytes:
            return str(v)
        for unit in ("B", "KiB", "MiB", "GiB"):
            if abs(v) < 1024 * 4 or unit == "GiB":
                return "%d %s" % (v, unit)
            v //= 1024
        return str(v)

    rows = [("Allocated memory", "allocated_bytes", True), ("Active memory", "active_bytes", True),
            ("Requested memory", "requested_bytes", True), ("GPU reserved memory", "reserved_bytes", True),
            ("Allocations", "allocation", False), ("Active allocs", "active", False),
            ("GPU reserved segments", "segment", False)]
    pools = [("all", "")] if abbreviated else [("all", ""), ("large_pool", "  from large pool"),
                                                ("small_pool", "  from small pool")]
    line = "=" * 91
    out = [line, " {:^89} ".format("ctorch CUDA memory summary, device ID %d" % d), "-" * 91,
           "  CUDA OOMs: %-13d | cudaMalloc retries: %-42d" % (stats["num_ooms"], stats["num_alloc_retries"]),
           line, "        Metric         | Cur Usage  | Peak Usage | Tot Alloc  | Tot Freed  ", "-" * 91]
    for title, key, is_bytes in rows:
        for pool, label in pools:
            vals = [fmt(stats["%s.%s.%s" % (key, pool, f)], is_bytes) for f in ("current", "peak", "allocated", "freed")]
            out.append("%-23s| %10s | %10s | %10s | %10s " % ((label or title), *vals))
        out.append("-" * 91)
    out.append(line)
    return "\n".join(out) + "\n"
