"""Exact attention ``D^{-1} exp(scale * Q K^T) V`` (DA Definition 1.1, DA arXiv v1 section 1).

float64 inputs are max-shifted per row (``exp(M - max_row M)``), which leaves ``D^{-1} A V``
unchanged and never overflows; object arrays (sympy or mpmath elements) are computed without the
shift, exactly (sympy) or at mpmath's working precision.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.elements import FLOAT64, as_attention_inputs, as_scalar, power_of_two_scale


def attention(Q: Any, K: Any, V: Any, *, scale: Any = 1.0, block_rows: int | None = None) -> np.ndarray:
    """Return ``D^{-1} exp(scale * Q K^T) V`` for ``Q`` (n x d), ``K`` (m x d), ``V`` (m x e).

    ``D = diag(exp(scale * Q K^T) 1)``.  ``block_rows`` computes float64 results ``block_rows``
    query rows at a time so that the ``n x m`` attention matrix never has to fit in memory.
    Raises ``ValueError``/``TypeError`` naming the argument on bad input.
    """
    Qa, Ka, Va, kind = as_attention_inputs(Q, K, V)
    s = as_scalar(scale, "scale", kind)
    if block_rows is not None and (isinstance(block_rows, bool) or not isinstance(block_rows, int) or block_rows < 1):
        raise ValueError(f"block_rows must be a positive integer, got {block_rows!r}")
    if kind is not FLOAT64:
        A = kind.exp((Qa @ Ka.T) * s)
        D = A.sum(axis=1)
        return (A @ Va) / D[:, None]
    step = Qa.shape[0] if block_rows is None else block_rows
    # V scaled by a power of two (exactly) to max|V| <= 1: with A <= 1 the sums stay within m, so
    # neither V entries near 1e308 overflow nor subnormal ones lose their bits
    v_scale = power_of_two_scale(Va)
    Vs = Va / v_scale
    # each output entry is a convex combination of its column of V, so it lies in the column's
    # range; rounding can step outside by an ulp, which scaled back overflows when max|V| is the
    # largest float64 (found by DA-4.1/hostile-input, deep profile, seed 208326134)
    v_min, v_max = Vs.min(axis=0), Vs.max(axis=0)
    out = np.empty((Qa.shape[0], Va.shape[1]))
    for lo in range(0, Qa.shape[0], step):
        with np.errstate(over="ignore", invalid="ignore"):
            M = (Qa[lo:lo + step] @ Ka.T) * s
        if not np.isfinite(M).all():
            raise ValueError("the logits scale * Q K^T overflow float64; rescale Q or K")
        M -= M.max(axis=1, keepdims=True)
        A = np.exp(M)
        mean = (A @ Vs) / A.sum(axis=1)[:, None]
        np.clip(mean, v_min, v_max, out=mean)
        out[lo:lo + step] = mean * v_scale
    return out
