"""Device telemetry through NVML (torch.cuda.utilization & co.). Like PyTorch, this uses the
nvidia-ml-py package (`import pynvml`) and raises ModuleNotFoundError when it is missing.
Devices are matched to NVML by PCI bus id, so CUDA_VISIBLE_DEVICES orderings are respected."""

_NO_PYNVML = "nvidia-ml-py does not seem to be installed or it can't be imported."


def _pynvml():
    try:
        import pynvml
    except ImportError as e:
        raise ModuleNotFoundError(_NO_PYNVML) from e
    try:
        pynvml.nvmlInit()
    except Exception as e:  # pynvml.NVMLError and friends
        raise RuntimeError("cannot initialize NVML: %s" % (e,)) from e
    return pynvml


def _handle(device):
    from . import _get_device_index, _lazy_init, get_device_properties
    nv = _pynvml()  # first, as PyTorch: no pynvml raises ModuleNotFoundError on any machine
    _lazy_init()
    idx = _get_device_index(device)
    p = get_device_properties(idx)
    try:
        bus = "%08x:%02x:%02x.0" % (p.pci_domain_id, p.pci_bus_id, p.pci_device_id)
        return nv, nv.nvmlDeviceGetHandleByPciBusId(bus)
    except Exception:  # an NVML that does not know the id: fall back on the ordinal
        return nv, nv.nvmlDeviceGetHandleByIndex(idx)


def utilization(device=None) -> int:
    """Percent of the last sample period during which a kernel ran on the GPU."""
    nv, h = _handle(device)
    return nv.nvmlDeviceGetUtilizationRates(h).gpu


def memory_usage(device=None) -> int:
    """Percent of the last sample period during which device memory was read or written."""
    nv, h = _handle(device)
    return nv.nvmlDeviceGetUtilizationRates(h).memory


def temperature(device=None) -> int:
    """GPU temperature in degrees C."""
    nv, h = _handle(device)
    return nv.nvmlDeviceGetTemperature(h, 0)  # NVML_TEMPERATURE_GPU


def power_draw(device=None) -> int:
    """Power drawn by the GPU, in milliwatts."""
    nv, h = _handle(device)
    return nv.nvmlDeviceGetPowerUsage(h)


def clock_rate(device=None) -> int:
    """The SM clock in MHz."""
    nv, h = _handle(device)
    return nv.nvmlDeviceGetClockInfo(h, 1)  # NVML_CLOCK_SM


def device_memory_used(device=None) -> int:
    """Bytes of device memory in use by every process (what nvidia-smi shows)."""
    nv, h = _handle(device)
    return nv.nvmlDeviceGetMemoryInfo(h).used


def list_gpu_processes(device=None) -> str:
    """The processes using the GPU and their memory, one line each."""
    from . import _get_device_index
    try:
        nv, h = _handle(device)
    except ModuleNotFoundError:
        return "pynvml module not found, please install nvidia-ml-py"
    lines = ["GPU:%d" % _get_device_index(device)]
    procs = nv.nvmlDeviceGetComputeRunningProcesses(h)
    if not procs:
        lines.append("no processes are running")
    for p in procs:
        lines.append("process %10d uses %12.3f MB GPU memory" % (p.pid, p.usedGpuMemory / (1024 * 1024)))
    return "\n".join(lines)
