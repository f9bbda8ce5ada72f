"""ctorch.backends: switches of the compute backends, as torch.backends.

cuda.matmul.allow_tf32 / allow_fp16_reduced_precision_reduction /
allow_bf16_reduced_precision_reduction steer the CUDA GEMM (cuBLAS math mode and compute type).
ctorch has no cuDNN and no MPS: cudnn.is_available() and mps.is_available() are False, and the
cudnn flags are kept (scripts set them) without anything to steer yet.
"""
from . import cuda, cudnn, mps  # noqa: F401
