"""ctorch.random: seeding and RNG-state helpers (torch.random)."""
import contextlib

from . import _C


def manual_seed(seed):
    import ctorch
    return ctorch.manual_seed(seed)


def seed():
    return _C.seed()


def initial_seed():
    return _C.initial_seed()


def get_rng_state():
    return _C.get_rng_state()


def set_rng_state(new_state):
    _C.set_rng_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Restores the CPU RNG state on exit (CUDA states too once CUDA generators exist)."""
    if not enabled:
        yield
        return
    state = _C.get_rng_state()
    try:
        yield
    finally:
        _C.set_rng_state(state)
