"""Anomaly detection: record the forward stack of every graph node, report it when its backward
fails, and (with check_nan) fail on backward functions that return NaN."""
import atexit
import traceback
import warnings

from .. import _C

__all__ = ["detect_anomaly", "set_detect_anomaly"]


def _forward_trace():
    # Drop this function's own frame: the trace ends at the user's op call, as in PyTorch.
    return "".join(traceback.format_stack()[:-1])


def _report_error(node_name, trace):
    warnings.warn("Error detected in %s. Traceback of forward call that caused the error:\n%s"
                  % (node_name, trace), UserWarning, stacklevel=2)


def _apply(enabled, check_nan):
    _C._set_anomaly_enabled(bool(enabled), bool(check_nan))
    if enabled:
        _C._set_anomaly_trace_provider(_forward_trace)
        _C._set_anomaly_error_reporter(_report_error)
    else:
        _C._set_anomaly_trace_provider(None)
        _C._set_anomaly_error_reporter(None)


class detect_anomaly:
    """Context manager enabling anomaly detection for the autograd engine (a debugging aid)."""

    def __init__(self, check_nan=True):
        self.prev = _C._is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = _C._is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        _apply(True, self.check_nan)

    def __exit__(self, exc_type, exc_value, tb):
        _apply(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Turns anomaly detection on/off immediately; as a context manager, restores it on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = _C._is_anomaly_enabled()
        self.prev_check_nan = _C._is_anomaly_check_nan_enabled()
        _apply(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, exc_type, exc_value, tb):
        _apply(self.prev, self.prev_check_nan)


@atexit.register
def _clear_callbacks():
    # The C++ side keeps these in statics that outlive the interpreter; drop them while it is alive.
    _C._set_anomaly_trace_provider(None)
    _C._set_anomaly_error_reporter(None)


def is_anomaly_enabled():
    return _C._is_anomaly_enabled()


def is_anomaly_check_nan_enabled():
    return _C._is_anomaly_check_nan_enabled()
