"""The rest of torch.cuda's API and torch.accelerator / torch.get_device_module: the allocator's full
statistics (PyTorch's keys), caching_allocator_alloc, NVTX, NVML telemetry (through a fake pynvml),
architecture lists and device properties. Each test states what a machine without a GPU does and,
where a GPU is present, what it does there."""
import re
import sys
import types

import pytest

import ctorch
from _cuda_common import HAVE_CUDA, requires_cuda

cuda = ctorch.cuda
COMPILED = bool(ctorch._C._cuda_compiled())
no_gpu = pytest.mark.skipif(HAVE_CUDA, reason="a GPU is available")


# ---------------------------------------------------------------- torch.accelerator
def test_accelerator_is_a_compile_time_fact():
    acc = ctorch.accelerator.current_accelerator()
    if COMPILED:
        assert acc == ctorch.device("cuda") and acc.index is None
    else:
        assert acc is None
    assert ctorch.accelerator.is_available() is HAVE_CUDA
    assert ctorch.accelerator.device_count() == cuda.device_count()
    assert (ctorch.accelerator.current_accelerator(check_available=True) is None) is (not HAVE_CUDA)


@no_gpu
def test_accelerator_without_gpu():
    assert ctorch.accelerator.memory_stats() == {}
    assert ctorch.accelerator.memory_allocated() == 0 and ctorch.accelerator.max_memory_reserved() == 0
    ctorch.accelerator.empty_cache()
    ctorch.accelerator.empty_host_cache()
    if COMPILED:
        ctorch.accelerator.synchronize()  # a no-op before initialisation, as in PyTorch
        with pytest.raises(RuntimeError):
            ctorch.accelerator.current_device_index()
    else:
        with pytest.raises(RuntimeError, match="without CUDA"):
            ctorch.accelerator.current_device_index()


@requires_cuda
def test_accelerator_with_gpu():
    acc = ctorch.accelerator
    assert acc.current_device_index() == cuda.current_device()
    with acc.device_index(0):
        assert acc.current_device_index() == 0
    with acc.device_index(None):
        pass
    assert acc.current_stream() == cuda.current_stream()
    s = cuda.Stream()
    acc.set_stream(s)
    assert cuda.current_stream() == s
    acc.set_stream(cuda.default_stream())
    x = ctorch.ones(1000, device="cuda")
    acc.synchronize()
    assert acc.memory_allocated() == cuda.memory_allocated() >= 4000
    assert acc.memory_stats() == cuda.memory_stats()
    free, total = acc.get_memory_info()
    assert 0 < free <= total
    caps = acc.get_device_capability()
    assert ctorch.float32 in caps["supported_dtypes"] and ctorch.bfloat16 in caps["supported_dtypes"]
    with pytest.warns(FutureWarning):
        assert acc.current_device_idx() == 0
    with pytest.raises(ValueError, match="doesn't match the current accelerator"):
        acc.set_device_index("cpu")
    del x


def test_get_device_module():
    assert ctorch.get_device_module("cuda") is ctorch.cuda
    assert ctorch.get_device_module(ctorch.device("cuda:0")) is ctorch.cuda
    assert ctorch.get_device_module("cpu") is ctorch.cpu
    assert ctorch.get_device_module() is (ctorch.cuda if COMPILED else ctorch.cpu)
    with pytest.raises(RuntimeError, match="Invalid value of device '3'"):
        ctorch.get_device_module(3)


# ---------------------------------------------------------------- small torch.cuda functions
def test_build_queries():
    assert cuda._is_compiled() is COMPILED
    assert cuda.has_half is True and cuda.has_magma is False
    assert cuda.is_current_stream_capturing() is False
    if HAVE_CUDA:
        archs = cuda.get_arch_list()
        assert "sm_90" in archs or any(a.startswith("compute_") for a in archs)
        flags = cuda.get_gencode_flags()
        assert flags.count("-gencode") == len(archs)
        assert all(re.fullmatch(r"-gencode compute=compute_\d+a?,code=(sm|compute)_\d+a?", f.strip())
                   for f in re.split(r"(?=-gencode)", flags) if f.strip())
        major = cuda.get_device_capability()[0]
        assert cuda.is_tf32_supported() is (major >= 8)
        assert cuda.is_bf16_supported() is True
        assert cuda.is_bf16_supported(including_emulation=False) is (major >= 8)
    else:
        assert cuda.get_arch_list() == [] and cuda.get_gencode_flags() == ""
        assert cuda.is_tf32_supported() is False and cuda.is_bf16_supported() is False


@no_gpu
def test_gpu_only_calls_raise_without_gpu():
    exc = RuntimeError if COMPILED else AssertionError
    for f in (lambda: cuda.caching_allocator_alloc(16), lambda: cuda.can_device_access_peer(0, 0),
              lambda: cuda.ipc_collect()):
        with pytest.raises(exc):
            f()
    cuda.reset_accumulated_memory_stats()  # no-ops, as the other statistics calls
    assert cuda.memory_stats_as_nested_dict() == {} and cuda.memory_summary() == ""


# ---------------------------------------------------------------- NVTX
def test_nvtx():
    if not COMPILED:
        with pytest.raises(RuntimeError, match="NVTX functions not installed. Are you sure you have a CUDA build?"):
            cuda.nvtx.range_push("x")
        with pytest.raises(RuntimeError, match="NVTX functions not installed"):
            cuda.nvtx.mark("x")
        return
    # No profiler is attached: the calls are accepted and report NVTX's "not tracked" depth.
    assert isinstance(cuda.nvtx.range_push("step"), int)
    assert isinstance(cuda.nvtx.range_pop(), int)
    cuda.nvtx.mark("here")
    rid = cuda.nvtx.range_start("async")
    assert isinstance(rid, int)
    cuda.nvtx.range_end(rid)
    with cuda.nvtx.range("epoch {} step {k}", 3, k=4):
        pass
    with pytest.raises(ZeroDivisionError):  # the range is popped when the body raises
        with cuda.nvtx.range("boom"):
            1 / 0


# ---------------------------------------------------------------- NVML through pynvml
class _FakeNvml(types.ModuleType):
    """The slice of nvidia-ml-py that ctorch.cuda uses, recording the calls."""

    def __init__(self):
        super().__init__("pynvml")
        self.calls = []

    def nvmlInit(self):
        self.calls.append("init")

    def nvmlDeviceGetHandleByPciBusId(self, bus):
        self.calls.append(("bus", bus))
        return ("handle", bus)

    def nvmlDeviceGetHandleByIndex(self, i):
        return ("handle", i)

    def nvmlDeviceGetUtilizationRates(self, h):
        return types.SimpleNamespace(gpu=37, memory=12)

    def nvmlDeviceGetTemperature(self, h, sensor):
        assert sensor == 0
        return 55

    def nvmlDeviceGetPowerUsage(self, h):
        return 123000

    def nvmlDeviceGetClockInfo(self, h, kind):
        assert kind == 1
        return 1980

    def nvmlDeviceGetMemoryInfo(self, h):
        return types.SimpleNamespace(used=1 << 30, total=80 << 30, free=79 << 30)

    def nvmlDeviceGetComputeRunningProcesses(self, h):
        return [types.SimpleNamespace(pid=4242, usedGpuMemory=3 << 20)]


def test_nvml_without_pynvml(monkeypatch):
    monkeypatch.setitem(sys.modules, "pynvml", None)  # import pynvml raises ImportError
    for f in (cuda.utilization, cuda.memory_usage, cuda.temperature, cuda.power_draw, cuda.clock_rate,
              cuda.device_memory_used):
        with pytest.raises(ModuleNotFoundError, match="nvidia-ml-py does not seem to be installed"):
            f()
    assert cuda.list_gpu_processes() == "pynvml module not found, please install nvidia-ml-py"


def test_nvml_with_pynvml(monkeypatch):
    fake = _FakeNvml()
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    if not HAVE_CUDA:  # pynvml is there, the GPU is not: the CUDA error of this build
        with pytest.raises(RuntimeError if COMPILED else AssertionError):
            cuda.utilization()
        return
    assert cuda.utilization() == 37 and cuda.memory_usage() == 12
    assert cuda.temperature() == 55 and cuda.power_draw() == 123000 and cuda.clock_rate() == 1980
    assert cuda.device_memory_used() == 1 << 30
    bus = [c[1] for c in fake.calls if isinstance(c, tuple)][0]
    assert re.fullmatch(r"[0-9a-f]{8}:[0-9a-f]{2}:[0-9a-f]{2}\.0", bus)
    assert cuda.list_gpu_processes() == "GPU:0\nprocess       4242 uses        3.000 MB GPU memory"


# ---------------------------------------------------------------- allocator statistics (GPU)
STATS = ("allocated_bytes", "reserved_bytes", "active_bytes", "requested_bytes", "inactive_split_bytes", "allocation",
         "segment", "active", "inactive_split")


@requires_cuda
def test_memory_stats_has_pytorch_keys():
    stats = cuda.memory_stats()
    assert list(stats) == sorted(stats)
    for name in STATS:
        for pool in ("all", "small_pool", "large_pool"):
            for f in ("current", "peak", "allocated", "freed"):
                assert isinstance(stats["%s.%s.%s" % (name, pool, f)], int)
    for k in ("num_alloc_retries", "num_ooms", "num_sync_all_streams", "num_device_alloc", "num_device_free",
              "max_split_size", "oversize_allocations.current", "oversize_segments.peak"):
        assert k in stats
    nested = cuda.memory_stats_as_nested_dict()
    assert nested["allocated_bytes"]["all"]["current"] == stats["allocated_bytes.all.current"]
    assert nested["num_ooms"] == stats["num_ooms"]


@requires_cuda
def test_memory_stats_track_pools_and_totals():
    cuda.synchronize()
    cuda.empty_cache()
    cuda.reset_accumulated_memory_stats()
    cuda.reset_peak_memory_stats()
    s0 = cuda.memory_stats()
    small = ctorch.empty(250, device="cuda")              # 1000 B -> one 1024 B block, small pool
    large = ctorch.empty(3 << 18, device="cuda")          # 3 MiB -> 4 MiB, large pool
    s1 = cuda.memory_stats()
    d = {k: s1[k] - s0.get(k, 0) for k in s1}
    assert d["allocated_bytes.small_pool.current"] == 1024 and d["allocated_bytes.large_pool.current"] == 4 << 20
    assert d["allocated_bytes.all.current"] == 1024 + (4 << 20)
    assert d["requested_bytes.all.current"] == 1000 + (3 << 20)
    assert d["allocation.all.current"] == 2 and d["active.all.current"] == 2
    assert s1["allocated_bytes.all.peak"] >= s1["allocated_bytes.all.current"]
    del small
    s2 = cuda.memory_stats()
    assert s2["allocated_bytes.small_pool.freed"] - s1["allocated_bytes.small_pool.freed"] == 1024
    assert s2["allocation.all.freed"] - s1["allocation.all.freed"] == 1
    assert s2["reserved_bytes.small_pool.current"] == s1["reserved_bytes.small_pool.current"]  # cached
    cuda.reset_accumulated_memory_stats()
    s3 = cuda.memory_stats()
    assert s3["allocated_bytes.all.allocated"] == 0 and s3["allocated_bytes.all.freed"] == 0
    assert s3["allocated_bytes.all.current"] == s2["allocated_bytes.all.current"]
    summary = cuda.memory_summary()
    assert "Allocated memory" in summary and "GPU reserved segments" in summary
    assert "from small pool" not in cuda.memory_summary(abbreviated=True)
    del large


@requires_cuda
def test_caching_allocator_alloc_and_delete():
    before = cuda.memory_allocated()
    p = cuda.caching_allocator_alloc(5000)
    assert isinstance(p, int) and p != 0
    assert cuda.memory_allocated() - before == 5120
    cuda.caching_allocator_delete(p)
    assert cuda.memory_allocated() == before
    s = cuda.Stream()
    q = cuda.caching_allocator_alloc(4096, device=0, stream=s)
    cuda.caching_allocator_delete(q)
    q = cuda.caching_allocator_alloc(4096, stream=s.cuda_stream)
    with cuda.stream(s):  # the block is cached for s, so a tensor on s gets it back
        cuda.caching_allocator_delete(q)
        t = ctorch.empty(1024, device="cuda")
        assert t.data_ptr() == q
    with pytest.raises(TypeError, match="Invalid type for stream argument"):
        cuda.caching_allocator_alloc(16, stream="s")
    with pytest.raises(RuntimeError, match="invalid device pointer"):
        cuda.caching_allocator_delete(q + 8)
    assert cuda.caching_allocator_alloc(0) == 0


@requires_cuda
def test_device_properties_fields():
    p = cuda.get_device_properties(0)
    for k in ("pci_bus_id", "pci_device_id", "pci_domain_id", "max_threads_per_multi_processor",
              "regs_per_multiprocessor", "shared_memory_per_block", "shared_memory_per_multiprocessor",
              "L2_cache_size", "warp_size"):
        assert isinstance(getattr(p, k), int)
    assert p.shared_memory_per_block_optin >= p.shared_memory_per_block >= 48 << 10
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", p.uuid)
    assert repr(p).startswith("_CudaDeviceProperties(name='%s', major=%d, minor=%d" % (p.name, p.major, p.minor))
    assert cuda.can_device_access_peer(0, 0) in (True, False)
    with pytest.raises(AssertionError, match="Invalid peer device id"):
        cuda.can_device_access_peer(0, cuda.device_count())
    cuda.ipc_collect()


@requires_cuda
def test_nvtx_marks_around_gpu_work():
    with cuda.nvtx.range("matmul"):
        x = ctorch.randn(64, 64, device="cuda")
        (x @ x).sum().item()


# ---------------------------------------------------------------- sync debug mode
def test_sync_debug_mode_setting():
    assert cuda.get_sync_debug_mode() == 0
    try:
        for name, value in (("warn", 1), ("error", 2), ("default", 0), (2, 2), (0, 0)):
            cuda.set_sync_debug_mode(name)
            assert cuda.get_sync_debug_mode() == value
        with pytest.raises(RuntimeError, match="invalid value of debug_mode, expected one of `default`, `warn`"):
            cuda.set_sync_debug_mode("loud")
        with pytest.raises(RuntimeError, match="invalid value of debug_mode"):
            cuda.set_sync_debug_mode(3)
        a = ctorch.ones(3)
        cuda.set_sync_debug_mode("error")
        assert (a + 1).sum().item() == 6.0  # CPU work never synchronises with a GPU
    finally:
        cuda.set_sync_debug_mode(0)


@requires_cuda
def test_sync_debug_mode_reports_implicit_syncs():
    import warnings
    x = ctorch.rand(4, device="cuda")
    y = ctorch.rand((), device="cuda")
    mask = ctorch.tensor([True, False, True, True], device="cuda")
    syncing = (lambda: x.cpu(), lambda: y.item(), lambda: x.tolist(), lambda: x.nonzero(), lambda: x[mask],
               lambda: bool(y), lambda: ctorch.ones(3).to("cuda"), lambda: cuda.current_stream().synchronize())
    quiet = (lambda: x + y, lambda: x.sum(), lambda: x.to("cuda"), lambda: ctorch.rand(5, device="cuda"),
             lambda: x.to("cpu", non_blocking=True), lambda: cuda.synchronize(), lambda: x.clone())
    try:
        cuda.set_sync_debug_mode("warn")
        for f in syncing:
            with pytest.warns(UserWarning, match="called a synchronizing CUDA operation"):
                f()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for f in quiet:
                f()
        cuda.set_sync_debug_mode("error")
        for f in syncing:
            with pytest.raises(RuntimeError, match="called a synchronizing CUDA operation"):
                f()
        for f in quiet:
            f()
    finally:
        cuda.set_sync_debug_mode(0)
    assert x.cpu().shape == (4,)


# ---------------------------------------------------------------- asynchronous kernel errors
def test_accelerator_error_class():
    assert issubclass(ctorch.AcceleratorError, RuntimeError) and ctorch.AcceleratorError.__module__ == "ctorch"
    assert issubclass(ctorch.OutOfMemoryError, RuntimeError) and ctorch.OutOfMemoryError.__module__ == "ctorch"


@requires_cuda
def test_kernel_errors_are_reported_at_the_next_wait():
    prev = ctorch._C._cuda_sync_kernel_errors()
    ctorch._C._cuda_set_sync_kernel_errors(False)
    try:
        x = ctorch.rand(4, device="cuda")
        bad = ctorch.tensor([0, 7], device="cuda")
        good = ctorch.tensor([1, 2], device="cuda")
        y = x[bad]  # returns: the host does not wait for the bounds check
        with pytest.raises(ctorch.AcceleratorError,
                           match="device-side assert triggered: index 7 is out of bounds for dimension 0 with size 4"):
            y.cpu()
        assert x.cpu().shape == (4,)  # reported once
        x.index_select(0, bad)
        with pytest.raises(RuntimeError, match="index out of range in self"):
            cuda.synchronize()
        a = ctorch.tensor([3, 4], device="cuda")
        z = ctorch.tensor([1, 0], device="cuda")
        q = a // z
        with pytest.raises(ctorch.AcceleratorError, match="ZeroDivisionError"):
            q.tolist()
        cuda.set_sync_debug_mode("error")  # indexing with device indices no longer waits
        try:
            x[good]
            x[good] = 1.0
            x.index_add_(0, good, ctorch.ones(2, device="cuda"))
            x.gather(0, good)
        finally:
            cuda.set_sync_debug_mode(0)
        cuda.synchronize()
        ctorch._C._cuda_set_sync_kernel_errors(True)  # CUDA_LAUNCH_BLOCKING=1: the op's own error
        with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 0 with size 4"):
            x[bad]
    finally:
        ctorch._C._cuda_set_sync_kernel_errors(prev)


# ---------------------------------------------------------------- torch.Stream / torch.Event
def test_generic_stream_and_event_on_cpu():
    s = ctorch.Stream("cpu")
    assert type(s) is ctorch.Stream and s.device == ctorch.device("cpu")
    assert (s.device_type, s.device_index, s.stream_id) == (0, -1, 0)
    assert s.query() is True and s.synchronize() is None and s.is_capturing() is False
    assert s == ctorch.Stream("cpu") and hash(s) == hash(ctorch.Stream("cpu"))
    assert repr(s) == "torch.Stream device_type=cpu, device_index=-1, stream_id=0"
    e = ctorch.Event("cpu")
    assert e.query() is True and e.synchronize() is None and e.wait() is None and e.event_id == 0
    s.wait_event(e)
    for f in (e.record, s.record_event, lambda: s.wait_stream(s)):
        with pytest.raises(RuntimeError, match="cpu backend doesn't support events."):
            f()
    with pytest.raises(ValueError, match="Both events must be created with argument 'enable_timing=True'."):
        e.elapsed_time(e)
    if not HAVE_CUDA:
        assert type(ctorch.Stream()) is ctorch.Stream  # no accelerator: the CPU
        with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available."):
            ctorch.Stream(0)
    assert issubclass(cuda.Stream, ctorch.Stream) and issubclass(cuda.Event, ctorch.Event)


@requires_cuda
def test_generic_stream_and_event_on_cuda():
    s = ctorch.Stream("cuda")
    assert isinstance(s, cuda.Stream) and isinstance(s, ctorch.Stream)
    assert s.device == ctorch.device("cuda", 0) and s.device_type == 1 and s.stream_id == s.cuda_stream
    assert isinstance(ctorch.Stream(), cuda.Stream)  # the accelerator by default
    start, end = ctorch.Event("cuda", enable_timing=True), ctorch.Event(enable_timing=True)
    assert isinstance(start, cuda.Event)
    with cuda.stream(s):
        start.record()
        x = ctorch.ones(1000, device="cuda") * 2
        end.record()
    end.synchronize()
    assert start.elapsed_time(end) >= 0 and end.query() and end.device == ctorch.device("cuda", 0)
    cuda.current_stream().wait_stream(s)
    assert x.sum().item() == 2000.0


# ---------------------------------------------------------------- pinned host memory cache
def test_host_cache_without_gpu_or_with():
    if not HAVE_CUDA:
        assert cuda.host_memory_stats() == {}
        cuda.empty_host_cache()
        ctorch.accelerator.empty_host_cache()
        return
    cuda.empty_host_cache()
    a = ctorch.arange(300, dtype=ctorch.float32).pin_memory()
    ptr = a.data_ptr()
    stats = cuda.host_memory_stats()
    assert stats["allocated_bytes.current"] >= 1200 and stats["reserved_bytes.current"] >= 2048
    g = a.to("cuda", non_blocking=True)
    del a
    cuda.synchronize()  # the copy has finished: the block is idle and reused
    b = ctorch.zeros(300).pin_memory()
    assert b.data_ptr() == ptr and b.is_pinned()
    b.copy_(g, non_blocking=True)
    cuda.synchronize()
    assert b.tolist() == list(range(300))
    del b
    ctorch.accelerator.empty_host_cache()
    assert cuda.host_memory_stats()["reserved_bytes.current"] == 0
