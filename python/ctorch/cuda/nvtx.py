"""ctorch.cuda.nvtx: NVTX ranges and marks, shown by profilers such as Nsight Systems.

Without a profiler attached every call is a cheap no-op (range_push then reports -2, NVTX's
"not tracked"). A build without CUDA raises RuntimeError, as PyTorch's CPU build does.
"""
from contextlib import contextmanager

from .. import _C

__all__ = ["range_push", "range_pop", "range_start", "range_end", "mark", "range"]


def range_push(msg):
    """Opens a nested range; returns its zero-based depth (negative when no tool tracks it)."""
    return _C._nvtx_range_push(msg)


def range_pop():
    """Closes the innermost range opened by range_push on this thread."""
    return _C._nvtx_range_pop()


def range_start(msg) -> int:
    """Opens a range that may end on another thread; returns its id for range_end."""
    return _C._nvtx_range_start(msg)


def range_end(range_id) -> None:
    _C._nvtx_range_end(range_id)


def mark(msg):
    """An instantaneous event."""
    return _C._nvtx_mark(msg)


@contextmanager
def range(msg, *args, **kwargs):
    """`with nvtx.range("step {}", i):` pushes msg.format(*args, **kwargs) and pops it on exit."""
    range_push(msg.format(*args, **kwargs))
    try:
        yield
    finally:
        range_pop()
