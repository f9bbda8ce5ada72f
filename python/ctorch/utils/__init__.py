"""ctorch.utils: cmake_prefix_path and DLPack helpers (data loading lives in ctorch.utils.data)."""
import os as _os

from . import dlpack

# Directory holding share/cmake/ctorch inside the installed package (find_package(ctorch)).
cmake_prefix_path = _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))), "share", "cmake")
