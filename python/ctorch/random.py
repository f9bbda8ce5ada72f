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


_fork_rng_warned_already = False


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Restores the CPU RNG state and the states of `devices` (default: every visible GPU of
    `device_type`) on exit."""
    if not enabled:
        yield
        return
    import ctorch
    if device_type == "meta":
        devices = []
    elif device_type != "cuda":
        raise RuntimeError("torch has no module of %s, you should register a module by "
                           "`torch._register_device_module`." % device_type)
    device_mod = ctorch.cuda
    if devices is None:
        num_devices = device_mod.device_count()
        global _fork_rng_warned_already
        if num_devices > 1 and not _fork_rng_warned_already:
            import warnings
            warnings.warn(
                "CUDA reports that you have %d available devices, and you have used %s without explicitly "
                "specifying which devices are being used. For safety, we initialize *every* CUDA device by "
                "default, which can be quite slow if you have a lot of CUDAs. If you know that you are only "
                "making use of a few CUDA devices, set the environment variable CUDA_VISIBLE_DEVICES or the "
                "'%s' keyword argument of %s with the set of devices you are actually using."
                % (num_devices, _caller, _devices_kw, _caller))
            _fork_rng_warned_already = True
        devices = list(range(num_devices))
    else:
        devices = list(devices)
    cpu_state = _C.get_rng_state()
    device_states = [device_mod.get_rng_state(d) for d in devices]
    try:
        yield
    finally:
        _C.set_rng_state(cpu_state)
        for d, st in zip(devices, device_states):
            device_mod.set_rng_state(st, d)
