"""CUDA streams and events (torch.cuda.Stream / Event semantics).

Streams come from a per-device pool (32 per priority, handed out round-robin) and are never
destroyed, as in PyTorch: a destroyed stream's handle could be reused while the caching
allocator still associates freed blocks with it.
"""
import itertools

from .. import _C
from .._size import device as _device_cls
from .._streams import Event as _EventBase, Stream as _StreamBase

_POOL_SIZE = 32
_pools = {}  # (device, priority) -> (handles, counter)


def _pooled_stream(dev, priority):
    key = (dev, priority)
    if key not in _pools:
        _pools[key] = ([], itertools.count())
    handles, counter = _pools[key]
    i = next(counter) % _POOL_SIZE
    if i >= len(handles):
        handles.append(_C._cuda_stream_create(dev, priority))
    return handles[i]


class Stream(_StreamBase):
    """A CUDA stream: kernels queued on it run in order; other streams run concurrently."""

    def __new__(cls, device=None, priority=0, stream_id=None, device_index=None, device_type=None, **kwargs):
        from . import _lazy_init, _get_device_index
        _lazy_init()
        self = super().__new__(cls)
        if stream_id is not None:  # wrap an existing handle (current_stream / ExternalStream)
            self.cuda_stream = int(stream_id)
            self.device_index = int(device_index if device_index is not None else _get_device_index(device))
            self.priority = int(priority)
            return self
        dev = _get_device_index(device)
        lo, hi = _C._cuda_stream_priority_range()
        prio = 0 if priority >= 0 else hi  # torch: negative means high priority
        self.cuda_stream = int(_pooled_stream(dev, prio))
        self.device_index = dev
        self.priority = int(priority)
        return self

    def __init__(self, *args, **kwargs):
        pass

    @property
    def device(self):
        return _device_cls("cuda", self.device_index)

    @property
    def device_type(self):
        return 1  # DeviceType::CUDA

    @property
    def stream_id(self):
        return self.cuda_stream

    def is_capturing(self):
        return False  # ctorch does not capture CUDA graphs

    def wait_event(self, event):
        event.wait(self)

    def wait_stream(self, stream):
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        if event is None:
            event = Event()
        event.record(self)
        return event

    def query(self):
        return bool(_C._cuda_stream_query(self.device_index, self.cuda_stream))

    def synchronize(self):
        _C._cuda_stream_synchronize(self.device_index, self.cuda_stream)

    @property
    def _as_parameter_(self):
        return self.cuda_stream

    def __eq__(self, o):
        return isinstance(o, Stream) and self.cuda_stream == o.cuda_stream and self.device_index == o.device_index

    def __hash__(self):
        return hash((self.cuda_stream, self.device_index))

    def __repr__(self):
        return "<torch.cuda.Stream device=%s cuda_stream=%#x>" % (self.device, self.cuda_stream)


class ExternalStream(Stream):
    """Wraps a stream created elsewhere (a cudaStream_t as an int)."""

    def __new__(cls, stream_ptr, device=None, **kwargs):
        return super().__new__(cls, device=device, stream_id=stream_ptr)


def current_stream(device=None):
    from . import _lazy_init, _get_device_index
    _lazy_init()
    d = _get_device_index(device)
    return Stream(stream_id=_C._cuda_current_stream(d), device_index=d)


def default_stream(device=None):
    from . import _lazy_init, _get_device_index
    _lazy_init()
    return Stream(stream_id=0, device_index=_get_device_index(device))


def set_stream(stream):
    if stream is None:
        return
    _C._cuda_set_stream(stream.device_index, stream.cuda_stream)


class StreamContext:
    """Makes `stream` current on its device for the block (and its device current too)."""

    def __init__(self, stream):
        self.stream = stream
        self.src_prev = None
        self.prev_device = None

    def __enter__(self):
        s = self.stream
        if s is None:
            return None
        from . import current_device
        self.prev_device = current_device()
        if s.device_index != self.prev_device:
            _C._cuda_set_device(s.device_index)
        self.src_prev = _C._cuda_current_stream(s.device_index)
        _C._cuda_set_stream(s.device_index, s.cuda_stream)
        return s

    def __exit__(self, *exc):
        s = self.stream
        if s is None:
            return False
        _C._cuda_set_stream(s.device_index, self.src_prev)
        if s.device_index != self.prev_device:
            _C._cuda_set_device(self.prev_device)
        return False


def stream(stream):
    return StreamContext(stream)


class Event(_EventBase):
    """A CUDA event: a marker in a stream, for synchronisation and timing."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        self.enable_timing = bool(enable_timing)
        self.blocking = bool(blocking)
        self.interprocess = bool(interprocess)
        self._handle = None
        self._device = None

    def _ensure(self, dev):
        if self._handle is None:
            self._handle = _C._cuda_event_create(dev, self.enable_timing, self.blocking)
            self._device = dev

    def record(self, stream=None):
        if stream is None:
            stream = current_stream()
        self._ensure(stream.device_index)
        if stream.device_index != self._device:
            raise RuntimeError("Event device %d does not match recording stream's device %d."
                               % (self._device, stream.device_index))
        _C._cuda_event_record(self._device, self._handle, stream.cuda_stream)

    def wait(self, stream=None):
        if self._handle is None:
            return
        if stream is None:
            stream = current_stream()
        _C._cuda_stream_wait_event(stream.device_index, stream.cuda_stream, self._handle)

    def query(self):
        return True if self._handle is None else bool(_C._cuda_event_query(self._handle))

    def synchronize(self):
        if self._handle is not None:
            _C._cuda_event_synchronize(self._handle)

    def elapsed_time(self, end_event):
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self._handle is None or end_event._handle is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return float(_C._cuda_event_elapsed(self._handle, end_event._handle))

    @property
    def cuda_event(self):
        return self._handle or 0

    @property
    def event_id(self):
        return self._handle or 0

    @property
    def device(self):
        """The device of the stream it was first recorded on (None before)."""
        return None if self._device is None else _device_cls("cuda", self._device)

    def __del__(self):
        h = getattr(self, "_handle", None)
        if h is not None:
            try:
                _C._cuda_event_destroy(self._device, h)
            except Exception:
                pass

    def __repr__(self):
        return "<torch.cuda.Event %#x>" % (self._handle or 0) if self._handle else "<torch.cuda.Event uninitialized>"
