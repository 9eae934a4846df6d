"""Attention of float64 inputs evaluated in mpmath at 60 significant digits (the "exact value on
the same float64 inputs" of the stability statement).

Products of float64 numbers are exact at 106 bits and the sums of at most a few dozen of them
lose nothing at 200 bits, so the logits are exact; exp and the final ratios carry a relative error
below 1e-55, far below the 1e-9 being checked.
"""

from __future__ import annotations

import mpmath
import numpy as np

DPS = 60


def attention_mp(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: float = 1.0) -> np.ndarray:
    n, d = Q.shape
    out = np.empty((n, V.shape[1]))
    with mpmath.workdps(DPS):
        Km = [[mpmath.mpf(float(x)) for x in row] for row in K]
        Vm = [[mpmath.mpf(float(x)) for x in row] for row in V]
        s = mpmath.mpf(float(scale))
        for i in range(n):
            q = [mpmath.mpf(float(x)) for x in Q[i]]
            logits = [s * mpmath.fsum(q[t] * k[t] for t in range(d)) for k in Km]
            top = max(logits)
            weights = [mpmath.exp(m - top) for m in logits]
            total = mpmath.fsum(weights)
            for j in range(V.shape[1]):
                out[i, j] = float(mpmath.fsum(w * v[j] for w, v in zip(weights, Vm)) / total)
    return out


def stored_arrays(obj: object, prefix: str = "") -> list[tuple[str, np.ndarray]]:
    """Every float ndarray held by a structure (recursively through attributes)."""
    found: list[tuple[str, np.ndarray]] = []
    for name, value in vars(obj).items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            found.append((prefix + name, value))
        elif hasattr(value, "__dict__") and not isinstance(value, type) and not callable(value):
            found.extend(stored_arrays(value, prefix + name + "."))
    return found
