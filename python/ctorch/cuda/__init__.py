"""ctorch.cuda: devices, streams, events, the caching allocator and the CUDA generators.

Like torch.cuda, nothing here touches the driver until it is needed (lazy initialisation):
`is_available()` and `device_count()` never raise; calls that need a GPU raise AssertionError
("Torch not compiled with CUDA enabled") on a CPU-only build and RuntimeError when the build has
CUDA but the machine has no usable GPU.
"""
from .. import _C
from .._size import device as _device_cls

_initialized = False


def _hint_cublas():
    """cuBLAS is dlopen'ed by cuda/gemm.cu; point it at the nvidia-cublas wheel (the one a CUDA
    build of torch installs) when the loader would not find a system copy."""
    import glob
    import importlib.util
    import os
    if "CTORCH_CUBLAS_PATH" in os.environ:
        return
    try:
        spec = importlib.util.find_spec("nvidia")
    except (ImportError, ValueError):
        return
    for root in (spec.submodule_search_locations or []) if spec else []:
        for sub in ("cu13/lib", "cublas/lib"):
            if glob.glob(os.path.join(root, sub, "libcublas.so*")):
                os.environ["CTORCH_CUBLAS_PATH"] = os.path.join(root, sub)
                return


if _C._cuda_compiled():
    _hint_cublas()


def _compiled():
    return bool(_C._cuda_compiled())


def is_available():
    return _compiled() and device_count() > 0


def device_count():
    return int(_C._cuda_device_count()) if _compiled() else 0


def is_initialized():
    return _initialized


default_generators = ()  # one CUDA Generator per device, filled in by the first CUDA use


def _lazy_init():
    global _initialized, default_generators
    if _initialized:
        return
    if not _compiled():
        raise AssertionError("Torch not compiled with CUDA enabled")
    _C._cuda_check_available()
    from .random import _apply_pending
    _apply_pending()
    default_generators = tuple(_C._cuda_default_generator(d) for d in range(device_count()))
    _initialized = True


def init():
    _lazy_init()


def is_bf16_supported(including_emulation=True):
    """bfloat16 kernels run on every GPU here (emulated in float below sm_80); natively from sm_80."""
    if not is_available():
        return False
    return including_emulation or get_device_capability()[0] >= 8


def is_tf32_supported():
    """TF32 tensor cores: sm_80 and newer."""
    return is_available() and get_device_capability()[0] >= 8


has_half = True
has_magma = False  # no MAGMA: linear algebra beyond GEMM is not on the GPU


def _is_compiled():
    return _compiled()


def is_current_stream_capturing():
    """Always False: ctorch does not capture CUDA graphs."""
    return False


def ipc_collect():
    """Nothing to collect: ctorch does not share CUDA memory between processes."""
    _lazy_init()


def set_sync_debug_mode(debug_mode):
    """0 / "default": off; 1 / "warn": a UserWarning; 2 / "error": RuntimeError, whenever the host
    implicitly waits for the GPU (.item(), .cpu(), nonzero, boolean masks, Stream.synchronize(),
    and -- unlike PyTorch, whose kernels assert on the device -- the index bounds checks)."""
    if isinstance(debug_mode, str):
        modes = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in modes:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`")
        debug_mode = modes[debug_mode]
    _C._cuda_set_sync_debug_mode(int(debug_mode))


def get_sync_debug_mode():
    return int(_C._cuda_get_sync_debug_mode())


def can_device_access_peer(device, peer_device):
    _lazy_init()
    d, p = _get_device_index(device), _get_device_index(peer_device)
    if d < 0 or d >= device_count():
        raise AssertionError("Invalid device id")
    if p < 0 or p >= device_count():
        raise AssertionError("Invalid peer device id")
    return bool(_C._cuda_can_device_access_peer(d, p))


def _get_device_index(device, optional=True):
    """None -> current device; int; 'cuda:1'; ctorch.device('cuda', 1)."""
    if isinstance(device, str):
        device = _device_cls(device)
    if isinstance(device, _device_cls):
        if device.type != "cuda":
            raise ValueError("Expected a cuda device, but got: %s" % device)
        device = device.index
    if device is None:
        if not optional:
            raise ValueError("Expected a torch.device with a specified index or an integer, but got:None")
        return current_device()
    if not isinstance(device, int):
        raise ValueError("Expected a torch.device with a specified index or an integer, but got:%r" % (device,))
    return device


def current_device():
    _lazy_init()
    return int(_C._cuda_current_device())


def set_device(device):
    d = _get_device_index(device)
    if d >= 0:
        _lazy_init()
        _C._cuda_set_device(d)


class device:
    """Context manager that changes the current device."""

    def __init__(self, device):
        self.idx = _get_device_index(device, optional=True) if device is not None else -1
        self.prev_idx = -1

    def __enter__(self):
        if self.idx >= 0:
            self.prev_idx = current_device()
            if self.prev_idx != self.idx:
                _C._cuda_set_device(self.idx)

    def __exit__(self, *exc):
        if self.idx >= 0 and self.prev_idx != self.idx:
            _C._cuda_set_device(self.prev_idx)
        return False


class device_of(device):
    """Context manager that makes the tensor's device current (no-op for CPU tensors)."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_cuda else None)


class _CudaDeviceProperties:
    def __init__(self, d):
        self.__dict__.update(d)
        self.gcnArchName = "NVIDIA CUDA"  # torch's value on CUDA (the field is for ROCm)

    def __repr__(self):
        return ("_CudaDeviceProperties(name='%s', major=%d, minor=%d, total_memory=%dMB, multi_processor_count=%d, "
                "uuid=%s, pci_bus_id=%d, pci_device_id=%d, pci_domain_id=%d, L2_cache_size=%dMB)"
                % (self.name, self.major, self.minor, self.total_memory >> 20, self.multi_processor_count, self.uuid,
                   self.pci_bus_id, self.pci_device_id, self.pci_domain_id, self.L2_cache_size >> 20))


def get_device_properties(device=None):
    _lazy_init()
    d = _get_device_index(device)
    if d < 0 or d >= device_count():
        raise AssertionError("Invalid device id")
    return _CudaDeviceProperties(_C._cuda_device_properties(d))


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return (p.major, p.minor)


def get_arch_list():
    """The architectures this build has code for (["sm_90", "compute_90"]); [] without a GPU."""
    if not is_available():
        return []
    return _C._cuda_arch_list().split()


def get_gencode_flags():
    """get_arch_list() as nvcc flags: "-gencode compute=compute_90,code=sm_90 ..."."""
    return " ".join("-gencode compute=compute_%s,code=%s_%s" % (a.split("_")[1], a.split("_")[0], a.split("_")[1])
                    for a in get_arch_list())


def synchronize(device=None):
    _lazy_init()
    _C._cuda_synchronize(_get_device_index(device))


from .streams import Stream, Event, ExternalStream, StreamContext, stream, current_stream, default_stream, set_stream  # noqa: E402,F401
from .memory import (empty_cache, memory_allocated, max_memory_allocated, memory_reserved, max_memory_reserved,  # noqa: E402,F401
                     memory_cached, max_memory_cached, reset_peak_memory_stats, reset_max_memory_allocated,
                     reset_max_memory_cached, memory_stats, memory_stats_as_nested_dict, memory_summary,
                     reset_accumulated_memory_stats, caching_allocator_alloc, caching_allocator_delete, mem_get_info,
                     empty_host_cache, host_memory_stats,
                     OutOfMemoryError, set_per_process_memory_fraction, get_per_process_memory_fraction)
from ._nvml import (utilization, memory_usage, temperature, power_draw, clock_rate, device_memory_used,  # noqa: E402,F401
                    list_gpu_processes)
from . import nvtx  # noqa: E402,F401
from .random import (manual_seed, manual_seed_all, seed, seed_all, initial_seed, get_rng_state,  # noqa: E402,F401
                     get_rng_state_all, set_rng_state, set_rng_state_all)

from .._legacy import CUDA_LEGACY_TYPES as _CUDA_LEGACY_TYPES  # noqa: E402
globals().update(_CUDA_LEGACY_TYPES)  # ctorch.cuda.FloatTensor, ...
