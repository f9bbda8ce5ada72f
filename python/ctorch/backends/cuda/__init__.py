"""ctorch.backends.cuda: is_built() and the cuBLAS flags (``matmul``)."""
from ... import _C

__all__ = ["is_built", "matmul"]


def is_built():
    """True when ctorch was compiled with CUDA (a GPU may still be absent)."""
    return bool(_C._cuda_compiled())


class cuBLASModule:
    """``torch.backends.cuda.matmul``: process-wide flags read at every CUDA GEMM."""

    _NAMES = ("allow_tf32", "allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction")

    def __getattr__(self, name):
        if name not in self._NAMES:
            raise AttributeError("Unknown attribute " + name)
        return _C._get_blas_flags()[self._NAMES.index(name)]

    def __setattr__(self, name, value):
        if name not in self._NAMES:
            raise AttributeError("Unknown attribute " + name)
        _C._set_blas_flag(name, bool(value))


matmul = cuBLASModule()
