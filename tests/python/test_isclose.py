"""isclose / allclose: against NumPy's formula (always) and torch (when present)."""
import numpy as np
import pytest

import ctorch
from _torch_ref import require_torch

NAN, INF = float("nan"), float("inf")
CASES = [
    ("f32", [1.0, NAN, INF, 2.0, -INF, 1e-9, 0.0], [1.0 + 1e-9, NAN, INF, 2.1, INF, 0.0, -0.0], {}),
    ("f32", [1.0, NAN], [1.0, NAN], {"equal_nan": True}),
    ("f64", [1.0, 2.0, 3.0], [1.05, 2.5, 3.0], {"rtol": 0.1}),
    ("f64", [1.0, 2.0, 3.0], [1.05, 2.5, 3.0], {"rtol": 0, "atol": 0}),
    ("f16", [1.0, 2.0], [1.001, 2.01], {}),
    ("i64", [1, 2, 5], [1, 3, 7], {"rtol": 0.5, "atol": 0}),
    ("bool", [True, False], [True, True], {}),
]
DT = {"f32": "float32", "f64": "float64", "f16": "float16", "i64": "int64", "bool": "bool"}


def _run(M, dt, a, b, kw):
    d = getattr(M, DT[dt])
    return M.isclose(M.tensor(a, dtype=d), M.tensor(b, dtype=d), **kw).tolist()


@pytest.mark.parametrize("case", range(len(CASES)))
def test_isclose_matches_numpy(case):
    dt, a, b, kw = CASES[case]
    got = _run(ctorch, dt, a, b, kw)
    if dt == "bool":
        assert got == [x == y for x, y in zip(a, b)]
    elif dt != "f16":
        ref = np.isclose(np.array(a, np.float64), np.array(b, np.float64), rtol=kw.get("rtol", 1e-5),
                         atol=kw.get("atol", 1e-8), equal_nan=kw.get("equal_nan", False))
        assert got == ref.tolist()


@pytest.mark.parametrize("case", range(len(CASES)))
def test_isclose_matches_torch(case):
    torch = require_torch()
    dt, a, b, kw = CASES[case]
    assert _run(ctorch, dt, a, b, kw) == _run(torch, dt, a, b, kw)


def test_allclose_and_errors():
    torch = require_torch()
    for M in (torch, ctorch):
        assert M.allclose(M.tensor([1.0, 2.0]), M.tensor([1.0, 2.00001]))
        assert not M.allclose(M.tensor([1.0, NAN]), M.tensor([1.0, NAN]))
        assert M.allclose(M.tensor([1.0, NAN]), M.tensor([1.0, NAN]), equal_nan=True)
        assert M.ones(2, 1).allclose(M.ones(3)) and M.ones(2).isclose(M.ones(2)).all()
    for expr in ["M.isclose(M.tensor([1]), M.tensor([1.]))", "M.isclose(M.ones(2), M.ones(2), rtol=-1)",
                 "M.isclose(M.ones(2), M.ones(2), atol=-1)", "M.isclose(M.ones(2), M.ones(3))"]:
        msgs = []
        for M in (torch, ctorch):
            with pytest.raises(RuntimeError) as e:
                eval(expr)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]
