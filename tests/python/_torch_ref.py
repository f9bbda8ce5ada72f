"""Shared helper for tests that compare ctorch against the real PyTorch.

Usage (inside a test or fixture, never at module import time, so that test files are
still collected on machines without torch):

    from _torch_ref import require_torch
    torch = require_torch()

* torch importable                     -> returns the torch module
* torch missing, CTORCH_REQUIRE_TORCH unset/"0"/"" -> pytest.skip(...)
* torch missing, CTORCH_REQUIRE_TORCH set (e.g. 1) -> pytest.fail(...)
"""

import os

import pytest


def torch_required():
    """True when the environment demands that reference tests really run."""
    return os.environ.get("CTORCH_REQUIRE_TORCH", "").strip() not in ("", "0")


def require_torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        msg = "PyTorch reference not importable: %s" % (exc,)
        if torch_required():
            pytest.fail(msg + " (CTORCH_REQUIRE_TORCH is set)", pytrace=False)
        pytest.skip(msg)
    return torch
