"""ctorch.cpu: torch.cpu's device-agnostic helpers plus CPU memory statistics.

Large CPU blocks (>= 1 MiB by default) are served by a caching allocator: when a tensor's
storage dies its block is kept in a size-bucketed free list (up to a cap: 2 GiB, or 1/8 of RAM
if less; env CTORCH_CPU_CACHE_MAX_BYTES) so that repeated big temporaries reuse already-faulted
memory.
``empty_cache()`` gives cached blocks back to the OS; ``memory_stats()`` and friends mirror the
``torch.cuda`` memory API for the CPU.
"""
from contextlib import AbstractContextManager as _ACM
from functools import lru_cache as _lru_cache
from types import MappingProxyType as _MappingProxyType

from .. import _C

_mem = _C._cpu

__all__ = [
    "is_available", "is_initialized", "synchronize", "current_device", "current_stream", "stream", "set_device",
    "device_count", "Stream", "StreamContext", "Event", "get_capabilities",
    "empty_cache", "memory_stats", "memory_allocated", "memory_reserved", "max_memory_allocated",
    "reset_peak_memory_stats", "reset_accumulated_memory_stats", "set_max_cached_bytes", "max_cached_bytes",
]


# ---- device-agnostic API (the CPU is always there; streams and events are no-ops) ----
def is_available() -> bool:
    """True: the CPU is always available."""
    return True


def is_initialized() -> bool:
    return True


def synchronize(device=None) -> None:
    """CPU work is synchronous: nothing to wait for."""


def current_device() -> str:
    return "cpu"


def device_count() -> int:
    """Number of CPU devices (not cores): always 1."""
    return 1


def set_device(device) -> None:
    """There is one CPU device: nothing to select."""


class Stream:
    """Placeholder stream so device-agnostic code runs on the CPU."""

    def __init__(self, priority: int = -1) -> None:
        pass

    def wait_stream(self, stream) -> None:
        pass

    def record_event(self) -> None:
        pass

    def wait_event(self, event) -> None:
        pass


class Event:
    def query(self) -> bool:
        return True

    def record(self, stream=None) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def wait(self, stream=None) -> None:
        pass


_default_stream = Stream()
_current = _default_stream


def current_stream(device=None) -> Stream:
    return _current


class StreamContext(_ACM):
    """Selects `stream` as the current stream inside a with-block (None: no change)."""

    def __init__(self, stream):
        self.stream = stream
        self.prev_stream = _default_stream

    def __enter__(self):
        global _current
        if self.stream is None:
            return
        self.prev_stream, _current = _current, self.stream

    def __exit__(self, *exc):
        global _current
        if self.stream is None:
            return
        _current = self.prev_stream


def stream(stream) -> _ACM:
    return StreamContext(stream)


@_lru_cache(None)
def get_capabilities():
    """Read-only mapping of instruction-set features of this CPU (e.g. 'avx2': True)."""
    return _MappingProxyType(dict(_mem._get_cpu_capability()))


# ---- memory statistics and the block cache ----
def empty_cache() -> None:
    """Returns every cached (free) large block to the operating system."""
    _mem._empty_cache()


def memory_stats() -> dict:
    """Counters of the CPU allocator: allocated_bytes, peak_allocated_bytes, reserved_bytes,
    cached_bytes, num_allocs, num_frees, num_large_allocs, num_cache_hits, num_os_allocs,
    num_os_frees, max_cached_bytes, large_block_threshold."""
    return dict(_mem._memory_stats())


def memory_allocated(device=None) -> int:
    """Bytes held by live CPU tensor storages."""
    return _mem._memory_allocated()


def memory_reserved(device=None) -> int:
    """Bytes the allocator holds from the OS: live blocks (rounded to their bucket) plus cached."""
    return _mem._memory_reserved()


def max_memory_allocated(device=None) -> int:
    return _mem._max_memory_allocated()


def reset_peak_memory_stats(device=None) -> None:
    _mem._reset_peak_memory_stats()


def reset_accumulated_memory_stats(device=None) -> None:
    _mem._reset_accumulated_memory_stats()


def max_cached_bytes() -> int:
    return _mem._max_cached_bytes()


def set_max_cached_bytes(n: int) -> None:
    """Caps the bytes kept in the cache (0 disables caching); trims the cache at once."""
    _mem._set_max_cached_bytes(int(n))
