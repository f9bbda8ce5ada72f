"""ctorch.version, as torch.version: the package version and the CUDA toolkit it was built with
(None for a CPU-only build)."""
from . import _C, __version__  # noqa: F401
cuda = _C._cuda_version()
hip = None
debug = False
