"""torch.use_deterministic_algorithms and the debug-mode API: the same states, return values and
exceptions as PyTorch (listed here, so no torch is needed; compared with torch when present)."""
import pytest

import ctorch
from _torch_ref import require_torch


@pytest.fixture(autouse=True)
def _restore():
    yield
    ctorch.use_deterministic_algorithms(False)


def _state(T):
    return (T.are_deterministic_algorithms_enabled(), T.is_deterministic_algorithms_warn_only_enabled(),
            T.get_deterministic_debug_mode())


def _script(T):
    """A sequence of calls; each step's state or exception (class, message)."""
    out = [_state(T)]
    steps = [lambda: T.use_deterministic_algorithms(True), lambda: T.use_deterministic_algorithms(True, warn_only=True),
             lambda: T.use_deterministic_algorithms(False), lambda: T.set_deterministic_debug_mode("warn"),
             lambda: T.set_deterministic_debug_mode("error"), lambda: T.set_deterministic_debug_mode(0),
             lambda: T.set_deterministic_debug_mode(1), lambda: T.set_deterministic_debug_mode("default"),
             lambda: T.use_deterministic_algorithms(1), lambda: T.use_deterministic_algorithms(None),
             lambda: T.set_deterministic_debug_mode(3), lambda: T.set_deterministic_debug_mode("x"),
             lambda: T.set_deterministic_debug_mode(1.0)]
    for f in steps:
        try:
            f()
            out.append(_state(T))
        except (TypeError, RuntimeError) as e:
            out.append((type(e).__name__, str(e).replace("torch", "T").replace("ctorch", "T")))
    T.use_deterministic_algorithms(False)
    return out


def test_states_and_errors():
    got = _script(ctorch)
    assert got[:9] == [(False, False, 0), (True, False, 2), (True, True, 1), (False, False, 0), (True, True, 1),
                       (True, False, 2), (False, False, 0), (True, True, 1), (False, False, 0)]
    assert got[9][0] == got[10][0] == "TypeError" and "must be bool, not int" in got[9][1]
    assert got[11] == ("RuntimeError", "invalid value of debug_mode, expected 0, 1, or 2, but got 3")
    assert got[12][0] == "RuntimeError" and "expected one of `default`, `warn`, `error`, but got x" in got[12][1]
    assert got[13] == ("TypeError", "debug_mode must be str or int, but got <class 'float'>")


def test_cpu_index_writes_unchanged():
    ctorch.manual_seed(0)
    src, idx = ctorch.randn(300, 8), ctorch.randint(0, 10, (300,))
    ref = ctorch.zeros(10, 8).index_add_(0, idx, src)
    ctorch.use_deterministic_algorithms(True)
    assert ctorch.zeros(10, 8).index_add_(0, idx, src).tolist() == ref.tolist()


def test_matches_torch():
    torch = require_torch()
    assert _script(ctorch) == _script(torch)
