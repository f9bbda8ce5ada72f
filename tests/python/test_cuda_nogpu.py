"""ctorch.cuda on a machine (or a build) without a GPU: queries answer "no device", and everything that
needs one raises PyTorch's error -- AssertionError "Torch not compiled with CUDA enabled" on a build
without CUDA, RuntimeError naming the missing driver / GPU on a CUDA build. Skipped when a GPU is
present (test_cuda.py covers that case)."""
import re

import pytest

import ctorch

pytestmark = pytest.mark.skipif(ctorch.cuda.is_available(), reason="a GPU is available: see test_cuda.py")

COMPILED = bool(ctorch._C._cuda_compiled())
NO_GPU = re.compile(r"NVIDIA driver|No CUDA GPUs are available|CUDA driver initialization failed|no CUDA|"
                    r"Torch not compiled with CUDA enabled")


def _expect_no_cuda(f):
    """f() raises the error of this build: AssertionError (no CUDA compiled in) or RuntimeError."""
    if not COMPILED:
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            f()
    else:
        with pytest.raises(RuntimeError, match=NO_GPU):
            f()


def test_queries_report_no_device():
    assert ctorch.cuda.is_available() is False
    assert ctorch.cuda.device_count() == 0
    assert ctorch.cuda.is_initialized() is False
    assert ctorch.cuda.memory_allocated() == 0 and ctorch.cuda.memory_reserved() == 0
    assert ctorch.cuda.max_memory_allocated() == 0
    ctorch.cuda.empty_cache()  # no-ops
    ctorch.cuda.reset_peak_memory_stats()
    assert ctorch.cuda.memory_stats() == {}
    assert ctorch.cuda.is_bf16_supported() is False


def test_seeding_needs_no_gpu():
    ctorch.manual_seed(3)
    ctorch.cuda.manual_seed(3)
    ctorch.cuda.manual_seed_all(3)
    ctorch.cuda.seed()
    ctorch.cuda.seed_all()
    a = ctorch.rand(3)
    ctorch.manual_seed(3)
    assert ctorch.rand(3).tolist() == a.tolist()  # the CPU stream is unaffected


def test_memory_fraction_and_legacy_types_raise():
    _expect_no_cuda(lambda: ctorch.cuda.set_per_process_memory_fraction(0.5))
    assert not isinstance(ctorch.ones(2), ctorch.cuda.FloatTensor)
    assert ctorch.cuda.LongTensor.dtype is ctorch.int64 and ctorch.cuda.FloatTensor.is_cuda
    if not COMPILED:
        with pytest.raises(TypeError, match="Torch not compiled with CUDA enabled"):
            ctorch.cuda.FloatTensor(3)
    else:
        with pytest.raises(RuntimeError, match=NO_GPU):
            ctorch.cuda.FloatTensor(3)


def test_fork_rng_without_gpu_restores_cpu_state():
    assert ctorch.cuda.default_generators == ()
    ctorch.manual_seed(4)
    with ctorch.random.fork_rng():
        a = ctorch.rand(5)
    assert ctorch.rand(5).tolist() == a.tolist()
    with ctorch.random.fork_rng(devices=[], device_type="cuda"):
        ctorch.rand(3)


def test_cuda_generator_raises():
    _expect_no_cuda(lambda: ctorch.Generator(device="cuda"))
    _expect_no_cuda(lambda: ctorch.Generator("cuda:0"))
    assert ctorch.Generator("cpu").device == ctorch.device("cpu")


def test_tensor_to_cuda_raises():
    x = ctorch.ones(2)
    _expect_no_cuda(lambda: x.cuda())
    _expect_no_cuda(lambda: x.cuda(0))
    _expect_no_cuda(lambda: x.to("cuda"))
    _expect_no_cuda(lambda: x.to("cuda:0", ctorch.float16))
    _expect_no_cuda(lambda: x.to(ctorch.device("cuda")))
    _expect_no_cuda(lambda: x.type("torch.cuda.FloatTensor"))
    assert x.is_cuda is False and x.device.type == "cpu"
    assert x.cpu() is x


def test_factories_on_cuda_raise():
    _expect_no_cuda(lambda: ctorch.zeros(1, device="cuda"))
    _expect_no_cuda(lambda: ctorch.empty(2, 3, device="cuda:0"))
    _expect_no_cuda(lambda: ctorch.tensor([1.0, 2.0], device="cuda"))
    _expect_no_cuda(lambda: ctorch.arange(4, device="cuda"))
    _expect_no_cuda(lambda: ctorch.randn(2, device="cuda"))
    _expect_no_cuda(lambda: ctorch.zeros_like(ctorch.ones(2), device="cuda"))
    _expect_no_cuda(lambda: ctorch.full((2,), 1.0, device=ctorch.device("cuda", 0)))


def test_runtime_calls_raise():
    _expect_no_cuda(lambda: ctorch.cuda.current_device())
    _expect_no_cuda(lambda: ctorch.cuda.set_device(0))
    _expect_no_cuda(lambda: ctorch.cuda.init())
    _expect_no_cuda(lambda: ctorch.cuda.get_device_name())
    _expect_no_cuda(lambda: ctorch.cuda.get_device_properties(0))
    _expect_no_cuda(lambda: ctorch.cuda.synchronize())
    _expect_no_cuda(lambda: ctorch.cuda.Stream())
    _expect_no_cuda(lambda: ctorch.cuda.current_stream())
    _expect_no_cuda(lambda: ctorch.cuda.get_rng_state())
    _expect_no_cuda(lambda: ctorch.cuda.initial_seed())
    _expect_no_cuda(lambda: ctorch.cuda.mem_get_info())
    _expect_no_cuda(lambda: ctorch.ones(2).pin_memory())
    assert ctorch.ones(2).is_pinned() is False


def test_device_objects_need_no_gpu():
    d = ctorch.device("cuda", 0)
    assert d.type == "cuda" and d.index == 0 and str(d) == "cuda:0"
    assert ctorch.device("cuda").index is None
    assert ctorch.device("cpu") == ctorch.ones(1).device
