"""Algorithm 1 of seed 002 (section 3.7, Theorem 3.7): attention through a low-rank ``A~ = U1 U2^T``.

    A~ = P(scale Q K^T) = U1 U2^T            (Lemma 3.4 via Lemma 3.2 and Corollary 2.2)
    w~ = U1 (U2^T 1),   T = diag(w~)^{-1} U1 (U2^T V)

with ``scale = 1/d`` by default and ``P = exp_polynomial(R, eps)`` certified on ``[-R, R]``,
``R = |scale| d B^2`` (Lemma 3.3: ``|scale <Q_i, K_j>| <= R`` when ``||Q||, ||K|| <= B``).  Both
products share one pass: ``Z = U1 (U2^T [1 | V])``.  ``U1`` and ``U2`` are built and consumed in row
blocks, so memory stays O(block r) while the time is O(n r (e + 1)).

Guarantee (Lemma 3.5 with D~ = diag(A~ 1), then Lemma 3.6 in the form that holds, see
docs/poly.md): in exact arithmetic ``||T - Att||_inf <= 2 eps_A ||V||_inf`` with
``eps_A = P.certified_error <= eps``; so ``eps`` is the relative accuracy of the entries of A~, not
the additive accuracy of the output.  float64 rounding adds at most about
``2 gamma S_i ||V|| / w_i`` in row i, ``S_i = sum_j sum_t |U1_it U2_jt|``
(:class:`PolyAttentionReport` returns ``S`` and ``w~``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from impl.elements import FLOAT64, as_attention_inputs, as_scalar, power_of_two_scale
from impl.poly.expoly import ExpPolynomial, exp_polynomial, validate_radius_eps
from impl.poly.features import monomials, paper_rank, rank, weights

#: float64 entries per feature block (rows x rank), 16 MB: skinny GEMMs need a few hundred rows to
#: run near memory bandwidth (measured on the benchmark machine)
BLOCK_ENTRIES = 1 << 21
#: radius used when every logit is 0 (Q or K all zero, or scale 0)
MIN_RADIUS = 2.0 ** -30


@dataclass(frozen=True)
class PolyAttentionReport:
    """Everything :func:`poly_attention` computed, for checking its error bound."""

    output: np.ndarray
    poly: ExpPolynomial
    #: the certificate radius ``R >= |scale| d B^2`` (rounded up) and its inputs
    radius: float
    B: float
    scale: float
    #: number of feature columns ``C(d + g, g)`` and the count printed in Lemma 3.2
    rank: int
    paper_rank: int
    #: the computed row sums ``w~ = U1 (U2^T 1)`` (the diagonal of D~)
    row_sums: np.ndarray
    #: ``S_i = (|U1| (|U2|^T 1))_i`` when ``with_abs_sums``, else None
    abs_sums: np.ndarray | None


def _float_up(q: Fraction) -> float:
    f = float(q)
    if Fraction(f) < q:
        f = math.nextafter(f, math.inf)
    return f


def _validate(Q: Any, K: Any, V: Any, eps: Any, B: Any, scale: Any):
    Qa, Ka, Va, kind = as_attention_inputs(Q, K, V)
    if kind is not FLOAT64:
        raise TypeError("poly_attention works on float64 arrays (Q holds "
                        f"{kind.name} numbers); use impl.attention for exact kinds")
    d = Qa.shape[1]
    validate_radius_eps(1.0, eps)
    qmax, kmax = float(np.max(np.abs(Qa))), float(np.max(np.abs(Ka)))
    if B is None:
        Bv = max(qmax, kmax)
    else:
        Bv = as_scalar(B, "B", FLOAT64)
        if Bv <= 0:
            raise ValueError(f"B must be > 0, got {B!r}")
        if qmax > Bv:
            raise ValueError(f"Q has an entry of absolute value {qmax} > B = {Bv}")
        if kmax > Bv:
            raise ValueError(f"K has an entry of absolute value {kmax} > B = {Bv}")
    s = 1.0 / d if scale is None else as_scalar(scale, "scale", FLOAT64)
    radius = _float_up(abs(Fraction(s)) * d * Fraction(Bv) ** 2)
    if not math.isfinite(radius):
        raise ValueError(f"scale * d * B^2 overflows float64 (B = {Bv}, scale = {s})")
    return Qa, Ka, Va, float(eps), Bv, s, max(radius, MIN_RADIUS)


def poly_attention_report(
    Q: Any, K: Any, V: Any, *, eps: float = 1e-6, B: float | None = None,
    scale: float | None = None, with_abs_sums: bool = False, block_rows: int | None = None,
) -> PolyAttentionReport:
    """:func:`poly_attention` with its intermediate quantities (seed 002, Algorithm 1)."""
    Qa, Ka, Va, eps, Bv, s, radius = _validate(Q, K, V, eps, B, scale)
    poly = exp_polynomial(radius, eps)
    d, g = Qa.shape[1], poly.degree
    r = rank(d, g)
    W1 = weights(list(poly.coefficients), d, s)
    step = block_rows or max(1, min(max(Qa.shape[0], Ka.shape[0]), BLOCK_ENTRIES // r))
    buf = np.empty((r, step))
    # pass 1: M2^T [1 | V] over row blocks of K (M2 = monomials of K, U2 = M2), and |M2|^T 1
    e = Va.shape[1]
    # V scaled by a power of two (exactly) so that max|V| <= 1: no overflow, no subnormal loss
    v_scale = power_of_two_scale(Va)
    ones_V = np.hstack([np.ones((Ka.shape[0], 1)), Va / v_scale])
    Wr = np.zeros((r, 1 + e))
    absW = np.zeros(r) if with_abs_sums else None
    for lo in range(0, Ka.shape[0], step):
        hi = min(lo + step, Ka.shape[0])
        M2 = monomials(Ka[lo:hi], g, out=buf[:, :hi - lo] if hi - lo == step else None)
        Wr += M2.T @ ones_V[lo:hi]
        if absW is not None:
            absW += np.abs(M2).sum(axis=0)
    # U1 = M1 diag(W1): fold the weights into the small r x (1 + e) factor once
    Wr *= W1[:, None]
    if absW is not None:
        absW *= np.abs(W1)
    # pass 2: Z = M1 (diag(W1) U2^T [1 | V]) = U1 (U2^T [1 | V]) over row blocks of Q
    n = Qa.shape[0]
    out = np.empty((n, e))
    w = np.empty(n)
    S = np.empty(n) if with_abs_sums else None
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        M1 = monomials(Qa[lo:hi], g, out=buf[:, :hi - lo] if hi - lo == step else None)
        with np.errstate(over="ignore", invalid="ignore"):
            Z = M1 @ Wr
        w[lo:hi] = Z[:, 0]
        out[lo:hi] = Z[:, 1:] / Z[:, :1]
        if S is not None:
            S[lo:hi] = np.abs(M1) @ absW
    out *= v_scale
    if not np.all(np.isfinite(out)):
        raise ValueError("V is too large: the sums U2^T V overflow float64 (found by the hostile-input "
                         "survey: entries near 1e298); rescale V")
    if not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError(
            "float64 cancellation: a row sum of U1 U2^T came out <= 0; the logits' range "
            f"R = {radius:g} is beyond what float64 features resolve at eps = {eps:g}")
    return PolyAttentionReport(out, poly, radius, Bv, s, r, paper_rank(d, g), w, S)


def poly_attention(Q: Any, K: Any, V: Any, *, eps: float = 1e-6, B: float | None = None,
                   scale: float | None = None) -> np.ndarray:
    """Approximate ``Att(Q, K, V) = D^{-1} exp(scale Q K^T) V`` by Algorithm 1 of seed 002.

    ``eps``: relative accuracy of the polynomial (``|A~_ij - A_ij| <= eps A_ij``, Lemma 3.4); the
    output then satisfies ``||T - Att||_inf <= 2 eps ||V||_inf`` up to float64 rounding
    (Lemmas 3.5 and 3.6; for an additive target ``eps_a`` pass ``eps = eps_a / (2 ||V||_inf)``).
    ``B``: bound on the entries of Q and K (default: their max-abs entry); ``scale`` defaults to
    ``1/d``.  Raises ValueError/TypeError naming the argument on bad input.
    """
    return poly_attention_report(Q, K, V, eps=eps, B=B, scale=scale).output
