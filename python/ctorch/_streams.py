"""ctorch.Stream and ctorch.Event: the device-generic stream and event (torch.Stream/torch.Event).

On "cuda" they return ctorch.cuda.Stream / ctorch.cuda.Event, which subclass them. On the CPU,
work runs synchronously: a stream is always idle, and recording an event is an error, as in
PyTorch ("cpu backend doesn't support events.").
"""
from ._size import device as _device

_NO_CPU_EVENTS = "cpu backend doesn't support events."


def _resolve(device):
    """None: the available accelerator, else the CPU; an int: that accelerator ordinal."""
    from . import accelerator
    if device is None:
        acc = accelerator.current_accelerator(check_available=True)
        return acc if acc is not None else _device("cpu")
    if isinstance(device, int) and not isinstance(device, bool):
        if accelerator.current_accelerator(check_available=True) is None:
            raise RuntimeError("Cannot access accelerator device when none is available.")
        return _device("cuda", device)
    return _device(device) if isinstance(device, str) else device


class Stream:
    """A queue of work on a device; see ctorch.cuda.Stream for CUDA."""

    def __new__(cls, device=None, *, priority=0, **kwargs):
        if cls is not Stream:
            return object.__new__(cls)
        d = _resolve(device)
        if d.type == "cuda":
            from .cuda.streams import Stream as CudaStream
            return CudaStream(device=d, priority=priority)
        if d.type != "cpu":
            raise RuntimeError("Stream: unsupported device type '%s'" % d.type)
        return object.__new__(cls)

    # CPU: everything already ran.
    device_index = -1
    stream_id = 0

    @property
    def device(self):
        return _device("cpu")

    @property
    def device_type(self):
        return 0  # DeviceType::CPU

    def query(self):
        return True

    def synchronize(self):
        pass

    def wait_event(self, event):
        pass

    def wait_stream(self, stream):
        raise RuntimeError(_NO_CPU_EVENTS)

    def record_event(self, event=None):
        raise RuntimeError(_NO_CPU_EVENTS)

    def is_capturing(self):
        return False

    def __eq__(self, other):
        return type(other) is Stream and type(self) is Stream

    def __hash__(self):
        return hash(("cpu", 0))

    def __repr__(self):
        return "torch.Stream device_type=cpu, device_index=-1, stream_id=0"


class Event:
    """A marker in a stream's work; see ctorch.cuda.Event for CUDA."""

    def __new__(cls, device=None, *, enable_timing=False, blocking=False, interprocess=False):
        if cls is not Event:
            return object.__new__(cls)
        d = _resolve(device)
        if d.type == "cuda":
            from .cuda.streams import Event as CudaEvent
            return CudaEvent(enable_timing=enable_timing, blocking=blocking, interprocess=interprocess)
        if d.type != "cpu":
            raise RuntimeError("Event: unsupported device type '%s'" % d.type)
        self = object.__new__(cls)
        self.enable_timing = bool(enable_timing)
        return self

    event_id = 0

    @property
    def device(self):
        return _device("cpu")

    def record(self, stream=None):
        raise RuntimeError(_NO_CPU_EVENTS)

    def wait(self, stream=None):
        pass

    def query(self):
        return True

    def synchronize(self):
        pass

    def elapsed_time(self, end_event):
        if not (getattr(self, "enable_timing", False) and getattr(end_event, "enable_timing", False)):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise RuntimeError(_NO_CPU_EVENTS)

    def __repr__(self):
        return "torch.Event device_type=cpu, device_index=-1, event_flag=0, event_id=0"
