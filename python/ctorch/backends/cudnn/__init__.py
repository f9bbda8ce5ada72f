"""ctorch.backends.cudnn: ctorch does not use cuDNN, so is_available() is False and version() is
None. The flags keep PyTorch's defaults and accept assignment, so scripts that set
``cudnn.benchmark = True`` or ``cudnn.deterministic = True`` run unchanged."""
import contextlib as _contextlib

enabled = True
benchmark = False
benchmark_limit = None  # as PyTorch reports it without cuDNN
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None


def is_acceptable(tensor):
    return False


@_contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True):
    """Sets the flags for the duration of a with-block, then restores them."""
    g = globals()
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")  # benchmark_limit: cuDNN only
    old = {k: g[k] for k in names}
    g.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        g.update(old)
