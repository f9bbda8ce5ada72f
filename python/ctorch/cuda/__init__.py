"""ctorch.cuda: device queries and seeding. On builds without CUDA everything reports no device."""
from .. import _C

_initialized = False


def _compiled():
    return bool(_C._cuda_compiled())


def is_available():
    return _compiled() and device_count() > 0


def device_count():
    if not _compiled():
        return 0
    fn = getattr(_C, "_cuda_device_count", None)
    return int(fn()) if fn else 0


def is_initialized():
    return _initialized


def init():
    _lazy_init()


def _lazy_init():
    if not _compiled():
        raise AssertionError("Torch not compiled with CUDA enabled")


def current_device():
    _lazy_init()
    return 0


def set_device(device):
    _lazy_init()


def get_device_name(device=None):
    _lazy_init()
    fn = getattr(_C, "_cuda_device_name", None)
    return fn(0 if device is None else int(getattr(device, "index", device) or 0)) if fn else "cuda"


def synchronize(device=None):
    if _compiled():
        fn = getattr(_C, "_cuda_synchronize", None)
        if fn:
            fn()


def empty_cache():
    pass


def manual_seed(seed):
    """Seeds the CUDA generators (no-op without CUDA, like torch's lazy seeding)."""
    fn = getattr(_C, "_cuda_manual_seed", None)
    if fn and is_available():
        fn(int(seed))


manual_seed_all = manual_seed


def seed():
    pass


seed_all = seed


def initial_seed():
    _lazy_init()
    return 0
