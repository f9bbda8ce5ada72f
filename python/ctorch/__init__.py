"""ctorch: a PyTorch-compatible tensor library with a C++17 core."""
from . import _C
from ._dtype import dtype, bool_ as bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64

half = float16
float = float32
double = float64
short = int16
int = int32
long = int64

Tensor = _C.Tensor
Tensor.__module__ = "ctorch"
from ._size import Size, device
