"""Tensor repr/str for ctorch, matching PyTorch 2.13 character for character.

Pure Python + NumPy; no dependency on the compiled extension.  The only difference
from ``repr(torch_tensor)`` is the dtype namespace (``dtype=ctorch.float64``); line
wrapping of the suffixes is decided with torch's name lengths so that the layout is
identical to ``repr(t).replace('torch.', 'ctorch.')``.

Public API
----------
set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                 profile=None, sci_mode=None)
    Like torch: profile "default"/"short"/"full" first (an unknown profile is ignored
    silently), then explicit values.  ``sci_mode`` is ALWAYS assigned, so any call
    without ``sci_mode=`` resets it to None (torch does the same).
get_printoptions() -> dict  keys: precision, threshold, edgeitems, linewidth, sci_mode
printoptions(**kwargs)      context manager restoring the previous options on exit.

format_tensor(values, *, dtype_name, default_dtype_name="ctorch.float32",
              device_str=None, requires_grad=False, grad_fn_name=None,
              prefix="tensor(", is_default_dtype_for_print=None,
              is_empty_shape=None) -> str
    values              NumPy array with the tensor's shape and values (bool, uint8,
                        int8/16/32/64, float16/32/64; pass bfloat16 converted to
                        float32 -- torch itself formats bf16/f16 via float32).
    dtype_name          printed dtype, e.g. "ctorch.float32".
    default_dtype_name  current default float dtype (ctorch.get_default_dtype());
                        the "torch."/"ctorch." prefix is ignored when comparing.
                        dtype= is omitted for non-empty tensors whose dtype is the
                        default float dtype, its complex counterpart, int64 or bool;
                        for empty tensors only when it equals the default float dtype.
    device_str          None for the default device (CPU), else e.g. "cuda:0"
                        (printed as device='cuda:0').
    requires_grad / grad_fn_name
                        grad_fn_name (e.g. "AddBackward0") wins over requires_grad.
    prefix              "tensor(" normally; its length is the continuation indent.
    is_default_dtype_for_print
                        optional override of the dtype= rule for NON-empty tensors.
    is_empty_shape      accepted for compatibility, ignored (shape comes from values).
"""

import contextlib
import math

import numpy as np

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "format_tensor",
           "PRINT_OPTS"]


class _PrintOptions:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set print options (same semantics as torch.set_printoptions)."""
    if profile is not None and profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Current print options as a dict (same keys and order as torch)."""
    return {name: getattr(PRINT_OPTS, name) for name in _PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# --------------------------------------------------------------------------- helpers

def _edge_rows(n, edge):
    """Indices of the rows shown when summarising a dimension of size n."""
    if n > 2 * edge:
        return list(range(edge)) + list(range(n - edge, n))
    return list(range(n))


def _summarized(a, edge):
    """The values that will actually be displayed in summary mode (decides widths)."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        if a.shape[0] > 2 * edge:
            # a[-0:] is the whole array: with edgeitems=0 every value counts (as torch).
            return np.concatenate((a[:edge], a[-edge:]))
        return a
    if not edge:
        return np.empty((0,) * a.ndim, dtype=a.dtype)
    return np.stack([_summarized(a[i], edge) for i in _edge_rows(a.shape[0], edge)])


class _Formatter:
    """Chooses one number style and one column width for a whole tensor."""

    def __init__(self, data, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.precision = PRINT_OPTS.precision
        self.width = 1
        flat = data.reshape(-1)
        if not floating:
            for v in flat.tolist():
                self.width = max(self.width, len(str(v)))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return  # only zeros / nan / inf: int style, and sci_mode option ignored
        mags = np.abs(vals).astype(np.float64)
        lo, hi = float(mags.min()), float(mags.max())
        with np.errstate(all="ignore"):
            ratio = float(np.float64(hi) / np.float64(lo))
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        wide = ratio > 1000.0 or hi > 1.0e8
        self.sci_mode = wide if self.int_mode else (wide or lo < 1.0e-4)
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = bool(PRINT_OPTS.sci_mode)
        for v in vals.astype(np.float64).tolist():
            self.width = max(self.width, len(self._plain(v)))

    def _plain(self, v):
        if self.sci_mode:
            return "{:.{}e}".format(v, self.precision)
        if self.int_mode:
            s = "{:.0f}".format(v)
            return s if (math.isnan(v) or math.isinf(v)) else s + "."
        return "{:.{}f}".format(v, self.precision)

    def format(self, v):
        s = self._plain(v) if self.floating else str(v)
        return " " * (self.width - len(s)) + s


def _vector_str(a, indent, summarize, fmt):
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2))))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = ([fmt.format(v) for v in a[:edge].tolist()] + [" ..."]
                 + [fmt.format(v) for v in a[-edge:].tolist()])
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    edge = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * edge:
        parts = ([_nested_str(a[i], indent + 1, summarize, fmt) for i in range(edge)]
                 + ["..."]
                 + [_nested_str(a[i], indent + 1, summarize, fmt) for i in range(n - edge, n)])
    else:
        parts = [_nested_str(a[i], indent + 1, summarize, fmt) for i in range(n)]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def _tensor_body(a, indent):
    summarize = a.size > PRINT_OPTS.threshold
    floating = a.dtype.kind == "f"
    fmt = _Formatter(_summarized(a, PRINT_OPTS.edgeitems) if summarize else a, floating)
    return _nested_str(a, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    """suffixes: list of (text, width torch would measure)."""
    out = [text]
    last_len = len(text) - text.rfind("\n") + 1  # torch's exact (off-by-some) measure
    for s, width in suffixes:
        if last_len + width + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + s)
            last_len = indent + width
        else:
            out.append(", " + s)
            last_len += width + 2
    out.append(")")
    return "".join(out)


def _short(name):
    return str(name).rsplit(".", 1)[-1]


def format_tensor(values, *, dtype_name, default_dtype_name="ctorch.float32",
                  device_str=None, requires_grad=False, grad_fn_name=None,
                  prefix="tensor(", is_default_dtype_for_print=None, is_empty_shape=None):
    """repr() of a tensor whose values/shape are the NumPy array ``values``."""
    del is_empty_shape  # compatibility only
    a = np.asarray(values)
    if a.dtype == np.float16:
        a = a.astype(np.float32)  # torch formats half via float32
    if a.dtype.kind not in "biuf":
        raise TypeError("format_tensor: unsupported NumPy dtype %s" % a.dtype)
    indent = len(prefix)
    dtype_short = _short(dtype_name)
    default_short = _short(default_dtype_name)
    dtype_suffix = ("dtype=" + str(dtype_name), len("dtype=torch.") + len(dtype_short))

    suffixes = []
    if device_str is not None:
        s = "device='" + str(device_str) + "'"
        suffixes.append((s, len(s)))
    if a.size == 0:
        if a.ndim != 1:
            s = "size=" + str(tuple(int(d) for d in a.shape))
            suffixes.append((s, len(s)))
        if dtype_short != default_short:
            suffixes.append(dtype_suffix)
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            s = "size=" + str(tuple(int(d) for d in a.shape))
            suffixes.append((s, len(s)))
        if is_default_dtype_for_print is None:
            complex_default = "complex128" if default_short == "float64" else "complex64"
            is_default = dtype_short in (default_short, complex_default, "int64", "bool")
        else:
            is_default = bool(is_default_dtype_for_print)
        if not is_default:
            suffixes.append(dtype_suffix)
        body = _tensor_body(a, indent)
    if grad_fn_name is not None:
        s = "grad_fn=<" + str(grad_fn_name) + ">"
        suffixes.append((s, len(s)))
    elif requires_grad:
        suffixes.append(("requires_grad=True", len("requires_grad=True")))
    return _add_suffixes(prefix + body, suffixes, indent)
