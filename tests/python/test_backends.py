"""ctorch.backends / ctorch.version / float32 matmul precision: PyTorch's defaults and setters
(listed here, so no torch is needed), and the same answers as torch when it is importable."""
import warnings

import pytest

import ctorch
from _torch_ref import require_torch


@pytest.fixture(autouse=True)
def _restore_flags():
    m = ctorch.backends.cuda.matmul
    saved = (m.allow_tf32, m.allow_fp16_reduced_precision_reduction, m.allow_bf16_reduced_precision_reduction,
             ctorch.get_float32_matmul_precision(), ctorch.backends.cudnn.benchmark,
             ctorch.backends.cudnn.deterministic)
    yield
    m.allow_tf32, m.allow_fp16_reduced_precision_reduction, m.allow_bf16_reduced_precision_reduction = saved[:3]
    ctorch.set_float32_matmul_precision(saved[3])
    ctorch.backends.cudnn.benchmark, ctorch.backends.cudnn.deterministic = saved[4:]


def test_defaults():
    m = ctorch.backends.cuda.matmul
    assert m.allow_tf32 is False
    assert m.allow_fp16_reduced_precision_reduction is True
    assert m.allow_bf16_reduced_precision_reduction is True
    assert ctorch.get_float32_matmul_precision() == "highest"
    c = ctorch.backends.cudnn
    assert (c.enabled, c.benchmark, c.deterministic, c.allow_tf32) == (True, False, False, True)
    assert c.is_available() is False and c.version() is None
    assert ctorch.backends.mps.is_available() is False and ctorch.backends.mps.is_built() is False
    assert ctorch.backends.cuda.is_built() is bool(ctorch._C._cuda_compiled())


def test_precision_and_tf32_flag_move_together():
    m = ctorch.backends.cuda.matmul
    for p, tf32 in (("high", True), ("medium", True), ("highest", False)):
        ctorch.set_float32_matmul_precision(p)
        assert ctorch.get_float32_matmul_precision() == p
        assert m.allow_tf32 is tf32
    m.allow_tf32 = True
    assert ctorch.get_float32_matmul_precision() == "high"
    m.allow_tf32 = False
    assert ctorch.get_float32_matmul_precision() == "highest"
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ctorch.set_float32_matmul_precision("fast")
    assert any("is not one of 'highest', 'high', or 'medium'" in str(x.message) for x in w)
    assert ctorch.get_float32_matmul_precision() == "highest"


def test_matmul_flags_set_and_reject_unknown_names():
    m = ctorch.backends.cuda.matmul
    m.allow_fp16_reduced_precision_reduction = False
    m.allow_bf16_reduced_precision_reduction = 0
    assert m.allow_fp16_reduced_precision_reduction is False
    assert m.allow_bf16_reduced_precision_reduction is False
    with pytest.raises(AttributeError, match="Unknown attribute allow_tf33"):
        m.allow_tf33 = True
    with pytest.raises(AttributeError, match="Unknown attribute foo"):
        m.foo


def test_cudnn_flags_assign_and_context():
    c = ctorch.backends.cudnn
    c.benchmark = True
    c.deterministic = True
    assert c.benchmark and c.deterministic
    with c.flags(enabled=False, benchmark=False, deterministic=False):
        assert (c.enabled, c.benchmark, c.deterministic) == (False, False, False)
    assert (c.enabled, c.benchmark, c.deterministic) == (True, True, True)


def test_cpu_matmul_unaffected_by_tf32():
    a = ctorch.rand(64, 64)
    ref = (a @ a).tolist()
    ctorch.backends.cuda.matmul.allow_tf32 = True
    assert (a @ a).tolist() == ref


def test_version():
    assert ctorch.version.__version__ == ctorch.__version__
    assert ctorch.version.hip is None
    if ctorch._C._cuda_compiled():
        major, minor = ctorch.version.cuda.split(".")
        assert int(major) >= 11 and minor.isdigit()
    else:
        assert ctorch.version.cuda is None


def test_matches_torch():
    torch = require_torch()
    for mod in (torch, ctorch):
        assert mod.get_float32_matmul_precision() == "highest"
    tm, cm = torch.backends.cuda.matmul, ctorch.backends.cuda.matmul
    for name in ("allow_tf32", "allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction"):
        assert getattr(tm, name) == getattr(cm, name), name
    for name in ("enabled", "benchmark", "deterministic", "allow_tf32", "benchmark_limit"):
        assert getattr(torch.backends.cudnn, name) == getattr(ctorch.backends.cudnn, name), name
    assert torch.backends.mps.is_available() == ctorch.backends.mps.is_available()
    with pytest.raises(AttributeError):
        tm.foo = 1
