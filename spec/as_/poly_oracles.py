"""Exact and high-precision oracles for the AS (arXiv 2302.13214) statements of sections 2-3 (no
impl internals).

``fraction_matrix`` turns a float64 array into exact Fractions; ``mp_attention`` is the attention
``D^{-1} exp(scale Q K^T) V`` at 120 bits (its error is far below the rounding terms it is compared
with, and is accounted for as ``REFERENCE_ERROR * ||V||``); ``gamma`` is Higham's
``gamma_m = m u / (1 - m u)`` with ``u = 2^-53``, the bound on the relative error of m floating
point operations in sequence.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np

U = 2.0 ** -53
#: bound on |mp_attention - Att| / ||V|| (120-bit arithmetic, n <= 64 terms per sum)
REFERENCE_ERROR = 2.0 ** -90


def gamma(m: int) -> float:
    if m * U >= 0.5:
        raise ValueError("gamma_m needs m u < 1/2")
    return m * U / (1 - m * U)


def fraction_matrix(x: np.ndarray) -> list[list[Fraction]]:
    return [[Fraction(float(v)) for v in row] for row in np.asarray(x, dtype=np.float64)]


def mp_logits_exp(Q: np.ndarray, K: np.ndarray, scale: float) -> list[list[mpmath.mpf]]:
    """``exp(scale <Q_i, K_j>)`` at 120 bits, the logits summed exactly as Fractions."""
    s = Fraction(float(scale))
    Qf, Kf = fraction_matrix(Q), fraction_matrix(K)
    with mpmath.workprec(120):
        out = []
        for q in Qf:
            row = []
            for k in Kf:
                x = s * sum(a * b for a, b in zip(q, k))
                row.append(+mpmath.exp(mpmath.mpf(x.numerator) / x.denominator))
            out.append(row)
        return out


def mp_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """``(Att, D)`` as float64 arrays of the 120-bit results (Att rounded once more: add ``U``)."""
    A = mp_logits_exp(Q, K, scale)
    Vf = np.asarray(V, dtype=np.float64)
    with mpmath.workprec(120):
        out = np.empty((len(A), Vf.shape[1]))
        D = np.empty(len(A))
        for i, row in enumerate(A):
            Di = mpmath.fsum(row)
            D[i] = float(Di)
            for c in range(Vf.shape[1]):
                out[i, c] = float(mpmath.fsum(a * mpmath.mpf(float(v)) for a, v in zip(row, Vf[:, c])) / Di)
        return out, D
