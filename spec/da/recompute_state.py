"""DA Lemma 4.8 (DA arXiv v1, section 4.4): after Recompute the maintained V, D and C are exact.

The structure's internals are read through :func:`maintained`; the expected values are computed
from the current Q, K, V by the definition.  float64 structures keep rows in shifted units
(``impl.expkernel``), so the expectation uses the same per-row shift.

A structure from outside the project offers the same view by a method ``maintained_state()``
returning ``(C, D, V, shifts)`` (``shifts`` None when its rows are not shifted); the conformance
kit checks Lemma 4.8 on it only then, and never reads its attributes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from impl.dynamic import DynamicAttention
from impl.literal import PaperV1Attention
from spec.da.program import FLOAT_TOL, exact_zero
from spec.registry import Counterexample


def maintained(subject: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """(C, D, V, row shifts or None) as maintained by a structure, right after a recompute."""
    view = getattr(subject, "maintained_state", None)
    if callable(view):
        C, D, V, shifts = view()
        return (np.asarray(C), np.asarray(D), np.asarray(V), None if shifts is None else np.asarray(shifts))
    if isinstance(subject, DynamicAttention):
        shifts = subject.kernel.s if subject.kind.shifted else None
        return subject.C, subject.kernel.D, subject.V0, shifts
    if isinstance(subject, PaperV1Attention):
        return subject.C, subject.D, subject.V, None
    raise TypeError(f"no view of the maintained state of {type(subject).__name__}")


def check_recompute_state(subject: Any, Q: np.ndarray, K: np.ndarray, V: np.ndarray, kind: str,
                          where: dict[str, Any], scale: Any = 1) -> None:
    """Raise Counterexample unless the maintained C, D, V equal ``A V``, ``A 1`` and ``V`` for
    ``A = exp(scale Q K^T)`` (in the structure's row shifts)."""
    C, D, V0, shifts = maintained(subject)
    if kind == "exact":
        A = np.vectorize(sympy.exp, otypes=[object])((Q @ K.T) * scale)
        for name, got, want in (("V", V0, V), ("D", D, A.sum(axis=1)), ("C", C, A @ V)):
            for idx, g in np.ndenumerate(got):
                if not exact_zero(g - want[idx]):
                    raise Counterexample(f"after recompute the maintained {name} is wrong",
                                         entry=list(idx), expected=str(want[idx]),
                                         got=str(g), gap=str(sympy.N(g - want[idx], 15)),
                                         **where)
        return
    M = (Q @ K.T) * float(scale)
    s = shifts if shifts is not None else np.zeros(M.shape[0])
    A = np.exp(M - s[:, None])
    scale_v = float(np.max(np.abs(V)))
    checks = (("V", V0, V, np.full(V.shape, scale_v)),
              ("D", D, A.sum(axis=1), A.sum(axis=1)),
              ("C", C, A @ V, (A.sum(axis=1) * scale_v)[:, None] * np.ones(V.shape)))
    for name, got, want, size in checks:
        err = np.abs(np.asarray(got, dtype=float) - want)
        bad = np.argwhere(~(err <= FLOAT_TOL * size))
        if bad.size:
            idx = tuple(int(v) for v in bad[0])
            raise Counterexample(f"after recompute the maintained {name} is wrong: expected "
                                 f"{float(want[idx])!r}, got {float(got[idx])!r}, gap "
                                 f"{float(err[idx]):.3g}", entry=list(idx),
                                 expected=float(want[idx]), got=float(got[idx]),
                                 gap=float(err[idx]), bound=float(FLOAT_TOL * size[idx]), **where)
